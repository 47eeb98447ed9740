//! The GraphQL queries over the read models, on every backend: a mutation's answer shows its own write,
//! the people connection pages with cursors within the maximum page size, the wall chart and a person's
//! history, projection status, and wall-chart changes over a WebSocket subscription.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use serde_json::{json, Value};
use tests::{backend_tests, ws, TestBackend};

backend_tests!(
    a_mutation_answers_with_the_projected_object,
    people_page_through_relay_cursors,
    an_oversized_page_is_a_validation_error,
    the_wall_chart_shows_units_people_and_figures,
    projection_status_and_metrics_report_the_runner,
    wall_chart_changes_arrive_over_a_websocket,
    the_wall_chart_travels_back_in_time,
    my_tasks_and_their_changes,
    a_person_shows_assessment_history_and_every_change,
);

/// Two servers on one PostgreSQL: a mutation sent to one appears in a subscription on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mutation_on_one_server_reaches_a_subscription_on_another() {
    let api = TestApi::start(TestBackend::new(tests::Kind::Postgres).await).await;
    let (other, other_runner) = api.second_server().await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let (mut socket, server) = subscribe(
        other,
        "subscription($c: ID!) { wallChartChanges(campaignId: $c, announce: true) { kind personId } }",
        json!({"c": campaign}),
    )
    .await;
    ws::listening(&mut socket).await;

    api.assess(&ana, 2, None).await.data();
    let mut change =
        ws::next_json(&mut socket).await["payload"]["data"]["wallChartChanges"].clone();
    while change["kind"] != "PERSON_CELL" {
        change = ws::next_json(&mut socket).await["payload"]["data"]["wallChartChanges"].clone();
    }
    assert_eq!(change["personId"], Value::String(ana));
    drop(server);
    other_runner.stop().await;
    api.stop().await;
}

/// Serves `router` on a real socket and subscribes to `query` over graphql-transport-ws.
async fn subscribe(
    router: axum::Router,
    query: &str,
    variables: Value,
) -> (ws::Socket, ws::Served) {
    let served = ws::serve(router).await;
    let mut socket = ws::open(served.address, &[]).await;
    ws::subscribe(&mut socket, "1", query, variables).await;
    (socket, served)
}

async fn the_wall_chart_travels_back_in_time(backend: TestBackend) {
    // The server's clock, set by the test: the two assessments are an hour apart, whatever the machine does.
    let first_at = chrono::Utc::now() - chrono::Duration::hours(3);
    let clock = api::clock::SetClock::new(first_at);
    let api = TestApi::with_clock(
        backend,
        api::http::ApiOptions::development(),
        std::sync::Arc::new(clock.clone()),
    )
    .await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let assess = "mutation($person: ID!, $level: Int!) {
        assessPerson(input: {personId: $person, level: $level}) { person { level } }
    }";
    api.graphql(assess, json!({"person": ana, "level": 3}))
        .await
        .data();
    clock.advance(chrono::Duration::hours(1));
    api.graphql(assess, json!({"person": ana, "level": 1}))
        .await
        .data();
    let between = first_at + chrono::Duration::minutes(30);

    let chart = "query($c: ID!, $at: DateTime) {
        wallChart(campaignId: $c, asOf: $at) { unplaced { level } totals { assessed majority } }
    }";
    let now = api.graphql(chart, json!({"c": campaign})).await;
    assert_eq!(now.data()["wallChart"]["unplaced"][0]["level"], 1);
    let then = api
        .graphql(chart, json!({"c": campaign, "at": between.to_rfc3339()}))
        .await;
    assert_eq!(then.data()["wallChart"]["unplaced"][0]["level"], 3);
    assert_eq!(then.data()["wallChart"]["totals"]["majority"], false);
    api.stop().await;
}

async fn my_tasks_and_their_changes(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let me = api.graphql("{ me { userId } }", json!({})).await;
    let me = me.data()["me"]["userId"].as_str().unwrap().to_string();
    let (mut socket, server) = subscribe(
        api.router.clone(),
        "subscription { myTaskChanges(announce: true) { taskId stillMine listening } }",
        json!({}),
    )
    .await;
    let announced = ws::listening(&mut socket).await;
    assert_eq!(
        announced["payload"]["data"]["myTaskChanges"]["listening"],
        true
    );

    let answer = api
        .graphql(
            "mutation($input: AssignTaskInput!) { assignTask(input: $input) { id } }",
            json!({"input": {
                "campaignId": campaign, "kind": "ONE_ON_ONE", "title": "Talk to Ana",
                "assigneeId": me, "subjectIds": [ana]
            }}),
        )
        .await;
    let assigned = answer.data()["assignTask"]["id"].clone();
    let message = ws::next_json(&mut socket).await;
    let change = &message["payload"]["data"]["myTaskChanges"];
    assert_eq!(change["taskId"], assigned, "{message:#}");
    assert_eq!(change["listening"], false);
    assert_eq!(change["stillMine"], true);

    // The assigned task is in the read models before they are asked.
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(60))
        .await
        .unwrap());
    let mine = api
        .graphql(
            "{ myTasks(first: 50) { totalCount edges { node { id title status subjectIds } } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine.data()["myTasks"]["totalCount"], 1);
    let nodes = mine.data()["myTasks"]["edges"].as_array().unwrap();
    let node = nodes
        .iter()
        .map(|edge| &edge["node"])
        .find(|node| node["id"] == change["taskId"])
        .expect("the delivered task among my tasks");
    assert_eq!(node["status"], "OPEN");
    assert_eq!(node["subjectIds"][0], Value::String(ana));
    drop(server);
    api.stop().await;
}

async fn a_mutation_answers_with_the_projected_object(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let answer = api
        .graphql(
            "mutation($person: ID!) {
                assessPerson(input: {personId: $person, level: 2}, expectedVersion: 1) {
                    version
                    person { name level }
                }
            }",
            json!({"person": ana}),
        )
        .await;
    let person = &answer.data()["assessPerson"]["person"];
    assert_eq!(person["name"], "Ana García");
    assert_eq!(person["level"], 2);
    api.stop().await;
}

async fn people_page_through_relay_cursors(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    for name in ["Ana", "Ben", "Cleo"] {
        api.add_person(&campaign, name, "").await;
    }
    let query = "query($campaign: ID!, $after: String) {
        people(campaignId: $campaign, first: 2, after: $after) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { cursor node { name } }
        }
        me { userId }
    }";
    // The last addPerson asked for no object; the same caller's next query waits for its last write to be
    // projected (read-your-writes), so all three are there.
    let first = api
        .graphql(query, json!({"campaign": campaign}))
        .await
        .data()
        .clone();
    assert_eq!(first["people"]["totalCount"], 3);
    let names = |data: &Value| -> Vec<String> {
        data["people"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["node"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&first), ["Ana", "Ben"]);
    assert_eq!(first["people"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["people"]["pageInfo"]["endCursor"].clone();
    let second = api
        .graphql(query, json!({"campaign": campaign, "after": cursor}))
        .await;
    assert_eq!(names(second.data()), ["Cleo"]);
    assert_eq!(second.data()["people"]["pageInfo"]["hasNextPage"], false);
    api.stop().await;
}

async fn an_oversized_page_is_a_validation_error(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let answer = api
        .graphql(
            "query($campaign: ID!) { people(campaignId: $campaign, first: 101) { totalCount } }",
            json!({"campaign": campaign}),
        )
        .await;
    assert_eq!(answer.error_code(), "VALIDATION");
    assert_eq!(answer.first_error()["extensions"]["field"], "first");
    assert!(answer.error_message().contains("at most 100"));
    api.stop().await;
}

async fn the_wall_chart_shows_units_people_and_figures(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let site = api.add_unit(&campaign, "North site", None).await;
    let night = api.add_unit(&campaign, "Night shift", Some(&site)).await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    api.graphql(
        "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }",
        json!({"input": {"personId": ana, "unitId": night}}),
    )
    .await
    .data();
    // Asking for the person makes the answer wait until the assessment is projected.
    api.graphql(
        "mutation($person: ID!) { assessPerson(input: {personId: $person, level: 1}) { person { level } } }",
        json!({"person": ana}),
    )
    .await
    .data();

    let chart = api
        .graphql(
            "query($campaign: ID!) { wallChart(campaignId: $campaign) {
                campaign { name }
                units { name depth people { name level } figures { people assessed majority } }
                totals { people assessed shareOnesAndTwos }
            } }",
            json!({"campaign": campaign}),
        )
        .await;
    let chart = &chart.data()["wallChart"];
    assert_eq!(chart["campaign"]["name"], "Drive");
    assert_eq!(chart["units"][0]["name"], "North site");
    assert_eq!(chart["units"][0]["figures"]["people"], 1);
    assert_eq!(chart["units"][1]["name"], "Night shift");
    assert_eq!(chart["units"][1]["depth"], 1);
    assert_eq!(chart["units"][1]["people"][0]["level"], 1);
    assert_eq!(chart["units"][1]["figures"]["majority"], true);
    assert_eq!(chart["totals"]["assessed"], 1);
    api.stop().await;
}

async fn projection_status_and_metrics_report_the_runner(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    api.graphql(
        "mutation($c: ID!) { renameCampaign(input: {campaignId: $c, name: \"Drive 2\"}) { campaign { name } } }",
        json!({"c": campaign}),
    )
    .await
    .data();
    let status = api
        .graphql(
            "{ projectionStatus { name position lagEvents } }",
            json!({}),
        )
        .await;
    let statuses = status.data()["projectionStatus"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!statuses.is_empty());
    let (_, metrics) = api.get("/metrics").await;
    for status in &statuses {
        let name = status["name"].as_str().unwrap();
        assert!(
            metrics.contains(&format!(
                "groundwork_projection_lag_events{{projection=\"{name}\"}}"
            )),
            "{metrics}"
        );
    }
    api.stop().await;
}

async fn wall_chart_changes_arrive_over_a_websocket(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let (mut socket, server) = subscribe(
        api.router.clone(),
        "subscription($c: ID!) { wallChartChanges(campaignId: $c, announce: true) { kind personId cell { level } } }",
        json!({"c": campaign}),
    )
    .await;
    let first = ws::listening(&mut socket).await;
    assert_eq!(
        first["payload"]["data"]["wallChartChanges"]["kind"],
        "LISTENING"
    );
    api.assess(&ana, 2, None).await.data();
    let change = loop {
        let message = ws::next_json(&mut socket).await;
        assert_eq!(message["type"], "next", "{message:#}");
        let change = message["payload"]["data"]["wallChartChanges"].clone();
        if change["kind"] == "PERSON_CELL" && change["cell"]["level"] == 2 {
            break change;
        }
    };
    assert_eq!(change["personId"], Value::String(ana));
    drop(server);
    api.stop().await;
}

/// A person's assessments keep who gave each and the previous level, and the change history names every
/// change with its actor, old → new.
async fn a_person_shows_assessment_history_and_every_change(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("History").await;
    let person = api.add_person(&campaign, "Lucía", "Flores").await;
    api.assess(&person, 3, None).await.data();
    // Selecting the person in the mutation's answer waits until the change is projected: the client reads
    // its own write in the queries that follow.
    let assessed = api
        .graphql(
            "mutation($input: AssessPersonInput!) { assessPerson(input: $input) { person { level } } }",
            json!({"input": {"personId": person, "level": 1}}),
        )
        .await;
    assert_eq!(assessed.data()["assessPerson"]["person"]["level"], 1);
    let answer = api
        .graphql(
            "query($id: ID!) { person(id: $id) { name level assessments { level previousLevel assessedById at } \
             history { kind actorId summary } } }",
            json!({"id": person}),
        )
        .await;
    let detail = &answer.data()["person"];
    assert_eq!(detail["level"], 1);
    let assessments = detail["assessments"].as_array().unwrap();
    assert_eq!(assessments.len(), 2, "{detail}");
    assert_eq!(assessments[0]["level"], 3);
    assert_eq!(assessments[1]["level"], 1);
    assert_eq!(assessments[1]["previousLevel"], 3);
    assert!(assessments.iter().all(|a| a["assessedById"].is_string()));
    let history = detail["history"].as_array().unwrap();
    let kinds: Vec<&str> = history.iter().filter_map(|h| h["kind"].as_str()).collect();
    assert!(kinds.contains(&"PersonAddedToCampaign"), "{kinds:?}");
    assert_eq!(
        kinds
            .iter()
            .filter(|kind| **kind == "PersonAssessed")
            .count(),
        2,
        "{kinds:?}"
    );
    let last = history
        .iter()
        .rev()
        .find(|h| h["kind"] == "PersonAssessed")
        .unwrap();
    let summary = last["summary"].as_str().unwrap();
    assert!(
        summary.contains('3') && summary.contains('1'),
        "old → new in the summary: {summary}"
    );
    api.stop().await;
}
