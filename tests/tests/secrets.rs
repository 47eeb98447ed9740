//! Secrets never reach the logs or `Debug` output, on every backend: the logs of a whole account life cycle
//! (creating the first admin, failed and successful sign-ins, a token, a password change) and of the
//! configuration are captured at TRACE level and searched for the master key, the database password, every
//! password and the token.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::config::{Environment, Settings};
use api::http::{ApiOptions, CSRF_HEADER};
use axum::http::{header, Method};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{json, Value};
use std::collections::HashMap;
use tests::http::call;
use tests::logs::LogCapture;
use tests::{backend_tests, TestBackend};

backend_tests!(secrets_never_appear_in_logs_or_debug_output);

struct MapEnvironment(HashMap<&'static str, String>);

impl Environment for MapEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

async fn post(
    router: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> (u16, String, Value) {
    let reply = call(router, Method::POST, path, headers, body).await;
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .unwrap_or_default()
        .to_string();
    (reply.status.as_u16(), cookie, reply.body)
}

async fn secrets_never_appear_in_logs_or_debug_output(backend: TestBackend) {
    let logs = LogCapture::start();
    let password = "first admin passphrase 7431";
    let wrong = "wrong passphrase guessed 9902";
    let changed = "changed passphrase later 5520";
    let master_key = store::MasterKey::generate()
        .to_base64()
        .expose_secret()
        .to_string();
    let database_password = "database-password-6612";

    // Configuration: the master key and the database password stay out of Debug and the logs.
    let settings = Settings::load(
        None,
        &MapEnvironment(HashMap::from([
            ("GROUNDWORK_MASTER_KEY", master_key.clone()),
            (
                "GROUNDWORK_DATABASE_URL",
                format!("postgres://groundwork:{database_password}@127.0.0.1:5432/groundwork"),
            ),
        ])),
    )
    .unwrap();
    let debug = format!("{settings:?}");
    tracing::info!(?settings, "settings loaded");
    assert!(
        !debug.contains(&master_key) && !debug.contains(database_password),
        "{debug}"
    );

    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Chapter",
        &SecretString::from(password),
    )
    .await
    .unwrap();
    let router = &api.router;
    let csrf = [(CSRF_HEADER, "1")];
    let (status, _, _) = post(
        router,
        "/auth/sign-in",
        &csrf,
        json!({"email": "admin@example.org", "password": wrong}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, cookie, _) = post(
        router,
        "/auth/sign-in",
        &csrf,
        json!({"email": "admin@example.org", "password": password}),
    )
    .await;
    assert_eq!(status, 200);
    let signed_in = [("cookie", cookie.as_str()), (CSRF_HEADER, "1")];
    let (_, _, created) = post(
        router,
        "/graphql",
        &signed_in,
        json!({"query": "mutation { createApiToken(input: {name: \"n\", role: ADMIN}) { token } }"}),
    )
    .await;
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    let (status, _, _) = post(
        router,
        "/graphql",
        &[("authorization", &bearer)],
        json!({"query": "{ me { role } }"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = post(
        router,
        "/auth/password",
        &signed_in,
        json!({"currentPassword": password, "newPassword": changed}),
    )
    .await;
    assert_eq!(status, 204);
    let session_secret = cookie.split_once('=').unwrap().1.to_string();
    api.stop().await;

    let text = logs.text();
    assert!(text.contains("signed in"), "the logs were not captured");
    for (what, secret) in [
        ("the master key", master_key.as_str()),
        ("the database password", database_password),
        ("the admin's password", password),
        ("a wrong password", wrong),
        ("the new password", changed),
        ("the API token", token.as_str()),
        ("the session cookie", session_secret.as_str()),
    ] {
        assert!(!text.contains(secret), "{what} appears in the logs");
    }
}
