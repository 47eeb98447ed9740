//! Erasure that always holds (issue 12), on every backend: a forgetting committed by one server is
//! unreadable on another at once (their key caches learn of it from the database, not from memory), and a
//! forgetting that an older version left half done (the event committed, the key not yet destroyed) is
//! finished by asking again and by every start-up. The command line's forgetting reaching a running server
//! is in `cli` (it needs the binary).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::http::{app_with, ApiOptions};
use axum::Router;
use cqrs_es::Aggregate as _;
use domain::person::{Person, PersonEvent};
use serde_json::{json, Value};
use store::AggregateStore;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_forgetting_on_one_server_is_unreadable_on_another_at_once,
    a_half_done_forgetting_is_finished_by_asking_again,
    a_half_done_forgetting_is_finished_at_start_up,
    a_forgotten_name_is_served_by_no_process_once_the_forgetting_commits,
);

const NOTE: &str = "Worried about her visa; do not mention it at work";

const NOTES: &str = "query($p: ID!) { personNotes(personId: $p) { text erased } }";

/// A campaign with one person who has a note. Returns the person.
async fn person_with_a_note(api: &TestApi) -> String {
    let campaign = api.create_campaign("Warehouse").await;
    let person = api.add_person(&campaign, "Ana", "Lima").await;
    api.graphql(
        "mutation($input: AddNoteInput!) { addNote(input: $input) { version } }",
        json!({"input": {"personId": person, "text": NOTE}}),
    )
    .await
    .data();
    person
}

fn note_texts(answer: &Value) -> Vec<Value> {
    answer["personNotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| note["text"].clone())
        .collect()
}

/// Whether the person's key row still exists.
async fn key_exists(api: &TestApi, person: &str) -> bool {
    store::sql::Db::of(api.groundwork.store())
        .fetch_optional(
            "SELECT person_id FROM person_keys WHERE person_id = $1",
            &store::sql::args![person],
        )
        .await
        .unwrap()
        .is_some()
}

async fn a_forgetting_on_one_server_is_unreadable_on_another_at_once(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let person = person_with_a_note(&api).await;
    let (other, other_runner) = api.second_server().await;

    // The other server reads the notes, so it holds the person's key in memory.
    let before = post_graphql(&other, NOTES, json!({"p": person})).await;
    assert_eq!(note_texts(before.data()), vec![json!(NOTE)]);

    api.graphql(
        "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { version } }",
        json!({"p": person}),
    )
    .await
    .data();

    // No waiting: the forgetting has committed, so the other server cannot open the notes any more.
    let after = post_graphql(&other, NOTES, json!({"p": person})).await;
    let notes = after.data()["personNotes"].as_array().unwrap().clone();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], Value::Null, "{after:?}");
    assert_eq!(notes[0]["erased"], true);
    other_runner.stop().await;
    api.stop().await;
}

/// Appends `PersonForgotten` the way a version without atomic forgetting did before it crashed: the event
/// is in the log, the key is not destroyed.
async fn forget_half_way(api: &TestApi, person: &str) {
    let people = AggregateStore::<Person>::new(api.groundwork.store().clone());
    let loaded = people.load(person).await.unwrap();
    let version = loaded.version();
    let mut state = loaded.into_aggregate();
    state.apply(PersonEvent::PersonForgotten);
    let mut append = people
        .prepare(
            person,
            version,
            &[PersonEvent::PersonForgotten],
            &domain::EventMetadata::from(&api::access::Identity::development().actor()).to_map(),
            &state,
        )
        .unwrap();
    assert!(append.forgets_subject, "the event forgets its data subject");
    append.forgets_subject = false;
    api.groundwork.store().append(vec![append]).await.unwrap();
    assert!(key_exists(api, person).await, "the half-done state");
}

async fn a_half_done_forgetting_is_finished_by_asking_again(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let person = person_with_a_note(&api).await;
    forget_half_way(&api, &person).await;
    let readable = api.graphql(NOTES, json!({"p": person})).await;
    assert_eq!(
        note_texts(readable.data()),
        vec![json!(NOTE)],
        "the surviving key still opens the notes"
    );

    // Asking again finishes the job instead of answering "already forgotten".
    let again = api
        .graphql(
            "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { version } }",
            json!({"p": person}),
        )
        .await;
    again.data();
    assert!(!key_exists(&api, &person).await, "the key is destroyed");
    let erased = api.graphql(NOTES, json!({"p": person})).await;
    assert_eq!(note_texts(erased.data()), vec![Value::Null]);

    // Once finished, asking again is refused as before.
    let refused = api
        .graphql(
            "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { version } }",
            json!({"p": person}),
        )
        .await;
    assert!(
        refused.error_message().contains("already been forgotten"),
        "{refused:?}"
    );
    api.stop().await;
}

async fn a_half_done_forgetting_is_finished_at_start_up(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let person = person_with_a_note(&api).await;
    let untouched = person_with_a_note(&api).await;
    forget_half_way(&api, &person).await;

    // A server starting on this database (every start migrates) finishes the forgetting.
    api.groundwork.migrate().await.unwrap();
    assert!(!key_exists(&api, &person).await, "the key is destroyed");
    assert!(
        key_exists(&api, &untouched).await,
        "nobody else is forgotten"
    );
    let erased = api.graphql(NOTES, json!({"p": person})).await;
    assert_eq!(note_texts(erased.data()), vec![Value::Null]);
    api.stop().await;
}

/// Everything a caller can read of a campaign and one person, by every read path that shows people:
/// the live and the as-of wall chart, its export, the people list and a search by name, the people
/// export, the person (live and as of now) with their contact points, and a structure test's people.
async fn everything_read(router: &Router, campaign: &str, person: &str, test: &str) -> String {
    let now = chrono::Utc::now().to_rfc3339();
    let reads = [
        "query($c: ID!) { wallChart(campaignId: $c) { units { people { personId name } } unplaced { name } } }",
        "query($c: ID!, $at: DateTime) { wallChart(campaignId: $c, asOf: $at) { units { people { personId name } } unplaced { name } } }",
        "query($c: ID!) { exportWallChart(campaignId: $c) { csv } }",
        "query($c: ID!) { people(campaignId: $c) { totalCount edges { node { id name status } } } }",
        "query($c: ID!) { people(campaignId: $c, filter: {nameSearch: \"lima\"}) { totalCount edges { node { id name } } } }",
        "query($c: ID!) { exportPeople(campaignId: $c) { csv } }",
        "query($p: ID!) { person(id: $p) { name status contactPoints { value } } }",
        "query($p: ID!, $at: DateTime) { person(id: $p, asOf: $at) { name status contactPoints { value } } }",
        "query($t: ID!) { structureTest(id: $t) { people { name } } }",
    ];
    let mut seen = String::new();
    for query in reads {
        let answer = post_graphql(
            router,
            query,
            json!({"c": campaign, "p": person, "t": test, "at": now}),
        )
        .await;
        seen.push_str(&answer.data().to_string());
        seen.push('\n');
    }
    seen
}

/// A forgetting committed by another process (the command line, another server) while this server's
/// projection has not applied it: from the commit on, no read path of either process shows the person's
/// name or contact points, although the read models still hold them until the projection catches up
/// (ADR 19).
async fn a_forgotten_name_is_served_by_no_process_once_the_forgetting_commits(
    backend: TestBackend,
) {
    let mut api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse").await;
    let unit = api.add_unit(&campaign, "Night shift", None).await;
    let person = api.add_person(&campaign, "Ana", "Lima").await;
    for (mutation, input) in [
        (
            "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }",
            json!({"personId": person, "unitId": unit}),
        ),
        (
            "mutation($input: AddContactPointInput!) { addContactPoint(input: $input) { version } }",
            json!({"personId": person, "label": "HOME", "email": "ana.lima@example.org"}),
        ),
    ] {
        api.graphql(mutation, json!({"input": input})).await.data();
    }
    let test = api
        .graphql(
            "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { id } }",
            json!({"input": {"campaignId": campaign, "name": "Petition", "goalPercent": 70, "scopeUnitIds": [],
                "deadline": "2030-01-01"}}),
        )
        .await
        .data()["createStructureTest"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(60))
        .await
        .unwrap());
    // Before: every read shows her, and the wall chart and its answer are now kept in memory.
    let before = everything_read(&api.router, &campaign, &person, &test).await;
    assert!(before.contains("Lima"), "{before}");
    assert!(before.contains("ana.lima@example.org"), "{before}");

    // The projections are held back; another process forgets her.
    api.runner.take().unwrap().abort_and_wait().await;
    let (other, other_read_models) = api.process_without_projections().await;
    let forgetting = app_with(
        other.clone(),
        other_read_models.clone(),
        ApiOptions::development(),
    );
    post_graphql(
        &forgetting,
        "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { version } }",
        json!({"p": person}),
    )
    .await
    .data();

    // The read models still hold her name: the forgetting is not projected.
    let row = store::sql::Db::of(api.groundwork.store())
        .fetch_one(
            "SELECT name, status FROM rm_people WHERE person_id = $1",
            &store::sql::args![person.as_str()],
        )
        .await
        .unwrap();
    assert!(row.opt_text("name").unwrap().is_some());
    assert_eq!(row.text("status").unwrap(), "active");

    // Yet neither this server (which kept a chart with her in it) nor the other process shows anything of
    // her any more.
    let other_server = app_with(other, other_read_models, ApiOptions::development());
    for router in [&api.router, &other_server] {
        let after = everything_read(router, &campaign, &person, &test).await;
        assert!(!after.contains("Lima"), "{after}");
        assert!(!after.contains("ana.lima@example.org"), "{after}");
        let person_answer = post_graphql(
            router,
            "query($p: ID!) { person(id: $p) { name status contactPoints { value } } }",
            json!({"p": person}),
        )
        .await;
        let shown = &person_answer.data()["person"];
        assert_eq!(shown["name"], Value::Null);
        assert_eq!(shown["status"], "FORGOTTEN");
        assert_eq!(shown["contactPoints"][0]["value"], Value::Null);
    }

    // Once the projection catches up, the read models forget her too and reads stay as they were.
    let runner = api.read_models.start(projections::RunnerOptions::default());
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(60))
        .await
        .unwrap());
    let after = everything_read(&api.router, &campaign, &person, &test).await;
    assert!(!after.contains("Lima"), "{after}");
    runner.stop().await;
}
