//! The level of record, on every backend (issue 11, item 3; ADR 12): a person's current level is the one with
//! the latest date of record, so a 1:1 logged late does not replace a newer assessment, and both stay in the
//! person's assessment history at their own dates.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use serde_json::{json, Value};
use tests::{backend_tests, TestBackend};

backend_tests!(an_assessment_given_after_a_late_one_on_one_is_current);

// Fails until the read side sets `rm_people.level` only from assessments that become current: see the
// report of the `domain-values` branch. The domain already decides it (`PersonAssessed.becomes_current`).
mod late {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::a_one_on_one_logged_late_does_not_replace_a_newer_assessment(
            tests::TestBackend::new(tests::Kind::Sqlite).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::a_one_on_one_logged_late_does_not_replace_a_newer_assessment(
            tests::TestBackend::new(tests::Kind::Postgres).await,
        )
        .await;
    }
}

/// Eight days ago, to the second (GraphQL's `DateTime` round-trips whole seconds exactly).
fn eight_days_ago() -> DateTime<Utc> {
    (Utc::now() - Duration::days(8))
        .duration_trunc(Duration::seconds(1))
        .unwrap()
}

async fn assess(api: &TestApi, person: &str, level: i64) {
    api.assess(person, level, None).await.data();
}

async fn log_one_on_one(api: &TestApi, person: &str, held_at: DateTime<Utc>, level: i64) {
    let logged = api
        .graphql(
            "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }",
            json!({"input": {"personId": person, "heldAt": held_at.to_rfc3339(), "assessment": level}}),
        )
        .await;
    logged.data();
}

/// The person as the read models show them once everything committed is projected.
async fn person(api: &TestApi, person: &str) -> Value {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
    let answer = api
        .graphql(
            "query($p: ID!) { person(id: $p) { level assessments { level at } oneOnOnes { heldAt assessment } } }",
            json!({"p": person}),
        )
        .await;
    answer.data()["person"].clone()
}

/// The person's assessment history as (level, date of record), sorted by date.
fn assessments(person: &Value) -> Vec<(i64, DateTime<Utc>)> {
    let mut list: Vec<(i64, DateTime<Utc>)> = person["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|assessment| {
            (
                assessment["level"].as_i64().unwrap(),
                assessment["at"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    list.sort_by_key(|(_, at)| *at);
    list
}

async fn a_one_on_one_logged_late_does_not_replace_a_newer_assessment(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let held_at = eight_days_ago();

    assess(&api, &ana, 3).await;
    log_one_on_one(&api, &ana, held_at, 1).await;

    let shown = person(&api, &ana).await;
    assert_eq!(shown["level"], 3, "{shown:#}");
    let history = assessments(&shown);
    assert_eq!(history.len(), 2, "{shown:#}");
    assert_eq!(
        history[0],
        (1, held_at),
        "the late 1:1's assessment, at its own date"
    );
    assert_eq!(history[1].0, 3);
    assert!(history[1].1 > held_at);
    assert_eq!(shown["oneOnOnes"][0]["assessment"], 1);
    api.stop().await;
}

async fn an_assessment_given_after_a_late_one_on_one_is_current(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let held_at = eight_days_ago();

    log_one_on_one(&api, &ana, held_at, 1).await;
    assess(&api, &ana, 3).await;

    let shown = person(&api, &ana).await;
    assert_eq!(shown["level"], 3, "{shown:#}");
    let history = assessments(&shown);
    assert_eq!(history.len(), 2, "{shown:#}");
    assert_eq!(history[0], (1, held_at));
    assert_eq!(history[1].0, 3);
    assert!(history[1].1 > held_at);
    api.stop().await;
}
