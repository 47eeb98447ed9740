//! Compressed responses (`api::compression`), on every backend: GraphQL (kept wall-chart answers and any
//! other query), REST and the app's files come compressed with brotli or gzip when the client's
//! `Accept-Encoding` allows it, and exactly as before when it does not; the decoded bytes are the same
//! answer; caching and security headers stay; a WebSocket subscription still works for a client that
//! accepts compressed answers.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::http::CONTENT_SECURITY_POLICY;
use api::web::IMMUTABLE;
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use std::io::Read as _;
use tests::{backend_tests, ws, TestBackend};
use tower::ServiceExt as _;

backend_tests!(
    graphql_answers_are_compressed_only_for_clients_that_ask,
    rest_and_the_apps_files_are_compressed_only_for_clients_that_ask,
    a_subscription_works_for_a_client_that_accepts_compression,
);

const CHART: &str = "query($c: ID!) { wallChart(campaignId: $c) { totals { people assessed } units { name people { name level } } unplaced { name level } } }";

const PEOPLE: &str = "query($c: ID!) { people(campaignId: $c, first: 25) { totalCount edges { node { id name level } } } }";

struct Served {
    status: StatusCode,
    headers: HeaderMap,
    /// As sent (compressed if the server compressed it).
    wire: Vec<u8>,
}

impl Served {
    fn encoding(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_ENCODING)
            .map(|value| value.to_str().unwrap())
    }

    /// The body decoded from its `Content-Encoding`.
    fn decoded(&self) -> Vec<u8> {
        let mut decoded = Vec::new();
        match self.encoding() {
            None => decoded.clone_from(&self.wire),
            Some("gzip") => {
                flate2::read::GzDecoder::new(&self.wire[..])
                    .read_to_end(&mut decoded)
                    .unwrap();
            }
            Some("br") => {
                brotli::Decompressor::new(&self.wire[..], 4096)
                    .read_to_end(&mut decoded)
                    .unwrap();
            }
            Some(other) => panic!("an unexpected content coding: {other}"),
        }
        decoded
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.decoded()).unwrap()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map(|value| value.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header"))
    }
}

async fn send(router: &Router, request: Request<Body>) -> Served {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let wire = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Served {
        status,
        headers,
        wire,
    }
}

async fn graphql(router: &Router, query: &str, variables: Value, accept: Option<&str>) -> Served {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let body = json!({"query": query, "variables": variables}).to_string();
    send(router, request.body(Body::from(body)).unwrap()).await
}

async fn get(router: &Router, path: &str, accept: Option<&str>) -> Served {
    let mut request = Request::builder().method(Method::GET).uri(path);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    send(router, request.body(Body::empty()).unwrap()).await
}

/// A campaign with enough people that its answers are worth compressing.
async fn campaign_with_people(api: &TestApi) -> String {
    let campaign = api.create_campaign("Drive").await;
    for index in 0..12 {
        let person = api
            .add_person(&campaign, "Worker", &format!("Number{index}"))
            .await;
        api.assess(&person, 1 + index % 5, None).await.data();
    }
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
    campaign
}

async fn graphql_answers_are_compressed_only_for_clients_that_ask(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = campaign_with_people(&api).await;
    let variables = json!({"c": campaign});
    // The wall chart: built, then kept (answered from memory). Both ways, each coding.
    for round in ["built", "kept"] {
        let plain = graphql(&api.router, CHART, variables.clone(), None).await;
        assert_eq!(plain.status, StatusCode::OK, "{round}");
        assert_eq!(plain.encoding(), None, "{round}: compressed unasked");
        let answer = plain.json();
        assert_eq!(
            answer["data"]["wallChart"]["totals"]["people"], 12,
            "{answer:#}"
        );
        for (accept, coding) in [
            ("gzip, deflate, br", "br"),
            ("gzip", "gzip"),
            ("br;q=0.1, gzip;q=0.9", "gzip"),
        ] {
            let compressed = graphql(&api.router, CHART, variables.clone(), Some(accept)).await;
            assert_eq!(compressed.status, StatusCode::OK);
            assert_eq!(compressed.encoding(), Some(coding), "{round}, {accept}");
            assert_eq!(compressed.json(), answer, "{round}, {accept}");
            assert!(compressed.wire.len() < plain.wire.len() / 2, "{round}");
            assert!(compressed
                .header(header::VARY)
                .to_ascii_lowercase()
                .contains("accept-encoding"));
            assert_eq!(
                compressed.header(header::CONTENT_SECURITY_POLICY),
                CONTENT_SECURITY_POLICY
            );
        }
        let refused = graphql(
            &api.router,
            CHART,
            variables.clone(),
            Some("br;q=0, gzip;q=0"),
        )
        .await;
        assert_eq!(refused.encoding(), None);
        assert_eq!(refused.json(), answer);
    }
    // Any other query goes through the compression layer.
    let plain = graphql(&api.router, PEOPLE, variables.clone(), None).await;
    assert_eq!(plain.encoding(), None);
    let people = plain.json();
    assert_eq!(people["data"]["people"]["totalCount"], 12, "{people:#}");
    for (accept, coding) in [("br", "br"), ("gzip", "gzip")] {
        let compressed = graphql(&api.router, PEOPLE, variables.clone(), Some(accept)).await;
        assert_eq!(compressed.encoding(), Some(coding));
        assert_eq!(compressed.json(), people);
        assert!(compressed.wire.len() < plain.wire.len());
    }
    api.stop().await;
}

async fn rest_and_the_apps_files_are_compressed_only_for_clients_that_ask(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    // REST: the OpenAPI document (public, some hundred KiB of JSON).
    let plain = get(&api.router, "/api/rest/v1/openapi.json", None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.encoding(), None);
    let document: Value = serde_json::from_slice(&plain.wire).unwrap();
    for (accept, coding) in [("gzip, br", "br"), ("gzip", "gzip")] {
        let compressed = get(&api.router, "/api/rest/v1/openapi.json", Some(accept)).await;
        assert_eq!(compressed.status, StatusCode::OK);
        assert_eq!(compressed.encoding(), Some(coding));
        assert_eq!(compressed.json(), document);
        assert!(compressed.wire.len() < plain.wire.len() / 2);
    }
    // The app's page and its hash-named script: compressed when asked, cache and security headers kept.
    let page = get(&api.router, "/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.encoding(), None);
    let html = String::from_utf8(page.wire.clone()).unwrap();
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .filter(|path| path.starts_with("/assets/") && path.ends_with(".js"))
        .unwrap_or_else(|| panic!("no script in the app's page: {html}"))
        .to_string();
    let compressed_page = get(&api.router, "/", Some("gzip")).await;
    assert_eq!(compressed_page.encoding(), Some("gzip"));
    assert_eq!(compressed_page.decoded(), page.wire);
    assert_eq!(compressed_page.header(header::CACHE_CONTROL), "no-cache");

    let plain_script = get(&api.router, &script, None).await;
    assert_eq!(plain_script.status, StatusCode::OK);
    assert_eq!(plain_script.encoding(), None);
    for (accept, coding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let compressed = get(&api.router, &script, Some(accept)).await;
        assert_eq!(compressed.status, StatusCode::OK);
        assert_eq!(compressed.encoding(), Some(coding));
        assert_eq!(compressed.decoded(), plain_script.wire);
        assert!(compressed.wire.len() < plain_script.wire.len() / 2);
        assert_eq!(compressed.header(header::CACHE_CONTROL), IMMUTABLE);
        assert_eq!(
            compressed.header(header::CONTENT_SECURITY_POLICY),
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(
            compressed.header(header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
    }
    api.stop().await;
}

async fn a_subscription_works_for_a_client_that_accepts_compression(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let served = ws::serve(api.router.clone()).await;
    let mut socket = ws::open(served.address, &[("accept-encoding", "gzip, deflate, br")]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription { logHeadChanges(announce: true) { position } }",
        json!({}),
    )
    .await;
    ws::listening(&mut socket).await;
    api.create_campaign("Drive").await;
    let event = ws::next_json(&mut socket).await;
    assert_eq!(event["type"], "next", "{event:#}");
    assert!(
        event["payload"]["data"]["logHeadChanges"]["position"].is_string(),
        "{event:#}"
    );
    api.stop().await;
}
