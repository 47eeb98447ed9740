//! What a chapter writes it reads back, completely (issue 11, the rest): custom field values on the person
//! (as they were, at one moment), a campaign's fields and responses, a history that says what changed from
//! what to what with names, coverage counting worker-leaders, wall-chart cells by family name, campaign and
//! structure-test refusals that name the input, and a slow projection answering `STALE` rather than a silent
//! null. Every test runs on both backends; the figures are compared with expectations computed here.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, Answer, TestApi};
use api::access::{Identity, Role, DEV_CHAPTER};
use api::clock::{Clock as _, SetClock};
use api::graphql::GraphqlSettings;
use api::http::ApiOptions;
use axum::Router;
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use domain::ids::UserId;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tests::{backend_tests, TestBackend};

backend_tests!(
    field_values_are_read_back_as_they_were,
    a_campaign_lists_its_fields_responses_and_scale,
    history_says_what_changed_with_names,
    coverage_counts_worker_leaders,
    wall_chart_cells_are_in_family_name_order,
    campaign_and_structure_test_refusals_name_the_input,
    a_slow_projection_answers_stale_rather_than_null,
    errors_are_in_spanish_when_asked_with_the_same_codes,
);

/// A server whose clock the test sets, starting a day ago to the second.
async fn start(backend: TestBackend) -> (TestApi, SetClock, DateTime<Utc>) {
    let start = (Utc::now() - Duration::days(1))
        .duration_trunc(Duration::seconds(1))
        .unwrap();
    let clock = SetClock::new(start);
    let api =
        TestApi::with_clock(backend, ApiOptions::development(), Arc::new(clock.clone())).await;
    (api, clock, start)
}

/// Runs a mutation and fails the test on any error.
async fn mutate(api: &TestApi, query: &str, input: Value) -> Value {
    api.graphql(query, json!({ "input": input }))
        .await
        .data()
        .clone()
}

/// Runs a mutation that adds something and returns the new part's id (`createdId`).
async fn create(api: &TestApi, mutation: &str, input_type: &str, input: Value) -> String {
    let answer = mutate(
        api,
        &format!(
            "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ createdId id }} }}"
        ),
        input,
    )
    .await;
    let created = &answer[mutation];
    created["createdId"]
        .as_str()
        .or_else(|| created["id"].as_str())
        .unwrap()
        .to_string()
}

async fn caught_up(api: &TestApi) {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
}

/// Answers a query once everything committed is projected.
async fn query(api: &TestApi, query: &str, variables: Value) -> Value {
    caught_up(api).await;
    api.graphql(query, variables).await.data().clone()
}

/// An analyst of the development chapter without the personal-data grant.
fn masked_analyst(api: &TestApi) -> Router {
    api.with_other_options(ApiOptions {
        dev_identity: Some(Identity {
            role: Role::Analyst,
            personal_data: false,
            ..Identity::development()
        }),
        ..ApiOptions::development()
    })
}

/// Makes a new user an organizer of the development chapter; returns the id and the email.
async fn organizer(api: &TestApi) -> (String, String) {
    let user = UserId::new_random();
    let email = format!("{}@example.org", user.as_uuid().simple());
    api::demo::add_member(
        api.groundwork.store(),
        user,
        DEV_CHAPTER,
        &email,
        "organizer",
    )
    .await
    .unwrap();
    (user.to_string(), email)
}

async fn section(api: &TestApi, campaign: &str, name: &str) -> String {
    create(
        api,
        "addFieldSection",
        "AddFieldSectionInput",
        json!({"campaignId": campaign, "name": name}),
    )
    .await
}

async fn field(
    api: &TestApi,
    campaign: &str,
    section: &str,
    name: &str,
    kind: &str,
    multiple: bool,
) -> String {
    create(
        api,
        "addField",
        "AddFieldInput",
        json!({"campaignId": campaign, "sectionId": section, "name": name, "type": kind,
               "allowsMultiple": multiple}),
    )
    .await
}

async fn response(api: &TestApi, campaign: &str, field: &str, name: &str) -> String {
    create(
        api,
        "addFieldResponse",
        "AddFieldResponseInput",
        json!({"campaignId": campaign, "fieldId": field, "name": name}),
    )
    .await
}

async fn set_value(api: &TestApi, person: &str, field: &str, value: Value) {
    let mut input = json!({"personId": person, "fieldId": field});
    for (key, value) in value.as_object().unwrap() {
        input[key] = value.clone();
    }
    mutate(
        api,
        "mutation($input: SetPersonFieldValueInput!) { setPersonFieldValue(input: $input) { version } }",
        input,
    )
    .await;
}

/// The history's summaries, oldest first.
fn summaries(person: &Value) -> Vec<String> {
    person["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["summary"].as_str().unwrap().to_string())
        .collect()
}

/// Field values by field name: (kind, number, date, text).
fn values_by_name(person: &Value) -> BTreeMap<String, Value> {
    person["fieldValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| {
            (
                value["fieldName"].as_str().unwrap().to_string(),
                json!([value["kind"], value["number"], value["date"], value["text"]]),
            )
        })
        .collect()
}

async fn field_values_are_read_back_as_they_were(backend: TestBackend) {
    let (api, clock, start) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let details = section(&api, &campaign, "Details").await;
    let years = field(
        &api,
        &campaign,
        &details,
        "Years of service",
        "NUMBER",
        false,
    )
    .await;
    let hired = field(&api, &campaign, &details, "Hire date", "DATE", false).await;
    let notes = field(&api, &campaign, &details, "Shift notes", "TEXT", false).await;
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    set_value(&api, &ana, &years, json!({"number": 4.5})).await;
    set_value(&api, &ana, &hired, json!({"date": "2019-05-01"})).await;
    set_value(&api, &ana, &notes, json!({"text": "Nights"})).await;
    let before = start + Duration::minutes(30);
    clock.advance(Duration::hours(1));
    set_value(&api, &ana, &years, json!({"number": 5})).await;
    mutate(
        &api,
        "mutation($input: ClearPersonFieldValueInput!) { clearPersonFieldValue(input: $input) { version } }",
        json!({"personId": ana, "fieldId": notes}),
    )
    .await;

    let read = "query($p: ID!, $at: DateTime) { person(id: $p, asOf: $at) { level \
                fieldValues { fieldId fieldName kind number date text erased } history { summary } } }";
    let now = query(&api, read, json!({"p": ana})).await;
    assert_eq!(
        values_by_name(&now["person"]),
        BTreeMap::from([
            (
                "Hire date".to_string(),
                json!(["DATE", null, "2019-05-01", null])
            ),
            (
                "Years of service".to_string(),
                json!(["NUMBER", 5.0, null, null])
            ),
        ]),
        "{now:#}"
    );
    let then = query(&api, read, json!({"p": ana, "at": before.to_rfc3339()})).await;
    assert_eq!(
        values_by_name(&then["person"]),
        BTreeMap::from([
            (
                "Hire date".to_string(),
                json!(["DATE", null, "2019-05-01", null])
            ),
            (
                "Shift notes".to_string(),
                json!(["TEXT", null, null, "Nights"])
            ),
            (
                "Years of service".to_string(),
                json!(["NUMBER", 4.5, null, null])
            ),
        ]),
        "{then:#}"
    );
    // The history says what each value was and became, and stops at the same moment.
    let history = summaries(&now["person"]);
    for expected in [
        "“Years of service” changed from nothing to 4.5",
        "“Hire date” changed from nothing to 2019-05-01",
        "“Years of service” changed from 4.5 to 5",
        "“Shift notes” cleared (was “Nights”)",
    ] {
        assert!(
            history.iter().any(|line| line == expected),
            "{expected}: {history:#?}"
        );
    }
    assert!(!summaries(&then["person"])
        .iter()
        .any(|line| line.contains("cleared")));

    // Field values are personal: a masked analyst gets none, and a history without the values.
    let masked = post_graphql(&masked_analyst(&api), read, json!({"p": ana})).await;
    let masked = &masked.data()["person"];
    assert_eq!(masked["fieldValues"], json!([]), "{masked:#}");
    for line in summaries(masked) {
        assert!(line.ends_with("(details masked)"), "{line}");
    }
    api.stop().await;
}

async fn a_campaign_lists_its_fields_responses_and_scale(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let organizing = section(&api, &campaign, "Organizing").await;
    let details = section(&api, &campaign, "Details").await;
    let issues = field(&api, &campaign, &organizing, "Issues", "STANDARD", true).await;
    let years = field(
        &api,
        &campaign,
        &details,
        "Years of service",
        "NUMBER",
        false,
    )
    .await;
    let wages = response(&api, &campaign, &issues, "Wages").await;
    let staffing = response(&api, &campaign, &issues, "Staffing").await;
    mutate(
        &api,
        "mutation($input: RetireFieldResponseInput!) { retireFieldResponse(input: $input) { version } }",
        json!({"campaignId": campaign, "fieldId": issues, "responseId": staffing}),
    )
    .await;
    let shown = query(
        &api,
        "query($c: ID!) { campaign(id: $c) { scale { level label } fieldSections { id name fields { \
         id sectionId name kind allowsMultiple responses { id name retired } } } } }",
        json!({"c": campaign}),
    )
    .await;
    let mut sections = shown["campaign"]["fieldSections"]
        .as_array()
        .unwrap()
        .clone();
    sections.sort_by_key(|section| section["name"].as_str().unwrap().to_string());
    let mut responses = vec![
        json!({"id": wages, "name": "Wages", "retired": false}),
        json!({"id": staffing, "name": "Staffing", "retired": true}),
    ];
    responses.sort_by_key(|response| response["id"].as_str().unwrap().to_string());
    assert_eq!(
        Value::Array(sections),
        json!([
            {"id": details, "name": "Details", "fields": [
                {"id": years, "sectionId": details, "name": "Years of service", "kind": "NUMBER",
                 "allowsMultiple": false, "responses": []}
            ]},
            {"id": organizing, "name": "Organizing", "fields": [
                {"id": issues, "sectionId": organizing, "name": "Issues", "kind": "STANDARD",
                 "allowsMultiple": true, "responses": responses}
            ]},
        ]),
        "{shown:#}"
    );
    let scale = shown["campaign"]["scale"].as_array().unwrap();
    assert_eq!(scale.len(), 5);
    assert!(scale
        .iter()
        .all(|level| !level["label"].as_str().unwrap().is_empty()));
    api.stop().await;
}

async fn history_says_what_changed_with_names(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let organizing = section(&api, &campaign, "Organizing").await;
    let issues = field(&api, &campaign, &organizing, "Issues", "STANDARD", true).await;
    let wages = response(&api, &campaign, &issues, "Wages").await;
    let (organizer, email) = organizer(&api).await;
    let test = create(
        &api,
        "createStructureTest",
        "CreateStructureTestInput",
        json!({"campaignId": campaign, "name": "Petition", "scopeUnitIds": [ward], "goalPercent": 60,
               "deadline": "2031-01-31"}),
    )
    .await;
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    let bo = api.add_person(&campaign, "Bo", "Chen").await;
    let person_input = |extra: Value| {
        let mut input = json!({"personId": ana});
        for (key, value) in extra.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    };
    for (mutation, input_type, extra) in [
        (
            "renamePerson",
            "RenamePersonInput",
            json!({"givenName": "Ana", "familyName": "Núñez"}),
        ),
        (
            "setPreferredLanguage",
            "SetPreferredLanguageInput",
            json!({"language": "es"}),
        ),
        ("joinUnit", "JoinUnitInput", json!({"unitId": ward})),
        (
            "addPersonFieldResponse",
            "AddPersonFieldResponseInput",
            json!({"fieldId": issues, "responseId": wages}),
        ),
        (
            "assignOrganizer",
            "AssignOrganizerInput",
            json!({"organizerId": organizer}),
        ),
        (
            "recordStructureTestStep",
            "RecordStructureTestStepInput",
            json!({"structureTestId": test, "step": "ASKED"}),
        ),
        (
            "connect",
            "ConnectInput",
            json!({"targetPersonId": bo, "kind": "organizer of"}),
        ),
        ("assessPerson", "AssessPersonInput", json!({"level": 2})),
    ] {
        mutate(
            &api,
            &format!(
                "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ version }} }}"
            ),
            person_input(extra),
        )
        .await;
    }
    let point = create(
        &api,
        "addContactPoint",
        "AddContactPointInput",
        person_input(json!({"label": "WORK", "email": "ana@example.org"})),
    )
    .await;
    mutate(
        &api,
        "mutation($input: SetDoNotContactInput!) { setDoNotContact(input: $input) { version } }",
        person_input(json!({"contactPointId": point, "doNotContact": true})),
    )
    .await;

    let read = "query($p: ID!) { person(id: $p) { history { kind summary } } }";
    let shown = query(&api, read, json!({"p": ana})).await;
    let history = summaries(&shown["person"]);
    let expected = [
        "added to the campaign as “Ana Garcia” (preferred language none)".to_string(),
        "name changed from “Ana Garcia” to “Ana Núñez”".to_string(),
        "preferred language changed from none to es".to_string(),
        "joined “Ward 3”".to_string(),
        "response “Wages” of “Issues” added".to_string(),
        format!("organizer set to {email}"),
        "structure test “Petition”: not asked → asked".to_string(),
        "connected to “Bo Chen” (organizer of)".to_string(),
        "work email ana@example.org added".to_string(),
        "do not contact on work email ana@example.org: off → on".to_string(),
    ];
    for line in &expected {
        assert!(history.contains(line), "{line}: {history:#?}");
    }
    assert!(
        history
            .iter()
            .any(|line| line.contains("unassessed → level 2 (")),
        "{history:#?}"
    );
    // No bare ids are left where a name is known.
    for id in [&ward, &wages, &organizer, &test, &bo] {
        assert!(
            !history.iter().any(|line| line.contains(id.as_str())),
            "{id}: {history:#?}"
        );
    }

    // Masked for an analyst without the personal-data grant: no names, no values.
    let masked = post_graphql(&masked_analyst(&api), read, json!({"p": ana})).await;
    let masked = summaries(&masked.data()["person"]);
    assert_eq!(masked.len(), history.len());
    for line in &masked {
        assert!(line.ends_with("(details masked)"), "{line}");
        assert!(
            !line.contains("Núñez") && !line.contains("Ward 3"),
            "{line}"
        );
    }
    api.stop().await;
}

/// A person of the coverage scenario, as the test models it.
struct Member {
    unit: Option<&'static str>,
    organized: bool,
    active: bool,
}

/// (uncovered, uncovered counting leaders) per unit name and in total (`totals`).
type Coverage = BTreeMap<&'static str, (u64, u64)>;

/// The figures the wall chart should show, computed from the test's own model: per unit (with its
/// sub-units) and in total, (uncovered, uncovered counting leaders).
fn expected_coverage(
    people: &BTreeMap<&'static str, Member>,
    connections: &[(&'static str, &'static str, &'static str, bool)],
    parents: &BTreeMap<&'static str, Option<&'static str>>,
) -> BTreeMap<&'static str, (u64, u64)> {
    let led: BTreeSet<&str> = connections
        .iter()
        .filter(|(leader, _, kind, active)| {
            *active && *kind == "organizer of" && people[leader].active
        })
        .map(|(_, target, _, _)| *target)
        .collect();
    let mut figures: BTreeMap<&'static str, (u64, u64)> =
        parents.keys().map(|unit| (*unit, (0, 0))).collect();
    figures.insert("totals", (0, 0));
    for (name, member) in people {
        if !member.active || member.organized {
            continue;
        }
        let counts_leaders = u64::from(!led.contains(name));
        let mut places = vec!["totals"];
        let mut unit = member.unit;
        while let Some(current) = unit {
            places.push(current);
            unit = parents[current];
        }
        for place in places {
            let entry = figures.get_mut(place).unwrap();
            entry.0 += 1;
            entry.1 += counts_leaders;
        }
    }
    figures
}

/// The chart's (uncovered, uncoveredCountingLeaders) per unit name and in total.
fn shown_coverage(chart: &Value) -> BTreeMap<String, (u64, u64)> {
    let figures = |figures: &Value| {
        (
            figures["uncovered"].as_u64().unwrap(),
            figures["uncoveredCountingLeaders"].as_u64().unwrap(),
        )
    };
    let mut shown: BTreeMap<String, (u64, u64)> = chart["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| {
            (
                unit["name"].as_str().unwrap().to_string(),
                figures(&unit["figures"]),
            )
        })
        .collect();
    shown.insert("totals".to_string(), figures(&chart["totals"]));
    shown
}

async fn coverage_counts_worker_leaders(backend: TestBackend) {
    let (api, clock, _) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let east = api.add_unit(&campaign, "East", None).await;
    let ward = api.add_unit(&campaign, "Ward 3", Some(&east)).await;
    let parents = BTreeMap::from([("East", None), ("Ward 3", Some("East"))]);
    let units = BTreeMap::from([("East", east.clone()), ("Ward 3", ward.clone())]);
    let (organizer, _) = organizer(&api).await;
    let mut people: BTreeMap<&'static str, Member> = BTreeMap::new();
    let mut ids: BTreeMap<&'static str, String> = BTreeMap::new();
    for (name, unit, organized) in [
        ("Lea", Some("East"), true),
        ("Ben", Some("East"), false),
        ("Cam", Some("Ward 3"), false),
        ("Dee", Some("Ward 3"), false),
        ("Eve", Some("Ward 3"), false),
        ("Fay", None, false),
    ] {
        let id = api.add_person(&campaign, name, "Test").await;
        if let Some(unit) = unit {
            mutate(
                &api,
                "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }",
                json!({"personId": id, "unitId": units[unit]}),
            )
            .await;
        }
        if organized {
            mutate(
                &api,
                "mutation($input: AssignOrganizerInput!) { assignOrganizer(input: $input) { version } }",
                json!({"personId": id, "organizerId": organizer}),
            )
            .await;
        }
        ids.insert(name, id);
        people.insert(
            name,
            Member {
                unit,
                organized,
                active: true,
            },
        );
    }
    let chart = "query($c: ID!, $at: DateTime) { wallChart(campaignId: $c, asOf: $at) { \
                 units { name figures { uncovered uncoveredCountingLeaders } } \
                 totals { uncovered uncoveredCountingLeaders } } }";
    let mut connections: Vec<(&'static str, &'static str, &'static str, bool)> = Vec::new();
    // Each moment with the figures expected then; the clock moves on after each.
    let mut moments: Vec<(DateTime<Utc>, Coverage)> = Vec::new();
    let step = |clock: &SetClock| {
        let moment = clock.now();
        clock.advance(Duration::minutes(10));
        moment
    };
    let mut connection_ids = BTreeMap::new();
    moments.push((
        step(&clock),
        expected_coverage(&people, &connections, &parents),
    ));
    for (leader, target, kind) in [
        ("Lea", "Ben", "organizer of"),
        ("Lea", "Cam", "coworker of"),
        ("Eve", "Dee", "organizer of"),
        ("Eve", "Fay", "organizer of"),
    ] {
        let connection = create(
            &api,
            "connect",
            "ConnectInput",
            json!({"personId": ids[leader], "targetPersonId": ids[target], "kind": kind}),
        )
        .await;
        connection_ids.insert((leader, target), connection);
        connections.push((leader, target, kind, true));
    }
    moments.push((
        step(&clock),
        expected_coverage(&people, &connections, &parents),
    ));
    // The live chart (a kept answer) follows each change.
    let live = query(&api, chart, json!({"c": campaign})).await;
    assert_eq!(
        shown_coverage(&live["wallChart"]),
        moments
            .last()
            .unwrap()
            .1
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        "{live:#}"
    );
    // A leader who leaves the campaign no longer covers anyone.
    mutate(
        &api,
        "mutation($input: RemovePersonFromCampaignInput!) { removePersonFromCampaign(input: $input) { version } }",
        json!({"personId": ids["Eve"]}),
    )
    .await;
    people.get_mut("Eve").unwrap().active = false;
    moments.push((
        step(&clock),
        expected_coverage(&people, &connections, &parents),
    ));
    mutate(
        &api,
        "mutation($input: DeactivateConnectionInput!) { deactivateConnection(input: $input) { version } }",
        json!({"personId": ids["Lea"], "connectionId": connection_ids[&("Lea", "Ben")]}),
    )
    .await;
    connections[0].3 = false;
    moments.push((
        step(&clock),
        expected_coverage(&people, &connections, &parents),
    ));

    for (moment, expected) in &moments {
        let shown = query(
            &api,
            chart,
            json!({"c": campaign, "at": moment.to_rfc3339()}),
        )
        .await;
        let expected: BTreeMap<String, (u64, u64)> =
            expected.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(
            shown_coverage(&shown["wallChart"]),
            expected,
            "at {moment}: {shown:#}"
        );
    }
    let live = query(&api, chart, json!({"c": campaign})).await;
    let expected: BTreeMap<String, (u64, u64)> = moments
        .last()
        .unwrap()
        .1
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    assert_eq!(shown_coverage(&live["wallChart"]), expected, "{live:#}");
    // The figures differ where they should: Ben is led at the second moment, not at the last.
    assert_ne!(moments[1].1, moments[0].1);

    // A rebuild from position zero gives the same figures (read by a fresh handle, with no kept charts).
    let mut api = api;
    api.runner.take().unwrap().stop().await;
    api.read_models.rebuild_all().await.unwrap();
    let fresh = projections::ReadModels::new(api.groundwork.store());
    let rebuilt = fresh
        .wall_chart(
            DEV_CHAPTER,
            domain::ids::CampaignId::parse(&campaign).unwrap(),
            None,
            None,
        )
        .await
        .unwrap()
        .unwrap();
    let mut rebuilt_figures: BTreeMap<String, (u64, u64)> = rebuilt
        .units
        .iter()
        .map(|unit| {
            (
                unit.name.clone(),
                (
                    u64::from(unit.figures.uncovered),
                    u64::from(unit.figures.uncovered_counting_leaders),
                ),
            )
        })
        .collect();
    rebuilt_figures.insert(
        "totals".to_string(),
        (
            u64::from(rebuilt.totals.uncovered),
            u64::from(rebuilt.totals.uncovered_counting_leaders),
        ),
    );
    assert_eq!(rebuilt_figures, expected);
}

async fn wall_chart_cells_are_in_family_name_order(backend: TestBackend) {
    let (api, clock, start) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let mut zoe = String::new();
    for (given, family) in [
        ("Zoe", "Adams"),
        ("Ann", "Young"),
        ("Bea", "Núñez"),
        ("Carl", "nunez"),
    ] {
        let id = api.add_person(&campaign, given, family).await;
        mutate(
            &api,
            "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }",
            json!({"personId": id, "unitId": ward}),
        )
        .await;
        if given == "Zoe" {
            zoe = id;
        }
    }
    api.add_person(&campaign, "Yan", "Berg").await;
    api.add_person(&campaign, "Al", "Zed").await;
    let before = start + Duration::minutes(30);
    clock.advance(Duration::hours(1));
    mutate(
        &api,
        "mutation($input: RenamePersonInput!) { renamePerson(input: $input) { version } }",
        json!({"personId": zoe, "givenName": "Zoe", "familyName": "Zimmer"}),
    )
    .await;
    let chart = "query($c: ID!, $at: DateTime) { wallChart(campaignId: $c, asOf: $at) { \
                 units { people { name } } unplaced { name } } }";
    let names = |chart: &Value, at: &str| -> Vec<String> {
        let cells = if at == "unit" {
            &chart["wallChart"]["units"][0]["people"]
        } else {
            &chart["wallChart"]["unplaced"]
        };
        cells
            .as_array()
            .unwrap()
            .iter()
            .map(|cell| cell["name"].as_str().unwrap().to_string())
            .collect()
    };
    let now = query(&api, chart, json!({"c": campaign})).await;
    assert_eq!(
        names(&now, "unit"),
        ["Bea Núñez", "Carl nunez", "Ann Young", "Zoe Zimmer"],
        "{now:#}"
    );
    assert_eq!(names(&now, "unplaced"), ["Yan Berg", "Al Zed"]);
    let then = query(
        &api,
        chart,
        json!({"c": campaign, "at": before.to_rfc3339()}),
    )
    .await;
    assert_eq!(
        names(&then, "unit"),
        ["Zoe Adams", "Bea Núñez", "Carl nunez", "Ann Young"],
        "{then:#}"
    );
    api.stop().await;
}

/// The refusal's code and `extensions.field`.
fn refusal(answer: &Answer) -> (String, Value) {
    (
        answer.error_code(),
        answer.first_error()["extensions"]["field"].clone(),
    )
}

async fn campaign_and_structure_test_refusals_name_the_input(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let east = api.add_unit(&campaign, "East", None).await;
    let ward = api.add_unit(&campaign, "Ward 3", Some(&east)).await;
    let details = section(&api, &campaign, "Details").await;
    let years = field(
        &api,
        &campaign,
        &details,
        "Years of service",
        "NUMBER",
        false,
    )
    .await;
    let test = create(
        &api,
        "createStructureTest",
        "CreateStructureTestInput",
        json!({"campaignId": campaign, "name": "Petition", "scopeUnitIds": [ward], "goalPercent": 60,
               "deadline": "2031-01-31"}),
    )
    .await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let cases = [
        (
            "mutation($input: RelabelAssessmentLevelInput!) { relabelAssessmentLevel(input: $input) { version } }",
            json!({"campaignId": campaign, "level": 7, "label": "Seven", "colour": "#123456"}),
            ("VALIDATION", "input.level"),
        ),
        (
            "mutation($input: MoveUnitInput!) { moveUnit(input: $input) { version } }",
            json!({"campaignId": campaign, "unitId": east, "parentId": ward}),
            ("VALIDATION", "input.parentId"),
        ),
        (
            "mutation($input: AddFieldResponseInput!) { addFieldResponse(input: $input) { version } }",
            json!({"campaignId": campaign, "fieldId": years, "name": "Many"}),
            ("VALIDATION", "input.fieldId"),
        ),
        (
            "mutation($input: RenameUnitInput!) { renameUnit(input: $input) { version } }",
            json!({"campaignId": campaign, "unitId": unknown, "name": "Nowhere"}),
            ("NOT_FOUND", "input.unitId"),
        ),
        (
            "mutation($input: AddFieldInput!) { addField(input: $input) { version } }",
            json!({"campaignId": campaign, "sectionId": unknown, "name": "Shift", "type": "SHIFT"}),
            ("NOT_FOUND", "input.sectionId"),
        ),
        (
            "mutation($input: RetireUnitInput!) { retireUnit(input: $input) { version } }",
            json!({"campaignId": campaign, "unitId": east}),
            ("VALIDATION", "input.unitId"),
        ),
        (
            "mutation($input: ChangeStructureTestDeadlineInput!) { changeStructureTestDeadline(input: $input) { version } }",
            json!({"structureTestId": test, "deadline": "2001-01-01"}),
            ("VALIDATION", "input.deadline"),
        ),
        (
            "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { version } }",
            json!({"campaignId": campaign, "name": "Vote", "scopeUnitIds": [ward, ward], "goalPercent": 60,
                   "deadline": "2031-01-31"}),
            ("VALIDATION", "input.scopeUnitIds"),
        ),
        (
            "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { version } }",
            json!({"campaignId": campaign, "name": "Vote", "scopeUnitIds": [unknown], "goalPercent": 60,
                   "deadline": "2031-01-31"}),
            ("NOT_FOUND", "input.scopeUnitIds"),
        ),
    ];
    for (mutation, input, (code, field)) in cases {
        let head = api.log_head().await;
        let answer = api.graphql(mutation, json!({ "input": input })).await;
        assert_eq!(
            refusal(&answer),
            (code.to_string(), json!(field)),
            "{mutation}: {:#}",
            answer.0
        );
        assert_eq!(api.log_head().await, head, "nothing is written");
    }
    api.stop().await;
}

async fn a_slow_projection_answers_stale_rather_than_null(backend: TestBackend) {
    let mut api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    caught_up(&api).await;
    // The projection stops, as one far behind under load would be; the wait is short so the test is quick.
    api.runner.take().unwrap().stop().await;
    let impatient = api.with_other_options(ApiOptions {
        graphql: GraphqlSettings {
            read_your_write_wait: std::time::Duration::from_millis(200),
            ..GraphqlSettings::default()
        },
        ..ApiOptions::development()
    });
    let answer = post_graphql(
        &impatient,
        "mutation($p: ID!) { assessPerson(input: {personId: $p, level: 2}) { id version person { level } } }",
        json!({"p": ana}),
    )
    .await;
    let data = &answer.0["data"]["assessPerson"];
    assert_eq!(data["id"], json!(ana), "{:#}", answer.0);
    assert_eq!(data["version"], 2, "the write is done: {:#}", answer.0);
    assert_eq!(data["person"], Value::Null);
    let error = answer.first_error();
    assert_eq!(error["extensions"]["code"], "STALE", "{:#}", answer.0);
    assert_eq!(error["extensions"]["retryable"], true);
    assert_eq!(error["path"], json!(["assessPerson", "person"]));
    assert!(error["extensions"]["position"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .is_ok());
    // The write's number in the chapter's own sequence, as `logHead` counts (ADR 19).
    assert_eq!(
        error["extensions"]["position"],
        json!(api.chapter_log_head().await.to_string())
    );
    // Once the projection runs again, the same caller reads the write.
    let runner = api.read_models.start(projections::RunnerOptions::default());
    api.runner = Some(runner);
    let shown = query(
        &api,
        "query($p: ID!) { person(id: $p) { level } }",
        json!({"p": ana}),
    )
    .await;
    assert_eq!(shown["person"]["level"], 2);
    api.stop().await;
}

/// POSTs a GraphQL request with `Accept-Language: language` (none when empty).
async fn post_in(router: &Router, language: &str, query: &str, variables: Value) -> (u16, Value) {
    use axum::body::Body;
    use axum::http::{header, Method, Request};
    use tower::ServiceExt as _;
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json");
    if !language.is_empty() {
        request = request.header(header::ACCEPT_LANGUAGE, language);
    }
    let body = json!({"query": query, "variables": variables}).to_string();
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// The first error's (code, field, message).
fn first_error(answer: &Value) -> (String, Value, String) {
    let error = &answer["errors"][0];
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        error["extensions"]["field"].clone(),
        error["message"].as_str().unwrap_or_default().to_string(),
    )
}

async fn errors_are_in_spanish_when_asked_with_the_same_codes(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let relabel = "mutation($input: RelabelAssessmentLevelInput!) { relabelAssessmentLevel(input: $input) { version } }";
    let input = json!({"input": {"campaignId": campaign, "level": 7, "label": "Seven", "colour": "#123456"}});
    // A domain refusal: the same code and field in both languages.
    let (_, english) = post_in(&api.router, "", relabel, input.clone()).await;
    let (_, spanish) = post_in(
        &api.router,
        "es-MX,es;q=0.9,en;q=0.5",
        relabel,
        input.clone(),
    )
    .await;
    assert_eq!(
        first_error(&english),
        (
            "VALIDATION".to_string(),
            json!("input.level"),
            "input.level: level 7 is not on the campaign's scale".to_string()
        )
    );
    assert_eq!(
        first_error(&spanish),
        (
            "VALIDATION".to_string(),
            json!("input.level"),
            "input.level: el nivel 7 no está en la escala de la campaña".to_string()
        )
    );
    // English is preferred over Spanish here.
    let (_, preferred) = post_in(&api.router, "en-US,es;q=0.5", relabel, input).await;
    assert_eq!(first_error(&preferred), first_error(&english));

    // A malformed value, refused before the domain sees it.
    let add = "mutation($input: AddPersonInput!) { addPerson(input: $input) { version } }";
    let (_, empty) = post_in(
        &api.router,
        "es",
        add,
        json!({"input": {"campaignId": campaign, "givenName": " "}}),
    )
    .await;
    assert_eq!(
        first_error(&empty),
        (
            "VALIDATION".to_string(),
            json!("input.givenName"),
            "input.givenName: falta el nombre de pila".to_string()
        )
    );
    // Something missing.
    let (_, missing) = post_in(
        &api.router,
        "es",
        "mutation($input: RenameUnitInput!) { renameUnit(input: $input) { version } }",
        json!({"input": {"campaignId": campaign, "unitId": uuid::Uuid::new_v4(), "name": "Nowhere"}}),
    )
    .await;
    assert_eq!(
        first_error(&missing),
        (
            "NOT_FOUND".to_string(),
            json!("input.unitId"),
            "no se encontró la unidad".to_string()
        )
    );
    // A role's refusal.
    let analyst = api.with_other_options(ApiOptions {
        dev_identity: Some(Identity {
            role: Role::Analyst,
            ..Identity::development()
        }),
        ..ApiOptions::development()
    });
    let (_, refused) = post_in(
        &analyst,
        "es",
        add,
        json!({"input": {"campaignId": campaign, "givenName": "Ana"}}),
    )
    .await;
    let (code, _, message) = first_error(&refused);
    assert_eq!(code, "FORBIDDEN", "{refused:#}");
    assert!(
        message.starts_with("su rol (analista) no puede "),
        "{message}"
    );
    // Signing in is asked for in Spanish too, with the same status and code.
    let anonymous = api.with_other_options(ApiOptions {
        dev_identity: None,
        ..ApiOptions::development()
    });
    let (status, unsigned) = post_in(&anonymous, "es", "{ me { userId } }", json!({})).await;
    let (status_en, unsigned_en) = post_in(&anonymous, "", "{ me { userId } }", json!({})).await;
    assert_eq!((status, status_en), (401, 401));
    assert_eq!(first_error(&unsigned).2, "inicie sesión primero");
    assert_eq!(first_error(&unsigned_en).2, "sign in first");
    assert_eq!(first_error(&unsigned).0, first_error(&unsigned_en).0);
    api.stop().await;
}
