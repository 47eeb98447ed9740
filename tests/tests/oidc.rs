//! Single sign-on against a real OpenID Connect provider, on every backend: panva's `oidc-provider` (npm)
//! runs as a child process (tests/oidc-provider/provider.mjs), a plain HTTP client with a cookie jar plays
//! the browser at the provider, and Groundwork's router answers the start and the callback in-process.
//! Also: sign-in throttling is shared by two server processes on one database.
//!
//! The provider's node modules must be installed (`npm ci --prefix tests/oidc-provider`, which
//! scripts/test.sh does); without them these tests fail and say so.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::Role;
use api::accounts::{Accounts, NewAccount};
use api::config::{OidcSettings, RoleGrant};
use api::http::{ApiOptions, CSRF_HEADER};
use axum::http::{header, Method, StatusCode};
use axum::Router;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tests::http::{call, Reply};
use tests::logs::LogCapture;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_verified_email_finds_the_account_and_the_subject_is_linked,
    refused_sign_ins_say_why_and_create_nothing,
    the_state_works_once_and_only_in_its_own_browser,
    groups_in_the_role_map_create_an_account,
    sign_in_failures_are_shared_by_every_server_process,
);

/// Where the provider sends the browser back; the test catches the redirect and hands it to the router.
const REDIRECT_URL: &str = "http://groundwork.test/auth/oidc/callback";
const CLIENT_ID: &str = "groundwork-tests";
const PASSWORD: &str = "a long enough passphrase";

// ---------------------------------------------------------------------------------------------------------
// The provider

/// The node provider, killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    /// Starts tests/oidc-provider/provider.mjs with one client, and waits until it listens.
    async fn start(client_secret: &str) -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc-provider");
        assert!(
            dir.join("node_modules/oidc-provider/package.json").exists(),
            "the test OpenID Connect provider's node modules are missing: run `npm ci --prefix \
             tests/oidc-provider` (scripts/test.sh does this)"
        );
        let mut child = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", client_secret)
            .env("OIDC_REDIRECT_URI", REDIRECT_URL)
            .env("OIDC_PORT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start `node` for the test OpenID Connect provider (install Node.js 20 or later): {error}")
            });
        let stdout = child.stdout.take().unwrap();
        let listening = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stdout).lines();
            let issuer = lines
                .by_ref()
                .find_map(|line| line.ok()?.strip_prefix("listening ").map(str::to_string));
            // Keep draining the provider's notices so it never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            issuer
        });
        // Not a timed assertion: only so that a provider stuck at start fails the test instead of hanging it.
        let issuer =
            match tokio::time::timeout(std::time::Duration::from_secs(120), listening).await {
                Ok(issuer) => issuer
                    .unwrap()
                    .expect("the test OpenID Connect provider stopped before listening"),
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                    "the test OpenID Connect provider did not start listening within two minutes"
                );
                }
            };
        Self { child, issuer }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Who signs in at the provider.
struct Login<'a> {
    sub: &'a str,
    email: &'a str,
    verified: bool,
    groups: &'a [&'a str],
}

/// Plays the browser at the provider: follows its redirects with a cookie jar, signs `login` in at the
/// interaction (or refuses, with `login = None`), and returns the callback URL the provider sends back.
async fn at_provider(authorize_url: &str, login: Option<&Login<'_>>) -> reqwest::Url {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // Not a timed assertion: only so that a stuck provider fails the test instead of hanging it.
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    let mut url = reqwest::Url::parse(authorize_url).unwrap();
    let mut answered = false;
    for _ in 0..20 {
        let response = browser.get(url.clone()).send().await.unwrap();
        if response.status().is_redirection() {
            let location = response.headers()[header::LOCATION.as_str()]
                .to_str()
                .unwrap()
                .to_string();
            let next = url.join(&location).unwrap();
            if next.as_str().starts_with(REDIRECT_URL) {
                return next;
            }
            url = next;
            continue;
        }
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(
            status == reqwest::StatusCode::OK
                && url.path().starts_with("/interaction/")
                && !answered,
            "unexpected answer from the provider at {url}: {status} {body}"
        );
        answered = true;
        match login {
            Some(login) => {
                url.query_pairs_mut()
                    .append_pair("sub", login.sub)
                    .append_pair("email", login.email)
                    .append_pair("email_verified", &login.verified.to_string())
                    .append_pair("groups", &login.groups.join(","));
            }
            None => {
                url.query_pairs_mut().append_pair("deny", "1");
            }
        }
    }
    panic!("the provider never sent the browser back");
}

// ---------------------------------------------------------------------------------------------------------
// Groundwork's side

/// The start of a sign-in: where the browser goes, and the binding cookie it carries.
struct Started {
    authorize_url: String,
    browser_cookie: String,
}

async fn start(router: &Router) -> Started {
    let reply = call(router, Method::GET, "/auth/oidc/start", &[], Value::Null).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    let browser_cookie = reply.cookie("groundwork_oidc").expect("the binding cookie");
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    Started {
        authorize_url: reply.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string(),
        browser_cookie,
    }
}

/// Hands the provider's answer to Groundwork, as the browser following the redirect would.
async fn callback(router: &Router, answer: &reqwest::Url, browser_cookie: Option<&str>) -> Reply {
    let path = format!("{}?{}", answer.path(), answer.query().unwrap_or_default());
    let headers: Vec<(&str, &str)> = browser_cookie
        .map(|cookie| ("cookie", cookie))
        .into_iter()
        .collect();
    call(router, Method::GET, &path, &headers, Value::Null).await
}

/// A whole sign-in through the provider; the callback's reply.
async fn sign_in_via_provider(router: &Router, login: &Login<'_>) -> Reply {
    let started = start(router).await;
    let answer = at_provider(&started.authorize_url, Some(login)).await;
    callback(router, &answer, Some(&started.browser_cookie)).await
}

/// The session cookie of a successful sign-in (which redirects to `/`).
fn session_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    assert_eq!(reply.headers[header::LOCATION], "/");
    reply
        .cookie("groundwork_session")
        .expect("a session cookie")
}

/// A refused sign-in: its status and page, and no session.
fn refused(reply: &Reply, status: StatusCode, says: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert!(
        reply.text.contains(says),
        "expected `{says}` in {}",
        reply.text
    );
    assert!(
        reply.cookie("groundwork_session").is_none(),
        "a refusal set a session"
    );
}

async fn me(router: &Router, session: &str) -> Value {
    let reply = call(
        router,
        Method::POST,
        "/graphql",
        &[("cookie", session), (CSRF_HEADER, "1")],
        json!({"query": "{ me { userId chapterId role } }"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body: Value = serde_json::from_str(&reply.text).unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["me"].clone()
}

fn settings(issuer: &str, client_secret: &str, role_map: Vec<RoleGrant>) -> OidcSettings {
    OidcSettings {
        issuer: issuer.to_string(),
        client_id: CLIENT_ID.to_string(),
        client_secret: SecretString::from(client_secret.to_string()),
        redirect_url: REDIRECT_URL.to_string(),
        scopes: vec!["email".to_string(), "groups".to_string()],
        groups_claim: "groups".to_string(),
        role_map,
    }
}

/// A provider, and Groundwork (no development identity) with a chapter and its admin, admin@example.org.
struct Setup {
    /// Everything logged while the test runs: the client secret must never be in it.
    logs: LogCapture,
    provider: Provider,
    api: TestApi,
    router: Router,
    client_secret: String,
    admin: domain::ids::UserId,
    chapter: domain::ids::ChapterId,
}

async fn setup(
    backend: TestBackend,
    role_map: impl FnOnce(domain::ids::ChapterId) -> Vec<RoleGrant>,
) -> Setup {
    let logs = LogCapture::start();
    let client_secret = format!("client-secret-{}", uuid::Uuid::new_v4().simple());
    let provider = Provider::start(&client_secret).await;
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let (admin, chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "Admin@Example.org",
        "Riverside tenants",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    let router = api.with_other_options(ApiOptions {
        oidc: Some(settings(
            &provider.issuer,
            &client_secret,
            role_map(chapter),
        )),
        ..ApiOptions::default()
    });
    Setup {
        logs,
        provider,
        api,
        router,
        client_secret,
        admin,
        chapter,
    }
}

impl Setup {
    fn accounts(&self) -> Accounts {
        Accounts::new(self.api.groundwork.store().clone())
    }

    async fn user(&self, email: &str) -> Option<store::UserRow> {
        self.api
            .groundwork
            .store()
            .user_by_email(email)
            .await
            .unwrap()
    }

    /// Ends the test: the client secret must not have reached the logs.
    async fn finish(self) {
        let text = self.logs.text();
        assert!(
            text.contains("identity provider"),
            "the logs were not captured"
        );
        assert!(
            !text.contains(&self.client_secret),
            "the client secret appears in the logs"
        );
        drop(self.provider);
        self.api.stop().await;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Tests

async fn a_verified_email_finds_the_account_and_the_subject_is_linked(backend: TestBackend) {
    let setup = setup(backend, |_| Vec::new()).await;
    let router = &setup.router;

    // The sign-in page learns that single sign-on is there.
    let providers = call(router, Method::GET, "/auth/providers", &[], Value::Null).await;
    let providers: Value = serde_json::from_str(&providers.text).unwrap();
    assert_eq!(providers["oidc"]["startUrl"], "/auth/oidc/start");
    assert_eq!(providers["password"], true);
    let started = call(router, Method::GET, "/auth/oidc/start", &[], Value::Null).await;
    assert!(
        started
            .headers
            .contains_key(header::CONTENT_SECURITY_POLICY),
        "the security headers apply to the single sign-on routes too"
    );

    // Matched by the verified email address (in another case), then linked to the subject.
    let reply = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-ada",
            email: "ADMIN@example.org",
            verified: true,
            groups: &[],
        },
    )
    .await;
    let session = session_of(&reply);
    let set_cookie = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert!(
        set_cookie
            .iter()
            .any(|c| c.starts_with("groundwork_session=") && c.contains("HttpOnly")),
        "{set_cookie:?}"
    );
    let identity = me(router, &session).await;
    assert_eq!(identity["userId"], setup.admin.to_string());
    assert_eq!(identity["chapterId"], setup.chapter.to_string());
    assert_eq!(identity["role"], "ADMIN");
    let admin = setup.user("admin@example.org").await.unwrap();
    assert_eq!(admin.oidc_subject.as_deref(), Some("idp-ada"));

    // The second sign-in finds the account by its subject, whatever the email now says.
    let again = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-ada",
            email: "ada.renamed@example.org",
            verified: false,
            groups: &[],
        },
    )
    .await;
    let second = session_of(&again);
    assert_ne!(second, session);
    assert_eq!(me(router, &second).await["userId"], setup.admin.to_string());
    assert!(setup.user("ada.renamed@example.org").await.is_none());

    // Another identity at the provider claiming the same (verified) address is not let in.
    let other = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-mallory",
            email: "admin@example.org",
            verified: true,
            groups: &[],
        },
    )
    .await;
    refused(
        &other,
        StatusCode::FORBIDDEN,
        "is linked to another identity at your provider",
    );
    assert_eq!(
        setup
            .user("admin@example.org")
            .await
            .unwrap()
            .oidc_subject
            .as_deref(),
        Some("idp-ada")
    );

    // The password still works beside single sign-on.
    let password = call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": "admin@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(password.status, StatusCode::OK, "{}", password.text);
    setup.finish().await;
}

async fn refused_sign_ins_say_why_and_create_nothing(backend: TestBackend) {
    let setup = setup(backend, |_| Vec::new()).await;
    let router = &setup.router;
    let accounts = setup.accounts();
    let organizer = accounts
        .create_user(NewAccount {
            email: "org@example.org",
            password: None,
            chapter: setup.chapter,
            role: Role::Organizer,
            personal_data: false,
            can_export: false,
        })
        .await
        .unwrap();

    // An unverified email address matches nobody.
    let unverified = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-org",
            email: "org@example.org",
            verified: false,
            groups: &[],
        },
    )
    .await;
    refused(
        &unverified,
        StatusCode::FORBIDDEN,
        "has not verified the email address org@example.org",
    );
    assert_eq!(
        setup.user("org@example.org").await.unwrap().oidc_subject,
        None
    );

    // Someone without an account, and no role map: refused, nothing created.
    let stranger = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-stranger",
            email: "stranger@example.org",
            verified: true,
            groups: &["staff"],
        },
    )
    .await;
    refused(
        &stranger,
        StatusCode::FORBIDDEN,
        "there is no Groundwork account for stranger@example.org",
    );
    assert!(setup.user("stranger@example.org").await.is_none());

    // The provider says no: its error is shown.
    let started = start(router).await;
    let answer = at_provider(&started.authorize_url, None).await;
    let denied = callback(router, &answer, Some(&started.browser_cookie)).await;
    refused(
        &denied,
        StatusCode::UNAUTHORIZED,
        "did not sign you in: access_denied",
    );

    // A disabled user is refused, whether matched by email or (once linked) by subject.
    let org = Login {
        sub: "idp-org",
        email: "org@example.org",
        verified: true,
        groups: &[],
    };
    accounts.set_disabled(organizer, true).await.unwrap();
    let disabled = sign_in_via_provider(router, &org).await;
    refused(
        &disabled,
        StatusCode::FORBIDDEN,
        "this Groundwork account is disabled",
    );
    assert_eq!(
        setup.user("org@example.org").await.unwrap().oidc_subject,
        None
    );
    accounts.set_disabled(organizer, false).await.unwrap();
    let linked = sign_in_via_provider(router, &org).await;
    let session = session_of(&linked);
    assert_eq!(me(router, &session).await["role"], "ORGANIZER");
    accounts.set_disabled(organizer, true).await.unwrap();
    let by_subject = sign_in_via_provider(router, &org).await;
    refused(
        &by_subject,
        StatusCode::FORBIDDEN,
        "this Groundwork account is disabled",
    );

    // A provider that cannot be reached: a clear page, nothing kept.
    let unreachable = setup.api.with_other_options(ApiOptions {
        oidc: Some(settings(
            "http://127.0.0.1:9",
            &setup.client_secret,
            Vec::new(),
        )),
        ..ApiOptions::default()
    });
    let down = call(
        &unreachable,
        Method::GET,
        "/auth/oidc/start",
        &[],
        Value::Null,
    )
    .await;
    refused(
        &down,
        StatusCode::BAD_GATEWAY,
        "the identity provider cannot be reached",
    );
    assert!(down.cookie("groundwork_oidc").is_none());

    // Without single sign-on configured, the routes say so.
    let plain = &setup.api.router;
    let providers = call(plain, Method::GET, "/auth/providers", &[], Value::Null).await;
    assert_eq!(
        serde_json::from_str::<Value>(&providers.text).unwrap()["oidc"],
        Value::Null
    );
    let off = call(plain, Method::GET, "/auth/oidc/start", &[], Value::Null).await;
    refused(
        &off,
        StatusCode::NOT_FOUND,
        "single sign-on is not configured",
    );
    setup.finish().await;
}

async fn the_state_works_once_and_only_in_its_own_browser(backend: TestBackend) {
    let setup = setup(backend, |_| Vec::new()).await;
    let router = &setup.router;
    let ada = Login {
        sub: "idp-ada",
        email: "admin@example.org",
        verified: true,
        groups: &[],
    };

    // A state Groundwork never issued.
    let started = start(router).await;
    let bogus = reqwest::Url::parse(&format!("{REDIRECT_URL}?code=made-up&state=made-up")).unwrap();
    refused(
        &callback(router, &bogus, Some(&started.browser_cookie)).await,
        StatusCode::BAD_REQUEST,
        "this sign-in has expired or was used already",
    );
    // The page speaks the browser's language.
    let started = start(router).await;
    let spanish = call(
        router,
        Method::GET,
        &format!("{}?{}", bogus.path(), bogus.query().unwrap_or_default()),
        &[
            ("cookie", started.browser_cookie.as_str()),
            ("accept-language", "es-ES,es;q=0.9"),
        ],
        Value::Null,
    )
    .await;
    refused(
        &spanish,
        StatusCode::BAD_REQUEST,
        "este inicio de sesión caducó o ya se usó; empiece de nuevo",
    );
    assert!(
        spanish.text.contains("<html lang=\"es\">")
            && spanish.text.contains("No se pudo iniciar sesión"),
        "{}",
        spanish.text
    );

    // A real answer replayed after it was used.
    let started = start(router).await;
    let answer = at_provider(&started.authorize_url, Some(&ada)).await;
    let first = callback(router, &answer, Some(&started.browser_cookie)).await;
    session_of(&first);
    let replayed = callback(router, &answer, Some(&started.browser_cookie)).await;
    refused(
        &replayed,
        StatusCode::BAD_REQUEST,
        "this sign-in has expired or was used already",
    );

    // A real answer brought by another browser (say, a link an attacker sent) does not sign that browser
    // in, and the state is spent.
    let started = start(router).await;
    let answer = at_provider(&started.authorize_url, Some(&ada)).await;
    let elsewhere = callback(router, &answer, None).await;
    refused(
        &elsewhere,
        StatusCode::BAD_REQUEST,
        "started in another browser",
    );
    let other_cookie = start(router).await.browser_cookie;
    let with_wrong_cookie = callback(router, &answer, Some(&other_cookie)).await;
    refused(
        &with_wrong_cookie,
        StatusCode::BAD_REQUEST,
        "this sign-in has expired or was used already",
    );
    let late = callback(router, &answer, Some(&started.browser_cookie)).await;
    refused(
        &late,
        StatusCode::BAD_REQUEST,
        "this sign-in has expired or was used already",
    );
    setup.finish().await;
}

async fn groups_in_the_role_map_create_an_account(backend: TestBackend) {
    let setup = setup(backend, |chapter| {
        vec![
            RoleGrant {
                group: "riverside-organizers".to_string(),
                chapter,
                role: Role::Organizer,
            },
            RoleGrant {
                group: "riverside-staff".to_string(),
                chapter,
                role: Role::Admin,
            },
        ]
    })
    .await;
    let router = &setup.router;

    // In both groups: the first entry for the chapter wins.
    let reply = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-new",
            email: "New.Member@example.org",
            verified: true,
            groups: &["everyone", "riverside-organizers", "riverside-staff"],
        },
    )
    .await;
    let session = session_of(&reply);
    let identity = me(router, &session).await;
    assert_eq!(identity["role"], "ORGANIZER");
    assert_eq!(identity["chapterId"], setup.chapter.to_string());
    let created = setup.user("new.member@example.org").await.unwrap();
    assert_eq!(created.oidc_subject.as_deref(), Some("idp-new"));
    assert_eq!(created.password_hash, None);
    assert_eq!(identity["userId"], created.id);

    // Groups the map does not name give nothing; an unverified address gets no account either.
    let outsider = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-out",
            email: "out@example.org",
            verified: true,
            groups: &["everyone"],
        },
    )
    .await;
    refused(
        &outsider,
        StatusCode::FORBIDDEN,
        "there is no Groundwork account for out@example.org",
    );
    let unverified = sign_in_via_provider(
        router,
        &Login {
            sub: "idp-unv",
            email: "unv@example.org",
            verified: false,
            groups: &["riverside-staff"],
        },
    )
    .await;
    refused(
        &unverified,
        StatusCode::FORBIDDEN,
        "has not verified the email address unv@example.org",
    );
    assert!(setup.user("out@example.org").await.is_none());
    assert!(setup.user("unv@example.org").await.is_none());
    setup.finish().await;
}

async fn sign_in_failures_are_shared_by_every_server_process(backend: TestBackend) {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Riverside tenants",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    let (second, runner) = api.second_server().await;
    let attempt = |router: Router, password: &'static str| async move {
        call(
            &router,
            Method::POST,
            "/auth/sign-in",
            &[(CSRF_HEADER, "1")],
            json!({"email": "admin@example.org", "password": password}),
        )
        .await
        .status
    };
    // The second process signs the admin in while the account has no failures.
    assert_eq!(attempt(second.clone(), PASSWORD).await, StatusCode::OK);
    for _ in 0..api::accounts::FAILURES_PER_ACCOUNT {
        assert_eq!(
            attempt(api.router.clone(), "guessing passwords now").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The first process's failures stop the second one too, even with the right password.
    assert_eq!(
        attempt(second.clone(), PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(api.router.clone(), PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The window, and the limit per address, as any process sees them in the database.
    let throttle = api::throttle::Throttle::new(api.groundwork.store().clone());
    let now = chrono::Utc::now();
    let window = chrono::Duration::minutes(api::accounts::THROTTLE_WINDOW_MINUTES + 1);
    assert!(!throttle
        .allows("admin@example.org", None, now)
        .await
        .unwrap());
    assert!(throttle
        .allows("admin@example.org", None, now + window)
        .await
        .unwrap());
    assert!(throttle
        .allows("someone.else@example.org", None, now)
        .await
        .unwrap());
    let address = Some(std::net::IpAddr::from([10, 0, 0, 1]));
    for guess in 0..api::accounts::FAILURES_PER_ADDRESS {
        throttle
            .failed(&format!("guess{guess}@example.org"), address, now)
            .await
            .unwrap();
    }
    assert!(!throttle
        .allows("fresh@example.org", address, now)
        .await
        .unwrap());
    let other_address = Some(std::net::IpAddr::from([10, 0, 0, 2]));
    assert!(throttle
        .allows("fresh@example.org", other_address, now)
        .await
        .unwrap());
    runner.stop().await;
    api.stop().await;
}
