//! What a chapter writes it reads back, as it was (issue 11, read side): `asOf` answers from history (names,
//! languages, a structure test's deadline and closed state), one `person(asOf)` is one moment, and a
//! structure test's "not asked" list stays inside the test's units. Every test runs on both backends.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::clock::SetClock;
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use tests::{backend_tests, TestBackend};

backend_tests!(
    as_of_shows_the_name_and_language_as_they_were,
    as_of_shows_a_structure_test_as_it_was,
    a_person_as_of_a_moment_is_one_moment,
    not_asked_is_only_people_in_the_tests_units,
    a_wall_chart_of_one_unit_is_its_subtree,
    names_are_found_without_accents_and_sorted_by_family_name,
    the_issues_of_a_one_on_one_are_read_back,
);

/// A server whose clock the test sets, starting a day ago to the second (GraphQL's `DateTime` round-trips
/// whole seconds exactly).
async fn start(backend: TestBackend) -> (TestApi, SetClock, DateTime<Utc>) {
    let start = (Utc::now() - Duration::days(1))
        .duration_trunc(Duration::seconds(1))
        .unwrap();
    let clock = SetClock::new(start);
    let api = TestApi::with_clock(
        backend,
        api::http::ApiOptions::development(),
        Arc::new(clock.clone()),
    )
    .await;
    (api, clock, start)
}

/// Runs a mutation and fails the test on any error.
async fn mutate(api: &TestApi, query: &str, input: Value) -> Value {
    api.graphql(query, json!({ "input": input }))
        .await
        .data()
        .clone()
}

/// Answers a query once everything committed is projected.
async fn query(api: &TestApi, query: &str, variables: Value) -> Value {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
    api.graphql(query, variables).await.data().clone()
}

async fn as_of_shows_the_name_and_language_as_they_were(backend: TestBackend) {
    let (api, clock, start) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    mutate(
        &api,
        "mutation($input: SetPreferredLanguageInput!) { setPreferredLanguage(input: $input) { version } }",
        json!({"personId": ana, "language": "es"}),
    )
    .await;
    let before = start + Duration::minutes(30);
    clock.advance(Duration::hours(1));
    mutate(
        &api,
        "mutation($input: RenamePersonInput!) { renamePerson(input: $input) { version } }",
        json!({"personId": ana, "givenName": "Ana", "familyName": "Núñez"}),
    )
    .await;
    mutate(
        &api,
        "mutation($input: SetPreferredLanguageInput!) { setPreferredLanguage(input: $input) { version } }",
        json!({"personId": ana, "language": "en"}),
    )
    .await;

    let person =
        "query($p: ID!, $at: DateTime) { person(id: $p, asOf: $at) { name preferredLanguage } }";
    let now = query(&api, person, json!({"p": ana})).await;
    assert_eq!(now["person"]["name"], "Ana Núñez", "{now:#}");
    assert_eq!(now["person"]["preferredLanguage"], "en");
    let then = query(&api, person, json!({"p": ana, "at": before.to_rfc3339()})).await;
    assert_eq!(then["person"]["name"], "Ana Garcia", "{then:#}");
    assert_eq!(then["person"]["preferredLanguage"], "es");

    let chart = "query($c: ID!, $at: DateTime) { wallChart(campaignId: $c, asOf: $at) { unplaced { name } } }";
    let then = query(
        &api,
        chart,
        json!({"c": campaign, "at": before.to_rfc3339()}),
    )
    .await;
    assert_eq!(then["wallChart"]["unplaced"][0]["name"], "Ana Garcia");
    let now = query(&api, chart, json!({"c": campaign})).await;
    assert_eq!(now["wallChart"]["unplaced"][0]["name"], "Ana Núñez");
    api.stop().await;
}

async fn as_of_shows_a_structure_test_as_it_was(backend: TestBackend) {
    let (api, clock, start) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let created = mutate(
        &api,
        "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { id } }",
        json!({"campaignId": campaign, "name": "Petition", "scopeUnitIds": [ward], "goalPercent": 60,
               "deadline": "2030-01-31"}),
    )
    .await;
    let test = created["createStructureTest"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = start + Duration::minutes(30);
    clock.advance(Duration::hours(1));
    mutate(
        &api,
        "mutation($input: ChangeStructureTestDeadlineInput!) { changeStructureTestDeadline(input: $input) { version } }",
        json!({"structureTestId": test, "deadline": "2030-03-31"}),
    )
    .await;
    mutate(
        &api,
        "mutation($input: CloseStructureTestInput!) { closeStructureTest(input: $input) { version } }",
        json!({"structureTestId": test}),
    )
    .await;

    let shown =
        "query($t: ID!, $at: DateTime) { structureTest(id: $t, asOf: $at) { deadline closed } }";
    let now = query(&api, shown, json!({"t": test})).await;
    assert_eq!(now["structureTest"]["deadline"], "2030-03-31", "{now:#}");
    assert_eq!(now["structureTest"]["closed"], true);
    let then = query(&api, shown, json!({"t": test, "at": before.to_rfc3339()})).await;
    assert_eq!(then["structureTest"]["deadline"], "2030-01-31", "{then:#}");
    assert_eq!(then["structureTest"]["closed"], false);
    let not_yet = query(
        &api,
        shown,
        json!({"t": test, "at": (start - Duration::hours(1)).to_rfc3339()}),
    )
    .await;
    assert_eq!(not_yet["structureTest"], Value::Null, "not created yet");
    api.stop().await;
}

async fn a_person_as_of_a_moment_is_one_moment(backend: TestBackend) {
    let (api, clock, start) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    // A 1:1 held at the start, logged two hours later with an assessment.
    clock.advance(Duration::hours(2));
    mutate(
        &api,
        "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }",
        json!({"personId": ana, "heldAt": start.to_rfc3339(), "assessment": 2}),
    )
    .await;
    let person = "query($p: ID!, $at: DateTime) {
        person(id: $p, asOf: $at) { level assessments { level } oneOnOnes { heldAt } history { kind } }
    }";
    // After it was held, before it was logged: none of it yet, in any part of the answer.
    let before_logged = query(
        &api,
        person,
        json!({"p": ana, "at": (start + Duration::hours(1)).to_rfc3339()}),
    )
    .await;
    let shown = &before_logged["person"];
    assert_eq!(shown["level"], Value::Null, "{shown:#}");
    assert_eq!(shown["assessments"], json!([]), "{shown:#}");
    assert_eq!(shown["oneOnOnes"], json!([]), "{shown:#}");
    let kinds: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["kind"].as_str().unwrap())
        .collect();
    assert!(
        !kinds.is_empty()
            && kinds
                .iter()
                .all(|kind| !kind.contains("OneOnOne") && !kind.contains("Assessed")),
        "{shown:#}"
    );
    // Once logged: all of it.
    let after_logged = query(
        &api,
        person,
        json!({"p": ana, "at": (start + Duration::hours(3)).to_rfc3339()}),
    )
    .await;
    let shown = &after_logged["person"];
    assert_eq!(shown["level"], 2, "{shown:#}");
    assert_eq!(shown["assessments"], json!([{"level": 2}]), "{shown:#}");
    assert_eq!(
        shown["oneOnOnes"],
        json!([{"heldAt": start.to_rfc3339()}]),
        "{shown:#}"
    );
    api.stop().await;
}

async fn not_asked_is_only_people_in_the_tests_units(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let bay = api.add_unit(&campaign, "Bay A", Some(&ward)).await;
    let kitchen = api.add_unit(&campaign, "Kitchen", None).await;
    let join = "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }";
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    mutate(&api, join, json!({"personId": ana, "unitId": ward})).await;
    let bea = api.add_person(&campaign, "Bea", "Lopez").await;
    mutate(&api, join, json!({"personId": bea, "unitId": bay})).await;
    let cruz = api.add_person(&campaign, "Cruz", "Ortiz").await;
    mutate(&api, join, json!({"personId": cruz, "unitId": kitchen})).await;
    let _dani = api.add_person(&campaign, "Dani", "Ruiz").await;
    let created = mutate(
        &api,
        "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { id } }",
        json!({"campaignId": campaign, "name": "Petition", "scopeUnitIds": [ward], "goalPercent": 60,
               "deadline": "2030-01-31"}),
    )
    .await;
    let test = created["createStructureTest"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    mutate(
        &api,
        "mutation($input: RecordStructureTestStepInput!) { recordStructureTestStep(input: $input) { version } }",
        json!({"personId": ana, "structureTestId": test, "step": "ASKED"}),
    )
    .await;

    let people = "query($c: ID!, $t: ID!) {
        people(campaignId: $c, filter: {structureTestId: $t}) { edges { node { id } } }
    }";
    let answer = query(&api, people, json!({"c": campaign, "t": test})).await;
    let ids: Vec<&str> = answer["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![bea.as_str()],
        "only Bea: in the test's units (Bay A is under Ward 3) and not asked"
    );
    api.stop().await;
}

async fn a_wall_chart_of_one_unit_is_its_subtree(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let bay = api.add_unit(&campaign, "Bay A", Some(&ward)).await;
    let kitchen = api.add_unit(&campaign, "Kitchen", None).await;
    let join = "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }";
    for (given, unit) in [("Ana", &ward), ("Bea", &bay), ("Cruz", &kitchen)] {
        let person = api.add_person(&campaign, given, "Garcia").await;
        mutate(&api, join, json!({"personId": person, "unitId": unit})).await;
        api.assess(&person, 1, None).await.data();
    }
    api.add_person(&campaign, "Dani", "Ruiz").await;

    let chart = "query($c: ID!, $u: ID) {
        wallChart(campaignId: $c, unitId: $u) {
            units { id depth people { name } figures { people assessed uncovered } }
            unplaced { name }
            totals { people assessed uncovered }
        }
    }";
    let whole = query(&api, chart, json!({"c": campaign})).await;
    let whole = &whole["wallChart"];
    assert_eq!(whole["units"].as_array().unwrap().len(), 3, "{whole:#}");
    assert_eq!(whole["totals"]["people"], 4);
    let ward_unit = whole["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|unit| unit["id"] == ward.as_str())
        .unwrap()
        .clone();
    let bay_unit = whole["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|unit| unit["id"] == bay.as_str())
        .unwrap()
        .clone();

    let one = query(&api, chart, json!({"c": campaign, "u": ward})).await;
    let one = &one["wallChart"];
    assert_eq!(one["units"], json!([ward_unit, bay_unit]), "{one:#}");
    assert_eq!(one["totals"], ward_unit["figures"], "{one:#}");
    assert_eq!(one["totals"]["people"], 2);
    assert_eq!(one["unplaced"], json!([]));

    let leaf = query(&api, chart, json!({"c": campaign, "u": bay})).await;
    assert_eq!(leaf["wallChart"]["units"], json!([bay_unit]));
    let unknown = query(&api, chart, json!({"c": campaign, "u": campaign})).await;
    assert_eq!(unknown["wallChart"], Value::Null);
    api.stop().await;
}

async fn names_are_found_without_accents_and_sorted_by_family_name(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let nunez = api.add_person(&campaign, "Zoe", "Núñez").await;
    let alba = api.add_person(&campaign, "Ana", "Álvarez").await;
    let pena = api.add_person(&campaign, "Berta", "Peña").await;
    let renamed = api.add_person(&campaign, "Carla", "Zubiri").await;
    mutate(
        &api,
        "mutation($input: RenamePersonInput!) { renamePerson(input: $input) { version } }",
        json!({"personId": renamed, "givenName": "Carla", "familyName": "Abad"}),
    )
    .await;
    let people = "query($c: ID!, $search: String) {
        people(campaignId: $c, filter: {nameSearch: $search}) { edges { node { id } } }
    }";
    let sorted = "query($c: ID!, $sort: PeopleSort!) {
        people(campaignId: $c, sort: $sort) { edges { node { id } } }
    }";
    let ids = |answer: &Value| -> Vec<String> {
        answer["people"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["node"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    for search in ["nunez", "NÚÑEZ", "Nuñ"] {
        let found = query(&api, people, json!({"c": campaign, "search": search})).await;
        assert_eq!(ids(&found), vec![nunez.clone()], "searching {search}");
    }
    let found = query(&api, people, json!({"c": campaign, "search": "alvarez"})).await;
    assert_eq!(ids(&found), vec![alba.clone()]);
    let found = query(&api, people, json!({"c": campaign, "search": "zubiri"})).await;
    assert_eq!(ids(&found), Vec::<String>::new(), "the old name is gone");

    let default = query(&api, people, json!({"c": campaign})).await;
    assert_eq!(
        ids(&default),
        vec![renamed.clone(), alba.clone(), nunez.clone(), pena.clone()],
        "by family name: Abad, Álvarez, Núñez, Peña"
    );
    let given = query(&api, sorted, json!({"c": campaign, "sort": "NAME_ASC"})).await;
    assert_eq!(
        ids(&given),
        vec![alba, pena, renamed, nunez],
        "by the name as shown: Ana, Berta, Carla, Zoe"
    );
    api.stop().await;
}

async fn the_issues_of_a_one_on_one_are_read_back(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let created =
        |answer: Value, mutation: &str| answer[mutation]["createdId"].as_str().unwrap().to_string();
    let section = created(
        mutate(
            &api,
            "mutation($input: AddFieldSectionInput!) { addFieldSection(input: $input) { createdId } }",
            json!({"campaignId": campaign, "name": "Organizing"}),
        )
        .await,
        "addFieldSection",
    );
    let field = created(
        mutate(
            &api,
            "mutation($input: AddFieldInput!) { addField(input: $input) { createdId } }",
            json!({"campaignId": campaign, "sectionId": section, "name": "Issues", "type": "STANDARD",
                   "allowsMultiple": true}),
        )
        .await,
        "addField",
    );
    let mut responses = Vec::new();
    for name in ["Wages", "Staffing"] {
        responses.push(created(
            mutate(
                &api,
                "mutation($input: AddFieldResponseInput!) { addFieldResponse(input: $input) { createdId } }",
                json!({"campaignId": campaign, "fieldId": field, "name": name}),
            )
            .await,
            "addFieldResponse",
        ));
    }
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    let issues: Vec<Value> = responses
        .iter()
        .map(|response| json!({"fieldId": field, "responseId": response}))
        .collect();
    mutate(
        &api,
        "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }",
        json!({"personId": ana, "heldAt": Utc::now().duration_trunc(Duration::seconds(1)).unwrap().to_rfc3339(),
               "issues": issues}),
    )
    .await;
    let shown = query(
        &api,
        "query($p: ID!) { person(id: $p) { oneOnOnes { issues { fieldId responseId } } } }",
        json!({"p": ana}),
    )
    .await;
    let mut shown_issues = shown["person"]["oneOnOnes"][0]["issues"]
        .as_array()
        .unwrap()
        .clone();
    shown_issues.sort_by_key(|issue| issue["responseId"].as_str().unwrap().to_string());
    let mut expected = issues;
    expected.sort_by_key(|issue| issue["responseId"].as_str().unwrap().to_string());
    assert_eq!(shown_issues, expected, "{shown:#}");
    api.stop().await;
}
