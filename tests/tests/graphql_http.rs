//! The GraphQL endpoint's HTTP surface and limits, on every backend: GraphiQL, `/metrics`, the depth limit,
//! introspection switched off, and subscriptions over a real WebSocket (graphql-transport-ws).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::graphql::GraphqlSettings;
use api::http::ApiOptions;
use axum::http::StatusCode;
use serde_json::{json, Value};
use tests::{backend_tests, ws, TestBackend};

backend_tests!(
    graphiql_and_metrics_are_served,
    a_query_over_the_depth_limit_is_refused,
    a_query_over_the_complexity_limit_is_refused,
    graphiql_introspection_fits_the_limits,
    introspection_can_be_turned_off,
    a_subscription_sees_a_mutation_over_a_websocket,
);

async fn graphiql_and_metrics_are_served(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let (status, page) = api.get("/graphql").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("graphiql"), "not the GraphiQL page");

    api.create_campaign("Drive").await;
    let (status, metrics) = api.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    let head = api.log_head().await.position;
    assert!(
        metrics.contains(&format!("groundwork_log_head_position {head}")),
        "{metrics}"
    );
}

async fn a_query_over_the_depth_limit_is_refused(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let mut selection = "name".to_string();
    for _ in 0..20 {
        selection = format!("ofType {{ {selection} }}");
    }
    let too_deep = api
        .graphql(
            &format!("{{ __type(name: \"Query\") {{ {selection} }} }}"),
            json!({}),
        )
        .await;
    assert!(
        too_deep.error_message().contains("nested too deep"),
        "{:#}",
        too_deep.0
    );
    // GraphiQL's own introspection query stays within the limit.
    let shallow = api
        .graphql(
            "{ __schema { types { name fields { name type { name ofType { name } } } } } }",
            json!({}),
        )
        .await;
    assert!(shallow.data()["__schema"]["types"].is_array());
}

async fn a_query_over_the_complexity_limit_is_refused(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    // Ten pages of 100 people with three fields each: 10 × 100 × (edges + node + 3) > 2000.
    let pages: Vec<String> = (0..10)
        .map(|page| {
            format!("p{page}: people(campaignId: $c, first: 100) {{ edges {{ node {{ id name level }} }} }}")
        })
        .collect();
    let query = format!("query($c: ID!) {{ {} }}", pages.join(" "));
    let answer = api.graphql(&query, json!({"c": campaign})).await;
    assert!(answer.error_message().contains("complex"), "{:#}", answer.0);
}

async fn graphiql_introspection_fits_the_limits(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let answer = api.graphql(INTROSPECTION_QUERY, json!({})).await;
    assert!(answer.data()["__schema"]["types"].as_array().unwrap().len() > 50);
}

/// The introspection query GraphiQL and code generators send (graphql-js `getIntrospectionQuery`).
const INTROSPECTION_QUERY: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

async fn introspection_can_be_turned_off(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let locked = api.with_other_options(ApiOptions {
        graphql: GraphqlSettings {
            introspection: false,
            graphiql: false,
            ..GraphqlSettings::default()
        },
        ..ApiOptions::development()
    });
    let answer = post_graphql(&locked, "{ __schema { types { name } } }", json!({})).await;
    assert!(answer.0.get("errors").is_some() || answer.0["data"]["__schema"].is_null());
    let me = post_graphql(&locked, "{ me { role } }", json!({})).await;
    assert_eq!(me.data()["me"]["role"], "ADMIN");
}

async fn a_subscription_sees_a_mutation_over_a_websocket(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let served = ws::serve(api.router.clone()).await;
    let mut socket = ws::open(served.address, &[]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription { logHeadChanges(announce: true) { position } }",
        json!({}),
    )
    .await;
    // The announcement is the head as the subscription starts listening.
    let listening = ws::listening(&mut socket).await;
    let before = api.chapter_log_head().await.to_string();
    assert_eq!(
        listening["payload"]["data"]["logHeadChanges"]["position"],
        Value::String(before.clone())
    );
    api.create_campaign("Drive").await;
    // The newest change is delivered with its position.
    let head = api.chapter_log_head().await.to_string();
    assert_ne!(head, before);
    let event = ws::next_json(&mut socket).await;
    assert_eq!(event["type"], "next", "{event:#}");
    let mut position = event["payload"]["data"]["logHeadChanges"]["position"].clone();
    while position != Value::String(head.clone()) {
        let event = ws::next_json(&mut socket).await;
        assert_eq!(event["type"], "next", "{event:#}");
        position = event["payload"]["data"]["logHeadChanges"]["position"].clone();
    }
    api.stop().await;
}
