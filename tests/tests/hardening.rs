//! Hardening on every backend: oversized request bodies are refused before they are parsed, and the query
//! depth and complexity limits apply to subscriptions as they do to queries.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::Identity;
use api::accounts::Accounts;
use api::graphql::{GraphqlSettings, SchemaDeps};
use api::http::{ApiOptions, MAX_BODY_BYTES};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use futures::StreamExt as _;
use std::sync::Arc;
use tests::{backend_tests, TestBackend};
use tower::ServiceExt as _;

backend_tests!(
    an_oversized_body_is_refused,
    subscriptions_obey_the_depth_and_complexity_limits,
);

async fn an_oversized_body_is_refused(backend: TestBackend) {
    let api = TestApi::with_options(backend, ApiOptions::development()).await;
    let padding = "x".repeat(MAX_BODY_BYTES + 1);
    let body =
        format!(r#"{{"query": "{{ me {{ role }} }}", "variables": {{"padding": "{padding}"}}}}"#);
    for path in ["/graphql", "/auth/sign-in"] {
        let response = api
            .router
            .clone()
            .oneshot(
                Request::builder()
                    .method(Method::POST)
                    .uri(path)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("x-groundwork-csrf", "1")
                    .body(Body::from(body.clone()))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    api.stop().await;
}

async fn subscriptions_obey_the_depth_and_complexity_limits(backend: TestBackend) {
    let api = TestApi::with_options(backend, ApiOptions::development()).await;
    let schema = api::graphql::schema(SchemaDeps {
        groundwork: api.groundwork.clone(),
        read_models: api.read_models.clone(),
        accounts: Arc::new(Accounts::new(api.groundwork.store().clone())),
        settings: GraphqlSettings {
            max_depth: 2,
            max_complexity: 3,
            ..GraphqlSettings::default()
        },
    });
    let campaign = uuid::Uuid::new_v4();
    for query in [
        // Three levels deep.
        format!(
            r#"subscription {{ wallChartChanges(campaignId: "{campaign}") {{ cell {{ name }} }} }}"#
        ),
        // Five fields.
        format!(
            r#"subscription {{ wallChartChanges(campaignId: "{campaign}") {{ kind campaignId personId unitId }} }}"#
        ),
    ] {
        let request = async_graphql::Request::new(query.clone()).data(Identity::development());
        let first = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            schema.execute_stream(request).next(),
        )
        .await
        .expect("a refused subscription answers at once")
        .unwrap();
        assert!(!first.errors.is_empty(), "{query} was not refused");
        let message = first.errors[0].message.to_lowercase();
        assert!(
            message.contains("nested too deep") || message.contains("too complex"),
            "{message}"
        );
    }
    api.stop().await;
}
