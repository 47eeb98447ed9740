//! Invitations on every backend (issue 12 item 9, ADR 16): membership in a chapter needs the consent of the
//! account holder. `addUser` answers alike for an address with an account and one without; nobody becomes a
//! member before accepting; codes expire, work once and can be withdrawn; accepting is throttled like signing
//! in; and an admin of one chapter reaches only their own chapter's membership of a shared account.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::http::{ApiOptions, CSRF_HEADER};
use api::invitations;
use axum::http::{header, Method, StatusCode};
use axum::Router;
use secrecy::SecretString;
use serde_json::{json, Value};
use tests::http::{call, Reply};
use tests::invitations::{accept_over_http, code_of, INVITE};
use tests::{backend_tests, TestBackend};

backend_tests!(
    the_answer_is_the_same_for_an_address_with_an_account_and_without,
    an_existing_account_is_a_member_only_once_it_accepts_with_its_password,
    a_new_person_sets_a_password_and_signs_in,
    expired_used_withdrawn_and_wrong_codes_are_refused,
    accepting_is_throttled_like_signing_in,
    another_chapters_admin_reaches_only_their_own_membership,
    invitations_are_listed_withdrawn_and_in_the_access_log,
    a_code_raced_by_several_acceptances_works_once,
);

const A_PASSWORD: &str = "chapter A admin passphrase";
const B_PASSWORD: &str = "chapter B admin passphrase";
const NEW_PASSWORD: &str = "a brand new passphrase";

/// A server without a development identity and two chapters, A and B, each with its admin signed in.
struct Setup {
    api: TestApi,
    chapter_a: domain::ids::ChapterId,
    chapter_b: domain::ids::ChapterId,
    b_admin: domain::ids::UserId,
    /// Cookies of the two admins.
    a: String,
    b: String,
}

async fn setup(backend: TestBackend) -> Setup {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let (_, chapter_a) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "a@example.org",
        "Chapter A",
        &SecretString::from(A_PASSWORD),
    )
    .await
    .unwrap();
    let (b_admin, chapter_b) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "b@example.org",
        "Chapter B",
        &SecretString::from(B_PASSWORD),
    )
    .await
    .unwrap();
    let a = cookie_of(&sign_in(&api.router, "a@example.org", A_PASSWORD, None).await);
    let b = cookie_of(&sign_in(&api.router, "b@example.org", B_PASSWORD, None).await);
    Setup {
        api,
        chapter_a,
        chapter_b,
        b_admin,
        a,
        b,
    }
}

async fn sign_in(
    router: &Router,
    email: &str,
    password: &str,
    chapter: Option<domain::ids::ChapterId>,
) -> Reply {
    let mut body = json!({"email": email, "password": password});
    if let Some(chapter) = chapter {
        body["chapterId"] = json!(chapter.to_string());
    }
    call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        body,
    )
    .await
}

/// The `Cookie` value a successful reply sets.
fn cookie_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_string()
}

/// A GraphQL request with a cookie; a non-200 answer comes back as `{status, body}`.
async fn gql(router: &Router, cookie: &str, query: &str, variables: Value) -> Value {
    let reply = call(
        router,
        Method::POST,
        "/graphql",
        &[("cookie", cookie), (CSRF_HEADER, "1")],
        json!({"query": query, "variables": variables}),
    )
    .await;
    if reply.status != StatusCode::OK {
        return json!({"status": reply.status.as_u16(), "body": reply.body});
    }
    reply.body
}

/// Invites `email` as an organizer; returns the whole answer.
async fn invite(setup: &Setup, cookie: &str, email: &str) -> Value {
    gql(
        &setup.api.router,
        cookie,
        INVITE,
        json!({"e": email, "r": "ORGANIZER"}),
    )
    .await
}

/// The field a refusal names and its message.
fn refusal(reply: &Reply) -> (String, String) {
    let error = &reply.body["errors"][0];
    (
        error["extensions"]["field"]
            .as_str()
            .unwrap_or("none")
            .to_string(),
        error["message"].as_str().unwrap_or("none").to_string(),
    )
}

/// The shape of a JSON value: every string and number replaced by its kind, so two answers that differ only
/// in ids, codes, addresses and times compare equal.
fn shape(value: &Value) -> Value {
    match value {
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), shape(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

async fn users_of(setup: &Setup, cookie: &str) -> Value {
    gql(
        &setup.api.router,
        cookie,
        "{ users { id email role disabled } }",
        json!({}),
    )
    .await["data"]["users"]
        .clone()
}

async fn the_answer_is_the_same_for_an_address_with_an_account_and_without(backend: TestBackend) {
    let setup = setup(backend).await;
    let existing = invite(&setup, &setup.a, "B@Example.org").await;
    let new = invite(&setup, &setup.a, "nobody-yet@example.org").await;
    assert!(existing.get("errors").is_none(), "{existing:#}");
    assert_eq!(shape(&existing), shape(&new));
    for answer in [&existing, &new] {
        let added = &answer["data"]["addUser"];
        assert_eq!(added["invitation"]["role"], "ORGANIZER");
        assert_eq!(added["invitation"]["expired"], false);
        let code = added["code"].as_str().unwrap();
        assert!(code.starts_with(invitations::CODE_PREFIX), "{code}");
        assert_eq!(
            added["path"].as_str().unwrap(),
            format!("/invitation?code={code}")
        );
    }
    assert_eq!(
        existing["data"]["addUser"]["invitation"]["email"],
        "b@example.org"
    );
    // Only the digest of a code is stored.
    let rows = setup
        .api
        .groundwork
        .store()
        .open_invitations(&setup.chapter_a.to_string())
        .await
        .unwrap();
    let code = code_of(&existing["data"]);
    let secret = &code[invitations::CODE_PREFIX.len() + 33..];
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|row| row.code_hash.len() == 64 && !row.code_hash.contains(secret)));
    // An address that is a member of the chapter already is named as such, to this chapter's admin only.
    let member = invite(&setup, &setup.a, "a@example.org").await;
    assert_eq!(
        member["errors"][0]["extensions"]["field"], "input.email",
        "{member:#}"
    );
    let bad = invite(&setup, &setup.a, "not an address").await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.email");
    setup.api.stop().await;
}

async fn an_existing_account_is_a_member_only_once_it_accepts_with_its_password(
    backend: TestBackend,
) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let invited = invite(&setup, &setup.a, "b@example.org").await;
    let code = code_of(&invited["data"]);
    // Not a member of A yet: not listed, cannot open a session there.
    let users = users_of(&setup, &setup.a).await;
    assert!(!users.to_string().contains("b@example.org"), "{users:#}");
    let into_a = sign_in(router, "b@example.org", B_PASSWORD, Some(setup.chapter_a)).await;
    assert_eq!(into_a.status, StatusCode::UNAUTHORIZED, "{}", into_a.text);
    // The holder of the code without the account's password gets nothing.
    let wrong = accept_over_http(router, &code, "somebody else's password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    let (field, message) = refusal(&wrong);
    assert_eq!(field, "password");
    assert!(message.contains(invitations::WRONG_PASSWORD), "{message}");
    let users = users_of(&setup, &setup.a).await;
    assert!(!users.to_string().contains("b@example.org"), "{users:#}");
    // With it, the account joins A with the invitation's role, and a session in A is open.
    let accepted = accept_over_http(router, &code, B_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    assert_eq!(accepted.body["userId"], setup.b_admin.to_string().as_str());
    assert_eq!(
        accepted.body["chapterId"],
        setup.chapter_a.to_string().as_str()
    );
    assert_eq!(accepted.body["role"], "organizer");
    let in_a = cookie_of(&accepted);
    let me = gql(router, &in_a, "{ me { chapterId role } }", json!({})).await;
    assert_eq!(
        me["data"]["me"]["chapterId"],
        setup.chapter_a.to_string().as_str()
    );
    assert_eq!(me["data"]["me"]["role"], "ORGANIZER");
    let users = users_of(&setup, &setup.a).await;
    assert!(users.to_string().contains("b@example.org"), "{users:#}");
    // B is untouched: the same password, the same admin role there.
    let me = gql(router, &setup.b, "{ me { chapterId role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN");
    assert_eq!(
        me["data"]["me"]["chapterId"],
        setup.chapter_b.to_string().as_str()
    );
    setup.api.stop().await;
}

async fn a_new_person_sets_a_password_and_signs_in(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let invited = invite(&setup, &setup.a, "New.Person@example.org").await;
    let code = code_of(&invited["data"]);
    // No account exists before the invitation is accepted.
    assert!(setup
        .api
        .groundwork
        .store()
        .user_by_email("new.person@example.org")
        .await
        .unwrap()
        .is_none());
    let weak = accept_over_http(router, &code, "short").await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST, "{}", weak.text);
    let (field, message) = refusal(&weak);
    assert_eq!(field, "password");
    assert!(message.contains("at least 12 characters"), "{message}");
    // In Spanish when asked.
    let spanish = call(
        router,
        Method::POST,
        "/auth/invitation",
        &[(CSRF_HEADER, "1"), ("accept-language", "es")],
        json!({"code": code, "password": "short"}),
    )
    .await;
    let (field, message) = refusal(&spanish);
    assert_eq!(field, "password");
    assert!(message.contains("al menos 12 caracteres"), "{message}");
    // Without the CSRF header, nothing.
    let forged = call(
        router,
        Method::POST,
        "/auth/invitation",
        &[],
        json!({"code": code, "password": NEW_PASSWORD}),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let accepted = accept_over_http(router, &code, NEW_PASSWORD).await;
    let session = cookie_of(&accepted);
    let me = gql(router, &session, "{ me { chapterId role } }", json!({})).await;
    assert_eq!(
        me["data"]["me"]["chapterId"],
        setup.chapter_a.to_string().as_str()
    );
    assert_eq!(me["data"]["me"]["role"], "ORGANIZER");
    let again = sign_in(router, "new.person@example.org", NEW_PASSWORD, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        again.body["chapterId"],
        setup.chapter_a.to_string().as_str()
    );
    setup.api.stop().await;
}

async fn expired_used_withdrawn_and_wrong_codes_are_refused(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let refused_with = |reply: &Reply, expected: &str| {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        let (field, message) = refusal(reply);
        assert_eq!(field, "code", "{}", reply.text);
        assert!(message.contains(expected), "{message}");
    };
    // Wrong: mistyped, made up, not a code at all, missing.
    let code = code_of(&invite(&setup, &setup.a, "one@example.org").await["data"]);
    let mistyped = format!("{}x", &code[..code.len() - 1]);
    for wrong in [
        mistyped.as_str(),
        "gwi_00000000000000000000000000000000_abc",
        "hello",
        "",
    ] {
        refused_with(
            &accept_over_http(router, wrong, NEW_PASSWORD).await,
            invitations::WRONG_CODE,
        );
    }
    // Used: works once.
    let first = accept_over_http(router, &code, NEW_PASSWORD).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    refused_with(
        &accept_over_http(router, &code, NEW_PASSWORD).await,
        invitations::USED,
    );
    // Expired: past its time, even with the right code.
    let code = code_of(&invite(&setup, &setup.a, "two@example.org").await["data"]);
    setup
        .api
        .backend
        .execute("UPDATE invitations SET expires_at = created_at WHERE email = 'two@example.org'")
        .await;
    refused_with(
        &accept_over_http(router, &code, NEW_PASSWORD).await,
        invitations::EXPIRED,
    );
    let listed = gql(
        router,
        &setup.a,
        "{ invitations { email expired } }",
        json!({}),
    )
    .await;
    assert_eq!(
        listed["data"]["invitations"],
        json!([{"email": "two@example.org", "expired": true}]),
        "{listed:#}"
    );
    // Withdrawn: by an admin, or replaced by a newer invitation of the same address.
    let invited = invite(&setup, &setup.a, "three@example.org").await;
    let code = code_of(&invited["data"]);
    let id = invited["data"]["addUser"]["invitation"]["id"].clone();
    let revoked = gql(
        router,
        &setup.a,
        "mutation($id: ID!) { revokeInvitation(id: $id) { id email } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        revoked["data"]["revokeInvitation"]["email"],
        "three@example.org"
    );
    refused_with(
        &accept_over_http(router, &code, NEW_PASSWORD).await,
        invitations::WITHDRAWN_MESSAGE,
    );
    let older = code_of(&invite(&setup, &setup.a, "four@example.org").await["data"]);
    let newer = code_of(&invite(&setup, &setup.a, "four@example.org").await["data"]);
    refused_with(
        &accept_over_http(router, &older, NEW_PASSWORD).await,
        invitations::WITHDRAWN_MESSAGE,
    );
    let accepted = accept_over_http(router, &newer, NEW_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    // None of the refused codes made anyone a member.
    let users = users_of(&setup, &setup.a).await;
    for email in ["two@example.org", "three@example.org"] {
        assert!(!users.to_string().contains(email), "{users:#}");
    }
    setup.api.stop().await;
}

async fn accepting_is_throttled_like_signing_in(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let code = code_of(&invite(&setup, &setup.a, "b@example.org").await["data"]);
    // Guessing the account's password through the invitation counts as guessing it at sign-in.
    for guess in 0..api::accounts::FAILURES_PER_ACCOUNT {
        let reply = accept_over_http(router, &code, &format!("wrong guess number {guess}")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    }
    let right = accept_over_http(router, &code, B_PASSWORD).await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        right.text
    );
    let sign_in_now = sign_in(router, "b@example.org", B_PASSWORD, None).await;
    assert_eq!(sign_in_now.status, StatusCode::TOO_MANY_REQUESTS);
    let users = users_of(&setup, &setup.a).await;
    assert!(!users.to_string().contains("b@example.org"), "{users:#}");
    // Guessing a code's secret is limited per invitation as well.
    let code = code_of(&invite(&setup, &setup.a, "guessed@example.org").await["data"]);
    // `gwi_`, the invitation's id (32 hexadecimal digits), `_`, the secret.
    let prefix = &code[..invitations::CODE_PREFIX.len() + 32];
    for guess in 0..api::accounts::FAILURES_PER_ACCOUNT {
        let reply = accept_over_http(router, &format!("{prefix}_guess{guess}"), NEW_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    }
    let right = accept_over_http(router, &code, NEW_PASSWORD).await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        right.text
    );
    setup.api.stop().await;
}

async fn another_chapters_admin_reaches_only_their_own_membership(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    // B's admin accepts an invitation to A: the account now belongs to both chapters.
    let code = code_of(&invite(&setup, &setup.a, "b@example.org").await["data"]);
    let accepted = accept_over_http(router, &code, B_PASSWORD).await;
    let in_a = cookie_of(&accepted);
    let member = setup.b_admin.to_string();
    // A's admin cannot reset the password: it opens chapter B too.
    let reset = gql(
        router,
        &setup.a,
        "mutation($u: ID!) { resetUserPassword(userId: $u) }",
        json!({"u": member}),
    )
    .await;
    assert_eq!(
        reset["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{reset:#}"
    );
    // Disabling ends only the membership in A: A's session ends, B's goes on.
    let disabled = gql(
        router,
        &setup.a,
        "mutation($u: ID!) { disableUser(userId: $u) { disabled } }",
        json!({"u": member}),
    )
    .await;
    assert_eq!(
        disabled["data"]["disableUser"]["disabled"], true,
        "{disabled:#}"
    );
    let me = gql(router, &in_a, "{ me { role } }", json!({})).await;
    assert_eq!(me["status"], 401, "{me:#}");
    let me = gql(router, &setup.b, "{ me { role chapterId } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN", "{me:#}");
    let into_a = sign_in(router, "b@example.org", B_PASSWORD, Some(setup.chapter_a)).await;
    assert_eq!(into_a.status, StatusCode::FORBIDDEN, "{}", into_a.text);
    assert_eq!(
        into_a.body["errors"][0]["extensions"]["code"],
        "ACCOUNT_DISABLED"
    );
    let anywhere = sign_in(router, "b@example.org", B_PASSWORD, None).await;
    assert_eq!(
        anywhere.body["chapterId"],
        setup.chapter_b.to_string().as_str()
    );
    // B's admin sees themself enabled in B.
    let users_b = users_of(&setup, &setup.b).await;
    assert_eq!(users_b[0]["disabled"], false, "{users_b:#}");
    // Enabled again in A, they sign in there again.
    let enabled = gql(
        router,
        &setup.a,
        "mutation($u: ID!) { enableUser(userId: $u) { disabled } }",
        json!({"u": member}),
    )
    .await;
    assert_eq!(enabled["data"]["enableUser"]["disabled"], false);
    let into_a = sign_in(router, "b@example.org", B_PASSWORD, Some(setup.chapter_a)).await;
    assert_eq!(into_a.status, StatusCode::OK, "{}", into_a.text);
    // Removing them from A leaves B as it was.
    let removed = gql(
        router,
        &setup.a,
        "mutation($u: ID!) { removeUser(userId: $u) }",
        json!({"u": member}),
    )
    .await;
    assert_eq!(removed["data"]["removeUser"], true);
    let me = gql(router, &setup.b, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN");

    // Someone in A first, then B: disabled in A, a sign-in without a chapter lands in B.
    let code = code_of(&invite(&setup, &setup.a, "both@example.org").await["data"]);
    let joined_a = accept_over_http(router, &code, NEW_PASSWORD).await;
    assert_eq!(joined_a.status, StatusCode::OK, "{}", joined_a.text);
    let code = code_of(&invite(&setup, &setup.b, "both@example.org").await["data"]);
    let joined_b = accept_over_http(router, &code, NEW_PASSWORD).await;
    assert_eq!(joined_b.status, StatusCode::OK, "{}", joined_b.text);
    assert_eq!(joined_a.body["userId"], joined_b.body["userId"]);
    let first = sign_in(router, "both@example.org", NEW_PASSWORD, None).await;
    assert_eq!(
        first.body["chapterId"],
        setup.chapter_a.to_string().as_str()
    );
    gql(
        router,
        &setup.a,
        "mutation($u: ID!) { disableUser(userId: $u) { id } }",
        json!({"u": joined_a.body["userId"]}),
    )
    .await;
    let anywhere = sign_in(router, "both@example.org", NEW_PASSWORD, None).await;
    assert_eq!(anywhere.status, StatusCode::OK, "{}", anywhere.text);
    assert_eq!(
        anywhere.body["chapterId"],
        setup.chapter_b.to_string().as_str()
    );
    // Disabled in B too, the account opens nothing, and says so only to its password.
    gql(
        router,
        &setup.b,
        "mutation($u: ID!) { disableUser(userId: $u) { id } }",
        json!({"u": joined_a.body["userId"]}),
    )
    .await;
    let nowhere = sign_in(router, "both@example.org", NEW_PASSWORD, None).await;
    assert_eq!(nowhere.status, StatusCode::FORBIDDEN, "{}", nowhere.text);
    assert_eq!(
        nowhere.body["errors"][0]["extensions"]["code"],
        "ACCOUNT_DISABLED"
    );
    setup.api.stop().await;
}

async fn invitations_are_listed_withdrawn_and_in_the_access_log(backend: TestBackend) {
    let setup = setup(backend).await;
    let router = &setup.api.router;
    let first = invite(&setup, &setup.a, "first@example.org").await;
    let second = invite(&setup, &setup.a, "second@example.org").await;
    let listed = gql(
        router,
        &setup.a,
        "{ invitations { id email role expired expiresAt invitedById } }",
        json!({}),
    )
    .await;
    let emails: Vec<&str> = listed["data"]["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["second@example.org", "first@example.org"]);
    // The list never shows a code.
    assert!(!listed.to_string().contains(&code_of(&first["data"])));
    // Another chapter's admin sees none of them and cannot withdraw them.
    let in_b = gql(router, &setup.b, "{ invitations { id } }", json!({})).await;
    assert_eq!(in_b["data"]["invitations"], json!([]));
    let first_id = first["data"]["addUser"]["invitation"]["id"].clone();
    let from_b = gql(
        router,
        &setup.b,
        "mutation($id: ID!) { revokeInvitation(id: $id) { id } }",
        json!({"id": first_id}),
    )
    .await;
    assert_eq!(from_b["errors"][0]["extensions"]["code"], "NOT_FOUND");
    // Withdrawn: gone from the list; withdrawing again is NOT_FOUND.
    let revoke = "mutation($id: ID!) { revokeInvitation(id: $id) { id } }";
    let revoked = gql(router, &setup.a, revoke, json!({"id": first_id})).await;
    assert_eq!(revoked["data"]["revokeInvitation"]["id"], first_id);
    let again = gql(router, &setup.a, revoke, json!({"id": first_id})).await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let accepted = accept_over_http(router, &code_of(&second["data"]), NEW_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let listed = gql(router, &setup.a, "{ invitations { id } }", json!({})).await;
    assert_eq!(listed["data"]["invitations"], json!([]));
    // The access log says who invited, who withdrew and who accepted.
    let log = gql(
        router,
        &setup.a,
        "{ accessLog { action subjectId userId detail } }",
        json!({}),
    )
    .await;
    let entries = log["data"]["accessLog"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    for action in [
        invitations::INVITED,
        invitations::WITHDRAWN,
        invitations::ACCEPTED,
    ] {
        assert!(actions.contains(&action), "{log:#}");
    }
    let acceptance = entries
        .iter()
        .find(|entry| entry["action"] == invitations::ACCEPTED)
        .unwrap();
    assert_eq!(acceptance["userId"], accepted.body["userId"]);
    assert_eq!(
        acceptance["subjectId"],
        second["data"]["addUser"]["invitation"]["id"]
    );
    setup.api.stop().await;
}

async fn a_code_raced_by_several_acceptances_works_once(backend: TestBackend) {
    let setup = setup(backend).await;
    for (round, email) in ["b@example.org", "raced@example.org"]
        .into_iter()
        .enumerate()
    {
        let code = code_of(&invite(&setup, &setup.a, email).await["data"]);
        let password = if round == 0 { B_PASSWORD } else { NEW_PASSWORD };
        // Four at once: within the throttle's five attempts per invitation.
        let tries = (0..4).map(|_| {
            let router = setup.api.router.clone();
            let code = code.clone();
            tokio::spawn(async move { accept_over_http(&router, &code, password).await })
        });
        let replies: Vec<Reply> = futures::future::join_all(tries)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let accepted = replies
            .iter()
            .filter(|reply| reply.status == StatusCode::OK)
            .count();
        assert_eq!(accepted, 1, "{email}: {replies:#?}");
        for reply in replies
            .iter()
            .filter(|reply| reply.status != StatusCode::OK)
        {
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
            assert!(
                refusal(reply).1.contains(invitations::USED),
                "{}",
                reply.text
            );
        }
    }
    let log = setup
        .api
        .groundwork
        .store()
        .access_log(&setup.chapter_a.to_string(), 100)
        .await
        .unwrap();
    let acceptances = log
        .iter()
        .filter(|entry| entry.action == invitations::ACCEPTED)
        .count();
    assert_eq!(acceptances, 2);
    setup.api.stop().await;
}
