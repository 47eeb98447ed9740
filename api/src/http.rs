//! The HTTP surface: `fn app(state) -> Router`, so tests drive it without a socket.

use crate::service::Groundwork;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;

/// Builds the router for one running Groundwork.
pub fn app(groundwork: Arc<Groundwork>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(groundwork)
}

/// Liveness and readiness: answers 200 when the database answers, 503 otherwise.
async fn healthz(State(groundwork): State<Arc<Groundwork>>) -> Response {
    match groundwork.health().await {
        Ok(health) => Json(json!({
            "status": "ok",
            "backend": health.backend,
            "position": health.position,
        }))
        .into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "reason": "the database does not answer"})),
            )
                .into_response()
        }
    }
}
