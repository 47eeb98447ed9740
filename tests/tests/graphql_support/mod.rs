//! Driving the GraphQL API as a client would: a `TestApi` over a fresh database with typed helpers
//! (`create_campaign`, `add_unit`, `add_person`, `assess`) that return ids and versions. A `TestApi` stops
//! its projection runner when dropped, then drops its database, so a failed test leaves nothing running.
#![allow(clippy::unwrap_used, dead_code)] // test helpers: a failed unwrap is a failed test

use api::clock::{Clock, SystemClock};
use api::graphql::answers::WallChartAnswers;
use api::http::{app_with, app_with_answers, ApiOptions};
use api::service::Groundwork;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use projections::{ReadModels, RunnerOptions};
use serde_json::{json, Value};
use std::sync::Arc;
use store::{MasterKey, StoreOptions};
use tests::TestBackend;
use tower::ServiceExt as _;

pub struct TestApi {
    pub router: Router,
    pub groundwork: Arc<Groundwork>,
    pub read_models: ReadModels,
    /// The serialised wall-chart answers `router` keeps (shared with [`TestApi::with_other_options`]).
    pub answers: WallChartAnswers,
    /// The projection runner feeding `read_models`; stopped when the test ends.
    pub runner: Option<projections::Runner>,
    pub master_key: MasterKey,
    pub backend: TestBackend,
}

impl Drop for TestApi {
    /// A test that failed, or never called `stop`: the runner is killed where it stands (as a crash would),
    /// and then the database is dropped (the `backend` field drops last).
    fn drop(&mut self) {
        if let Some(runner) = self.runner.take() {
            runner.abort();
        }
    }
}

/// A GraphQL response: `data` and `errors` as JSON.
#[derive(Debug, Clone)]
pub struct Answer(pub Value);

impl Answer {
    pub fn data(&self) -> &Value {
        assert!(
            self.0.get("errors").is_none(),
            "expected no errors, got {:#}",
            self.0
        );
        &self.0["data"]
    }

    /// The code of the first error (`extensions.code`); panics when there is no error.
    pub fn error_code(&self) -> String {
        self.first_error()["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn first_error(&self) -> &Value {
        self.0["errors"]
            .get(0)
            .unwrap_or_else(|| panic!("expected an error, got {:#}", self.0))
    }

    pub fn error_message(&self) -> String {
        self.first_error()["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

impl TestApi {
    pub async fn start(backend: TestBackend) -> Self {
        Self::with_options(backend, ApiOptions::development()).await
    }

    pub async fn with_options(backend: TestBackend, options: ApiOptions) -> Self {
        Self::with_clock(backend, options, Arc::new(SystemClock)).await
    }

    /// A server whose requests act at the time `clock` says (a test sets it instead of waiting for it).
    pub async fn with_clock(
        backend: TestBackend,
        options: ApiOptions,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self::with_store_options(backend, options, clock, StoreOptions::default()).await
    }

    /// A server on a store with these options (small in-process caches, say).
    pub async fn with_store_options(
        backend: TestBackend,
        options: ApiOptions,
        clock: Arc<dyn Clock>,
        store_options: StoreOptions,
    ) -> Self {
        let master_key = MasterKey::generate();
        let store = backend.store_with(&master_key, store_options).await;
        let groundwork = Arc::new(Groundwork::with_store(store).with_clock(clock));
        let read_models = ReadModels::new(groundwork.store());
        let runner = read_models.start(RunnerOptions::default());
        let answers = WallChartAnswers::new(&read_models);
        let router = app_with_answers(
            groundwork.clone(),
            read_models.clone(),
            answers.clone(),
            options,
        );
        Self {
            router,
            groundwork,
            read_models,
            answers,
            runner: Some(runner),
            master_key,
            backend,
        }
    }

    /// Another API over the same database, read models and kept wall-chart answers, with other options
    /// (another identity, say).
    pub fn with_other_options(&self, options: ApiOptions) -> Router {
        app_with_answers(
            self.groundwork.clone(),
            self.read_models.clone(),
            self.answers.clone(),
            options,
        )
    }

    /// A second server on the same database, as another `groundwork serve` process would be: its own pool,
    /// read models and projection runner. Returns its router and runner.
    pub async fn second_server(&self) -> (Router, projections::Runner) {
        let store = self.backend.store(&self.master_key).await;
        let groundwork = Arc::new(Groundwork::with_store(store));
        let read_models = ReadModels::new(groundwork.store());
        let runner = read_models.start(RunnerOptions::default());
        (
            app_with(groundwork, read_models, ApiOptions::development()),
            runner,
        )
    }

    /// Another process on the same database that runs no projections (as the command line is, or a server
    /// whose runner is stopped): its own pool and key cache. `server` gives it a GraphQL API; each call
    /// gives a new one, with its own memory of its callers' writes.
    pub async fn process_without_projections(&self) -> (Arc<Groundwork>, ReadModels) {
        let store = self.backend.store(&self.master_key).await;
        let groundwork = Arc::new(Groundwork::with_store(store));
        let read_models = ReadModels::new(groundwork.store());
        (groundwork, read_models)
    }

    /// Stops the projection runner after its current batch (dropping the `TestApi` kills it instead).
    pub async fn stop(mut self) {
        if let Some(runner) = self.runner.take() {
            runner.stop().await;
        }
    }

    /// POSTs a GraphQL request and returns the JSON answer (GraphQL answers 200 even with errors).
    pub async fn graphql(&self, query: &str, variables: Value) -> Answer {
        post_graphql(&self.router, query, variables).await
    }

    /// The development chapter's head as `logHead` shows it: the number of its newest event in its own
    /// sequence (ADR 19).
    pub async fn chapter_log_head(&self) -> i64 {
        let answer = self.graphql("{ logHead { position } }", json!({})).await;
        answer.data()["logHead"]["position"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// The newest position of the log: unchanged when a request changed nothing.
    pub async fn log_head(&self) -> store::Position {
        self.groundwork.store().head().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Creates a campaign and returns its id.
    pub async fn create_campaign(&self, name: &str) -> String {
        let answer = self
            .graphql(
                "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id version } }",
                json!({"input": {"name": name, "goal": 100}}),
            )
            .await;
        answer.data()["createCampaign"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Adds a unit (under `parent` when given) and returns its id.
    pub async fn add_unit(&self, campaign: &str, name: &str, parent: Option<&str>) -> String {
        let answer = self
            .graphql(
                "mutation($input: AddUnitInput!) { addUnit(input: $input) { createdId } }",
                json!({"input": {"campaignId": campaign, "name": name, "kind": "Department", "parentId": parent}}),
            )
            .await;
        answer.data()["addUnit"]["createdId"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Adds a person to the campaign and returns their id.
    pub async fn add_person(&self, campaign: &str, given: &str, family: &str) -> String {
        let answer = self
            .graphql(
                "mutation($input: AddPersonInput!) { addPerson(input: $input) { id version } }",
                json!({"input": {"campaignId": campaign, "givenName": given, "familyName": family}}),
            )
            .await;
        answer.data()["addPerson"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Assesses a person; returns the whole answer so callers can look at errors.
    pub async fn assess(&self, person: &str, level: i64, expected_version: Option<i64>) -> Answer {
        self.graphql(
            "mutation($input: AssessPersonInput!, $expected: Int) {
                assessPerson(input: $input, expectedVersion: $expected) { id version replayed }
            }",
            json!({"input": {"personId": person, "level": level}, "expected": expected_version}),
        )
        .await
    }
}

pub async fn post_graphql(router: &Router, query: &str, variables: Value) -> Answer {
    let body = json!({"query": query, "variables": variables}).to_string();
    let response = router
        .clone()
        .oneshot(
            Request::builder()
                .method(Method::POST)
                .uri("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let value: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON ({status}): {}", String::from_utf8_lossy(&bytes)));
    Answer(value)
}
