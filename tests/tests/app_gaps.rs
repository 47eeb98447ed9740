//! What the browser app's wall chart, person page and task screens read, on every backend: a wall-chart cell
//! says when the person was last contacted (their latest 1:1, as of the chart's moment), also in the live
//! change; a wall chart narrowed to a field response keeps its units and figures; a person names their units
//! (as they were at `asOf`); a task mutation answers with the task and its new version; a live change says
//! which units a person is in and which field responses they have, and giving or removing a response is a
//! live change of its own (so a chart narrowed to a response gains or loses the person without a reload).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use chrono::{DateTime, Duration, Timelike, Utc};
use serde_json::{json, Value};
use tests::ws;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_wall_chart_cell_says_when_the_person_was_last_contacted,
    a_wall_chart_narrowed_to_a_field_response_keeps_its_figures,
    a_person_names_their_units_as_they_were,
    completing_a_task_answers_with_the_task_and_its_version,
    a_live_change_places_the_person_by_their_units_and_responses,
);

/// Waits (bounded) until the read models have projected everything written so far.
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

async fn log_one_on_one(api: &TestApi, person: &str, held_at: DateTime<Utc>) {
    let answer = api
        .graphql(
            "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }",
            json!({"input": {"personId": person, "heldAt": held_at.to_rfc3339()}}),
        )
        .await;
    answer.data();
}

async fn join(api: &TestApi, person: &str, unit: &str) {
    api.graphql(
        "mutation($p: ID!, $u: ID!) { joinUnit(input: {personId: $p, unitId: $u}) { version } }",
        json!({"p": person, "u": unit}),
    )
    .await
    .data();
}

/// A standard field of the campaign with these responses: its id and the responses' ids.
async fn field_with_responses(
    api: &TestApi,
    campaign: &str,
    names: &[&str],
) -> (String, Vec<String>) {
    let section = api
        .graphql(
            "mutation($c: ID!) { addFieldSection(input: {campaignId: $c, name: \"Issues\"}) { createdId } }",
            json!({"c": campaign}),
        )
        .await;
    let section = section.data()["addFieldSection"]["createdId"]
        .as_str()
        .unwrap()
        .to_string();
    let field = api
        .graphql(
            "mutation($c: ID!, $s: ID!) { addField(input: {campaignId: $c, sectionId: $s, name: \"Top issue\", type: STANDARD}) { createdId } }",
            json!({"c": campaign, "s": section}),
        )
        .await;
    let field = field.data()["addField"]["createdId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut responses = Vec::new();
    for name in names {
        let response = api
            .graphql(
                "mutation($c: ID!, $f: ID!, $n: String!) { addFieldResponse(input: {campaignId: $c, fieldId: $f, name: $n}) { createdId } }",
                json!({"c": campaign, "f": field, "n": name}),
            )
            .await;
        responses.push(
            response.data()["addFieldResponse"]["createdId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    (field, responses)
}

/// Every cell of a wall chart's answer (units' people and the unplaced), by person id.
fn cells(chart: &Value) -> Vec<Value> {
    let mut all: Vec<Value> = chart["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|unit| unit["people"].as_array().unwrap().clone())
        .collect();
    all.extend(chart["unplaced"].as_array().unwrap().iter().cloned());
    all
}

fn cell<'a>(cells: &'a [Value], person: &str) -> Option<&'a Value> {
    cells.iter().find(|cell| cell["personId"] == person)
}

fn moment(value: &Value) -> Option<DateTime<Utc>> {
    value.as_str().map(|text| {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    })
}

async fn a_wall_chart_cell_says_when_the_person_was_last_contacted(backend: TestBackend) {
    // The server's clock, set by the test: 1:1s are logged at known moments.
    let start = chrono::Utc::now() - Duration::days(10);
    let clock = api::clock::SetClock::new(start);
    let api = TestApi::with_clock(
        backend,
        api::http::ApiOptions::development(),
        std::sync::Arc::new(clock.clone()),
    )
    .await;
    let campaign = api.create_campaign("Drive").await;
    let unit = api.add_unit(&campaign, "Warehouse", None).await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let ben = api.add_person(&campaign, "Ben", "Okafor").await;
    join(&api, &ana, &unit).await;
    let first = start - Duration::days(3) + Duration::milliseconds(250);
    log_one_on_one(&api, &ana, first).await;
    clock.advance(Duration::days(2));
    let logged_second = start + Duration::days(2);
    let second = start + Duration::days(1);
    log_one_on_one(&api, &ana, second).await;
    clock.advance(Duration::days(1));
    // Logged last but held earliest: the latest held stays the last contact.
    log_one_on_one(&api, &ana, start - Duration::days(5)).await;
    caught_up(&api).await;

    let chart = "query($c: ID!, $at: DateTime) {
        wallChart(campaignId: $c, asOf: $at) {
            units { people { personId lastContact } }
            unplaced { personId lastContact }
        }
    }";
    let now = api.graphql(chart, json!({"c": campaign})).await;
    let now = cells(&now.data()["wallChart"]);
    // To the second: sub-second digits would only lengthen the answer.
    assert_eq!(
        moment(&cell(&now, &ana).unwrap()["lastContact"]),
        Some(to_second(second))
    );
    assert_eq!(cell(&now, &ben).unwrap()["lastContact"], Value::Null);

    // As of a moment before the second 1:1 was logged, the first is the last contact (to the second).
    let between = logged_second - Duration::hours(1);
    let then = api
        .graphql(chart, json!({"c": campaign, "at": between.to_rfc3339()}))
        .await;
    let then = cells(&then.data()["wallChart"]);
    assert_eq!(
        moment(&cell(&then, &ana).unwrap()["lastContact"]),
        Some(to_second(first))
    );

    // Logging a 1:1 (no assessment) is a live change of the person's cell, which carries the new moment.
    let served = ws::serve(api.router.clone()).await;
    let mut socket = ws::open(served.address, &[]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription($c: ID!) { wallChartChanges(campaignId: $c, announce: true) { kind personId cell { lastContact } } }",
        json!({"c": campaign}),
    )
    .await;
    ws::listening(&mut socket).await;
    let latest = clock_now(&clock) - Duration::hours(2);
    log_one_on_one(&api, &ben, latest).await;
    let change = loop {
        let message = ws::next_json(&mut socket).await;
        assert_eq!(message["type"], "next", "{message:#}");
        let change = message["payload"]["data"]["wallChartChanges"].clone();
        if change["kind"] == "PERSON_CELL" && change["personId"] == ben.as_str() {
            break change;
        }
    };
    assert_eq!(
        moment(&change["cell"]["lastContact"]),
        Some(to_second(latest))
    );
    drop(served);
    api.stop().await;
}

fn to_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_nanosecond(0).unwrap()
}

fn clock_now(clock: &api::clock::SetClock) -> DateTime<Utc> {
    use api::clock::Clock;
    clock.now()
}

async fn a_wall_chart_narrowed_to_a_field_response_keeps_its_figures(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let unit = api.add_unit(&campaign, "Warehouse", None).await;
    let (field, responses) = field_with_responses(&api, &campaign, &["Pay", "Safety"]).await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let ben = api.add_person(&campaign, "Ben", "Okafor").await;
    let cleo = api.add_person(&campaign, "Cleo", "Diaz").await;
    join(&api, &ana, &unit).await;
    join(&api, &ben, &unit).await;
    let add = "mutation($p: ID!, $f: ID!, $r: ID!) { addPersonFieldResponse(input: {personId: $p, fieldId: $f, responseId: $r}) { version } }";
    api.graphql(add, json!({"p": ana, "f": field, "r": responses[0]}))
        .await
        .data();
    api.graphql(add, json!({"p": cleo, "f": field, "r": responses[1]}))
        .await
        .data();
    caught_up(&api).await;

    let chart = "query($c: ID!, $r: [ID!]) {
        wallChart(campaignId: $c, responseIds: $r) {
            units { id people { personId } figures { people } }
            unplaced { personId }
            totals { people }
        }
    }";
    let pay = api
        .graphql(chart, json!({"c": campaign, "r": [responses[0]]}))
        .await;
    let pay = &pay.data()["wallChart"];
    let ids: Vec<String> = cells(pay)
        .iter()
        .map(|cell| cell["personId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![ana.clone()]);
    assert_eq!(pay["units"][0]["figures"]["people"], 2);
    assert_eq!(pay["totals"]["people"], 3);

    let either = api
        .graphql(chart, json!({"c": campaign, "r": responses}))
        .await;
    let mut ids: Vec<String> = cells(&either.data()["wallChart"])
        .iter()
        .map(|cell| cell["personId"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    let mut expected = vec![ana.clone(), cleo.clone()];
    expected.sort();
    assert_eq!(ids, expected);

    // Without responses, everyone; a malformed id is a VALIDATION error naming it.
    let all = api.graphql(chart, json!({"c": campaign, "r": []})).await;
    assert_eq!(cells(&all.data()["wallChart"]).len(), 3);
    let bad = api
        .graphql(chart, json!({"c": campaign, "r": ["not-an-id"]}))
        .await;
    assert_eq!(bad.error_code(), "VALIDATION");
    assert!(bad.error_message().contains("responseIds[0]"));
    api.stop().await;
}

async fn a_person_names_their_units_as_they_were(backend: TestBackend) {
    let start = chrono::Utc::now() - Duration::hours(3);
    let clock = api::clock::SetClock::new(start);
    let api = TestApi::with_clock(
        backend,
        api::http::ApiOptions::development(),
        std::sync::Arc::new(clock.clone()),
    )
    .await;
    let campaign = api.create_campaign("Drive").await;
    let site = api.add_unit(&campaign, "Warehouse", None).await;
    let shift = api.add_unit(&campaign, "Night shift", Some(&site)).await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    join(&api, &ana, &shift).await;
    join(&api, &ana, &site).await;
    clock.advance(Duration::hours(1));
    api.graphql(
        "mutation($c: ID!, $u: ID!) { renameUnit(input: {campaignId: $c, unitId: $u, name: \"Late shift\"}) { version } }",
        json!({"c": campaign, "u": shift}),
    )
    .await
    .data();
    caught_up(&api).await;

    let person = "query($p: ID!, $at: DateTime) { person(id: $p, asOf: $at) { unitIds units { id name kind } } }";
    let now = api.graphql(person, json!({"p": ana})).await;
    let now = &now.data()["person"];
    let units = now["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    // In the order of `unitIds`.
    let ids: Vec<&Value> = units.iter().map(|unit| &unit["id"]).collect();
    let unit_ids: Vec<&Value> = now["unitIds"].as_array().unwrap().iter().collect();
    assert_eq!(ids, unit_ids);
    let named = |units: &[Value], id: &str| {
        units
            .iter()
            .find(|unit| unit["id"] == id)
            .map(|unit| unit["name"].as_str().unwrap().to_string())
    };
    assert_eq!(named(units, &shift).as_deref(), Some("Late shift"));
    assert_eq!(named(units, &site).as_deref(), Some("Warehouse"));
    assert_eq!(units[0]["kind"].as_str().map(str::is_empty), Some(false));

    let before = start + Duration::minutes(30);
    let then = api
        .graphql(person, json!({"p": ana, "at": before.to_rfc3339()}))
        .await;
    let then = then.data()["person"]["units"].as_array().unwrap().clone();
    assert_eq!(named(&then, &shift).as_deref(), Some("Night shift"));
    api.stop().await;
}

async fn completing_a_task_answers_with_the_task_and_its_version(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let me = api.graphql("{ me { userId } }", json!({})).await;
    let user = me.data()["me"]["userId"].as_str().unwrap().to_string();
    let created = api
        .graphql(
            "mutation($input: AssignTaskInput!) { assignTask(input: $input) { id version task { id status title version } } }",
            json!({"input": {"campaignId": campaign, "kind": "FOLLOW_UP", "title": "Call Ana", "assigneeId": user}}),
        )
        .await;
    let created = &created.data()["assignTask"];
    let task = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["task"]["id"], task.as_str());
    assert_eq!(created["task"]["status"], "OPEN");
    assert_eq!(created["task"]["version"], created["version"]);

    let completed = api
        .graphql(
            "mutation($input: CompleteTaskInput!, $v: Int) { completeTask(input: $input, expectedVersion: $v) { version task { id status version } } }",
            json!({"input": {"taskId": task}, "v": created["version"]}),
        )
        .await;
    let completed = &completed.data()["completeTask"];
    assert_eq!(completed["task"]["status"], "DONE");
    assert_eq!(completed["task"]["version"], completed["version"]);
    assert_eq!(
        completed["version"].as_i64().unwrap(),
        created["version"].as_i64().unwrap() + 1
    );

    let reopened = api
        .graphql(
            "mutation($input: ReopenTaskInput!) { reopenTask(input: $input) { task { status } } }",
            json!({"input": {"taskId": task}}),
        )
        .await;
    assert_eq!(reopened.data()["reopenTask"]["task"]["status"], "OPEN");

    // Another kind of mutation has no task.
    let person = api
        .graphql(
            "mutation($c: ID!) { addPerson(input: {campaignId: $c, givenName: \"Ana\"}) { task { id } } }",
            json!({"c": campaign}),
        )
        .await;
    assert_eq!(person.data()["addPerson"]["task"], Value::Null);
    api.stop().await;
}

/// The next wall-chart change of `kind` about `person` (other changes skipped).
async fn next_change_of(socket: &mut ws::Socket, kind: &str, person: &str) -> Value {
    loop {
        let message = ws::next_json(socket).await;
        assert_eq!(message["type"], "next", "{message:#}");
        let change = message["payload"]["data"]["wallChartChanges"].clone();
        if change["kind"] == kind && change["personId"] == person {
            return change;
        }
    }
}

async fn a_live_change_places_the_person_by_their_units_and_responses(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let warehouse = api.add_unit(&campaign, "Warehouse", None).await;
    let office = api.add_unit(&campaign, "Office", None).await;
    let (field, responses) = field_with_responses(&api, &campaign, &["Pay", "Safety"]).await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    join(&api, &ana, &warehouse).await;
    caught_up(&api).await;

    let served = ws::serve(api.router.clone()).await;
    let mut socket = ws::open(served.address, &[]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription($c: ID!) { wallChartChanges(campaignId: $c, announce: true) {
            kind personId unitIds responseIds cell { personId name level } } }",
        json!({"c": campaign}),
    )
    .await;
    ws::listening(&mut socket).await;

    // Giving a response is a change of its own: the cell is the same, the responses say who has it now.
    let add = "mutation($p: ID!, $f: ID!, $r: ID!) { addPersonFieldResponse(input: {personId: $p, fieldId: $f, responseId: $r}) { version } }";
    api.graphql(add, json!({"p": ana, "f": field, "r": responses[0]}))
        .await
        .data();
    let gained = next_change_of(&mut socket, "PERSON_RESPONSES", &ana).await;
    assert_eq!(gained["responseIds"], json!([responses[0]]));
    assert_eq!(gained["unitIds"], json!([warehouse]));
    assert_eq!(gained["cell"]["name"], "Ana García");
    // A chart narrowed to that response has her now, as the change says.
    caught_up(&api).await;
    let narrowed = api
        .graphql(
            "query($c: ID!, $r: [ID!]) { wallChart(campaignId: $c, responseIds: $r) { units { id people { personId } } } }",
            json!({"c": campaign, "r": [responses[0]]}),
        )
        .await;
    assert_eq!(
        narrowed.data()["wallChart"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|unit| unit["id"] == warehouse.as_str())
            .unwrap()["people"],
        json!([{"personId": ana}])
    );

    // Removing it is one too: she has no response left.
    let remove = "mutation($p: ID!, $f: ID!, $r: ID!) { removePersonFieldResponse(input: {personId: $p, fieldId: $f, responseId: $r}) { version } }";
    api.graphql(remove, json!({"p": ana, "f": field, "r": responses[0]}))
        .await
        .data();
    let lost = next_change_of(&mut socket, "PERSON_RESPONSES", &ana).await;
    assert_eq!(lost["responseIds"], json!([]));

    // Moving to another unit: the cell's change names the units she is in now.
    join(&api, &ana, &office).await;
    let joined = next_change_of(&mut socket, "PERSON_CELL", &ana).await;
    let mut units: Vec<String> = joined["unitIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| unit.as_str().unwrap().to_string())
        .collect();
    units.sort();
    let mut expected = vec![warehouse.clone(), office.clone()];
    expected.sort();
    assert_eq!(units, expected);
    api.graphql(
        "mutation($p: ID!, $u: ID!) { leaveUnit(input: {personId: $p, unitId: $u}) { version } }",
        json!({"p": ana, "u": warehouse}),
    )
    .await
    .data();
    let left = next_change_of(&mut socket, "PERSON_CELL", &ana).await;
    assert_eq!(left["unitIds"], json!([office]));

    // Removed from the campaign: on no chart of today, so no units at all.
    api.graphql(
        "mutation($p: ID!) { removePersonFromCampaign(input: {personId: $p}) { version } }",
        json!({"p": ana}),
    )
    .await
    .data();
    let removed = next_change_of(&mut socket, "PERSON_CELL", &ana).await;
    assert_eq!(removed["unitIds"], Value::Null);
    drop(served);
    api.stop().await;
}
