//! A campaign's custom fields for its set-up screen, on every backend: sections, fields and responses by
//! name, with each field's type and whether several responses may be picked, retired responses marked;
//! a campaign that does not exist answers null and a bad id names the argument.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use serde_json::{json, Value};
use tests::{backend_tests, TestBackend};

backend_tests!(a_campaign_lists_its_sections_fields_and_responses);

const FIELDS: &str = "query($c: ID!) { campaignFields(campaignId: $c) {
    id name fields { id name type allowsMultiple responses { id name retired } } } }";

async fn created(api: &TestApi, mutation: &str, input: Value) -> String {
    let answer = api
        .graphql(
            &format!(
                "mutation($i: {mutation}Input!) {{ {} (input: $i) {{ createdId }} }}",
                lower_first(mutation)
            ),
            json!({"i": input}),
        )
        .await;
    answer.data()[lower_first(mutation)]["createdId"]
        .as_str()
        .unwrap_or_else(|| panic!("{mutation}: {answer:?}"))
        .to_string()
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

async fn a_campaign_lists_its_sections_fields_and_responses(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse drive").await;
    let empty = api.graphql(FIELDS, json!({"c": campaign})).await;
    assert_eq!(empty.data()["campaignFields"], json!([]));

    let workplace = created(
        &api,
        "AddFieldSection",
        json!({"campaignId": campaign, "name": "Workplace"}),
    )
    .await;
    let about = created(
        &api,
        "AddFieldSection",
        json!({"campaignId": campaign, "name": "About"}),
    )
    .await;
    let issues = created(
        &api,
        "AddField",
        json!({"campaignId": campaign, "sectionId": workplace, "name": "Issues", "type": "STANDARD", "allowsMultiple": true}),
    )
    .await;
    let hired = created(
        &api,
        "AddField",
        json!({"campaignId": campaign, "sectionId": about, "name": "Hired on", "type": "DATE"}),
    )
    .await;
    let wages = created(
        &api,
        "AddFieldResponse",
        json!({"campaignId": campaign, "fieldId": issues, "name": "Wages"}),
    )
    .await;
    let heat = created(
        &api,
        "AddFieldResponse",
        json!({"campaignId": campaign, "fieldId": issues, "name": "Heat"}),
    )
    .await;
    let retired = api
        .graphql(
            "mutation($i: RetireFieldResponseInput!) { retireFieldResponse(input: $i) { version } }",
            json!({"i": {"campaignId": campaign, "fieldId": issues, "responseId": heat}}),
        )
        .await;
    assert!(
        retired.data()["retireFieldResponse"]["version"].is_number(),
        "{retired:?}"
    );

    let answer = api.graphql(FIELDS, json!({"c": campaign})).await;
    assert_eq!(
        answer.data()["campaignFields"],
        json!([
            {"id": about, "name": "About", "fields": [
                {"id": hired, "name": "Hired on", "type": "DATE", "allowsMultiple": false, "responses": []}
            ]},
            {"id": workplace, "name": "Workplace", "fields": [
                {"id": issues, "name": "Issues", "type": "STANDARD", "allowsMultiple": true, "responses": [
                    {"id": heat, "name": "Heat", "retired": true},
                    {"id": wages, "name": "Wages", "retired": false}
                ]}
            ]}
        ])
    );

    // A campaign that does not exist answers null; an id that is no id names the argument.
    let unknown = api
        .graphql(FIELDS, json!({"c": "00000000-0000-4000-8000-000000000000"}))
        .await;
    assert_eq!(unknown.data()["campaignFields"], Value::Null);
    let bad = api.graphql(FIELDS, json!({"c": "not-an-id"})).await;
    assert_eq!(bad.error_code(), "VALIDATION");
    assert_eq!(bad.first_error()["extensions"]["field"], "campaignId");
    api.stop().await;
}
