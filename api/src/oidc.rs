//! Single sign-on with OpenID Connect: the authorization code flow with PKCE against the organization's
//! identity provider (see docs/adr/0007-openid-connect.md).
//!
//! - `GET /auth/providers` says which ways of signing in this server offers, so a sign-in page can show
//!   the button.
//! - `GET /auth/oidc/start` discovers the provider, keeps the sign-in's state, nonce and PKCE verifier in
//!   the database (the state only as a digest) and binds it to the browser with a short-lived HttpOnly
//!   cookie, then redirects to the provider.
//! - `GET /auth/oidc/callback` takes the sign-in out of the database (a state works once), checks the
//!   browser's cookie, exchanges the code (with the client secret and the PKCE verifier), verifies the ID
//!   token's signature, issuer, audience, expiry and nonce, finds the user, and opens the same session as
//!   a password sign-in before redirecting to `/`.
//!
//! Users are found by the provider's subject first, then by an email address the provider has verified
//! (the subject is then linked to the account). Someone without an account is refused, unless
//! `GROUNDWORK_OIDC_ROLE_MAP` gives one of their groups a role somewhere: then the account is created with
//! those roles. Disabled users are refused. Every refusal is a page that says why and creates nothing.

use crate::access::Role;
use crate::accounts::{normalize_email, AccountError, Accounts};
use crate::config::OidcSettings;
use crate::messages::{self, Language};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use chrono::Utc;
use domain::ids::{ChapterId, UserId};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    reqwest, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use rand::RngCore as _;
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest as _, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{MembershipRow, OidcSignInRow, Store, StoreError, UserRow};
use subtle::ConstantTimeEq as _;

/// The cookie that binds a sign-in in flight to the browser that started it.
pub const OIDC_COOKIE: &str = "groundwork_oidc";
/// How long a started sign-in may take at the provider.
pub const SIGN_IN_SECONDS: i64 = 600;
/// How long the provider's discovery document (and keys) are reused before being fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(15 * 60);

/// Why a sign-in through the identity provider failed. Every message is safe to show to the person.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("single sign-on is not configured on this server")]
    NotConfigured,
    #[error(
        "the identity provider cannot be reached or did not answer as expected; try again later"
    )]
    ProviderUnavailable(String),
    #[error("this sign-in has expired or was used already; start again")]
    UnknownState,
    #[error("this sign-in was started in another browser, or the browser refused its cookie; start again")]
    WrongBrowser,
    #[error("the identity provider did not sign you in: {0}")]
    ProviderRefused(String),
    #[error("the identity provider's answer could not be verified; start again")]
    InvalidAnswer(String),
    #[error("your identity provider has not verified the email address {0}, so it cannot be matched to a Groundwork account; ask your IT team to verify it")]
    UnverifiedEmail(String),
    #[error("your identity provider did not share an email address, so no Groundwork account can be found for you; ask your IT team to release the email claim to Groundwork")]
    NoEmail,
    #[error("there is no Groundwork account for {0}; ask an admin of your chapter to add you")]
    NoAccount(String),
    #[error("the Groundwork account for {0} is linked to another identity at your provider; ask an admin")]
    LinkedElsewhere(String),
    #[error("this Groundwork account is disabled")]
    Disabled,
    #[error("this Groundwork account has no role in any chapter; ask an admin of your chapter")]
    NoMembership,
    #[error("something went wrong inside Groundwork")]
    Internal(String),
}

impl From<StoreError> for OidcError {
    fn from(error: StoreError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl OidcError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotConfigured => StatusCode::NOT_FOUND,
            Self::ProviderUnavailable(_) => StatusCode::BAD_GATEWAY,
            Self::UnknownState | Self::WrongBrowser => StatusCode::BAD_REQUEST,
            Self::ProviderRefused(_) | Self::InvalidAnswer(_) => StatusCode::UNAUTHORIZED,
            Self::UnverifiedEmail(_)
            | Self::NoEmail
            | Self::NoAccount(_)
            | Self::LinkedElsewhere(_)
            | Self::Disabled
            | Self::NoMembership => StatusCode::FORBIDDEN,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The identity provider as Groundwork talks to it.
pub struct Oidc {
    settings: OidcSettings,
    http: reqwest::Client,
    store: Store,
    discovered: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

/// Who the provider says signed in, after the ID token was verified.
#[derive(Debug, Clone)]
pub struct ProviderIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub groups: Vec<String>,
}

impl Oidc {
    pub fn new(settings: OidcSettings, store: Store) -> anyhow::Result<Self> {
        // No redirects: a provider's endpoint that redirects could send the client secret elsewhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|error| {
                anyhow::anyhow!("cannot build the HTTP client for single sign-on: {error}")
            })?;
        Ok(Self {
            settings,
            http,
            store,
            discovered: tokio::sync::Mutex::new(None),
        })
    }

    /// The provider's metadata and keys, fetched again after [`DISCOVERY_TTL`].
    async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
        let mut discovered = self.discovered.lock().await;
        if let Some((at, metadata)) = discovered.as_ref() {
            if at.elapsed() < DISCOVERY_TTL {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|error| OidcError::ProviderUnavailable(format!("issuer URL: {error}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|error| OidcError::ProviderUnavailable(format!("discovery: {error}")))?;
        *discovered = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let metadata = self.metadata().await?;
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone())
            .map_err(|error| OidcError::Internal(format!("redirect URL: {error}")))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(
                self.settings.client_secret.expose_secret().to_string(),
            )),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: returns where to send the browser and the secret for its binding cookie.
    pub async fn begin(&self) -> Result<(String, String), OidcError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let browser = random_secret();
        let now = Utc::now().timestamp();
        self.store
            .start_oidc_sign_in(
                &OidcSignInRow {
                    state_hash: digest(state.secret()),
                    browser_hash: digest(&browser),
                    nonce: nonce.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    expires_at: now + SIGN_IN_SECONDS,
                },
                now,
            )
            .await?;
        Ok((url.to_string(), browser))
    }

    /// Finishes a sign-in the provider sent back: checks the state and the browser, exchanges the code
    /// and verifies the ID token.
    pub async fn finish(
        &self,
        answer: &CallbackParams,
        browser: Option<&str>,
    ) -> Result<ProviderIdentity, OidcError> {
        let state = answer.state.as_deref().ok_or(OidcError::UnknownState)?;
        let sign_in = self
            .store
            .take_oidc_sign_in(&digest(state))
            .await?
            .ok_or(OidcError::UnknownState)?;
        if sign_in.expires_at < Utc::now().timestamp() {
            return Err(OidcError::UnknownState);
        }
        let same_browser = browser.is_some_and(|browser| {
            bool::from(
                digest(browser)
                    .as_bytes()
                    .ct_eq(sign_in.browser_hash.as_bytes()),
            )
        });
        if !same_browser {
            return Err(OidcError::WrongBrowser);
        }
        if let Some(error) = &answer.error {
            let description = answer
                .error_description
                .as_deref()
                .map(|text| format!(" ({text})"))
                .unwrap_or_default();
            return Err(OidcError::ProviderRefused(format!("{error}{description}")));
        }
        let code = answer
            .code
            .clone()
            .ok_or_else(|| OidcError::InvalidAnswer("no code in the answer".to_string()))?;
        let client = self.client().await?;
        let exchange = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|error| OidcError::ProviderUnavailable(format!("token endpoint: {error}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(sign_in.pkce_verifier));
        let tokens = exchange
            .request_async(&self.http)
            .await
            .map_err(|error| OidcError::InvalidAnswer(format!("code exchange: {error}")))?;
        let id_token = tokens
            .extra_fields()
            .id_token()
            .ok_or_else(|| OidcError::InvalidAnswer("no ID token".to_string()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(sign_in.nonce))
            .map_err(|error| OidcError::InvalidAnswer(format!("ID token: {error}")))?;
        // The groups claim is not one of the standard claims: read it from the token just verified.
        let groups = token_groups(&id_token.to_string(), &self.settings.groups_claim);
        Ok(ProviderIdentity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|email| email.to_string()),
            email_verified: claims.email_verified() == Some(true),
            groups,
        })
    }

    /// The account `who` stands for: linked by subject, else matched by verified email (and linked), else
    /// created from the role map, else refused.
    pub async fn resolve_user(&self, who: &ProviderIdentity) -> Result<UserRow, OidcError> {
        if let Some(user) = self
            .store
            .user_by_oidc_subject(&who.issuer, &who.subject)
            .await?
        {
            return enabled(user);
        }
        let email = who.email.as_deref().ok_or(OidcError::NoEmail)?;
        let email = normalize_email(email).map_err(|_| OidcError::NoEmail)?;
        if !who.email_verified {
            return Err(OidcError::UnverifiedEmail(email));
        }
        if let Some(user) = self.store.user_by_email(&email).await? {
            let user = enabled(user)?;
            if !self
                .store
                .link_oidc_subject(&user.id, &who.issuer, &who.subject)
                .await?
            {
                return Err(OidcError::LinkedElsewhere(email));
            }
            tracing::info!(user = %user.id, "linked an account to its identity at the provider");
            return Ok(user);
        }
        let grants = self.grants_for(&who.groups);
        if grants.is_empty() {
            return Err(OidcError::NoAccount(email));
        }
        let now = Utc::now();
        let user = UserRow {
            id: UserId::new_random().to_string(),
            email: email.clone(),
            password_hash: None,
            oidc_subject: Some(who.subject.clone()),
            disabled_at: None,
            created_at: now,
        };
        let memberships: Vec<MembershipRow> = grants
            .iter()
            .map(|(chapter, role)| MembershipRow {
                user_id: user.id.clone(),
                chapter_id: chapter.to_string(),
                role: role.as_str().to_string(),
                personal_data: *role == Role::Admin,
                can_export: *role == Role::Admin,
                created_at: now,
                disabled_at: None,
            })
            .collect();
        if !self
            .store
            .provision_oidc_user(&user, &who.issuer, &memberships)
            .await?
        {
            // Another sign-in created the account (or took the subject) a moment ago.
            return Err(OidcError::LinkedElsewhere(email));
        }
        tracing::info!(user = %user.id, chapters = memberships.len(), "created an account from the identity provider's groups");
        Ok(user)
    }

    /// The roles `GROUNDWORK_OIDC_ROLE_MAP` gives these groups: per chapter, the first matching entry.
    fn grants_for(&self, groups: &[String]) -> Vec<(ChapterId, Role)> {
        let mut grants: Vec<(ChapterId, Role)> = Vec::new();
        for grant in &self.settings.role_map {
            if groups.contains(&grant.group)
                && !grants.iter().any(|(chapter, _)| *chapter == grant.chapter)
            {
                grants.push((grant.chapter, grant.role));
            }
        }
        grants
    }
}

fn enabled(user: UserRow) -> Result<UserRow, OidcError> {
    if user.disabled_at.is_some() {
        return Err(OidcError::Disabled);
    }
    Ok(user)
}

/// The groups a (verified) compact JWT lists in `claim`: a list of strings, or one string.
fn token_groups(jwt: &str, claim: &str) -> Vec<String> {
    let payload = jwt
        .split('.')
        .nth(1)
        .and_then(|part| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    match payload.as_ref().and_then(|payload| payload.get(claim)) {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_string))
            .collect(),
        Some(serde_json::Value::String(group)) => vec![group.clone()],
        _ => Vec::new(),
    }
}

fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What the provider sends the browser back with.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// What the single sign-on routes need.
#[derive(Clone)]
pub struct OidcRoutes {
    pub oidc: Option<Arc<Oidc>>,
    pub accounts: Arc<Accounts>,
    pub secure_cookies: bool,
}

/// `/auth/providers`, `/auth/oidc/start` and `/auth/oidc/callback`.
pub fn router(state: OidcRoutes) -> Router {
    Router::new()
        .route("/auth/providers", get(providers))
        .route("/auth/oidc/start", get(start))
        .route("/auth/oidc/callback", get(callback))
        .with_state(state)
}

/// `GET /auth/providers`: `{"password": true, "oidc": {"startUrl": "/auth/oidc/start"} | null}`.
async fn providers(State(state): State<OidcRoutes>) -> Response {
    let oidc = state
        .oidc
        .as_ref()
        .map(|_| json!({"startUrl": "/auth/oidc/start"}));
    Json(json!({"password": true, "oidc": oidc})).into_response()
}

/// `GET /auth/oidc/start`: redirects to the identity provider.
async fn start(State(state): State<OidcRoutes>, headers: HeaderMap) -> Response {
    let language = page_language(&headers);
    let Some(oidc) = &state.oidc else {
        return failure_page(&OidcError::NotConfigured, language);
    };
    match oidc.begin().await {
        Ok((url, browser)) => {
            let mut response = redirect(&url);
            append_cookie(
                &mut response,
                &oidc_cookie(state.secure_cookies, &browser, SIGN_IN_SECONDS),
            );
            response
        }
        Err(error) => failure_page(&error, language),
    }
}

/// `GET /auth/oidc/callback`: finishes the sign-in and redirects to `/` with a session, or says why not.
async fn callback(
    State(state): State<OidcRoutes>,
    headers: HeaderMap,
    Query(answer): Query<CallbackParams>,
) -> Response {
    let mut response = match sign_in(&state, &headers, &answer).await {
        Ok(cookie) => {
            let mut response = redirect("/");
            append_cookie(&mut response, &cookie);
            response
        }
        Err(error) => failure_page(&error, page_language(&headers)),
    };
    // The sign-in in flight is over either way.
    append_cookie(&mut response, &oidc_cookie(state.secure_cookies, "", 0));
    response
}

async fn sign_in(
    state: &OidcRoutes,
    headers: &HeaderMap,
    answer: &CallbackParams,
) -> Result<String, OidcError> {
    let oidc = state.oidc.as_ref().ok_or(OidcError::NotConfigured)?;
    let who = oidc.finish(answer, cookie(headers, OIDC_COOKIE)).await?;
    let user = oidc.resolve_user(&who).await?;
    let (session, identity) = state
        .accounts
        .open_session(&user, None)
        .await
        .map_err(|error| match error {
            AccountError::BadCredentials => OidcError::NoMembership,
            AccountError::Disabled => OidcError::Disabled,
            other => OidcError::Internal(other.to_string()),
        })?;
    tracing::info!(user = %identity.user, chapter = %identity.chapter, "signed in through the identity provider");
    Ok(crate::session::session_cookie_value(
        state.secure_cookies,
        Some(&session.secret),
    ))
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn oidc_cookie(secure: bool, value: &str, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{OIDC_COOKIE}={value}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )
}

fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The language of a sign-in page: the browser's (`Accept-Language`).
fn page_language(headers: &HeaderMap) -> Language {
    Language::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    )
}

/// A page that says why the sign-in failed, with a way to start again, in `language`. Details that may
/// help an administrator are logged with a reference, never shown.
fn failure_page(error: &OidcError, language: Language) -> Response {
    let reference = uuid::Uuid::new_v4();
    match error {
        OidcError::ProviderUnavailable(detail)
        | OidcError::InvalidAnswer(detail)
        | OidcError::Internal(detail) => {
            tracing::warn!(%reference, error = %error, detail = %detail, "single sign-on failed");
        }
        _ => tracing::info!(%reference, error = %error, "single sign-on refused"),
    }
    let say = |text: &str| html_escape(&messages::translate(text, language));
    let message = say(&error.to_string());
    let title = say("Sign-in failed");
    let again = say("Sign in again");
    let reference = say(&format!("Reference {reference}"));
    let lang = match language {
        Language::English => "en",
        Language::Spanish => "es",
    };
    let body = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title} · Groundwork</title></head>\
         <body><h1>{title}</h1><p>{message}</p><p><a href=\"/auth/oidc/start\">{again}</a></p>\
         <p><small>{reference}</small></p></body></html>"
    );
    (error.status(), Html(body)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_as_a_list_or_a_single_string() {
        let encode = |payload: serde_json::Value| {
            format!(
                "e30.{}.sig",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string())
            )
        };
        assert_eq!(
            token_groups(&encode(json!({"groups": ["a", "b", 3]})), "groups"),
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(
            token_groups(&encode(json!({"roles": "staff"})), "roles"),
            vec!["staff".to_string()]
        );
        assert!(token_groups(&encode(json!({"sub": "x"})), "groups").is_empty());
        assert!(token_groups("not a token", "groups").is_empty());
    }

    #[test]
    fn provider_text_is_escaped_on_the_failure_page() {
        assert_eq!(
            html_escape("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
