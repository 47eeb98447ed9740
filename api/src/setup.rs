//! First start: while the database is new (no chapter and so no account), `groundwork serve` prints a
//! one-time setup address, `/setup/<token>`, where the first admin names the chapter and sets a password in
//! the browser. The token is random, kept only in this process's memory, and valid until it is used or the
//! server stops; afterwards the address answers 404. `groundwork admin create` stays for scripted installs.

use crate::http::CSRF_HEADER;
use crate::service::Groundwork;
use crate::web::{WebFiles, APP_PAGE};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use rand::RngCore as _;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use subtle::ConstantTimeEq as _;
use tokio::sync::Mutex;

/// The setup address's path before the token.
pub const SETUP_PATH: &str = "/setup/";

/// The one-time setup token of this server process.
pub struct FirstStart {
    /// `None` once the setup was done.
    token: Mutex<Option<String>>,
}

impl FirstStart {
    /// A fresh random token (32 bytes, URL-safe base64).
    pub fn new() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self::with_token(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A setup with a given token (tests).
    pub fn with_token(token: String) -> Self {
        Self {
            token: Mutex::new(Some(token)),
        }
    }

    /// The setup address's path, `/setup/<token>`, while the setup is still open.
    pub async fn path(&self) -> Option<String> {
        self.token
            .lock()
            .await
            .as_ref()
            .map(|token| format!("{SETUP_PATH}{token}"))
    }

    /// Whether the database is new: nothing in the event log, so no chapter and no usable account.
    pub async fn needed(groundwork: &Groundwork) -> anyhow::Result<bool> {
        Ok(groundwork.store().head().await? == store::Position::START)
    }
}

impl std::fmt::Debug for FirstStart {
    /// Never shows the token: it is as good as an admin's password until it is used.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FirstStart { .. }")
    }
}

impl Default for FirstStart {
    fn default() -> Self {
        Self::new()
    }
}

/// Compared in constant time, so the answer's timing says nothing about how much of a guess was right.
fn same(kept: Option<&String>, candidate: &str) -> bool {
    kept.is_some_and(|token| bool::from(token.as_bytes().ct_eq(candidate.as_bytes())))
}

#[derive(Clone)]
struct SetupState {
    first_start: Option<Arc<FirstStart>>,
    groundwork: Arc<Groundwork>,
    files: Arc<WebFiles>,
}

/// `GET /setup/{token}` (the app's page, which shows the setup form) and `POST /setup/{token}`; both answer
/// 404 for a wrong or used token, and when the server did not start without accounts.
pub fn router(
    first_start: Option<Arc<FirstStart>>,
    groundwork: Arc<Groundwork>,
    files: Arc<WebFiles>,
) -> Router {
    Router::new()
        .route("/setup/{token}", get(page).post(complete))
        .with_state(SetupState {
            first_start,
            groundwork,
            files,
        })
}

async fn page(State(state): State<SetupState>, Path(token): Path<String>) -> Response {
    let Some(first_start) = &state.first_start else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !same(first_start.token.lock().await.as_ref(), &token) {
        return StatusCode::NOT_FOUND.into_response();
    }
    state.files.page(APP_PAGE).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetupBody {
    chapter_name: String,
    email: String,
    password: SecretString,
}

/// Creates the chapter and its first admin, then closes the setup address. The lock is held throughout,
/// so two submissions cannot both create a chapter; a refused one (a bad email, a short password) leaves
/// the address open for another try.
async fn complete(
    State(state): State<SetupState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Json(body): Json<SetupBody>,
) -> Response {
    let Some(first_start) = &state.first_start else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut kept = first_start.token.lock().await;
    if !same(kept.as_ref(), &token) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !headers.contains_key(CSRF_HEADER) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"error": "the setup must carry the X-Groundwork-CSRF header"})),
        )
            .into_response();
    }
    match crate::accounts::create_chapter_with_admin(
        &state.groundwork,
        &body.email,
        &body.chapter_name,
        &body.password,
    )
    .await
    {
        Ok((user, chapter)) => {
            *kept = None;
            tracing::info!(%user, %chapter, "first start: the chapter and its admin are set up");
            (
                StatusCode::CREATED,
                Json(json!({"chapterId": chapter.to_string(), "userId": user.to_string()})),
            )
                .into_response()
        }
        Err(error) => {
            tracing::info!(error = %error, "first start: the setup was refused");
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("{error:#}")})),
            )
                .into_response()
        }
    }
}
