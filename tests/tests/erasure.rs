//! Erasure that always holds (issue 12), on every backend: a forgetting committed by one server is
//! unreadable on another at once (their key caches learn of it from the database, not from memory), and a
//! forgetting that an older version left half done (the event committed, the key not yet destroyed) is
//! finished by asking again and by every start-up. The command line's forgetting reaching a running server
//! is in `cli` (it needs the binary).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use cqrs_es::Aggregate as _;
use domain::person::{Person, PersonEvent};
use serde_json::{json, Value};
use store::AggregateStore;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_forgetting_on_one_server_is_unreadable_on_another_at_once,
    a_half_done_forgetting_is_finished_by_asking_again,
    a_half_done_forgetting_is_finished_at_start_up,
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
