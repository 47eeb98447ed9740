//! The REST API compatible with Action Builder (`/api/rest/v1`): the paths, HAL shapes and behaviour that
//! scripts written for Action Builder's OSDI API use (the Parsons `ActionBuilder` connector is the reference
//! client; `docs/rest.md`). Only a transport: every read goes through the same permission, campaign
//! narrowing and turf checks as GraphQL (`crate::access`), and every write is a [`crate::command::Command`]
//! authorized by `access::authorize_write` and run by the command service.

mod campaigns;
mod connections;
mod filter;
pub mod openapi;
mod shape;
mod signup;
mod tags;

use crate::access::{self, Identity};
use crate::accounts::Accounts;
use crate::command::Command;
use crate::error::ApiError;
use crate::messages::Language;
use crate::service::Committed;
use crate::service::Groundwork;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use projections::ReadModels;
use serde_json::json;
use std::sync::Arc;

/// Where the REST API is nested in the HTTP router.
pub const BASE_PATH: &str = "/api/rest/v1";
/// The header Action Builder's clients send their API token in (a Groundwork API token, `gwt_…`).
pub const TOKEN_HEADER: &str = "osdi-api-token";
/// The largest page Action Builder hands out, and so the largest `per_page` its clients ask for.
pub const MAX_PER_PAGE: u32 = 25;

/// What the REST handlers share: the command service, the read models and the account service (to
/// authenticate tokens).
#[derive(Clone)]
pub struct RestState {
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    accounts: Arc<Accounts>,
}

/// The REST API's router, to be nested at [`BASE_PATH`].
pub fn router(
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    accounts: Arc<Accounts>,
) -> Router {
    Router::new()
        .route("/openapi.json", get(openapi_document))
        .route("/campaigns", get(campaigns::list))
        .route("/campaigns/{campaign}", get(campaigns::one))
        .route(
            "/campaigns/{campaign}/people",
            get(campaigns::people).post(signup::signup),
        )
        .route(
            "/campaigns/{campaign}/people/{person}",
            delete(connections::remove),
        )
        .route(
            "/campaigns/{campaign}/people/{person}/connections",
            post(connections::upsert),
        )
        .route(
            "/campaigns/{campaign}/people/{person}/connections/{connection}",
            put(connections::update),
        )
        .route(
            "/campaigns/{campaign}/tags",
            get(tags::list).post(tags::create),
        )
        .route(
            "/campaigns/{campaign}/tags/{tag}/taggings",
            get(tags::taggings),
        )
        .route(
            "/campaigns/{campaign}/tags/{tag}/taggings/{tagging}",
            delete(tags::delete_tagging),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn(in_the_request_language))
        .with_state(RestState {
            groundwork,
            read_models,
            accounts,
        })
}

/// How long a write's answer waits for its events to be projected, so the answer shows them.
const READ_YOUR_WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs `command` as `identity`: authorized by the policy every transport shares (the permission follows
/// from the command), run by the command service, and waited for until the read models show it.
async fn run(
    state: &RestState,
    identity: &Identity,
    command: Command,
) -> Result<Committed, ApiError> {
    access::authorize_write(
        state.groundwork.store(),
        identity,
        &access::demand(&command),
    )
    .await?;
    let actor = domain::Actor {
        at: state.groundwork.now(),
        ..identity.actor()
    };
    let committed = state.groundwork.execute(&actor, command, None).await?;
    if let Some(position) = committed.position {
        if !state
            .read_models
            .wait_until(position, READ_YOUR_WRITE_TIMEOUT)
            .await?
        {
            tracing::warn!("a REST write answers before the read models show it");
        }
    }
    Ok(committed)
}

/// `GET openapi.json`: the API's description (public: it holds nothing of any chapter).
async fn openapi_document() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn not_found() -> RestError {
    RestError(ApiError::not_found(
        "no such resource in this API (see docs/rest.md)",
    ))
}

/// The caller, authenticated by the `OSDI-API-Token` header. No cookie and no development identity: this
/// API is for scripts, and a script holds a token.
pub struct Caller(pub Identity);

impl FromRequestParts<RestState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, Response> {
        let Some(token) = parts
            .headers
            .get(TOKEN_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|token| !token.is_empty())
        else {
            return Err(osdi_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "send a Groundwork API token in the OSDI-API-Token header",
            ));
        };
        match state.accounts.authenticate_token(token).await {
            Ok(Some(identity)) => Ok(Self(identity)),
            Ok(None) => Err(osdi_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "the API token is not valid (revoked, expired or mistyped)",
            )),
            Err(error) => Err(RestError(ApiError::internal(error)).into_response()),
        }
    }
}

/// The query string, deserialized like `axum::extract::Query`, but refused in OSDI's shape: `400` with
/// `VALIDATION` naming the parameter (axum's own refusal is plain text).
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, RestError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| RestError(ApiError::invalid("query", rejection.body_text())))
    }
}

/// A JSON request body, read like `axum::Json`, but refused in OSDI's shape: `400` with `VALIDATION` for
/// a missing JSON content type, malformed JSON and a wrong field alike (axum answers those with plain-text
/// `415`, `400` and `422`).
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = RestError;

    async fn from_request(request: Request, state: &S) -> Result<Self, RestError> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection| RestError(ApiError::invalid("body", rejection.body_text())))
    }
}

/// A failure, answered in OSDI's error shape with the status its kind calls for.
#[derive(Debug)]
pub struct RestError(pub ApiError);

impl From<ApiError> for RestError {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl From<projections::ProjectionError> for RestError {
    fn from(error: projections::ProjectionError) -> Self {
        Self(ApiError::from(error))
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Validation { .. } => StatusCode::BAD_REQUEST,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            // The database could not be reached: the client may retry (with its idempotency key).
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            // Never raised by the REST API (its writes answer without waiting for projection).
            ApiError::Stale { .. } => StatusCode::SERVICE_UNAVAILABLE,
        };
        osdi_error(status, self.0.code(), &self.0.to_string())
    }
}

tokio::task_local! {
    /// The language of the request being answered (its `Accept-Language`), for the errors' descriptions.
    static LANGUAGE: Language;
}

/// Answers the request inside its language, so that an error's description (made where the error is turned
/// into a response, deep in a handler or an extractor) comes in the language the caller asked for, with its
/// code unchanged, as GraphQL's errors do.
async fn in_the_request_language(request: Request, next: Next) -> Response {
    let language = Language::from_accept_language(
        request
            .headers()
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    LANGUAGE.scope(language, next.run(request)).await
}

/// OSDI's error shape: the request's status and, per resource, the errors with a code and a description.
/// `error` repeats the description, as Action Network's and Action Builder's answers carry it. The
/// description is in the request's language (English outside a request).
fn osdi_error(status: StatusCode, code: &str, description: &str) -> Response {
    let language = LANGUAGE.try_with(|language| *language).unwrap_or_default();
    let description = crate::messages::translate(description, language);
    let description = description.as_str();
    (
        status,
        Json(json!({
            "request_type": "atomic",
            "response_code": status.as_u16(),
            "resource_status": [{
                "resource": "osdi:request",
                "response_code": status.as_u16(),
                "errors": [{"code": code, "description": description}],
            }],
            "error": description,
        })),
    )
        .into_response()
}
