//! Idempotency keys are never stuck and never in the way (issue 12), on every backend: a claim left behind
//! by a process that died runs its command once when retried after its lease, or replays the answer when
//! the command had committed; and concurrent clients writing with an API token and idempotency keys get no
//! errors (on SQLite every write goes through the store's one writer).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::{Identity, Role, Via};
use api::accounts::Accounts;
use api::clock::SetClock;
use api::graphql::write::IDEMPOTENCY_LEASE;
use api::http::ApiOptions;
use axum::http::{Method, StatusCode};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{json, Value};
use std::sync::Arc;
use tests::http::call;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_claim_left_by_a_dead_process_runs_the_command_once,
    a_claim_whose_command_committed_before_the_crash_replays,
    concurrent_clients_with_a_token_and_keys_get_no_errors,
);

const ADD_NOTE: &str = "mutation($input: AddNoteInput!, $key: String) {
    addNote(input: $input, idempotencyKey: $key) { version replayed }
}";

async fn api_with_clock(backend: TestBackend) -> (TestApi, SetClock) {
    let clock = SetClock::new(chrono::Utc::now());
    let api =
        TestApi::with_clock(backend, ApiOptions::development(), Arc::new(clock.clone())).await;
    (api, clock)
}

async fn execute(api: &TestApi, sql: &str, key: &str) {
    store::sql::Db::of(api.groundwork.store())
        .execute(sql, &store::sql::args![key])
        .await
        .unwrap();
}

async fn add_note(api: &TestApi, person: &str, key: &str) -> Value {
    api.graphql(
        ADD_NOTE,
        json!({"input": {"personId": person, "text": "Call after 6 pm"}, "key": key}),
    )
    .await
    .0
}

async fn a_claim_left_by_a_dead_process_runs_the_command_once(backend: TestBackend) {
    let (api, clock) = api_with_clock(backend).await;
    let campaign = api.create_campaign("Warehouse").await;
    let person = api.add_person(&campaign, "Ana", "Lima").await;
    let first = add_note(&api, &person, "first").await;
    assert_eq!(first["data"]["addNote"]["version"], 2, "{first}");

    // A process claimed `dead` for the same mutation and died before its command committed: its claim
    // names a correlation id no event carries.
    execute(
        &api,
        "INSERT INTO idempotency_keys \
         (scope, key, fingerprint, created_at, lease_until, correlation, pending_answer) \
         SELECT scope, $1, fingerprint, created_at, lease_until, \
         '0b7e1f5a-9f53-4f5e-8d0c-3a9d1f0e2b11', pending_answer \
         FROM idempotency_keys WHERE key = 'first'",
        "dead",
    )
    .await;
    let head = api.log_head().await;

    // While its lease runs, the claim may still be running somewhere: the retry is told to retry.
    let early = add_note(&api, &person, "dead").await;
    assert_eq!(
        early["errors"][0]["extensions"]["code"], "CONFLICT",
        "{early}"
    );
    assert!(early["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("still running"));
    assert_eq!(api.log_head().await, head, "nothing ran");

    // After the lease the command runs, once.
    clock.advance(IDEMPOTENCY_LEASE + chrono::TimeDelta::seconds(1));
    let ran = add_note(&api, &person, "dead").await;
    assert_eq!(ran["data"]["addNote"]["version"], 3, "{ran}");
    assert_eq!(ran["data"]["addNote"]["replayed"], false);
    let after = api.log_head().await;
    assert!(after > head);
    let again = add_note(&api, &person, "dead").await;
    assert_eq!(again["data"]["addNote"]["version"], 3, "{again}");
    assert_eq!(again["data"]["addNote"]["replayed"], true);
    assert_eq!(
        api.log_head().await,
        after,
        "the retry did not run it again"
    );
    api.stop().await;
}

async fn a_claim_whose_command_committed_before_the_crash_replays(backend: TestBackend) {
    let (api, clock) = api_with_clock(backend).await;
    let campaign = api.create_campaign("Warehouse").await;
    let person = api.add_person(&campaign, "Ana", "Lima").await;
    let first = add_note(&api, &person, "committed").await;
    assert_eq!(first["data"]["addNote"]["version"], 2, "{first}");
    // The process died after the command committed and before it stored the answer.
    execute(
        &api,
        "UPDATE idempotency_keys SET response = NULL WHERE key = $1",
        "committed",
    )
    .await;
    let head = api.log_head().await;

    clock.advance(IDEMPOTENCY_LEASE + chrono::TimeDelta::seconds(1));
    for _ in 0..2 {
        let retry = add_note(&api, &person, "committed").await;
        assert_eq!(retry["data"]["addNote"]["version"], 2, "{retry}");
        assert_eq!(retry["data"]["addNote"]["replayed"], true);
        assert_eq!(api.log_head().await, head, "the command did not run again");
    }
    let notes = api
        .graphql(
            "query($p: ID!) { personNotes(personId: $p) { text } }",
            json!({"p": person}),
        )
        .await;
    assert_eq!(notes.data()["personNotes"].as_array().unwrap().len(), 1);
    api.stop().await;
}

const CLIENTS: usize = 8;
const WRITES: usize = 60;

/// 8 clients × 60 notes with an API token and an idempotency key each: every one is stored, none fails
/// (on SQLite the token's use and the keys once were written beside the store's writer: "database is
/// locked").
async fn concurrent_clients_with_a_token_and_keys_get_no_errors(backend: TestBackend) {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let (user, chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Riverside tenants",
        &SecretString::from("a long enough passphrase"),
    )
    .await
    .unwrap();
    let admin = Identity {
        user,
        chapter,
        role: Role::Admin,
        personal_data: true,
        can_export: true,
        via: Via::Development,
    };
    let (_, token) = Accounts::new(api.groundwork.store().clone())
        .create_token(&admin, "script", Role::Admin)
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token.expose_secret());
    let router = api.router.clone();
    let graphql = move |query: &'static str, variables: Value| {
        let router = router.clone();
        let bearer = bearer.clone();
        async move {
            call(
                &router,
                Method::POST,
                "/graphql",
                &[("authorization", &bearer)],
                json!({"query": query, "variables": variables}),
            )
            .await
        }
    };
    let campaign = graphql(
        "mutation { createCampaign(input: {name: \"Warehouse\", goal: 10}) { id } }",
        json!({}),
    )
    .await;
    let campaign = campaign.body["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", campaign.text))
        .to_string();
    let mut people = Vec::new();
    for client in 0..CLIENTS {
        let added = graphql(
            "mutation($input: AddPersonInput!) { addPerson(input: $input) { id } }",
            json!({"input": {"campaignId": campaign, "givenName": "Client", "familyName": format!("Number {client}")}}),
        )
        .await;
        people.push(
            added.body["data"]["addPerson"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let clients: Vec<_> = people
        .into_iter()
        .enumerate()
        .map(|(client, person)| {
            let graphql = graphql.clone();
            tokio::spawn(async move {
                let mut failures = Vec::new();
                for write in 0..WRITES {
                    let reply = graphql(
                        ADD_NOTE,
                        json!({
                            "input": {"personId": person, "text": format!("note {write}")},
                            "key": format!("client-{client}-write-{write}"),
                        }),
                    )
                    .await;
                    if reply.status != StatusCode::OK || reply.body.get("errors").is_some() {
                        failures.push(reply.text);
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    for client in clients {
        failures.extend(client.await.unwrap());
    }
    assert!(
        failures.is_empty(),
        "{} of {} writes failed, first: {:?}",
        failures.len(),
        CLIENTS * WRITES,
        failures.first()
    );
    api.stop().await;
}
