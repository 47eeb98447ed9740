//! The backup drill of the README (issue 12): `groundwork events export` and the master key, restored onto
//! a fresh database of the same kind (`events import`, `projections rebuild`, and `admin create --chapter
//! --user` for an account, which an export does not carry), answer exactly as the original: the people, the
//! wall chart, a person's sealed notes and contact points, a forgotten person still forgotten, the tasks and
//! the structure tests.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tests::process::{GraphqlClient, Sandbox, Server};
use tests::Kind;

const LEAD: &str = "lead@example.org";
/// The password `Sandbox::demo_with_admin` gives the chapter's admin.
const PASSWORD: &str = "first admin passphrase 2291";

mod sqlite {
    #[test]
    fn an_export_and_the_master_key_restore_a_fresh_database_that_answers_the_same() {
        super::restore_answers_the_same(tests::Kind::Sqlite);
    }
}

mod postgres {
    #[test]
    fn an_export_and_the_master_key_restore_a_fresh_database_that_answers_the_same() {
        super::restore_answers_the_same(tests::Kind::Postgres);
    }
}

/// The answers the drill compares, by name.
async fn answers(
    client: &GraphqlClient,
    campaign: &str,
    kept: &str,
    forgotten: &str,
) -> BTreeMap<&'static str, Value> {
    let people = client
        .all_edges(
                "query($c: ID!, $after: String) { people(campaignId: $c, filter: {includeInactive: true}, first: 100, after: $after) { \
                 totalCount edges { cursor node { id name status level organizerId followUp unitIds \
                 preferredLanguage version } } pageInfo { hasNextPage endCursor } } }",
            "people",
            json!({"c": campaign}),
        )
        .await;
    let tasks = client
        .all_edges(
                "query($after: String) { tasks(first: 100, after: $after) { totalCount \
                 edges { node { id campaignId kind title assigneeId assignedById due status subjectIds \
                 createdAt updatedAt version } } pageInfo { hasNextPage endCursor } } }",
            "tasks",
            json!({}),
        )
        .await;
    let figures = "people assessed perLevel { level count } shareOnesAndTwos uncovered \
                   uncoveredCountingLeaders majority supermajority";
    let chart = client
        .ok(
            &format!(
                "query($c: ID!) {{ wallChart(campaignId: $c) {{ \
                 units {{ id parentId depth name kind retired figures {{ {figures} }} \
                 people {{ personId name level organizerId followUp step }} }} \
                 unplaced {{ personId name level }} totals {{ {figures} }} }} }}"
            ),
            json!({"c": campaign}),
        )
        .await;
    let structure_tests = client
        .ok(
            "query($c: ID!) { structureTests(campaignId: $c) { id name goalPercent deadline closed \
             scopeUnitIds totals { inScope asked committed participated declined participation goalReached } \
             units { unitId name depth figures { inScope asked committed participated } } \
             people { personId name unitIds step } } }",
            json!({"c": campaign}),
        )
        .await;
    let person =
        "query($p: ID!) { person(id: $p) { id name status level unitIds organizerId followUp \
                  preferredLanguage assessments { level } contactPoints { id kind value } \
                  responses { fieldId } oneOnOnes { id } tasks { id title } version } \
                  personNotes(personId: $p) { id kind text erased writtenById at } }";
    let kept_person = client.ok(person, json!({"p": kept})).await;
    let forgotten_person = client.ok(person, json!({"p": forgotten})).await;
    let campaigns = client
        .ok("{ campaigns { id name goal archived } }", json!({}))
        .await;
    BTreeMap::from([
        ("campaigns", campaigns),
        ("people", Value::Array(people)),
        ("tasks", Value::Array(tasks)),
        ("wall chart", chart),
        ("structure tests", structure_tests),
        ("a person with notes and contact points", kept_person),
        ("a forgotten person", forgotten_person),
    ])
}

fn restore_answers_the_same(kind: Kind) {
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // The original: the demo, a note on one person, another person forgotten after a note of their own.
    let mut original = Sandbox::new(kind);
    let chapter = original.demo_with_admin(LEAD, "20");
    let lead = original.user_of(LEAD);
    // The ids come from the log: the server's read models may still be catching up when it starts; the
    // writes below make the later queries wait for them (read your writes).
    let log: Vec<Value> = original
        .export()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|line: &Value| line["kind"] == "event")
        .collect();
    let streams_of = |event_type: &str| -> Vec<String> {
        log.iter()
            .filter(|line| line["event_type"] == event_type)
            .map(|line| line["stream_id"].as_str().unwrap().to_string())
            .collect()
    };
    let campaign = streams_of("CampaignCreated")[0].clone();
    let added = streams_of("PersonAddedToCampaign");
    let (kept, forgotten) = (added[0].clone(), added[1].clone());
    let server = Server::start(&mut original);
    let before = runtime.block_on(async {
        let client = GraphqlClient::sign_in(&server.base_url(), LEAD, PASSWORD).await;
        for person in [&kept, &forgotten] {
            client
                .ok(
                    "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Works nights; asked about the pay scale\"}) { id } }",
                    json!({"p": person}),
                )
                .await;
        }
        client
            .ok(
                "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { id } }",
                json!({"p": forgotten}),
            )
            .await;
        answers(&client, &campaign, &kept, &forgotten).await
    });
    // The drill is only worth something if the answers hold what a restore could lose.
    let notes = &before["a person with notes and contact points"]["personNotes"];
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|note| note["text"] == "Works nights; asked about the pay scale"),
        "{notes}"
    );
    assert!(
        !before["a person with notes and contact points"]["person"]["contactPoints"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the demo person has contact points (sealed)"
    );
    let erased = &before["a forgotten person"];
    assert!(erased["person"]["name"].is_null(), "{erased}");
    assert!(
        erased["personNotes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|note| note["text"].is_null() && note["erased"] == true),
        "{erased}"
    );
    for part in ["people", "tasks"] {
        assert!(
            !before[part].as_array().unwrap().is_empty(),
            "the demo has {part}"
        );
    }
    assert!(
        !before["structure tests"]["structureTests"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the demo has structure tests"
    );

    // The backup: the export (taken while the server runs) and the master key, nothing else.
    let export = original.export();
    drop(server);

    // The restore, on a fresh database of the same kind.
    let mut restored = Sandbox::new(kind);
    restored.set("GROUNDWORK_MASTER_KEY", &original.key_text());
    let file = restored.write("backup.jsonl", &export);
    restored.run(&["events", "import", &file]).assert_success();
    restored.run(&["projections", "rebuild"]).assert_success();
    restored.set("GROUNDWORK_ADMIN_PASSWORD", PASSWORD);
    let admin = |chapter: &str, user: &str| {
        restored.run(&[
            "admin",
            "create",
            "--email",
            LEAD,
            "--chapter",
            chapter,
            "--user",
            user,
        ])
    };
    // Wrong ids are refused, naming the option, and leave no account behind.
    admin("not-a-chapter", &lead).assert_failure_naming("--chapter `not-a-chapter`");
    admin(&chapter, "nobody").assert_failure_naming("--user `nobody`");
    let elsewhere = uuid::Uuid::new_v4().to_string();
    admin(&elsewhere, &lead).assert_failure_naming("is not in the log");
    admin(&chapter, &lead).assert_success();
    admin(&chapter, &lead).assert_failure_naming("has an account already");
    let server = Server::start(&mut restored);
    let after = runtime.block_on(async {
        let client = GraphqlClient::sign_in(&server.base_url(), LEAD, PASSWORD).await;
        answers(&client, &campaign, &kept, &forgotten).await
    });
    for (part, answer) in &before {
        assert_eq!(
            answer, &after[part],
            "{kind:?}: {part} after the restore differs from the original"
        );
    }
    // The forgotten person's key did not come back: the restored database holds no key for them.
    let keys: Vec<(String,)> = restored.select(&format!(
        "SELECT person_id FROM person_keys WHERE person_id = '{forgotten}'"
    ));
    assert!(keys.is_empty(), "a forgotten person's key was restored");
    assert_eq!(
        restored.export(),
        export,
        "the restored log is the original's"
    );
    drop(server);
    eprintln!(
        "backup drill on {kind:?}: {} events restored and compared in {:.1?}",
        export
            .lines()
            .filter(|line| line.starts_with("{\"kind\":\"event\""))
            .count(),
        started.elapsed()
    );
}
