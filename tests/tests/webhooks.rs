//! Webhooks, in process on every backend: admins manage endpoints through GraphQL; the dispatcher delivers
//! signed, thin payloads of the endpoint's own chapter and types to a local receiver that checks each
//! signature; failures are retried (`Retry-After` honoured), `410 Gone` disables an endpoint, and of two
//! dispatchers on one PostgreSQL database only one delivers. The end-to-end test with a killed `groundwork
//! serve` process is in `cli.rs`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::access::{Identity, Role};
use api::graphql::GraphqlSettings;
use api::http::ApiOptions;
use api::webhooks::{AllowedRanges, Dispatcher, WebhookOptions};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tests::{backend_tests, TestBackend};
use tokio::sync::watch;

backend_tests!(
    an_admin_registers_pauses_rotates_and_deletes_endpoints,
    deliveries_are_signed_thin_and_only_of_the_endpoints_chapter_and_types,
    failures_are_retried_retry_after_is_honoured_and_gone_disables,
    an_address_the_configuration_refuses_is_never_reached,
);

/// How long a test waits for a delivery before it fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub signature_ok: bool,
    pub body: Value,
    pub at: Instant,
}

/// What the receiver answers next, in order; 200 once the queue is empty.
struct ReceiverState {
    secret: Mutex<String>,
    received: Mutex<Vec<Received>>,
    answers: Mutex<VecDeque<(StatusCode, Option<String>)>>,
    count: watch::Sender<usize>,
    /// When set, the next request is recorded and then left unanswered until this is notified.
    hold: Mutex<Option<Arc<tokio::sync::Notify>>>,
}

/// A local webhook receiver that verifies each request's Standard Webhooks signature.
pub struct Receiver {
    pub address: SocketAddr,
    state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let id = header("webhook-id");
    let timestamp: i64 = header("webhook-timestamp").parse().unwrap_or_default();
    let secret = state.secret.lock().unwrap().clone();
    let expected = api::webhooks::signature::sign(&secret, &id, timestamp, &body).ok();
    // The header may hold several space-separated signatures (during a rotation); one must match.
    let signature_ok = expected.is_some_and(|expected| {
        header("webhook-signature")
            .split(' ')
            .any(|signature| signature == expected)
    }) && (chrono::Utc::now().timestamp() - timestamp).abs() < 300;
    let received = Received {
        id,
        signature_ok,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at: Instant::now(),
    };
    let answer = state.answers.lock().unwrap().pop_front();
    // Whether to hold this request is settled before the count announces it: a test that saw the count
    // reach n and then asked to hold the next request must never hold request n (whose handler would
    // otherwise take the hold if it looked after the announcement), leaving its sender waiting for an answer.
    let (count, hold) = {
        let mut all = state.received.lock().unwrap();
        all.push(received);
        (all.len(), state.hold.lock().unwrap().take())
    };
    state.count.send_replace(count);
    if let Some(release) = hold {
        release.notified().await;
    }
    match answer {
        Some((status, retry_after)) => {
            let mut response = status.into_response();
            if let Some(value) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", value.parse().unwrap());
            }
            response
        }
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::on(listener)
    }

    pub fn on(listener: tokio::net::TcpListener) -> Self {
        let address = listener.local_addr().unwrap();
        let state = Arc::new(ReceiverState {
            secret: Mutex::new(String::new()),
            received: Mutex::new(Vec::new()),
            answers: Mutex::new(VecDeque::new()),
            count: watch::channel(0).0,
            hold: Mutex::new(None),
        });
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            address,
            state,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.address)
    }

    pub fn set_secret(&self, secret: &str) {
        *self.state.secret.lock().unwrap() = secret.to_string();
    }

    /// Answers the next request with `status` (and a `Retry-After`).
    pub fn answer_next(&self, status: StatusCode, retry_after: Option<&str>) {
        self.state
            .answers
            .lock()
            .unwrap()
            .push_back((status, retry_after.map(str::to_string)));
    }

    /// Waits until `count` requests have arrived (failing the test after [`PATIENCE`]); all of them.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let mut counted = self.state.count.subscribe();
        let arrived = tokio::time::timeout(PATIENCE, counted.wait_for(|seen| *seen >= count))
            .await
            .is_ok_and(|counted| counted.is_ok());
        let received = self.state.received.lock().unwrap().clone();
        assert!(
            arrived,
            "{count} deliveries did not arrive within {PATIENCE:?}; got {received:#?}"
        );
        received
    }

    /// Leaves the next request unanswered (after recording it) until the returned signal is notified.
    pub fn hold_next(&self) -> Arc<tokio::sync::Notify> {
        let release = Arc::new(tokio::sync::Notify::new());
        *self.state.hold.lock().unwrap() = Some(release.clone());
        release
    }

    /// Waits until every one of `ids` has arrived at least once (failing the test after [`PATIENCE`]).
    pub async fn wait_for_ids(&self, ids: &std::collections::BTreeSet<String>) -> Vec<Received> {
        let mut counted = self.state.count.subscribe();
        let state = self.state.clone();
        let all_there = move || {
            let received = state.received.lock().unwrap();
            ids.iter()
                .all(|id| received.iter().any(|received| &received.id == id))
        };
        let arrived = tokio::time::timeout(PATIENCE, async {
            while !all_there() {
                if counted.changed().await.is_err() {
                    break;
                }
            }
        })
        .await;
        let received = self.received();
        assert!(
            arrived.is_ok(),
            "not every one of {ids:?} arrived within {PATIENCE:?}; got {received:#?}"
        );
        received
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

/// Options for tests: loopback allowed, short backoff, quick polling.
fn quick_options() -> WebhookOptions {
    WebhookOptions {
        timeout: Duration::from_secs(10),
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_secs(5),
        poll: Duration::from_millis(50),
        allowed: AllowedRanges {
            loopback: true,
            ..AllowedRanges::default()
        },
        ..WebhookOptions::default()
    }
}

/// A development API whose webhook endpoints may be on loopback addresses.
async fn api_allowing_loopback(backend: TestBackend) -> TestApi {
    TestApi::with_options(backend, loopback_options(Identity::development())).await
}

fn loopback_options(identity: Identity) -> ApiOptions {
    ApiOptions {
        dev_identity: Some(identity),
        graphql: GraphqlSettings {
            webhook_addresses: AllowedRanges {
                loopback: true,
                ..AllowedRanges::default()
            },
            ..GraphqlSettings::default()
        },
        ..ApiOptions::development()
    }
}

const CREATE: &str =
    "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) \
     { secret endpoint { id url eventTypes state disabledReason } } }";

/// Registers an endpoint; returns its id and secret.
async fn register(api: &TestApi, url: &str, types: &[&str]) -> (String, String) {
    let answer = api
        .graphql(CREATE, json!({"input": {"url": url, "eventTypes": types}}))
        .await;
    let created = &answer.data()["createWebhookEndpoint"];
    (
        created["endpoint"]["id"].as_str().unwrap().to_string(),
        created["secret"].as_str().unwrap().to_string(),
    )
}

async fn deliveries(api: &TestApi, endpoint: &str) -> Value {
    api.graphql(
        "query($e: ID!) { webhookEndpoint(id: $e) { deliveries { eventId eventType status attempts \
         lastStatusCode lastError } } }",
        json!({"e": endpoint}),
    )
    .await
    .data()["webhookEndpoint"]["deliveries"]
        .clone()
}

async fn endpoint_state(api: &TestApi, endpoint: &str) -> Value {
    let answer = api
        .graphql(
            "{ webhookEndpoints { id state disabledReason } }",
            json!({}),
        )
        .await;
    answer.data()["webhookEndpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|candidate| candidate["id"] == endpoint)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn an_admin_registers_pauses_rotates_and_deletes_endpoints(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (id, secret) = register(&api, "https://hooks.example.org/in", &["PersonAssessed"]).await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let listed = api
        .graphql(
            "{ webhookEndpoints { id url eventTypes state } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed.data()["webhookEndpoints"],
        json!([{"id": id, "url": "https://hooks.example.org/in", "eventTypes": ["PersonAssessed"], "state": "ACTIVE"}])
    );

    // Bad input names its field and stores nothing.
    for (input, field) in [
        (
            json!({"url": "not a url", "eventTypes": ["*"]}),
            "input.url",
        ),
        (
            json!({"url": "ftp://hooks.example.org/", "eventTypes": ["*"]}),
            "input.url",
        ),
        (
            json!({"url": "http://127.0.0.1:9/in", "eventTypes": ["*"]}),
            "input.url",
        ),
        (
            json!({"url": "http://169.254.169.254/latest", "eventTypes": ["*"]}),
            "input.url",
        ),
        (
            json!({"url": "http://10.0.0.8/in", "eventTypes": ["*"]}),
            "input.url",
        ),
        (
            json!({"url": "https://hooks.example.org/", "eventTypes": ["PersonAssesed"]}),
            "input.eventTypes",
        ),
        (
            json!({"url": "https://hooks.example.org/", "eventTypes": []}),
            "input.eventTypes",
        ),
    ] {
        let answer = api.graphql(CREATE, json!({"input": input})).await;
        assert_eq!(answer.error_code(), "VALIDATION", "{input}: {:?}", answer.0);
        assert_eq!(
            answer.first_error()["extensions"]["field"],
            field,
            "{input}"
        );
    }
    assert_eq!(
        api.graphql("{ webhookEndpoints { id } }", json!({}))
            .await
            .data()["webhookEndpoints"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let set = |mutation: &'static str| {
        let api = &api;
        let id = id.clone();
        async move {
            api.graphql(
                &format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ id state }} }}"),
                json!({"id": id}),
            )
            .await
            .data()[mutation]["state"]
                .clone()
        }
    };
    assert_eq!(set("pauseWebhookEndpoint").await, "PAUSED");
    assert_eq!(set("resumeWebhookEndpoint").await, "ACTIVE");
    let rotated = api
        .graphql(
            "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }",
            json!({"id": id}),
        )
        .await;
    let new_secret = rotated.data()["rotateWebhookSecret"]["secret"]
        .as_str()
        .unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);

    // Another role of the chapter is refused; another chapter's admin does not find the endpoint.
    let lead = Identity {
        role: Role::Lead,
        ..Identity::development()
    };
    let as_lead = api.with_other_options(ApiOptions {
        dev_identity: Some(lead),
        ..ApiOptions::development()
    });
    let refused = post_graphql(&as_lead, "{ webhookEndpoints { id } }", json!({})).await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let other_admin = Identity {
        chapter: domain::ids::ChapterId::new_random(),
        ..Identity::development()
    };
    let as_other = api.with_other_options(ApiOptions {
        dev_identity: Some(other_admin),
        ..ApiOptions::development()
    });
    let missing = post_graphql(
        &as_other,
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(missing.error_code(), "NOT_FOUND");

    let deleted = api
        .graphql(
            "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(deleted.data()["deleteWebhookEndpoint"], id);
    assert_eq!(
        api.graphql("{ webhookEndpoints { id } }", json!({}))
            .await
            .data()["webhookEndpoints"],
        json!([])
    );
    api.stop().await;
}

async fn deliveries_are_signed_thin_and_only_of_the_endpoints_chapter_and_types(
    backend: TestBackend,
) {
    let api = api_allowing_loopback(backend).await;
    let receiver = Receiver::start().await;
    let (endpoint, secret) = register(
        &api,
        &receiver.url(),
        &["PersonAddedToCampaign", "PersonAssessed"],
    )
    .await;
    receiver.set_secret(&secret);
    let dispatcher = Dispatcher::start(api.groundwork.store().clone(), quick_options()).unwrap();

    let campaign = api.create_campaign("Riverside").await;
    let person = api.add_person(&campaign, "Ana", "Rivera").await;
    api.assess(&person, 2, None).await.data();
    // Another chapter's events, between: never delivered here.
    let other = api.with_other_options(loopback_options(Identity {
        chapter: domain::ids::ChapterId::new_random(),
        ..Identity::development()
    }));
    let other_campaign = post_graphql(
        &other,
        "mutation { createCampaign(input: {name: \"Elsewhere\", goal: 5}) { id } }",
        json!({}),
    )
    .await;
    let other_campaign = other_campaign.data()["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    post_graphql(
        &other,
        "mutation($c: ID!) { addPerson(input: {campaignId: $c, givenName: \"Bo\", familyName: \"Lind\"}) { id } }",
        json!({"c": other_campaign}),
    )
    .await
    .data();
    // And one more of this chapter, which comes after them in the log.
    api.assess(&person, 1, None).await.data();

    let received = receiver.wait_for(3).await;
    let types: Vec<&str> = received
        .iter()
        .map(|received| received.body["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["PersonAddedToCampaign", "PersonAssessed", "PersonAssessed"]
    );
    for delivery in &received {
        assert!(delivery.signature_ok, "{delivery:#?}");
        let data = &delivery.body["data"];
        assert_eq!(data["eventId"], delivery.id.as_str());
        assert!(delivery.id.starts_with("evt_"));
        assert_eq!(data["campaignId"], campaign.as_str());
        assert_eq!(data["personId"], person.as_str());
        assert_eq!(
            data["chapterId"],
            Identity::development().chapter.to_string()
        );
        // Thin: ids, type and time; no names or levels.
        let text = delivery.body.to_string();
        assert!(!text.contains("Ana") && !text.contains("Rivera"), "{text}");
        assert!(delivery.body["timestamp"].is_string());
    }
    // Ids are the chapter's own numbers (ADR 19): the other chapter's events in between leave no gap.
    let number = |index: usize| -> i64 {
        received[index]
            .id
            .strip_prefix("evt_c")
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("{:?}", received[index].id))
    };
    assert_eq!(number(2), number(1) + 1);
    assert_eq!(number(2), api.chapter_log_head().await);
    let ids: std::collections::BTreeSet<_> = received.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), 3, "each event once");

    let log = wait_for_log(&api, &endpoint, |log| {
        log.as_array().unwrap().len() == 3
            && log
                .as_array()
                .unwrap()
                .iter()
                .all(|entry| entry["status"] == "DELIVERED")
    })
    .await;
    for entry in log.as_array().unwrap() {
        assert_eq!(entry["status"], "DELIVERED", "{log:#}");
        assert_eq!(entry["attempts"], 1);
        assert_eq!(entry["lastStatusCode"], 204);
    }
    dispatcher.stop().await;
    api.stop().await;
}

async fn failures_are_retried_retry_after_is_honoured_and_gone_disables(backend: TestBackend) {
    let api = api_allowing_loopback(backend).await;
    let receiver = Receiver::start().await;
    let (endpoint, secret) = register(
        &api,
        &receiver.url(),
        &["CampaignCreated", "CampaignRenamed"],
    )
    .await;
    receiver.set_secret(&secret);
    // The backoff alone would retry within 5 s; the receiver's Retry-After asks for 2.
    let options = WebhookOptions {
        backoff_base: Duration::from_millis(20),
        ..quick_options()
    };
    let dispatcher = Dispatcher::start(api.groundwork.store().clone(), options).unwrap();
    receiver.answer_next(StatusCode::INTERNAL_SERVER_ERROR, None);
    receiver.answer_next(StatusCode::SERVICE_UNAVAILABLE, Some("2"));

    let campaign = api.create_campaign("Retried").await;
    let received = receiver.wait_for(3).await;
    let first_id = received[0].id.clone();
    assert!(received.iter().all(|received| received.id == first_id));
    assert!(received.iter().all(|received| received.signature_ok));
    let waited = received[2].at - received[1].at;
    assert!(
        waited >= Duration::from_millis(1_900),
        "Retry-After: 2 was not honoured: retried after {waited:?}"
    );
    let log = wait_for_log(&api, &endpoint, |log| log[0]["status"] == "DELIVERED").await;
    assert_eq!(log[0]["attempts"], 3, "{log:#}");

    // 410 Gone disables the endpoint; nothing more is sent until an admin resumes it.
    receiver.answer_next(StatusCode::GONE, None);
    api.graphql(
        "mutation($c: ID!) { renameCampaign(input: {campaignId: $c, name: \"Gone\"}) { id } }",
        json!({"c": campaign}),
    )
    .await
    .data();
    let received = receiver.wait_for(4).await;
    let gone_id = received[3].id.clone();
    let disabled = wait_for_state(&api, &endpoint, "DISABLED").await;
    assert!(
        disabled["disabledReason"].as_str().unwrap().contains("410"),
        "{disabled:#}"
    );
    let log = wait_for_log(&api, &endpoint, |log| log[0]["status"] == "FAILED").await;
    assert_eq!(log[0]["lastStatusCode"], 410);

    // Resumed: the event it stopped at arrives again, with the same id.
    api.graphql(
        "mutation($id: ID!) { resumeWebhookEndpoint(id: $id) { state } }",
        json!({"id": endpoint}),
    )
    .await
    .data();
    let received = receiver.wait_for(5).await;
    assert_eq!(received[4].id, gone_id);
    assert!(received[4].signature_ok);
    dispatcher.stop().await;
    api.stop().await;
}

/// Waits until the endpoint is in `state` (the dispatcher records it right after the receiver answered).
async fn wait_for_state(api: &TestApi, endpoint: &str, state: &str) -> Value {
    let deadline = Instant::now() + PATIENCE;
    let mut changes = api.groundwork.store().subscribe();
    loop {
        let current = endpoint_state(api, endpoint).await;
        if current["state"] == state {
            return current;
        }
        assert!(Instant::now() < deadline, "never {state}: {current:#}");
        // The state is written outside the log: look again shortly, or on any commit.
        let _ = tokio::time::timeout(Duration::from_millis(20), changes.changed()).await;
    }
}

/// Waits until the endpoint's delivery log satisfies `wanted` (the dispatcher writes it right after the
/// receiver answered); the log.
async fn wait_for_log(api: &TestApi, endpoint: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + PATIENCE;
    let mut changes = api.groundwork.store().subscribe();
    loop {
        let log = deliveries(api, endpoint).await;
        if wanted(&log) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "the delivery log never became as expected: {log:#}"
        );
        // The log is written outside the event log: look again shortly, or on any commit.
        let _ = tokio::time::timeout(Duration::from_millis(20), changes.changed()).await;
    }
}

async fn an_address_the_configuration_refuses_is_never_reached(backend: TestBackend) {
    // The API allows registering a loopback endpoint, but the dispatcher's configuration does not.
    let api = api_allowing_loopback(backend).await;
    let receiver = Receiver::start().await;
    let url = format!("http://localhost:{}/hook", receiver.address.port());
    let (endpoint, _) = register(&api, &url, &["*"]).await;
    let options = WebhookOptions {
        allowed: AllowedRanges::default(),
        ..quick_options()
    };
    let dispatcher = Dispatcher::start(api.groundwork.store().clone(), options).unwrap();
    api.create_campaign("Refused").await;
    let log = wait_for_log(&api, &endpoint, |log| {
        log[0]["attempts"].as_i64().unwrap_or(0) >= 2
    })
    .await;
    assert_eq!(log[0]["status"], "PENDING", "{log:#}");
    assert!(
        log[0]["lastError"].as_str().unwrap().contains("loopback"),
        "{log:#}"
    );
    assert!(receiver.received().is_empty());
    dispatcher.stop().await;
    api.stop().await;
}

/// Two dispatchers on one PostgreSQL database, as two servers would run them: only the holder of the lease
/// delivers, so no event arrives twice while nothing fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_servers_on_one_postgres_only_one_delivers() {
    let api = api_allowing_loopback(TestBackend::postgres().await).await;
    let receiver = Receiver::start().await;
    let (_, secret) = register(&api, &receiver.url(), &["PersonAddedToCampaign"]).await;
    receiver.set_secret(&secret);
    let second_store = api.backend.store(&api.master_key).await;
    let first = Dispatcher::start(api.groundwork.store().clone(), quick_options()).unwrap();
    let second = Dispatcher::start(second_store, quick_options()).unwrap();
    let campaign = api.create_campaign("Two servers").await;
    for index in 0..6 {
        api.add_person(&campaign, "Person", &format!("Number{index}"))
            .await;
    }
    receiver.wait_for(6).await;
    // A last event: each dispatcher delivers in log order, so one that also delivered would have sent the
    // six before it again by the time this one arrives from either.
    api.add_person(&campaign, "Person", "Last").await;
    receiver.wait_for(7).await;
    first.stop().await;
    second.stop().await;
    let received = receiver.received();
    let ids: std::collections::BTreeSet<_> = received.iter().map(|r| r.id.clone()).collect();
    assert_eq!((received.len(), ids.len()), (7, 7), "{received:#?}");
    api.stop().await;
}
