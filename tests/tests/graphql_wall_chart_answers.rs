//! Wall-chart answers kept in memory (`api::graphql::answers`), on every backend, over the HTTP surface: a
//! write shows in the next answer, a caller's own write is waited for before a kept answer is used, callers who
//! may see different things never share one, a forgotten person's name leaves them, and errors still come back
//! (and are never kept).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::access::{Identity, Role, Scope, Via};
use api::graphql::GraphqlSettings;
use api::http::ApiOptions;
use axum::Router;
use serde_json::{json, Value};
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_write_shows_in_the_next_wall_chart,
    a_callers_own_write_is_waited_for_before_a_kept_answer,
    callers_with_another_scope_never_share_an_answer,
    a_forgotten_persons_name_leaves_the_kept_answers,
    errors_still_come_back_and_are_not_kept,
);

const CHART: &str = "query($c: ID!) { wallChart(campaignId: $c) { totals { people assessed } units { name people { name level } } unplaced { name level } } }";

/// Waits until the read models show everything committed so far.
async fn projected(api: &TestApi) {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
}

/// A campaign with Ana Rivera (assessed 3) in no unit; returns the campaign and Ana.
async fn campaign_with_ana(api: &TestApi) -> (String, String) {
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "Rivera").await;
    api.assess(&ana, 3, None).await.data();
    projected(api).await;
    (campaign, ana)
}

/// A router over the same read models and kept answers for another identity.
fn router_as(api: &TestApi, identity: Identity) -> Router {
    api.with_other_options(ApiOptions {
        dev_identity: Some(identity),
        ..ApiOptions::development()
    })
}

fn member(user: domain::ids::UserId, role: Role, personal_data: bool) -> Identity {
    Identity {
        user,
        role,
        personal_data,
        via: Via::Development,
        ..Identity::development()
    }
}

fn unplaced(answer: &Value) -> &Value {
    &answer["wallChart"]["unplaced"]
}

async fn a_write_shows_in_the_next_wall_chart(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (campaign, ana) = campaign_with_ana(&api).await;
    let first = api.graphql(CHART, json!({"c": campaign})).await;
    assert_eq!(
        unplaced(first.data()),
        &json!([{"name": "Ana Rivera", "level": 3}])
    );
    // Asked again with nothing changed: the same answer (now from memory).
    let again = api.graphql(CHART, json!({"c": campaign})).await;
    assert_eq!(again.0, first.0);

    api.assess(&ana, 1, None).await.data();
    projected(&api).await;
    let after = api.graphql(CHART, json!({"c": campaign})).await;
    assert_eq!(
        unplaced(after.data()),
        &json!([{"name": "Ana Rivera", "level": 1}])
    );
    let ben = api.add_person(&campaign, "Ben", "Okafor").await;
    projected(&api).await;
    let later = api.graphql(CHART, json!({"c": campaign})).await;
    assert_eq!(later.data()["wallChart"]["totals"]["people"], 2);
    assert!(later.0.to_string().contains(&ben) || later.0.to_string().contains("Ben Okafor"));
    api.stop().await;
}

async fn a_callers_own_write_is_waited_for_before_a_kept_answer(backend: TestBackend) {
    let mut api = TestApi::start(backend).await;
    let (campaign, ana) = campaign_with_ana(&api).await;
    let wait = std::time::Duration::from_millis(300);
    let router = api.with_other_options(ApiOptions {
        graphql: GraphqlSettings {
            read_your_write_wait: wait,
            ..GraphqlSettings::default()
        },
        ..ApiOptions::development()
    });
    let kept = post_graphql(&router, CHART, json!({"c": campaign})).await;
    assert_eq!(
        unplaced(kept.data()),
        &json!([{"name": "Ana Rivera", "level": 3}])
    );
    // The projection stops, as one far behind under load would be, and the caller writes.
    api.runner.take().unwrap().stop().await;
    post_graphql(
        &router,
        "mutation($p: ID!) { assessPerson(input: {personId: $p, level: 1}) { id version } }",
        json!({"p": ana}),
    )
    .await
    .data();
    // The kept answer is not handed out at once: the caller's next chart waits for their write (up to the
    // wait, then answers with what is projected, as every read does).
    let asked = std::time::Instant::now();
    let waited = post_graphql(&router, CHART, json!({"c": campaign})).await;
    assert!(
        asked.elapsed() >= wait,
        "answered after {:?} without the write projected",
        asked.elapsed()
    );
    assert_eq!(
        unplaced(waited.data()),
        &json!([{"name": "Ana Rivera", "level": 3}])
    );
    // Once it is projected, the caller's chart shows it.
    api.runner = Some(api.read_models.start(projections::RunnerOptions::default()));
    projected(&api).await;
    let shown = post_graphql(&router, CHART, json!({"c": campaign})).await;
    assert_eq!(
        unplaced(shown.data()),
        &json!([{"name": "Ana Rivera", "level": 1}])
    );
    api.stop().await;
}

async fn callers_with_another_scope_never_share_an_answer(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (campaign, _ana) = campaign_with_ana(&api).await;
    let other_campaign = api.create_campaign("Other drive").await;
    // A lead narrowed to the other campaign, an analyst without the personal-data grant, one with it, and
    // an activist (who may not read the wall chart), all of the development chapter.
    let admin_api = &api;
    let lead = tests::invitations::invite_and_accept(
        |query, variables| async move { admin_api.graphql(query, variables).await.data().clone() },
        api.groundwork.store(),
        "lead@example.org",
        "LEAD",
    )
    .await;
    api.graphql(
        "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { campaignIds } }",
        json!({"u": lead.to_string(), "c": [other_campaign]}),
    )
    .await
    .data();
    projected(&api).await;
    let admin = Identity::development();
    let narrowed = router_as(&api, member(lead, Role::Lead, false));
    let masked = router_as(&api, member(admin.user, Role::Analyst, false));
    let unmasked = router_as(&api, member(admin.user, Role::Analyst, true));
    let activist = router_as(&api, member(admin.user, Role::Activist, false));
    let ask = |router: &Router| {
        let campaign = campaign.clone();
        let router = router.clone();
        async move { post_graphql(&router, CHART, json!({"c": campaign})).await }
    };

    // The masked analyst asks first: the admin still sees the name.
    let masked_first = ask(&masked).await;
    assert_eq!(
        unplaced(masked_first.data()),
        &json!([{"name": null, "level": 3}])
    );
    let admin_answer = api.graphql(CHART, json!({"c": campaign})).await;
    assert_eq!(
        unplaced(admin_answer.data()),
        &json!([{"name": "Ana Rivera", "level": 3}])
    );
    // With the admin's answer kept, the others still get their own.
    let masked_again = ask(&masked).await;
    assert_eq!(masked_again.0, masked_first.0);
    assert_eq!(
        unplaced(ask(&unmasked).await.data()),
        &json!([{"name": "Ana Rivera", "level": 3}])
    );
    assert!(ask(&narrowed).await.data()["wallChart"].is_null());
    let refused = ask(&activist).await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    assert!(ask(&narrowed).await.data()["wallChart"].is_null());

    // Widening the lead's membership applies at once, though the chart did not change.
    api.graphql(
        "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { campaignIds } }",
        json!({"u": lead.to_string(), "c": [other_campaign, campaign]}),
    )
    .await
    .data();
    assert_eq!(
        unplaced(ask(&narrowed).await.data()),
        &json!([{"name": "Ana Rivera", "level": 3}])
    );
    api.stop().await;
}

async fn a_forgotten_persons_name_leaves_the_kept_answers(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (campaign, ana) = campaign_with_ana(&api).await;
    let variables = json!({"c": campaign});
    let before = api.graphql(CHART, variables.clone()).await;
    assert!(before.0.to_string().contains("Ana Rivera"));
    // The answer is kept under the request's bytes and the caller's scope, at the charts' current stamp.
    let identity = Identity::development();
    let scope = Scope::load(api.groundwork.store(), &identity)
        .await
        .unwrap();
    let body = json!({"query": CHART, "variables": variables}).to_string();
    let key = api::graphql::answers::key(&identity, &scope, body.as_bytes());
    let stamp = api.read_models.chart_stamp().await.unwrap();
    let kept = api.answers.find(&key, stamp).unwrap();
    assert!(String::from_utf8_lossy(kept.plain()).contains("Ana Rivera"));

    api.graphql(
        "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { version } }",
        json!({"p": ana}),
    )
    .await
    .data();
    projected(&api).await;
    // Gone from memory as soon as the forgetting was projected, even when looked up at the old stamp.
    assert!(api.answers.find(&key, stamp).is_none());
    let after = api.graphql(CHART, variables).await;
    assert!(!after.0.to_string().contains("Ana"), "{:#}", after.0);
    assert_eq!(after.data()["wallChart"]["totals"]["people"], 0);
    api.stop().await;
}

async fn errors_still_come_back_and_are_not_kept(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (campaign, _ana) = campaign_with_ana(&api).await;
    // Validation: an unknown field, a missing variable.
    let unknown = api
        .graphql(
            "query($c: ID!) { wallChart(campaignId: $c) { nope } }",
            json!({"c": campaign}),
        )
        .await;
    assert!(unknown.error_message().contains("nope"), "{:#}", unknown.0);
    let missing = api.graphql(CHART, json!({})).await;
    assert!(missing.error_message().contains("c"), "{:#}", missing.0);
    // A resolver's error: not an id. Asked twice, it is an error twice.
    for _ in 0..2 {
        let invalid = api.graphql(CHART, json!({"c": "not-an-id"})).await;
        assert_eq!(invalid.error_code(), "VALIDATION", "{:#}", invalid.0);
    }
    let stamp = api.read_models.chart_stamp().await.unwrap();
    let identity = Identity::development();
    let scope = Scope::load(api.groundwork.store(), &identity)
        .await
        .unwrap();
    let body = json!({"query": CHART, "variables": {"c": "not-an-id"}}).to_string();
    let key = api::graphql::answers::key(&identity, &scope, body.as_bytes());
    assert!(api.answers.find(&key, stamp).is_none());
    // And a good request after them is answered.
    let good = api.graphql(CHART, json!({"c": campaign})).await;
    assert_eq!(good.data()["wallChart"]["totals"]["people"], 1);
    api.stop().await;
}
