//! What the browser app reads to send "the version the person saw" and to list a campaign's structure tests,
//! on every backend: `version` on a person, on the people list and on tasks equals the version the last
//! mutation answered, and a change sent with it applies while an older one is a conflict;
//! `structureTests(campaignId)` lists that campaign's tests only, newest first; `me.canExport` says whether
//! the caller holds the export grant.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::access::Identity;
use api::http::ApiOptions;
use serde_json::json;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_person_and_the_people_list_carry_the_version_to_send_back,
    a_task_carries_its_version_and_a_stale_one_is_a_conflict,
    structure_tests_are_listed_per_campaign_newest_first,
    me_says_whether_the_caller_may_export,
);

/// Waits (bounded) until the read models have projected everything written so far: on a busy machine the
/// read-your-writes wait of 5 s can pass before a query runs.
async fn caught_up(api: &TestApi) {
    let head = api.log_head().await;
    let projected = api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(60))
        .await
        .unwrap();
    assert!(
        projected,
        "the read models did not catch up within a minute"
    );
}

const PERSON_VERSION: &str = "query($id: ID!) { person(id: $id) { version level } }";
const PEOPLE_VERSIONS: &str =
    "query($c: ID!) { people(campaignId: $c) { edges { node { id version } } } }";

async fn a_person_and_the_people_list_carry_the_version_to_send_back(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let ben = api.add_person(&campaign, "Ben", "Okafor").await;
    let assessed = api.assess(&ana, 2, None).await;
    let answered = assessed.data()["assessPerson"]["version"].clone();
    caught_up(&api).await;

    let read = api.graphql(PERSON_VERSION, json!({"id": ana})).await;
    assert_eq!(read.data()["person"]["version"], answered);
    let people = api.graphql(PEOPLE_VERSIONS, json!({"c": campaign})).await;
    let versions: Vec<(String, i64)> = people.data()["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["node"]["id"].as_str().unwrap().to_string(),
                edge["node"]["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(versions.contains(&(ana.clone(), answered.as_i64().unwrap())));
    assert!(versions.contains(&(ben.clone(), 1)));

    // Sent back, the version read applies; the one before it is a conflict naming the current one.
    let seen = read.data()["person"]["version"].as_i64().unwrap();
    let applied = api.assess(&ana, 3, Some(seen)).await;
    assert_eq!(applied.data()["assessPerson"]["version"], seen + 1);
    let stale = api.assess(&ana, 4, Some(seen)).await;
    assert_eq!(stale.error_code(), "CONFLICT");
    assert_eq!(
        stale.first_error()["extensions"]["currentVersion"],
        seen + 1
    );
    caught_up(&api).await;
    let after = api.graphql(PERSON_VERSION, json!({"id": ana})).await;
    assert_eq!(after.data()["person"]["version"], seen + 1);
    assert_eq!(after.data()["person"]["level"], 3);
}

async fn a_task_carries_its_version_and_a_stale_one_is_a_conflict(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let me = api.graphql("{ me { userId } }", json!({})).await;
    let user = me.data()["me"]["userId"].as_str().unwrap().to_string();
    let created = api
        .graphql(
            "mutation($input: AssignTaskInput!) { assignTask(input: $input) { id version } }",
            json!({"input": {"campaignId": campaign, "kind": "FOLLOW_UP", "title": "Call Ana", "assigneeId": user}}),
        )
        .await;
    let task = created.data()["assignTask"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    caught_up(&api).await;
    let board = "query($c: ID!) { tasks(filter: {campaignId: $c}) { edges { node { id version due status } } } }";
    let read = api.graphql(board, json!({"c": campaign})).await;
    let node = &read.data()["tasks"]["edges"][0]["node"];
    assert_eq!(node["id"], task.as_str());
    assert_eq!(node["version"], created.data()["assignTask"]["version"]);
    let seen = node["version"].as_i64().unwrap();

    let moved = api
        .graphql(
            "mutation($input: ChangeTaskDueDateInput!, $v: Int) { changeTaskDueDate(input: $input, expectedVersion: $v) { version } }",
            json!({"input": {"taskId": task, "due": "2099-05-01"}, "v": seen}),
        )
        .await;
    assert_eq!(moved.data()["changeTaskDueDate"]["version"], seen + 1);
    let stale = api
        .graphql(
            "mutation($input: CompleteTaskInput!, $v: Int) { completeTask(input: $input, expectedVersion: $v) { version } }",
            json!({"input": {"taskId": task}, "v": seen}),
        )
        .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    caught_up(&api).await;
    let mine = api
        .graphql(
            "{ myTasks { edges { node { id version due status } } } }",
            json!({}),
        )
        .await;
    let node = &mine.data()["myTasks"]["edges"][0]["node"];
    assert_eq!(node["version"], seen + 1);
    assert_eq!(node["due"], "2099-05-01");
    assert_eq!(node["status"], "OPEN");
}

async fn structure_tests_are_listed_per_campaign_newest_first(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let drive = api.create_campaign("Drive").await;
    let other = api.create_campaign("Other").await;
    let site = api.add_unit(&drive, "North site", None).await;
    let create = |campaign: String, name: &'static str, scope: Vec<String>| {
        let api = &api;
        async move {
            let answer = api
                .graphql(
                    "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { id } }",
                    json!({"input": {"campaignId": campaign, "name": name, "scopeUnitIds": scope, "goalPercent": 70, "deadline": "2099-03-03"}}),
                )
                .await;
            answer.data()["createStructureTest"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let petition = create(drive.clone(), "Sign the petition", vec![]).await;
    let button = create(drive.clone(), "Wear the button", vec![site.clone()]).await;
    let elsewhere = create(other.clone(), "Elsewhere", vec![]).await;
    caught_up(&api).await;

    let listed = api
        .graphql(
            "query($c: ID!) { structureTests(campaignId: $c) { id name goalPercent scopeUnitIds totals { inScope } } }",
            json!({"c": drive}),
        )
        .await;
    let tests = listed.data()["structureTests"].as_array().unwrap();
    let ids: Vec<&str> = tests.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![button.as_str(), petition.as_str()]);
    assert!(!ids.contains(&elsewhere.as_str()));
    assert_eq!(tests[0]["scopeUnitIds"], json!([site]));
    assert_eq!(tests[0]["goalPercent"], 70);

    let none = api
        .graphql(
            "query($c: ID!) { structureTests(campaignId: $c) { id } }",
            json!({"c": "00000000-0000-0000-0000-00000000abcd"}),
        )
        .await;
    assert_eq!(none.data()["structureTests"], json!([]));
    let bad = api
        .graphql(
            "query($c: ID!) { structureTests(campaignId: $c) { id } }",
            json!({"c": "not an id"}),
        )
        .await;
    assert_eq!(bad.error_code(), "VALIDATION");
    assert_eq!(bad.first_error()["extensions"]["field"], "campaignId");
}

async fn me_says_whether_the_caller_may_export(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let me = api.graphql("{ me { canExport } }", json!({})).await;
    assert_eq!(me.data()["me"]["canExport"], true);
    let without = api.with_other_options(ApiOptions {
        dev_identity: Some(Identity {
            can_export: false,
            ..Identity::development()
        }),
        ..ApiOptions::development()
    });
    let me = post_graphql(&without, "{ me { canExport } }", json!({})).await;
    assert_eq!(me.data()["me"]["canExport"], false);
}
