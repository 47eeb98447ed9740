//! One event never stops a projection (issue 12, ADR 13), on every backend: an event written past every
//! check that no version can decode is quarantined and passed over, the later events of its stream are held
//! behind it, every other stream goes on, a chapter's admin sees them in `projectionStatus`, and a rebuild
//! finishes (quarantining them again) instead of failing with the whole log unprojected.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use serde_json::{json, Value};
use std::time::Duration;
use store::{NewEvent, StreamAppend};
use tests::{backend_tests, TestBackend};

backend_tests!(an_event_that_cannot_be_projected_is_quarantined_and_the_rest_goes_on,);

const STATUS: &str = "{ projectionStatus { name lagEvents quarantined {
    position streamType streamId eventType reason heldBehind } } }";

fn metadata() -> std::collections::HashMap<String, String> {
    domain::EventMetadata::from(&api::access::Identity::development().actor()).to_map()
}

/// Appends events straight to a person's stream, past every check of the API and the domain.
async fn append_raw(api: &TestApi, person: &str, events: Vec<NewEvent>) {
    let store = api.groundwork.store();
    let version = store.stream_version("Person", person).await.unwrap();
    store
        .append(vec![StreamAppend {
            stream_type: "Person".to_string(),
            stream_id: person.to_string(),
            data_subject: Some(uuid::Uuid::parse_str(person).unwrap()),
            expected_version: version,
            events,
            snapshot: None,
            forgets_subject: false,
        }])
        .await
        .unwrap();
}

/// The quarantined events of each projection, as the admin sees them.
async fn quarantined(api: &TestApi) -> Vec<(String, Vec<Value>)> {
    let status = api.graphql(STATUS, json!({})).await;
    status.data()["projectionStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|projection| {
            (
                projection["name"].as_str().unwrap().to_string(),
                projection["quarantined"].as_array().unwrap().clone(),
            )
        })
        .collect()
}

fn assert_quarantined(projections: &[(String, Vec<Value>)], person: &str) {
    assert!(!projections.is_empty());
    for (name, events) in projections {
        assert_eq!(events.len(), 2, "{name}: {events:#?}");
        let (poison, held) = (&events[0], &events[1]);
        assert_eq!(poison["eventType"], "PersonTeleported", "{name}");
        assert_eq!(poison["streamType"], "Person");
        assert_eq!(poison["streamId"], person);
        assert!(!poison["reason"].as_str().unwrap().is_empty());
        assert_eq!(poison["heldBehind"], Value::Null);
        assert_eq!(held["eventType"], "NoteAdded", "{name}");
        assert_eq!(
            held["heldBehind"], poison["position"],
            "{name}: held behind it"
        );
    }
}

async fn an_event_that_cannot_be_projected_is_quarantined_and_the_rest_goes_on(
    backend: TestBackend,
) {
    let api = TestApi::start(backend).await;
    let first = api.create_campaign("Warehouse").await;
    let ana = api.add_person(&first, "Ana", "Lima").await;
    api.graphql(
        "mutation($input: AddNoteInput!) { addNote(input: $input) { version } }",
        json!({"input": {"personId": ana, "text": "Night shift"}}),
    )
    .await
    .data();
    let note = api
        .groundwork
        .store()
        .read_stream("Person", &ana, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|event| event.event_type == "NoteAdded")
        .unwrap();

    // An event type no version of Groundwork knows, then a good event of the same stream behind it.
    append_raw(
        &api,
        &ana,
        vec![NewEvent {
            event_type: "PersonTeleported".to_string(),
            schema_version: 1,
            payload: json!({"PersonTeleported": {"to": "Mars"}}),
            metadata: metadata(),
        }],
    )
    .await;
    append_raw(
        &api,
        &ana,
        vec![NewEvent {
            event_type: note.event_type.clone(),
            schema_version: note.schema_version,
            payload: note.payload.clone(),
            metadata: metadata(),
        }],
    )
    .await;

    // Everything else goes on: another campaign's new person is projected.
    let second = api.create_campaign("Bakery").await;
    let ben = api.add_person(&second, "Ben", "Okafor").await;
    let head = api.log_head().await;
    assert!(
        api.read_models
            .wait_until(head, Duration::from_secs(30))
            .await
            .unwrap(),
        "the projections passed the event that cannot be projected"
    );
    let person = api
        .graphql(
            "query($p: ID!) { person(id: $p) { name } }",
            json!({"p": ben}),
        )
        .await;
    assert!(
        person.data()["person"]["name"]
            .as_str()
            .is_some_and(|name| name.contains("Okafor")),
        "{person:?}"
    );
    assert_quarantined(&quarantined(&api).await, &ana);

    // Only admins see the quarantine.
    let analyst = api.with_other_options(api::http::ApiOptions {
        dev_identity: Some(api::access::Identity {
            role: api::access::Role::Analyst,
            ..api::access::Identity::development()
        }),
        ..api::http::ApiOptions::development()
    });
    let refused = crate::graphql_support::post_graphql(&analyst, STATUS, json!({})).await;
    assert_eq!(refused.error_code(), "FORBIDDEN", "{refused:?}");

    // A rebuild finishes, projects everyone else again, and quarantines the same events again.
    api.read_models.rebuild_all().await.unwrap();
    let person = api
        .graphql(
            "query($p: ID!) { person(id: $p) { name } }",
            json!({"p": ben}),
        )
        .await;
    assert!(
        person.data()["person"]["name"]
            .as_str()
            .is_some_and(|name| name.contains("Okafor")),
        "{person:?}"
    );
    assert_quarantined(&quarantined(&api).await, &ana);
    api.stop().await;
}
