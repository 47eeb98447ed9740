//! Control characters in text, on every backend (issue 12, item 1): every text a client sends is refused at
//! the boundary with a VALIDATION error naming the input field when it holds a NUL or another control
//! character, nothing is written, and the read models keep projecting. A control character already in the
//! log (written before the rule) is read back repaired, so it stops no projection either.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{Answer, TestApi};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use tests::{backend_tests, TestBackend};
use tower::ServiceExt as _;

backend_tests!(
    control_characters_in_campaign_and_task_names_name_the_field,
    control_characters_in_personal_text_name_the_field,
    multi_line_text_keeps_its_line_breaks,
    keys_searches_and_account_emails_with_control_characters_are_validation_errors,
    signing_in_with_a_control_character_is_a_bad_request,
    a_control_character_already_in_the_log_stops_no_projection,
);

/// Asserts a VALIDATION error on `field` whose message names the control character `code`.
fn assert_refused(answer: &Answer, field: &str, code: &str) {
    assert_eq!(answer.error_code(), "VALIDATION", "{:#}", answer.0);
    assert_eq!(
        answer.first_error()["extensions"]["field"],
        field,
        "{:#}",
        answer.0
    );
    let message = answer.error_message();
    assert!(
        message.contains(&format!("contains a control character ({code})")),
        "{message}"
    );
}

/// Waits until the read models show everything committed so far.
async fn projected(api: &TestApi) {
    let head = api.log_head().await;
    assert!(
        api.read_models
            .wait_until(head, Duration::from_secs(30))
            .await
            .unwrap(),
        "the read models did not reach the log's head"
    );
}

/// The names of the campaign's units on its wall chart.
async fn unit_names(api: &TestApi, campaign: &str) -> Vec<String> {
    projected(api).await;
    let chart = api
        .graphql(
            "query($c: ID!) { wallChart(campaignId: $c) { units { name } } }",
            json!({"c": campaign}),
        )
        .await;
    chart.data()["wallChart"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| unit["name"].as_str().unwrap().to_string())
        .collect()
}

async fn control_characters_in_campaign_and_task_names_name_the_field(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse drive").await;
    let me = api.graphql("{ me { userId } }", json!({})).await;
    let me = me.data()["me"]["userId"].as_str().unwrap().to_string();
    let before = api.log_head().await;

    let unit = api
        .graphql(
            "mutation($input: AddUnitInput!) { addUnit(input: $input) { version } }",
            json!({"input": {"campaignId": campaign, "name": "Night\u{0}shift", "kind": "Department"}}),
        )
        .await;
    assert_refused(&unit, "input.name", "U+0000");
    let kind = api
        .graphql(
            "mutation($input: AddUnitInput!) { addUnit(input: $input) { version } }",
            json!({"input": {"campaignId": campaign, "name": "Night shift", "kind": "Depart\u{7f}ment"}}),
        )
        .await;
    assert_refused(&kind, "input.kind", "U+007F");
    let renamed = api
        .graphql(
            "mutation($input: RenameCampaignInput!) { renameCampaign(input: $input) { version } }",
            json!({"input": {"campaignId": campaign, "name": "Drive\u{1b}[31m"}}),
        )
        .await;
    assert_refused(&renamed, "input.name", "U+001B");
    // Single-line names refuse line breaks and tabs inside them too, and C1 codes.
    let tabbed = api
        .graphql(
            "mutation($input: RenameCampaignInput!) { renameCampaign(input: $input) { version } }",
            json!({"input": {"campaignId": campaign, "name": "Warehouse\tdrive"}}),
        )
        .await;
    assert_refused(&tabbed, "input.name", "U+0009");
    let task = api
        .graphql(
            "mutation($input: AssignTaskInput!) { assignTask(input: $input) { id } }",
            json!({"input": {
                "campaignId": campaign, "kind": "FOLLOW_UP", "title": "Call\u{85}back", "assigneeId": me
            }}),
        )
        .await;
    assert_refused(&task, "input.title", "U+0085");
    assert_eq!(
        api.log_head().await,
        before,
        "a refused request wrote nothing"
    );

    // The read models keep projecting: the next write shows up.
    api.add_unit(&campaign, "Night shift", None).await;
    let renamed = api
        .graphql(
            "mutation($input: RenameCampaignInput!) { renameCampaign(input: $input) { campaign { name } } }",
            json!({"input": {"campaignId": campaign, "name": "Warehouse drive 2027"}}),
        )
        .await;
    assert_eq!(
        renamed.data()["renameCampaign"]["campaign"]["name"],
        "Warehouse drive 2027"
    );
    assert_eq!(unit_names(&api, &campaign).await, ["Night shift"]);
    api.stop().await;
}

async fn control_characters_in_personal_text_name_the_field(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse drive").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let before = api.log_head().await;

    let add_person = |given: &str, family: &str| json!({"input": {"campaignId": campaign, "givenName": given, "familyName": family}});
    let mutation = "mutation($input: AddPersonInput!) { addPerson(input: $input) { id } }";
    let given = api
        .graphql(mutation, add_person("A\u{0}na", "García"))
        .await;
    assert_refused(&given, "input.givenName", "U+0000");
    let family = api
        .graphql(mutation, add_person("Ana", "Gar\u{0}cía"))
        .await;
    assert_refused(&family, "input.familyName", "U+0000");
    let renamed = api
        .graphql(
            "mutation($input: RenamePersonInput!) { renamePerson(input: $input) { version } }",
            json!({"input": {"personId": ana, "givenName": "Ana", "familyName": "Gar\u{9f}cía"}}),
        )
        .await;
    assert_refused(&renamed, "input.familyName", "U+009F");
    let note = api
        .graphql(
            "mutation($input: AddNoteInput!) { addNote(input: $input) { version } }",
            json!({"input": {"personId": ana, "text": "Met at the\u{0}gate"}}),
        )
        .await;
    assert_refused(&note, "input.text", "U+0000");
    let one_on_one = api
        .graphql(
            "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }",
            json!({"input": {
                "personId": ana, "heldAt": "2026-02-01T18:00:00Z",
                "notes": "Fine", "nextStep": "Call\u{7}again"
            }}),
        )
        .await;
    assert_refused(&one_on_one, "input.nextStep", "U+0007");
    let email = api
        .graphql(
            "mutation($input: AddContactPointInput!) { addContactPoint(input: $input) { version } }",
            json!({"input": {"personId": ana, "label": "WORK", "email": "ana\u{0}@example.org"}}),
        )
        .await;
    assert_refused(&email, "input.email", "U+0000");
    let connection = api
        .graphql(
            "mutation($input: ConnectInput!) { connect(input: $input) { version } }",
            json!({"input": {"personId": ana, "targetPersonId": ana, "kind": "cowork\u{0}er of"}}),
        )
        .await;
    assert_refused(&connection, "input.kind", "U+0000");
    assert_eq!(
        api.log_head().await,
        before,
        "a refused request wrote nothing"
    );

    // The read models keep projecting: a later rename shows up.
    let renamed = api
        .graphql(
            "mutation($input: RenamePersonInput!) { renamePerson(input: $input) { person { name } } }",
            json!({"input": {"personId": ana, "givenName": "Ana", "familyName": "García López"}}),
        )
        .await;
    assert_eq!(
        renamed.data()["renamePerson"]["person"]["name"],
        "Ana García López"
    );
    api.stop().await;
}

async fn multi_line_text_keeps_its_line_breaks(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let text = "Worried about the rota.\r\nAsked about:\n\tnights\n\tweekends";
    let added = api
        .graphql(
            "mutation($input: AddNoteInput!) { addNote(input: $input) { version } }",
            json!({"input": {"personId": ana, "text": text}}),
        )
        .await;
    added.data();
    let notes = api
        .graphql(
            "query($p: ID!) { personNotes(personId: $p) { text } }",
            json!({"p": ana}),
        )
        .await;
    assert_eq!(notes.data()["personNotes"][0]["text"], text);
    api.stop().await;
}

async fn keys_searches_and_account_emails_with_control_characters_are_validation_errors(
    backend: TestBackend,
) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let before = api.log_head().await;

    let keyed = api
        .graphql(
            "mutation($input: AddNoteInput!, $key: String) { addNote(input: $input, idempotencyKey: $key) { version } }",
            json!({"input": {"personId": ana, "text": "Met at the gate"}, "key": "retry-\u{0}-1"}),
        )
        .await;
    assert_refused(&keyed, "idempotencyKey", "U+0000");
    let user = api
        .graphql(
            "mutation($e: String!) { addUser(input: {email: $e, role: ORGANIZER}) { code } }",
            json!({"e": "org\u{0}@example.org"}),
        )
        .await;
    assert_refused(&user, "input.email", "U+0000");
    let search = api
        .graphql(
            "query($c: ID!, $s: String) { people(campaignId: $c, filter: {nameSearch: $s}) { totalCount } }",
            json!({"c": campaign, "s": "An\u{0}"}),
        )
        .await;
    assert_refused(&search, "filter.nameSearch", "U+0000");
    let token = api
        .graphql(
            "mutation { createApiToken(input: {name: \"laptop\\u0000\", role: ORGANIZER}) { token } }",
            json!({}),
        )
        .await;
    assert_refused(&token, "input.name", "U+0000");
    assert_eq!(
        api.log_head().await,
        before,
        "a refused request wrote nothing"
    );

    // Ordinary keys and searches still work, and the write shows up.
    let keyed = api
        .graphql(
            "mutation($input: AddNoteInput!, $key: String) { addNote(input: $input, idempotencyKey: $key) { version } }",
            json!({"input": {"personId": ana, "text": "Met at the gate"}, "key": "retry-1"}),
        )
        .await;
    assert_eq!(keyed.data()["addNote"]["version"], 2);
    projected(&api).await;
    let search = api
        .graphql(
            "query($c: ID!, $s: String) { people(campaignId: $c, filter: {nameSearch: $s}) { totalCount } }",
            json!({"c": campaign, "s": "an"}),
        )
        .await;
    assert_eq!(search.data()["people"]["totalCount"], 1);
    api.stop().await;
}

async fn sign_in(api: &TestApi, email: &str) -> (StatusCode, Value) {
    let body = json!({"email": email, "password": "a long enough passphrase"});
    let response = api
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method(Method::POST)
                .uri("/auth/sign-in")
                .header(header::CONTENT_TYPE, "application/json")
                .header(api::http::CSRF_HEADER, "1")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn signing_in_with_a_control_character_is_a_bad_request(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (status, body) = sign_in(&api, "admin\u{0}@example.org").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "VALIDATION");
    assert_eq!(error["extensions"]["field"], "email");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("contains a control character (U+0000)"));
    // Any other wrong address is still just wrong credentials.
    let (status, _) = sign_in(&api, "nobody@example.org").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    api.stop().await;
}

/// The SQL literal of `text` (single quotes doubled).
fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

async fn a_control_character_already_in_the_log_stops_no_projection(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Warehouse drive").await;
    let added = api
        .graphql(
            "mutation($input: AddUnitInput!) { addUnit(input: $input) { version } }",
            json!({"input": {"campaignId": campaign, "name": "Day shift", "kind": "Department"}}),
        )
        .await;
    let version = added.data()["addUnit"]["version"].as_i64().unwrap();
    projected(&api).await;

    // A unit named with a NUL, as a server before the rule stored it: the payload is the real event's
    // serialized form with the name swapped, the metadata the previous event's.
    let unit = uuid::Uuid::new_v4();
    let payload = json!({"UnitAdded": {
        "unit_id": unit.to_string(), "name": "Night\u{0}shift", "kind": "Department", "parent": null
    }})
    .to_string();
    assert!(payload.contains("\\u0000"), "{payload}");
    let recorded_at = match api.backend.kind {
        tests::Kind::Sqlite => format!("'{}'", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ")),
        tests::Kind::Postgres => "now()".to_string(),
    };
    api.backend
        .execute(&format!(
            "INSERT INTO events (tx_id, stream_type, stream_id, stream_version, event_type, schema_version, \
             payload, metadata, recorded_at, data_subject) \
             SELECT (SELECT MAX(tx_id) + 1 FROM events), stream_type, stream_id, {next}, 'UnitAdded', 1, \
             {payload}, metadata, {recorded_at}, NULL FROM events \
             WHERE stream_id = '{campaign}' AND stream_version = {version}",
            next = version + 1,
            payload = sql_text(&payload),
        ))
        .await;

    // The projection goes past it, with the character replaced, and later writes keep showing up.
    api.add_unit(&campaign, "Weekend shift", None).await;
    let mut names = unit_names(&api, &campaign).await;
    names.sort();
    assert_eq!(names, ["Day shift", "Night\u{FFFD}shift", "Weekend shift"]);
    api.stop().await;
}
