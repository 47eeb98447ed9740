//! Accounts on every backend: signing in with a password gives a hashed, HttpOnly session cookie; sign-out,
//! sign-out everywhere, password changes and disabling end sessions (and tokens) at once; CSRF and
//! throttling guard the cookie; nothing is reachable without an identity.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::{Identity, Role, Via};
use api::accounts::Accounts;
use api::http::{ApiOptions, CSRF_HEADER};
use axum::http::{header, Method, StatusCode};
use axum::Router;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{json, Value};
use tests::http::{call, Reply};
use tests::{backend_tests, ws, TestBackend};

backend_tests!(
    nothing_is_reachable_without_an_identity,
    signing_in_gives_an_http_only_session_cookie,
    a_cookie_without_the_csrf_header_is_refused,
    signing_out_ends_the_session,
    signing_out_everywhere_ends_every_session,
    changing_the_password_ends_sessions_tokens_and_the_old_password,
    disabling_a_user_ends_sessions_and_tokens_at_once,
    sessions_and_tokens_are_stored_hashed,
    sign_in_is_throttled_per_account,
    a_bearer_token_acts_with_its_own_role,
    an_admin_manages_users_and_tokens_over_graphql,
    sensitive_reads_and_erasure_are_in_the_access_log,
    a_subscription_ends_when_its_token_is_revoked,
    a_disabled_account_is_named_only_to_the_right_password,
    the_app_language_is_kept_per_user,
    the_access_log_reads_in_pages,
);

const PASSWORD: &str = "a long enough passphrase";

/// A server without a development identity, and a chapter with its first admin.
struct Setup {
    api: TestApi,
    user: domain::ids::UserId,
    chapter: domain::ids::ChapterId,
}

async fn setup(backend: TestBackend) -> Setup {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let (user, chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "Admin@Example.org",
        "Riverside tenants",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    Setup { api, user, chapter }
}

/// Signs in and returns the `Cookie` header value to send back.
async fn sign_in(router: &Router, email: &str, password: &str) -> Result<String, Reply> {
    let reply = call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": email, "password": password}),
    )
    .await;
    if reply.status != StatusCode::OK {
        return Err(reply);
    }
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    Ok(set_cookie.split(';').next().unwrap().to_string())
}

async fn me_with_cookie(router: &Router, cookie: &str) -> Reply {
    call(
        router,
        Method::POST,
        "/graphql",
        &[("cookie", cookie), (CSRF_HEADER, "1")],
        json!({"query": "{ me { userId chapterId role } }"}),
    )
    .await
}

async fn nothing_is_reachable_without_an_identity(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let reply = call(
        router,
        Method::POST,
        "/graphql",
        &[],
        json!({"query": "{ me { role } }"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let bogus = call(
        router,
        Method::POST,
        "/graphql",
        &[("authorization", "Bearer gwt_0000_nothing")],
        json!({"query": "{ me { role } }"}),
    )
    .await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
    let forged = call(
        router,
        Method::POST,
        "/graphql",
        &[("cookie", "groundwork_session=abc.def"), (CSRF_HEADER, "1")],
        json!({"query": "{ me { role } }"}),
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    // Security headers come with every answer, refusals included.
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert!(reply.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(reply.headers["referrer-policy"], "no-referrer");
    setup.api.stop().await;
}

async fn signing_in_gives_an_http_only_session_cookie(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let wrong = sign_in(router, "admin@example.org", "not the passphrase at all").await;
    let wrong = wrong.err().unwrap();
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let unknown = sign_in(router, "nobody@example.org", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.body, unknown.body,
        "unknown users and wrong passwords look alike"
    );

    let reply = call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": "ADMIN@example.org ", "password": PASSWORD}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["role"], "admin");
    assert_eq!(reply.body["chapterId"], setup.chapter.to_string());
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} lacks {attribute}"
        );
    }
    let cookie = set_cookie.split(';').next().unwrap();
    let me = me_with_cookie(router, cookie).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["data"]["me"]["role"], "ADMIN");
    assert_eq!(me.body["data"]["me"]["userId"], setup.user.to_string());
    assert_eq!(
        me.body["data"]["me"]["chapterId"],
        setup.chapter.to_string()
    );

    // On a server listening on localhost the cookie is not `Secure` (plain http://localhost must work).
    let local = setup.api.with_other_options(ApiOptions {
        secure_cookies: false,
        ..ApiOptions::default()
    });
    let reply = call(
        &local,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": "admin@example.org", "password": PASSWORD}),
    )
    .await;
    assert!(!reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Secure"));
    setup.api.stop().await;
}

async fn a_cookie_without_the_csrf_header_is_refused(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let cookie = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let reply = call(
        router,
        Method::POST,
        "/graphql",
        &[("cookie", &cookie)],
        json!({"query": "mutation { renameChapter(input: {name: \"Hijacked\"}) { version } }"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let no_header_sign_in = call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[],
        json!({"email": "admin@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(no_header_sign_in.status, StatusCode::FORBIDDEN);
    setup.api.stop().await;
}

async fn signing_out_ends_the_session(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let cookie = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let reply = call(
        router,
        Method::POST,
        "/auth/sign-out",
        &[("cookie", &cookie), (CSRF_HEADER, "1")],
        json!({}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        me_with_cookie(router, &cookie).await.status,
        StatusCode::UNAUTHORIZED
    );
    setup.api.stop().await;
}

async fn signing_out_everywhere_ends_every_session(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let phone = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let laptop = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let reply = call(
        router,
        Method::POST,
        "/auth/sign-out-everywhere",
        &[("cookie", &laptop), (CSRF_HEADER, "1")],
        json!({}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["endedSessions"], 2);
    assert_eq!(
        me_with_cookie(router, &phone).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        me_with_cookie(router, &laptop).await.status,
        StatusCode::UNAUTHORIZED
    );
    setup.api.stop().await;
}

/// A password change ends every session and revokes every API token of the account (README: people change
/// a password when they fear it is known, and a token made with it must not outlive it).
async fn changing_the_password_ends_sessions_tokens_and_the_old_password(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let accounts = Accounts::new(setup.api.groundwork.store().clone());
    let cookie = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let (_, token) = accounts
        .create_token(&owner(&setup, Role::Admin), "nightly report", Role::Analyst)
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token.expose_secret());
    assert_eq!(
        gql(router, &bearer, "{ me { role } }", json!({})).await["data"]["me"]["role"],
        "ANALYST"
    );
    let headers = [("cookie", cookie.as_str()), (CSRF_HEADER, "1")];
    let wrong = call(
        router,
        Method::POST,
        "/auth/password",
        &headers,
        json!({"currentPassword": "not my passphrase!", "newPassword": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let short = call(
        router,
        Method::POST,
        "/auth/password",
        &headers,
        json!({"currentPassword": PASSWORD, "newPassword": "short"}),
    )
    .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    let changed = call(
        router,
        Method::POST,
        "/auth/password",
        &headers,
        json!({"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        me_with_cookie(router, &cookie).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        gql(router, &bearer, "{ me { role } }", json!({})).await["status"],
        401,
        "the token made before the change is revoked"
    );
    let listed = accounts
        .store()
        .api_tokens_of_user(&setup.user.to_string(), &setup.chapter.to_string())
        .await
        .unwrap();
    assert!(
        listed.iter().all(|token| token.revoked_at.is_some()),
        "{listed:?}"
    );
    assert!(sign_in(router, "admin@example.org", PASSWORD)
        .await
        .is_err());
    assert!(
        sign_in(router, "admin@example.org", "a brand new passphrase")
            .await
            .is_ok()
    );
    setup.api.stop().await;
}

/// The owner's identity as the account service sees it after a sign-in.
fn owner(setup: &Setup, role: Role) -> Identity {
    Identity {
        user: setup.user,
        chapter: setup.chapter,
        role,
        personal_data: true,
        can_export: true,
        via: Via::Development,
    }
}

async fn disabling_a_user_ends_sessions_and_tokens_at_once(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let accounts = Accounts::new(setup.api.groundwork.store().clone());
    let cookie = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let (_, token) = accounts
        .create_token(&owner(&setup, Role::Admin), "script", Role::Analyst)
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token.expose_secret());
    let query = json!({"query": "{ me { role } }"});
    let before = call(
        router,
        Method::POST,
        "/graphql",
        &[("authorization", &bearer)],
        query.clone(),
    )
    .await;
    assert_eq!(before.status, StatusCode::OK);

    accounts.set_disabled(setup.user, true).await.unwrap();

    let after = call(
        router,
        Method::POST,
        "/graphql",
        &[("authorization", &bearer)],
        query.clone(),
    )
    .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_with_cookie(router, &cookie).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(sign_in(router, "admin@example.org", PASSWORD)
        .await
        .is_err());
    // Enabling the user again does not bring the revoked token back.
    accounts.set_disabled(setup.user, false).await.unwrap();
    let revived = call(
        router,
        Method::POST,
        "/graphql",
        &[("authorization", &bearer)],
        query,
    )
    .await;
    assert_eq!(revived.status, StatusCode::UNAUTHORIZED);
    assert!(sign_in(router, "admin@example.org", PASSWORD).await.is_ok());
    setup.api.stop().await;
}

async fn sessions_and_tokens_are_stored_hashed(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let accounts = Accounts::new(setup.api.groundwork.store().clone());
    let cookie = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let (row, token) = accounts
        .create_token(&owner(&setup, Role::Admin), "script", Role::Analyst)
        .await
        .unwrap();
    let store = setup.api.groundwork.store();
    let user = store
        .user_by_email("admin@example.org")
        .await
        .unwrap()
        .unwrap();
    let hash = user.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    let secret = cookie.split_once('=').unwrap().1;
    let (session_id, session_secret) = secret.split_once('.').unwrap();
    let session = store.session(session_id).await.unwrap().unwrap();
    assert_eq!(session.token_hash.len(), 64, "a SHA-256 in hex");
    assert_ne!(session.token_hash, session_secret);
    assert!(!token.expose_secret().contains(&row.token_hash));
    assert!(!row.token_hash.contains(token.expose_secret()));
    setup.api.stop().await;
}

async fn sign_in_is_throttled_per_account(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    for _ in 0..api::accounts::FAILURES_PER_ACCOUNT {
        let refused = sign_in(router, "admin@example.org", "guessing passwords now").await;
        assert_eq!(refused.err().unwrap().status, StatusCode::UNAUTHORIZED);
    }
    let throttled = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    setup.api.stop().await;
}

async fn a_bearer_token_acts_with_its_own_role(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let accounts = Accounts::new(setup.api.groundwork.store().clone());
    let (row, token) = accounts
        .create_token(&owner(&setup, Role::Admin), "weekly report", Role::Analyst)
        .await
        .unwrap();
    assert!(row.last_used_at.is_none());
    let bearer = format!("Bearer {}", token.expose_secret());
    let me = call(
        router,
        Method::POST,
        "/graphql",
        &[("authorization", &bearer)],
        json!({"query": "{ me { role } }"}),
    )
    .await;
    assert_eq!(me.body["data"]["me"]["role"], "ANALYST");
    // A token needs no CSRF header (a browser never sends it on its own) and cannot write beyond its role.
    let write = call(
        router,
        Method::POST,
        "/graphql",
        &[("authorization", &bearer)],
        json!({"query": "mutation { renameChapter(input: {name: \"Renamed\"}) { version } }"}),
    )
    .await;
    assert_eq!(write.body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let used = setup
        .api
        .groundwork
        .store()
        .api_token(&row.id)
        .await
        .unwrap()
        .unwrap();
    assert!(used.last_used_at.is_some());
    // A token may not have more rights than its owner's role.
    let too_high = accounts
        .create_token(&owner(&setup, Role::Organizer), "escalate", Role::Admin)
        .await;
    assert!(too_high.is_err());
    setup.api.stop().await;
}

/// A GraphQL request with a cookie (and the CSRF header) or a bearer token.
async fn gql(router: &Router, credential: &str, query: &str, variables: Value) -> Value {
    let headers: Vec<(&str, &str)> = if credential.starts_with("Bearer ") {
        vec![("authorization", credential)]
    } else {
        vec![("cookie", credential), (CSRF_HEADER, "1")]
    };
    let reply = call(
        router,
        Method::POST,
        "/graphql",
        &headers,
        json!({"query": query, "variables": variables}),
    )
    .await;
    if reply.status != StatusCode::OK {
        return json!({"status": reply.status.as_u16(), "body": reply.body});
    }
    reply.body
}

async fn an_admin_manages_users_and_tokens_over_graphql(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let admin = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let added = gql(
        router,
        &admin,
        "mutation { addUser(input: {email: \"Org@Example.org\", role: ORGANIZER}) { invitation { email role } code } }",
        json!({}),
    )
    .await;
    assert_eq!(
        added["data"]["addUser"]["invitation"]["email"],
        "org@example.org"
    );
    let code = tests::invitations::code_of(&added["data"]);
    let accepted =
        tests::invitations::accept_over_http(router, &code, "the organizer's own password").await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let user_id = accepted.body["userId"].as_str().unwrap().to_string();
    let organizer = sign_in(router, "org@example.org", "the organizer's own password")
        .await
        .ok()
        .unwrap();
    let me = gql(router, &organizer, "{ me { role chapterId } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ORGANIZER");
    let users = gql(router, &organizer, "{ users { email } }", json!({})).await;
    assert_eq!(users["errors"][0]["extensions"]["code"], "FORBIDDEN");

    // Tokens: never above the owner's role, shown once, used, listed, revoked.
    let too_high = gql(
        router,
        &organizer,
        "mutation { createApiToken(input: {name: \"sync\", role: ADMIN}) { token } }",
        json!({}),
    )
    .await;
    assert_eq!(too_high["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let created = gql(
        router,
        &organizer,
        "mutation { createApiToken(input: {name: \"sync\", role: ORGANIZER}) { token apiToken { id name role lastUsedAt } } }",
        json!({}),
    )
    .await;
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let token_id = created["data"]["createApiToken"]["apiToken"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.starts_with("gwt_"));
    let bearer = format!("Bearer {token}");
    let via_token = gql(router, &bearer, "{ me { role } }", json!({})).await;
    assert_eq!(via_token["data"]["me"]["role"], "ORGANIZER");
    let listed = gql(
        router,
        &organizer,
        "{ myApiTokens { id name lastUsedAt revokedAt } }",
        json!({}),
    )
    .await;
    assert_eq!(listed["data"]["myApiTokens"][0]["name"], "sync");
    assert!(
        listed["data"]["myApiTokens"][0]["lastUsedAt"].is_string(),
        "{listed:#}"
    );
    assert!(
        !listed.to_string().contains(&token),
        "the secret is shown only once"
    );
    let revoked = gql(
        router,
        &organizer,
        "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
        json!({"id": token_id}),
    )
    .await;
    assert!(revoked["data"]["revokeApiToken"]["revokedAt"].is_string());
    assert_eq!(
        gql(router, &bearer, "{ me { role } }", json!({})).await["status"],
        401
    );

    // A role change applies on the very next request.
    let changed = gql(
        router,
        &admin,
        "mutation($id: ID!) { setUserRole(input: {userId: $id, role: ANALYST}) { role } }",
        json!({"id": user_id}),
    )
    .await;
    assert_eq!(changed["data"]["setUserRole"]["role"], "ANALYST");
    let me = gql(router, &organizer, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ANALYST");

    // An admin's reset ends the user's sessions and revokes their tokens; the new temporary password works.
    let created = gql(
        router,
        &organizer,
        "mutation { createApiToken(input: {name: \"before the reset\", role: ANALYST}) { token } }",
        json!({}),
    )
    .await;
    let before_reset = format!(
        "Bearer {}",
        created["data"]["createApiToken"]["token"].as_str().unwrap()
    );
    assert_eq!(
        gql(router, &before_reset, "{ me { role } }", json!({})).await["data"]["me"]["role"],
        "ANALYST"
    );
    let reset = gql(
        router,
        &admin,
        "mutation($id: ID!) { resetUserPassword(userId: $id) }",
        json!({"id": user_id}),
    )
    .await;
    let new_password = reset["data"]["resetUserPassword"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        gql(router, &organizer, "{ me { role } }", json!({})).await["status"],
        401
    );
    assert_eq!(
        gql(router, &before_reset, "{ me { role } }", json!({})).await["status"],
        401,
        "a token made before the reset is revoked"
    );
    let organizer = sign_in(router, "org@example.org", &new_password)
        .await
        .ok()
        .unwrap();

    // Disabling ends sessions and tokens at once.
    let created = gql(
        router,
        &organizer,
        "mutation { createApiToken(input: {name: \"second\", role: ANALYST}) { token } }",
        json!({}),
    )
    .await;
    let bearer = format!(
        "Bearer {}",
        created["data"]["createApiToken"]["token"].as_str().unwrap()
    );
    let disabled = gql(
        router,
        &admin,
        "mutation($id: ID!) { disableUser(userId: $id) { disabled } }",
        json!({"id": user_id}),
    )
    .await;
    assert_eq!(
        disabled["data"]["disableUser"]["disabled"], true,
        "{disabled:#}"
    );
    assert_eq!(
        gql(router, &organizer, "{ me { role } }", json!({})).await["status"],
        401
    );
    assert_eq!(
        gql(router, &bearer, "{ me { role } }", json!({})).await["status"],
        401
    );

    // An admin of another chapter cannot see or touch this chapter's users.
    let (_, _) = api::accounts::create_chapter_with_admin(
        &setup.api.groundwork,
        "other@example.org",
        "Other chapter",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    let other = sign_in(router, "other@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let users = gql(router, &other, "{ users { email } }", json!({})).await;
    assert_eq!(users["data"]["users"].as_array().unwrap().len(), 1);
    let meddling = gql(
        router,
        &other,
        "mutation($id: ID!) { enableUser(userId: $id) { disabled } }",
        json!({"id": user_id}),
    )
    .await;
    assert_eq!(meddling["errors"][0]["extensions"]["code"], "NOT_FOUND");
    setup.api.stop().await;
}

async fn sensitive_reads_and_erasure_are_in_the_access_log(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let admin = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let campaign = gql(
        router,
        &admin,
        "mutation { createCampaign(input: {name: \"Drive\", goal: 10}) { id } }",
        json!({}),
    )
    .await["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let person = gql(
        router,
        &admin,
        "mutation($c: ID!) { addPerson(input: {campaignId: $c, givenName: \"Ana\", familyName: \"Rivera\"}) { id } }",
        json!({"c": campaign}),
    )
    .await["data"]["addPerson"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let added = gql(
        router,
        &admin,
        "mutation($p: ID!) { addContactPoint(input: {personId: $p, label: HOME, email: \"ana@example.org\"}) { person { contactPoints { value } } } }",
        json!({"p": person}),
    )
    .await;
    assert!(added.get("errors").is_none(), "{added:#}");
    let read = gql(
        router,
        &admin,
        "query($p: ID!) { person(id: $p) { contactPoints { value } } }",
        json!({"p": person}),
    )
    .await;
    assert_eq!(
        read["data"]["person"]["contactPoints"][0]["value"],
        "ana@example.org"
    );
    let forgotten = gql(
        router,
        &admin,
        "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { id } }",
        json!({"p": person}),
    )
    .await;
    assert!(forgotten.get("errors").is_none(), "{forgotten:#}");
    let log = gql(
        router,
        &admin,
        "{ accessLog { at userId action subjectId } }",
        json!({}),
    )
    .await;
    let entries = log["data"]["accessLog"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"READ_CONTACT_POINTS"), "{log:#}");
    assert!(actions.contains(&"FORGET_PERSON"), "{log:#}");
    for entry in entries {
        assert_eq!(entry["userId"], setup.user.to_string());
        assert_eq!(entry["subjectId"], person.as_str());
    }
    setup.api.stop().await;
}

async fn a_subscription_ends_when_its_token_is_revoked(backend: TestBackend) {
    let setup = setup(backend).await;
    let accounts = Accounts::new(setup.api.groundwork.store().clone());
    let (watcher, watcher_token) = accounts
        .create_token(&owner(&setup, Role::Admin), "watcher", Role::Analyst)
        .await
        .unwrap();
    let (_, writer_token) = accounts
        .create_token(&owner(&setup, Role::Admin), "writer", Role::Admin)
        .await
        .unwrap();
    let served = ws::serve(setup.api.router.clone()).await;

    // Without credentials the upgrade itself is refused.
    assert!(ws::connect(served.address, &[]).await.is_err());

    let watcher_bearer = format!("Bearer {}", watcher_token.expose_secret());
    let mut socket = ws::open(served.address, &[("authorization", &watcher_bearer)]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription { logHeadChanges(announce: true) { position } }",
        json!({}),
    )
    .await;
    ws::listening(&mut socket).await;
    let writer = format!("Bearer {}", writer_token.expose_secret());
    let create =
        json!({"query": "mutation { createCampaign(input: {name: \"Drive\", goal: 5}) { id } }"});
    call(
        &setup.api.router,
        Method::POST,
        "/graphql",
        &[("authorization", writer.as_str())],
        create.clone(),
    )
    .await;
    let first = ws::next_json(&mut socket).await;
    assert_eq!(first["type"], "next", "{first:#}");

    // Revoked: the next change is not delivered; the subscription completes instead.
    // The chapter's own number of its newest event, as the subscription counts (ADR 19).
    let head_before = i64::try_from(
        setup
            .api
            .groundwork
            .store()
            .chapter_head(&setup.chapter.to_string())
            .await
            .unwrap(),
    )
    .unwrap();
    setup
        .api
        .groundwork
        .store()
        .revoke_api_token(&watcher.id, &setup.user.to_string(), chrono::Utc::now())
        .await
        .unwrap();
    call(
        &setup.api.router,
        Method::POST,
        "/graphql",
        &[("authorization", &writer)],
        create,
    )
    .await;
    loop {
        let after = ws::next_json(&mut socket).await;
        if after["type"] == "complete" {
            break;
        }
        // Only a change from before the revocation (a repeated first change) may still be on its way.
        let position: i64 = after["payload"]["data"]["logHeadChanges"]["position"]
            .as_str()
            .and_then(|position| position.parse().ok())
            .unwrap_or_else(|| panic!("expected a position or `complete`, got {after:#}"));
        assert!(
            position <= head_before,
            "delivered after the revocation: {after:#}"
        );
    }
    setup.api.stop().await;
}

/// The `extensions.code` of a refused request's first error.
fn refusal_code(reply: &Reply) -> String {
    reply.body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn a_disabled_account_is_named_only_to_the_right_password(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let accounts = Accounts::new(setup.api.groundwork.store().clone());
    accounts.set_disabled(setup.user, true).await.unwrap();

    // A wrong password learns nothing: the same 401 as an address with no account at all.
    let wrong = sign_in(router, "admin@example.org", "not the passphrase at all")
        .await
        .unwrap_err();
    let unknown = sign_in(router, "nobody@example.org", "not the passphrase at all")
        .await
        .unwrap_err();
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(refusal_code(&wrong), "FORBIDDEN");

    // The right password is told the account is disabled, and gets no session.
    let disabled = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(disabled.status, StatusCode::FORBIDDEN);
    assert_eq!(refusal_code(&disabled), "ACCOUNT_DISABLED");
    assert!(disabled.headers.get(header::SET_COOKIE).is_none());
    assert!(disabled.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("disabled"));

    accounts.set_disabled(setup.user, false).await.unwrap();
    assert!(sign_in(router, "admin@example.org", PASSWORD).await.is_ok());
    setup.api.stop().await;
}

async fn the_app_language_is_kept_per_user(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let phone = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let laptop = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let language = |credential: String| async move {
        gql(router, &credential, "{ me { language } }", json!({})).await["data"]["me"]["language"]
            .clone()
    };
    assert_eq!(language(laptop.clone()).await, Value::Null);

    let set = gql(
        router,
        &phone,
        "mutation($l: String) { setMyLanguage(language: $l) { userId language } }",
        json!({"l": "ES-mx"}),
    )
    .await;
    assert_eq!(set["data"]["setMyLanguage"]["language"], "es-mx", "{set:#}");
    assert_eq!(language(laptop.clone()).await, "es-mx");

    for bad in ["", "español", "e", "en_GB", "en-", "<script>"] {
        let refused = gql(
            router,
            &phone,
            "mutation($l: String) { setMyLanguage(language: $l) { language } }",
            json!({"l": bad}),
        )
        .await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "VALIDATION",
            "{bad}: {refused:#}"
        );
        assert_eq!(refused["errors"][0]["extensions"]["field"], "language");
    }
    // Nothing was half-written by the refusals.
    assert_eq!(language(laptop.clone()).await, "es-mx");

    let cleared = gql(
        router,
        &phone,
        "mutation { setMyLanguage(language: null) { language } }",
        json!({}),
    )
    .await;
    assert_eq!(cleared["data"]["setMyLanguage"]["language"], Value::Null);
    assert_eq!(language(laptop).await, Value::Null);
    setup.api.stop().await;
}

async fn the_access_log_reads_in_pages(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let admin = sign_in(router, "admin@example.org", PASSWORD)
        .await
        .ok()
        .unwrap();
    let campaign = gql(
        router,
        &admin,
        "mutation { createCampaign(input: {name: \"Drive\", goal: 10}) { id } }",
        json!({}),
    )
    .await["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let person = gql(
        router,
        &admin,
        "mutation($c: ID!) { addPerson(input: {campaignId: $c, givenName: \"Ana\", familyName: \"Rivera\"}) { id } }",
        json!({"c": campaign}),
    )
    .await["data"]["addPerson"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Each read of the person's notes is one entry of the log.
    for _ in 0..5 {
        let read = gql(
            router,
            &admin,
            "query($p: ID!) { personNotes(personId: $p) { id } }",
            json!({"p": person}),
        )
        .await;
        assert!(read.get("errors").is_none(), "{read:#}");
    }
    let page = |first: i32, offset: i32| {
        let admin = admin.clone();
        async move {
            gql(
                router,
                &admin,
                "query($f: Int!, $o: Int!) { accessLog(first: $f, offset: $o) { at action subjectId } }",
                json!({"f": first, "o": offset}),
            )
            .await
        }
    };
    let all = page(100, 0).await["data"]["accessLog"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(all.len(), 5, "{all:#?}");
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let answer = page(2, offset).await;
        paged.extend(answer["data"]["accessLog"].as_array().unwrap().clone());
    }
    assert_eq!(paged, all);
    assert_eq!(page(2, 6).await["data"]["accessLog"], json!([]));
    let refused = page(2, -1).await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "offset");
    setup.api.stop().await;
}
