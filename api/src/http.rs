//! The HTTP surface: `fn app(state) -> Router`, so tests drive it without a socket.
//!
//! - `POST /graphql` runs queries and mutations; `GET /graphql` serves GraphiQL (unless turned off).
//! - `GET /graphql/ws` upgrades to a WebSocket for subscriptions (graphql-transport-ws / graphql-ws).
//! - `POST /auth/sign-in`, `/auth/sign-out`, `/auth/sign-out-everywhere`, `/auth/password`: password accounts.
//! - `POST /auth/invitation`: accepting an invitation to a chapter with its code ([`crate::invitations`]).
//! - `GET /auth/providers`, `/auth/oidc/start`, `/auth/oidc/callback`: single sign-on (see [`crate::oidc`]).
//! - `GET /export/people.csv` and `/export/wall-chart.csv` download an export as a file: the GraphQL fields
//!   `exportPeople` and `exportWallChart` run for the caller, so the same grant, scope, masking and access log
//!   apply.
//! - `GET /metrics` answers in Prometheus text to the operator's bearer token (`GROUNDWORK_METRICS_TOKEN`;
//!   without one it is off); `GET /healthz` says whether the database answers.
//! - `GET`/`POST /setup/{token}`: the first admin's one-time setup on a new database ([`crate::setup`]).
//! - Every other GET is the browser app (see [`crate::web`]): its assets, or its page for a client route.

use crate::access::{Identity, Scope, Via};
use crate::accounts::{AccountError, Accounts};
use crate::compression::{self, Coding, CompressedAnswer};
use crate::config::{Environment, OidcSettings};
use crate::graphql::answers::WallChartAnswers;
use crate::graphql::{self, GraphqlSettings, GroundworkSchema, SchemaDeps};
use crate::messages::{self, Language};
use crate::oidc::{self, Oidc, OidcRoutes};
use crate::service::Groundwork;
use crate::session::session_cookie_value;
use crate::setup::{self, FirstStart};
use crate::upload;
use crate::web::{self, WebFiles};
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest as _, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::ids::ChapterId;
use projections::ReadModels;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the GraphQL endpoint and its WebSocket live.
pub const GRAPHQL_PATH: &str = "/graphql";
pub const GRAPHQL_WS_PATH: &str = "/graphql/ws";
/// The browser session's cookie (defined with the session, `crate::session`).
pub use crate::session::SESSION_COOKIE;
/// The header a cookie-authenticated request must carry (any non-empty value). A cross-site form cannot
/// set it, and a cross-site script cannot send it without a CORS preflight that Groundwork never grants.
pub const CSRF_HEADER: &str = "x-groundwork-csrf";
/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How the HTTP surface is set up.
#[derive(Debug, Clone)]
pub struct ApiOptions {
    /// The identity of requests that carry neither a session nor a token. `None` (the default) refuses
    /// them; only `GROUNDWORK_DEV_IDENTITY=true` sets one, for local demos.
    pub dev_identity: Option<Identity>,
    pub graphql: GraphqlSettings,
    /// Whether the session cookie is marked `Secure` (everywhere but a server listening on localhost).
    pub secure_cookies: bool,
    /// Single sign-on through an OpenID Connect provider, when configured.
    pub oidc: Option<OidcSettings>,
    /// Where the browser app's files come from: the copy in the binary, or `GROUNDWORK_WEB_DIR`.
    pub web: WebFiles,
    /// The one-time setup address of a server started on a new database (see [`crate::setup`]).
    pub first_start: Option<Arc<FirstStart>>,
    /// The bearer token `/metrics` answers to (`GROUNDWORK_METRICS_TOKEN`). The figures span every chapter,
    /// so no chapter's credential opens them; without a token, `/metrics` is off (404), except on a
    /// development server, which has no credentials at all.
    pub metrics_token: Option<SecretString>,
}

impl Default for ApiOptions {
    /// No development identity, secure cookies, the default GraphQL settings.
    fn default() -> Self {
        Self {
            dev_identity: None,
            graphql: GraphqlSettings::default(),
            secure_cookies: true,
            oidc: None,
            web: WebFiles::Embedded,
            first_start: None,
            metrics_token: None,
        }
    }
}

impl ApiOptions {
    /// Requests without credentials run as the development identity (an admin of the development chapter):
    /// for local demos and tests only.
    pub fn development() -> Self {
        Self {
            dev_identity: Some(Identity::development()),
            ..Self::default()
        }
    }

    /// Reads `GROUNDWORK_DEV_IDENTITY` (with `GROUNDWORK_DEV_USER`, `GROUNDWORK_DEV_CHAPTER`,
    /// `GROUNDWORK_DEV_ROLE`), `GROUNDWORK_GRAPHQL_INTROSPECTION`, `GROUNDWORK_GRAPHIQL` and
    /// `GROUNDWORK_OIDC_*` and `GROUNDWORK_WEB_DIR`; cookies are `Secure` unless `listen` is a loopback
    /// address.
    pub fn from_environment(env: &dyn Environment, listen: SocketAddr) -> anyhow::Result<Self> {
        let dev_identity = match env.var("GROUNDWORK_DEV_IDENTITY").as_deref() {
            None | Some("false" | "0" | "off" | "no") => None,
            Some("true" | "1" | "on" | "yes") => Some(crate::config::development_identity(env)?),
            Some(other) => {
                anyhow::bail!("GROUNDWORK_DEV_IDENTITY `{other}` is neither true nor false")
            }
        };
        Ok(Self {
            dev_identity,
            graphql: GraphqlSettings::from_environment(env)?,
            secure_cookies: !listen.ip().is_loopback(),
            oidc: OidcSettings::from_environment(env, listen)?,
            web: match env.var("GROUNDWORK_WEB_DIR") {
                Some(dir) if !dir.is_empty() => WebFiles::Folder(PathBuf::from(dir)),
                _ => WebFiles::Embedded,
            },
            first_start: None,
            metrics_token: match env.var("GROUNDWORK_METRICS_TOKEN") {
                Some(token) if token.trim().len() < 16 => {
                    anyhow::bail!("GROUNDWORK_METRICS_TOKEN must have at least 16 characters")
                }
                Some(token) => Some(SecretString::from(token.trim().to_string())),
                None => None,
            },
        })
    }
}

#[derive(Clone)]
struct AppState {
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    /// Serialised wall-chart answers (`graphql::answers`).
    answers: WallChartAnswers,
    /// Parsed documents of recent query texts (`graphql::parsed`).
    parsed: Arc<graphql::parsed::ParsedQueries>,
    accounts: Arc<Accounts>,
    schema: GroundworkSchema,
    /// Each caller's newest write on this server (read-your-writes), shared with the schema.
    writes: Arc<graphql::read_your_writes::LastWrites>,
    /// How long a read waits for its caller's newest write to be projected.
    read_your_write_wait: std::time::Duration,
    dev_identity: Option<Identity>,
    secure_cookies: bool,
    metrics_token: Option<SecretString>,
    /// The largest file a multipart GraphQL request may carry.
    max_upload_bytes: usize,
}

/// Builds the router with the default options (no development identity) and read models over the same
/// store. Nothing projects into them unless a runner is started on them: servers use [`app_with`].
pub fn app(groundwork: Arc<Groundwork>) -> Router {
    let read_models = ReadModels::new(groundwork.store());
    app_with(groundwork, read_models, ApiOptions::default())
}

/// Builds the router for one running Groundwork. `read_models` must be the instance its projection runner
/// was started on, so that subscriptions see the runner's changes.
pub fn app_with(
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    options: ApiOptions,
) -> Router {
    let answers = WallChartAnswers::new(&read_models);
    app_with_answers(groundwork, read_models, answers, options)
}

/// [`app_with`], keeping serialised wall-chart answers in `answers` (made over the same `read_models`), so
/// that several routers over one set of read models share them.
pub fn app_with_answers(
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    answers: WallChartAnswers,
    options: ApiOptions,
) -> Router {
    let accounts = Arc::new(Accounts::new(groundwork.store().clone()));
    let oidc =
        options.oidc.and_then(
            |settings| match Oidc::new(settings, groundwork.store().clone()) {
                Ok(oidc) => Some(Arc::new(oidc)),
                Err(error) => {
                    tracing::error!(error = %error, "single sign-on is off: it cannot be set up");
                    None
                }
            },
        );
    let graphiql = options.graphql.graphiql;
    let max_upload_bytes = options.graphql.max_upload_bytes;
    let read_your_write_wait = options.graphql.read_your_write_wait;
    let writes = Arc::new(graphql::read_your_writes::LastWrites::default());
    let schema = graphql::schema_with_writes(
        SchemaDeps {
            groundwork: groundwork.clone(),
            read_models: read_models.clone(),
            accounts: accounts.clone(),
            settings: options.graphql,
        },
        writes.clone(),
    );
    let files = Arc::new(options.web);
    let graphql_route = if graphiql {
        let files = files.clone();
        get(move || async move { files.page(web::GRAPHIQL_PAGE).await }).post(graphql_post)
    } else {
        post(graphql_post)
    };
    Router::new()
        .route(GRAPHQL_PATH, graphql_route)
        .route(GRAPHQL_WS_PATH, get(graphql_ws))
        .route("/auth/sign-in", post(sign_in))
        .route("/auth/sign-out", post(sign_out))
        .route("/auth/sign-out-everywhere", post(sign_out_everywhere))
        .route("/auth/password", post(change_password))
        .route("/auth/invitation", post(accept_invitation))
        .route("/export/people.csv", get(export_people_csv))
        .route("/export/wall-chart.csv", get(export_wall_chart_csv))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(AppState {
            groundwork: groundwork.clone(),
            read_models: read_models.clone(),
            answers,
            parsed: Arc::default(),
            accounts: accounts.clone(),
            schema,
            writes,
            read_your_write_wait,
            dev_identity: options.dev_identity,
            secure_cookies: options.secure_cookies,
            metrics_token: options.metrics_token,
            max_upload_bytes,
        })
        .nest(
            crate::rest::BASE_PATH,
            crate::rest::router(groundwork.clone(), read_models.clone(), accounts.clone()),
        )
        .merge(oidc::router(OidcRoutes {
            oidc,
            accounts,
            secure_cookies: options.secure_cookies,
        }))
        .merge(setup::router(
            options.first_start,
            groundwork.clone(),
            files.clone(),
        ))
        .merge(web::router(files))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(security_headers))
        .layer(compression::layer())
}

/// The content security policy of every response: scripts, styles, fonts, images and connections from
/// this server only — no other host, no inline script, no `eval`. Inline styles stay allowed because
/// GraphiQL's editor sets them; the app's own fonts and images are files or `data:` URLs.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Headers every response carries: no framing, no sniffing, no referrer leaking ids, and the content
/// security policy.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// An answer for a request that has no (valid) credentials, in GraphQL's error shape.
fn refusal(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{"message": message, "extensions": {"code": "FORBIDDEN"}}]})),
    )
        .into_response()
}

/// A VALIDATION answer naming the request body's `field`, in the GraphQL error shape the other refusals use.
fn invalid_field(status: StatusCode, field: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{
            "message": format!("{field}: {message}"),
            "extensions": {"code": "VALIDATION", "field": field}
        }]})),
    )
        .into_response()
}

fn internal(error: &AccountError, language: Language) -> Response {
    let reference = uuid::Uuid::new_v4();
    if matches!(error, AccountError::Store(cause) if cause.is_connection_lost()) {
        tracing::warn!(%reference, error = %error, "account lookup: database connection lost");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"errors": [{
                "message": messages::translate(
                    "the database connection was lost; retry the request",
                    language,
                ),
                "extensions": {"code": "UNAVAILABLE", "reference": reference.to_string()}
            }]})),
        )
            .into_response();
    }
    tracing::error!(%reference, error = %error, "account lookup failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"errors": [{
            "message": messages::translate("something went wrong inside Groundwork", language),
            "extensions": {"code": "INTERNAL", "reference": reference.to_string()}
        }]})),
    )
        .into_response()
}

/// The value of the session cookie, if the request has one.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Works out who is calling: a bearer token, else a session cookie (which must come with the CSRF header
/// on anything but a GET), else the development identity when one is configured. Anything else is refused.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
) -> Result<Identity, Response> {
    let language = request_language(headers);
    let refusal = |status, message: &str| refusal(status, &messages::translate(message, language));
    if let Some(token) = bearer_token(headers) {
        return match state.accounts.authenticate_token(token).await {
            Ok(Some(identity)) => Ok(identity),
            Ok(None) => Err(refusal(
                StatusCode::UNAUTHORIZED,
                "the API token is not valid (revoked, expired or mistyped)",
            )),
            Err(error) => Err(internal(&error, language)),
        };
    }
    if let Some(cookie) = session_cookie(headers) {
        if method != Method::GET && !headers.contains_key(CSRF_HEADER) {
            return Err(refusal(
                StatusCode::FORBIDDEN,
                "a request signed in with a cookie must carry the X-Groundwork-CSRF header",
            ));
        }
        return match state.accounts.authenticate_session(cookie).await {
            Ok(Some(identity)) => Ok(identity),
            Ok(None) => Err(refusal(
                StatusCode::UNAUTHORIZED,
                "the session has ended; sign in again",
            )),
            Err(error) => Err(internal(&error, language)),
        };
    }
    match &state.dev_identity {
        Some(identity) => Ok(identity.clone()),
        None => Err(refusal(StatusCode::UNAUTHORIZED, "sign in first")),
    }
}

/// The language a request asks its error messages in (`Accept-Language`).
fn request_language(headers: &HeaderMap) -> Language {
    Language::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    )
}

/// The language to answer an authenticated caller in: in a browser session, the language the user chose
/// for the app (`setMyLanguage`) when Groundwork speaks it, else the request's `Accept-Language`. API tokens
/// and the development identity follow the header alone (no look-up on their requests).
async fn caller_language(state: &AppState, identity: &Identity, headers: &HeaderMap) -> Language {
    if let Via::Session(_) = identity.via {
        let chosen = state
            .groundwork
            .store()
            .user_language(&identity.user.to_string())
            .await;
        // A failed look-up only costs the user's choice: the header still decides.
        if let Ok(Some(tag)) = chosen {
            if let Some(language) = Language::from_tag(&tag) {
                return language;
            }
        }
    }
    request_language(headers)
}

/// `POST /graphql`. A JSON body is read through axum's own extractor so that [`MAX_BODY_BYTES`] applies (a
/// larger body gets 413 before anything is parsed); a GraphQL multipart request (files, `crate::upload`) is
/// read part by part, each within its own limit, once the caller is known.
async fn graphql_post(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let headers = request.headers().clone();
    let identity = match authenticate(&state, &headers, &Method::POST).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    if upload::is_multipart(content_type.as_deref()) {
        let language = caller_language(&state, &identity, &headers).await;
        let received = upload::receive(
            content_type.as_deref().unwrap_or_default(),
            request.into_body(),
            state.max_upload_bytes,
            MAX_BODY_BYTES,
        )
        .await;
        return match received {
            Ok(request) => execute(&state, identity, request.data(language)).await,
            Err(refused) => (
                refused.status,
                GraphQLResponse::from(graphql::boundary::refused(&refused.error, language)),
            )
                .into_response(),
        };
    }
    let body = match axum::body::Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"errors": [{"message": messages::translate(
                    &format!("the body is not a GraphQL request: {error}"),
                    request_language(&headers),
                )}]})),
            )
                .into_response()
        }
    };
    // Error messages in the language asked for (kept wall-chart answers hold no errors, so they serve
    // every language).
    let mut request = request.data(caller_language(&state, &identity, &headers).await);
    state.parsed.attach(&mut request);
    if graphql::answers::only_wall_charts(&mut request) {
        let coding = Coding::preferred(&headers);
        return wall_chart_answer(&state, identity, request, &body, coding).await;
    }
    let request = request.data(identity);
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

/// A request for wall charts only: the answer kept for this request, caller's scope and state of the charts'
/// tables if there is one, else the executed answer (kept unless it has errors). Concurrent requests for a
/// missing answer wait for one to build it. See [`graphql::answers`].
async fn wall_chart_answer(
    state: &AppState,
    identity: Identity,
    request: async_graphql::Request,
    body: &[u8],
    coding: Coding,
) -> Response {
    let scope = match Scope::load(state.groundwork.store(), &identity).await {
        Ok(scope) => scope,
        // The resolver meets the same failure and reports it in GraphQL's shape.
        Err(_) => return execute(state, identity, request).await,
    };
    // Read-your-writes (`graphql::read_your_writes`): the caller's newest write on this server is in the
    // charts before an answer is found or built. Charts read only the `campaigns` projection's tables, so
    // its checkpoint is what is waited for, and the wait comes before the turn to build: a caller waiting
    // for its own write never holds up the others (the schema's extension would wait inside the turn, for
    // every projection), and a kept answer never predates the caller's write.
    if let Some(position) = state.writes.of(identity.chapter, identity.user) {
        // Not caught up within the wait: the answer is what is projected, as everywhere else.
        if let Err(error) = state
            .read_models
            .wait_for_charts(position, state.read_your_write_wait)
            .await
        {
            tracing::warn!(%error, "waiting for the caller's last write failed");
        }
    }
    let request = request.data(graphql::read_your_writes::AlreadyAwaited);
    let key = graphql::answers::key(&identity, &scope, body);
    let before = match state.answers.lookup(&key).await {
        Ok((Some(answer), _)) => return graphql_answer(&answer, coding).await,
        Ok((None, stamp)) => stamp,
        Err(_) => return execute(state, identity, request).await,
    };
    let _turn = state.answers.turn().await;
    // Another request may have built it while this one waited, perhaps at a later state of the tables,
    // which is as good an answer (it was built after this request came).
    if let Some(answer) = state.answers.find_since(&key, before) {
        return graphql_answer(&answer, coding).await;
    }
    let stamp = match state.answers.lookup(&key).await {
        Ok((Some(answer), _)) => return graphql_answer(&answer, coding).await,
        Ok((None, stamp)) => stamp,
        Err(_) => return execute(state, identity, request).await,
    };
    let response = state.schema.execute(request.data(identity)).await;
    if !response.is_ok() || !response.http_headers.is_empty() {
        return GraphQLResponse::from(response).into_response();
    }
    match serde_json::to_vec(&response) {
        Ok(serialised) => {
            let answer = Arc::new(CompressedAnswer::new(serialised.into()));
            state.answers.keep(key, stamp, Arc::clone(&answer));
            graphql_answer(&answer, coding).await
        }
        Err(_) => GraphQLResponse::from(response).into_response(),
    }
}

async fn execute(
    state: &AppState,
    identity: Identity,
    request: async_graphql::Request,
) -> Response {
    GraphQLResponse::from(state.schema.execute(request.data(identity)).await).into_response()
}

/// A kept GraphQL answer in the coding the client prefers (compressed once per answer and coding; the
/// compression layer leaves a response with a `Content-Encoding` alone), with the content type
/// async-graphql gives its own.
async fn graphql_answer(answer: &Arc<CompressedAnswer>, coding: Coding) -> Response {
    let bytes = answer.coded(coding).await;
    let mut response = Response::new(axum::body::Body::from(axum::body::Bytes::from_owner(bytes)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/graphql-response+json"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = coding.header_value() {
        headers.insert(header::CONTENT_ENCODING, encoding);
    }
    response
}

/// Upgrades to a WebSocket for subscriptions, running as the identity the upgrade request proved. A
/// cookie-authenticated upgrade must come from a page of this server (same `Origin` as `Host`), so another
/// site cannot open a socket with the user's cookie.
async fn graphql_ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    if session_cookie(&headers).is_some() && bearer_token(&headers).is_none() {
        let origin = headers
            .get(header::ORIGIN)
            .and_then(|value| value.to_str().ok());
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok());
        let same_origin = match (origin, host) {
            (Some(origin), Some(host)) => origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest == host),
            _ => false,
        };
        if !same_origin {
            return refusal(
                StatusCode::FORBIDDEN,
                &messages::translate(
                    "a cookie-authenticated WebSocket must come from this server's own pages",
                    request_language(&headers),
                ),
            );
        }
    }
    let identity = match authenticate(&state, &headers, &Method::GET).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    let mut data = async_graphql::Data::default();
    data.insert(caller_language(&state, &identity, &headers).await);
    data.insert(identity);
    let schema = state.schema.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .with_data(data)
                .serve()
        })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInBody {
    email: String,
    password: SecretString,
    chapter_id: Option<String>,
}

/// `POST /auth/sign-in` `{"email", "password", "chapterId"?}`: sets the session cookie and answers with
/// the identity. Wrong credentials and unknown users get the same 401; a disabled account gets 403 with
/// `extensions.code` `ACCOUNT_DISABLED`, but only when the password was right (so it reveals nothing to
/// someone who does not know it); too many failures get 429.
async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect_info: Result<ConnectInfo<SocketAddr>, axum::extract::rejection::ExtensionRejection>,
    body: axum::body::Bytes,
) -> Response {
    let language = request_language(&headers);
    let say = |message: &str| messages::translate(message, language);
    if !headers.contains_key(CSRF_HEADER) {
        return refusal(
            StatusCode::FORBIDDEN,
            &say("sign-in must carry the X-Groundwork-CSRF header"),
        );
    }
    let body: SignInBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return body_refusal(&error, language),
    };
    let chapter = match body.chapter_id.as_deref().map(ChapterId::parse) {
        None => None,
        Some(Ok(chapter)) => Some(chapter),
        Some(Err(_)) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                &say("chapterId is not a chapter id"),
            )
        }
    };
    if let Err(error) = crate::accounts::refuse_control_characters(body.email.trim()) {
        return invalid_field(StatusCode::BAD_REQUEST, "email", &say(&error.to_string()));
    }
    let address = connect_info.ok().map(|ConnectInfo(address)| address.ip());
    match state
        .accounts
        .sign_in(&body.email, &body.password, chapter, address)
        .await
    {
        Ok((cookie, identity)) => {
            tracing::info!(user = %identity.user, chapter = %identity.chapter, "signed in");
            signed_in(&state, &identity, &cookie.secret)
        }
        Err(AccountError::Throttled) => refusal(
            StatusCode::TOO_MANY_REQUESTS,
            &say(&AccountError::Throttled.to_string()),
        ),
        Err(error @ AccountError::BadCredentials) => {
            refusal(StatusCode::UNAUTHORIZED, &say(&error.to_string()))
        }
        Err(error @ AccountError::Disabled) => account_disabled(&say(&error.to_string())),
        Err(error) => internal(&error, language),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvitationBody {
    #[serde(default)]
    code: String,
    /// Missing is an empty password: too short for a new account, not an existing account's.
    #[serde(default = "no_password")]
    password: SecretString,
}

fn no_password() -> SecretString {
    SecretString::from(String::new())
}

/// `POST /auth/invitation` `{"code", "password"}`: accepts an invitation (ADR 16). For an address without
/// an account, `password` becomes the new account's password; for one with an account, it must be that
/// account's password. Sets the session cookie in the invitation's chapter and answers like sign-in.
/// Refusals name their field in the GraphQL error shape, in the request's language: 400 `code` (not valid,
/// expired, accepted already, withdrawn) or `password` (too short for a new account), 401 `password` (not
/// the existing account's), 403 `ACCOUNT_DISABLED`, 429 past the sign-in throttle's limits.
async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect_info: Result<ConnectInfo<SocketAddr>, axum::extract::rejection::ExtensionRejection>,
    body: axum::body::Bytes,
) -> Response {
    let language = request_language(&headers);
    let say = |message: &str| messages::translate(message, language);
    if !headers.contains_key(CSRF_HEADER) {
        return refusal(
            StatusCode::FORBIDDEN,
            &say("a request signed in with a cookie must carry the X-Groundwork-CSRF header"),
        );
    }
    let body: InvitationBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return body_refusal(&error, language),
    };
    let address = connect_info.ok().map(|ConnectInfo(address)| address.ip());
    match state
        .accounts
        .accept_invitation(&body.code, &body.password, address, chrono::Utc::now())
        .await
    {
        Ok(accepted) => {
            let identity = &accepted.identity;
            tracing::info!(user = %identity.user, chapter = %identity.chapter, "invitation accepted");
            signed_in(&state, identity, &accepted.session.secret)
        }
        Err(AccountError::InvalidField { field, message }) => {
            let status = if message == crate::invitations::WRONG_PASSWORD {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            invalid_field(status, field, &say(&message))
        }
        Err(AccountError::Throttled) => refusal(
            StatusCode::TOO_MANY_REQUESTS,
            &say(&AccountError::Throttled.to_string()),
        ),
        Err(error @ AccountError::Disabled) => account_disabled(&say(&error.to_string())),
        Err(error) => internal(&error, language),
    }
}

/// The answer to a sign-in or an accepted invitation: the identity, with the session cookie set.
fn signed_in(state: &AppState, identity: &Identity, secret: &SecretString) -> Response {
    let mut response = Json(json!({
        "userId": identity.user.to_string(),
        "chapterId": identity.chapter.to_string(),
        "role": identity.role.as_str(),
    }))
    .into_response();
    set_cookie(&mut response, &session_cookie_header(state, Some(secret)));
    response
}

/// 403 with `extensions.code` `ACCOUNT_DISABLED` and `message` (already in the request's language).
fn account_disabled(message: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Json(json!({"errors": [{
            "message": message,
            "extensions": {"code": "ACCOUNT_DISABLED"}
        }]})),
    )
        .into_response()
}

/// The VALIDATION answer, in `language`, to a body that is not the JSON an `/auth/…` endpoint takes.
fn body_refusal(error: &serde_json::Error, language: Language) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"errors": [{
            "message": messages::translate(
                &format!("the body is not the JSON this address takes: {error}"),
                language,
            ),
            "extensions": {"code": "VALIDATION"}
        }]})),
    )
        .into_response()
}

/// The `Set-Cookie` value that sets the session (or clears it, with `None`).
fn session_cookie_header(state: &AppState, value: Option<&SecretString>) -> String {
    session_cookie_value(state.secure_cookies, value)
}

fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
}

/// The identity of a cookie- or token-authenticated request to an `/auth/…` endpoint (never the
/// development identity: these act on a real account).
async fn account_caller(state: &AppState, headers: &HeaderMap) -> Result<Identity, Response> {
    let identity = authenticate(state, headers, &Method::POST).await?;
    if identity.via == Via::Development {
        return Err(refusal(
            StatusCode::UNAUTHORIZED,
            &messages::translate("sign in first", request_language(headers)),
        ));
    }
    Ok(identity)
}

/// `POST /auth/sign-out`: ends this session and clears the cookie.
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let identity = match account_caller(&state, &headers).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    if let Via::Session(session) = &identity.via {
        if let Err(error) = state.accounts.sign_out(session).await {
            return internal(&error, request_language(&headers));
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &session_cookie_header(&state, None));
    response
}

/// `POST /auth/sign-out-everywhere`: ends every session of the caller, on every device.
async fn sign_out_everywhere(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let identity = match account_caller(&state, &headers).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    match state.accounts.sign_out_everywhere(identity.user).await {
        Ok(ended) => {
            let mut response = Json(json!({"endedSessions": ended})).into_response();
            set_cookie(&mut response, &session_cookie_header(&state, None));
            response
        }
        Err(error) => internal(&error, request_language(&headers)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordBody {
    current_password: SecretString,
    new_password: SecretString,
}

/// `POST /auth/password` `{"currentPassword", "newPassword"}`: changes the caller's password, ends all
/// their sessions (sign in again with the new one) and revokes all their API tokens.
async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let identity = match account_caller(&state, &headers).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    let language = caller_language(&state, &identity, &headers).await;
    let body: PasswordBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return body_refusal(&error, language),
    };
    match state
        .accounts
        .change_password(identity.user, &body.current_password, &body.new_password)
        .await
    {
        Ok(changed) => {
            tracing::info!(
                user = %identity.user,
                ended_sessions = changed.ended_sessions,
                revoked_tokens = changed.revoked_tokens,
                "password changed"
            );
            let mut response = StatusCode::NO_CONTENT.into_response();
            set_cookie(&mut response, &session_cookie_header(&state, None));
            response
        }
        Err(error @ AccountError::BadCredentials) => refusal(
            StatusCode::UNAUTHORIZED,
            &messages::translate(&error.to_string(), language),
        ),
        Err(error @ AccountError::Invalid(_)) => refusal(
            StatusCode::BAD_REQUEST,
            &messages::translate(&error.to_string(), language),
        ),
        Err(error) => internal(&error, language),
    }
}

/// Liveness and readiness: answers 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.groundwork.health().await {
        // No position: `/healthz` answers anyone, and the log's head would show every chapter's activity
        // (ADR 19; the operator has it in `/metrics`).
        Ok(health) => Json(json!({
            "status": "ok",
            "backend": health.backend,
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

/// Reads one figure of a projection's status as Prometheus text.
type StatusFigure = fn(&projections::ProjectionStatus) -> String;

/// Prometheus text exposition: the log's head, and each projection's position and lag. Only for the
/// operator's token: the figures show every chapter's activity.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match (&state.metrics_token, &state.dev_identity) {
        (Some(expected), _) => {
            use secrecy::ExposeSecret as _;
            use sha2::{Digest as _, Sha256};
            use subtle::ConstantTimeEq as _;
            // Digests have one length, so the comparison's time says nothing about the token's.
            let presented = Sha256::digest(bearer_token(&headers).unwrap_or_default().as_bytes());
            let expected = Sha256::digest(expected.expose_secret().as_bytes());
            let matches: bool = presented.ct_eq(&expected).into();
            if !matches {
                return refusal(
                    StatusCode::UNAUTHORIZED,
                    &messages::translate(
                        "metrics need the operator's token (GROUNDWORK_METRICS_TOKEN)",
                        request_language(&headers),
                    ),
                );
            }
        }
        (None, Some(_)) => {}
        (None, None) => return StatusCode::NOT_FOUND.into_response(),
    }
    let figures = async {
        let head = state
            .groundwork
            .store()
            .head()
            .await
            .map_err(|error| error.to_string())?;
        let statuses = state
            .read_models
            .status()
            .await
            .map_err(|error| error.to_string())?;
        Ok::<_, String>((head, statuses))
    };
    let (head, statuses) = match figures.await {
        Ok(figures) => figures,
        Err(error) => {
            tracing::warn!(error = %error, "metrics: the database does not answer");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "# the database does not answer\n",
            )
                .into_response();
        }
    };
    let mut text = String::new();
    text.push_str(
        "# HELP groundwork_log_head_position Global position of the newest committed event.\n",
    );
    text.push_str("# TYPE groundwork_log_head_position gauge\n");
    text.push_str(&format!("groundwork_log_head_position {}\n", head.position));
    let families: [(&str, &str, StatusFigure); 4] = [
        (
            "groundwork_projection_position",
            "Global position of the last event the projection applied.",
            |status| status.position.position.to_string(),
        ),
        (
            "groundwork_projection_lag_events",
            "Events in the log the projection has not applied yet.",
            |status| status.lag_events.to_string(),
        ),
        (
            "groundwork_projection_lag_seconds",
            "Age of the oldest event the projection has not applied yet.",
            |status| status.lag_seconds.to_string(),
        ),
        (
            "groundwork_projection_quarantined_events",
            "Events the projection passed over because they cannot be projected, with those held behind them.",
            |status| status.quarantined.to_string(),
        ),
    ];
    for (name, help, value) in families {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for status in &statuses {
            text.push_str(&format!(
                "{name}{{projection=\"{}\"}} {}\n",
                status.name,
                value(status)
            ));
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// The query parameters of an export download, all text (see [`export_people_csv`]).
type ExportParameters = axum::extract::Query<std::collections::HashMap<String, String>>;

/// `GET /export/people.csv?campaignId=…[&columns=NAME,LEVEL][&sort=NAME][&filter={…}]`: the people export as
/// a file. `filter` is the `PeopleFilter` input as JSON; `columns` the `PeopleExportColumn` names, separated
/// by commas. Runs `exportPeople` as the caller.
async fn export_people_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(parameters): ExportParameters,
) -> Response {
    let mut variables = serde_json::Map::new();
    variables.insert(
        "campaignId".to_string(),
        json!(parameters.get("campaignId").cloned().unwrap_or_default()),
    );
    if let Some(columns) = parameters.get("columns") {
        let columns: Vec<&str> = columns
            .split(',')
            .map(str::trim)
            .filter(|column| !column.is_empty())
            .collect();
        variables.insert("columns".to_string(), json!(columns));
    }
    if let Some(sort) = parameters.get("sort") {
        variables.insert("sort".to_string(), json!(sort));
    }
    if let Some(filter) = parameters.get("filter") {
        match serde_json::from_str::<serde_json::Value>(filter) {
            Ok(filter) => {
                variables.insert("filter".to_string(), filter);
            }
            Err(error) => {
                return invalid_field(
                    StatusCode::BAD_REQUEST,
                    "filter",
                    &format!("not a JSON PeopleFilter ({error})"),
                )
            }
        }
    }
    export_download(
        &state,
        &headers,
        "query($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort, \
         $columns: [PeopleExportColumn!]) { export: exportPeople(campaignId: $campaignId, \
         filter: $filter, sort: $sort, columns: $columns) { csv } }",
        variables,
        "people",
    )
    .await
}

/// `GET /export/wall-chart.csv?campaignId=…[&structureTestId=…][&asOf=…]`: the wall chart export as a file.
async fn export_wall_chart_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(parameters): ExportParameters,
) -> Response {
    let mut variables = serde_json::Map::new();
    for name in ["campaignId", "structureTestId", "asOf"] {
        if let Some(value) = parameters.get(name) {
            variables.insert(name.to_string(), json!(value));
        }
    }
    variables.entry("campaignId").or_insert_with(|| json!(""));
    export_download(
        &state,
        &headers,
        "query($campaignId: ID!, $structureTestId: ID, $asOf: DateTime) { export: \
         exportWallChart(campaignId: $campaignId, structureTestId: $structureTestId, asOf: $asOf) \
         { csv } }",
        variables,
        "wall-chart",
    )
    .await
}

/// Runs an export query as the caller and answers its CSV as a download (`text/csv`, an attachment named
/// after the export and the campaign), or its error with the HTTP status of the error's code.
async fn export_download(
    state: &AppState,
    headers: &HeaderMap,
    query: &str,
    variables: serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Response {
    let identity = match authenticate(state, headers, &Method::GET).await {
        Ok(identity) => identity,
        Err(refused) => return refused,
    };
    let campaign = variables
        .get("campaignId")
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .chars()
        .filter(|character| character.is_ascii_alphanumeric() || *character == '-')
        .collect::<String>();
    let language = caller_language(state, &identity, headers).await;
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(
            serde_json::Value::Object(variables),
        ))
        .data(language)
        .data(identity);
    let response = state.schema.execute(request).await;
    if let Some(error) = response.errors.first() {
        let code = error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .map(|code| code.to_string())
            .unwrap_or_default();
        let status = match code.trim_matches('"') {
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
            "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        return (status, Json(json!({"errors": response.errors}))).into_response();
    }
    let csv = response
        .data
        .into_json()
        .ok()
        .and_then(|data| data["export"]["csv"].as_str().map(str::to_string));
    match csv {
        Some(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}-{campaign}.csv\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            csv,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"errors": [{
                "message": "no such campaign in your reach",
                "extensions": {"code": "NOT_FOUND"}
            }]})),
        )
            .into_response(),
    }
}
