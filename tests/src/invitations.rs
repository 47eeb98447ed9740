//! Adding a member as Groundwork does it (ADR 16): an admin invites an address with `addUser`, and the
//! person accepts the invitation's code with a password. Tests that need a member of a role go through both
//! steps with [`invite_and_accept`], however they run GraphQL (a schema, a router, a test server).

use axum::http::Method;
use axum::Router;
use domain::ids::UserId;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::future::Future;
use store::Store;

/// The mutation that invites `$e` with role `$r`: the answer holds the invitation and its code.
pub const INVITE: &str =
    "mutation($e: String!, $r: Role!) { addUser(input: {email: $e, role: $r}) \
     { invitation { id email role expiresAt expired } code path } }";

/// The password [`invite_and_accept`] gives the accounts it creates.
pub const PASSWORD: &str = "an invited member's password";

/// The code in an `addUser` answer's `data`.
pub fn code_of(data: &Value) -> String {
    data["addUser"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("addUser answered no code: {data:#}"))
        .to_string()
}

/// Accepts the invitation `code` with `password` through the account service, as `POST /auth/invitation`
/// does; returns the member's id (a new account's, or the existing account's whose password it is).
pub async fn accept(store: &Store, code: &str, password: &str) -> UserId {
    let accepted = api::accounts::Accounts::new(store.clone())
        .accept_invitation(
            code,
            &SecretString::from(password.to_string()),
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap_or_else(|error| panic!("accepting {code}: {error}"));
    accepted.identity.user
}

/// Invites `email` as `role` (`ORGANIZER`, `LEAD`, …) with `invite`, which runs [`INVITE`] with its
/// variables as an admin of the chapter and returns the answer's `data`; then accepts as a new account with
/// [`PASSWORD`]. Returns the new member's id.
pub async fn invite_and_accept<F, Fut>(invite: F, store: &Store, email: &str, role: &str) -> UserId
where
    F: FnOnce(&'static str, Value) -> Fut,
    Fut: Future<Output = Value>,
{
    let data = invite(INVITE, json!({"e": email, "r": role.to_uppercase()})).await;
    accept(store, &code_of(&data), PASSWORD).await
}

/// `POST /auth/invitation` with `code` and `password`, as the browser app sends it.
pub async fn accept_over_http(router: &Router, code: &str, password: &str) -> crate::http::Reply {
    crate::http::call(
        router,
        Method::POST,
        "/auth/invitation",
        &[("x-groundwork-csrf", "1")],
        json!({"code": code, "password": password}),
    )
    .await
}
