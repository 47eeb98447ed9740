//! Issue 12's security findings, each on every backend: the sign-in throttle holds under concurrency, a
//! token above its owner's current role is no credential, a chapter keeps an admin, `/metrics` needs the
//! operator's token, a chapter's log head tells nothing of another chapter's activity.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::access::{Identity, Role};
use api::http::{ApiOptions, CSRF_HEADER};
use axum::http::{header, Method, StatusCode};
use axum::Router;
use secrecy::SecretString;
use serde_json::{json, Value};
use tests::http::call;
use tests::ws;
use tests::{backend_tests, TestBackend};

backend_tests!(
    parallel_wrong_passwords_get_no_more_checks_than_the_limit,
    a_token_above_its_owners_current_role_is_refused_with_401,
    the_only_admin_cannot_demote_disable_or_remove_themselves,
    metrics_need_the_operators_token,
    a_masked_analyst_can_neither_search_nor_sort_by_name,
    aliases_cannot_multiply_exports_or_wall_charts,
    contact_points_read_through_a_mutation_answer_are_logged,
    a_chapters_log_head_moves_only_with_its_own_events,
    a_chapter_is_shown_its_own_positions_only,
);

const PASSWORD: &str = "a long enough passphrase";

/// A server without a development identity, and a chapter with its first admin.
async fn setup(backend: TestBackend) -> TestApi {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Riverside tenants",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    api
}

async fn sign_in_status(
    router: &Router,
    email: &str,
    password: &str,
) -> (StatusCode, Option<String>) {
    let reply = call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": email, "password": password}),
    )
    .await;
    let cookie = reply.headers.get(header::SET_COOKIE).map(|value| {
        let text = value.to_str().unwrap();
        text.split(';').next().unwrap().to_string()
    });
    (reply.status, cookie)
}

async fn sign_in(router: &Router, email: &str, password: &str) -> String {
    let (status, cookie) = sign_in_status(router, email, password).await;
    assert_eq!(status, StatusCode::OK, "signing in as {email}");
    cookie.unwrap()
}

/// A GraphQL request with a cookie or `Bearer …`; a non-200 answer comes back as `{status, body}`.
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

/// Invites a member with `role`, accepts as them and signs them in; returns their id and cookie.
async fn add_member(router: &Router, admin: &str, email: &str, role: &str) -> (String, String) {
    use tests::invitations::{accept_over_http, code_of, INVITE, PASSWORD};
    let added = gql(router, admin, INVITE, json!({"e": email, "r": role})).await;
    let accepted = accept_over_http(router, &code_of(&added["data"]), PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let id = accepted.body["userId"].as_str().unwrap().to_string();
    (id, sign_in(router, email, PASSWORD).await)
}

async fn parallel_wrong_passwords_get_no_more_checks_than_the_limit(backend: TestBackend) {
    let api = setup(backend).await;
    let attempts = (0..60).map(|guess| {
        let router = api.router.clone();
        tokio::spawn(async move {
            let password = format!("wrong guess number {guess}");
            sign_in_status(&router, "admin@example.org", &password)
                .await
                .0
        })
    });
    let mut checked = 0;
    let mut throttled = 0;
    for attempt in futures::future::join_all(attempts).await {
        match attempt.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("a sign-in answered {other}"),
        }
    }
    assert!(
        checked <= api::accounts::FAILURES_PER_ACCOUNT,
        "{checked} wrong passwords were checked against a limit of {}",
        api::accounts::FAILURES_PER_ACCOUNT
    );
    assert_eq!(checked + throttled, 60);
    // Locked: the right password is refused too.
    let (status, _) = sign_in_status(&api.router, "admin@example.org", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    api.stop().await;
}

async fn a_token_above_its_owners_current_role_is_refused_with_401(backend: TestBackend) {
    let api = setup(backend).await;
    let router = &api.router;
    let admin = sign_in(router, "admin@example.org", PASSWORD).await;
    let (organizer_id, organizer) =
        add_member(router, &admin, "org@example.org", "ORGANIZER").await;
    let created = gql(
        router,
        &organizer,
        "mutation { createApiToken(input: {name: \"sync\", role: ORGANIZER}) { token } }",
        json!({}),
    )
    .await;
    let token = format!(
        "Bearer {}",
        created["data"]["createApiToken"]["token"].as_str().unwrap()
    );
    let me = gql(router, &token, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ORGANIZER");

    let demoted = gql(
        router,
        &admin,
        "mutation($id: ID!) { setUserRole(input: {userId: $id, role: ACTIVIST}) { role } }",
        json!({"id": organizer_id}),
    )
    .await;
    assert_eq!(demoted["data"]["setUserRole"]["role"], "ACTIVIST");
    let refused = gql(router, &token, "{ me { role } }", json!({})).await;
    assert_eq!(refused["status"], 401, "{refused:#}");
    // The owner's own session acts at the new role.
    let me = gql(router, &organizer, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ACTIVIST");
    api.stop().await;
}

async fn the_only_admin_cannot_demote_disable_or_remove_themselves(backend: TestBackend) {
    let api = setup(backend).await;
    let router = &api.router;
    let admin = sign_in(router, "admin@example.org", PASSWORD).await;
    let me = gql(router, &admin, "{ me { userId } }", json!({})).await;
    let admin_id = me["data"]["me"]["userId"].as_str().unwrap().to_string();

    let demote =
        "mutation($id: ID!) { setUserRole(input: {userId: $id, role: ORGANIZER}) { role } }";
    let refused = gql(router, &admin, demote, json!({"id": admin_id})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "VALIDATION");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "input.role");
    let refused = gql(
        router,
        &admin,
        "mutation($id: ID!) { disableUser(userId: $id) { id } }",
        json!({"id": admin_id}),
    )
    .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "VALIDATION");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "userId");
    let remove = "mutation($id: ID!) { removeUser(userId: $id) }";
    let refused = gql(router, &admin, remove, json!({"id": admin_id})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "VALIDATION");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "userId");
    let me = gql(router, &admin, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN");

    // With a second admin, the first may step down.
    let (_, second) = add_member(router, &admin, "second@example.org", "ADMIN").await;
    let stepped_down = gql(router, &admin, demote, json!({"id": admin_id})).await;
    assert_eq!(stepped_down["data"]["setUserRole"]["role"], "ORGANIZER");
    let me = gql(router, &second, "{ me { role } }", json!({})).await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN");
    api.stop().await;
}

async fn metrics_need_the_operators_token(backend: TestBackend) {
    let api = setup(backend).await;
    let get = |router: Router, headers: Vec<(&'static str, String)>| async move {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        call(&router, Method::GET, "/metrics", &headers, Value::Null)
            .await
            .status
    };
    // Without a configured token, metrics are off.
    assert_eq!(get(api.router.clone(), vec![]).await, StatusCode::NOT_FOUND);
    let with_token = api.with_other_options(ApiOptions {
        metrics_token: Some(SecretString::from("a metrics scraping secret")),
        ..ApiOptions::default()
    });
    assert_eq!(
        get(with_token.clone(), vec![]).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(
            with_token.clone(),
            vec![("authorization", "Bearer not the secret".to_string())]
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    // A chapter admin's session is no operator's credential: metrics span every chapter.
    let admin = sign_in(&api.router, "admin@example.org", PASSWORD).await;
    assert_eq!(
        get(
            with_token.clone(),
            vec![("cookie", admin), (CSRF_HEADER, "1".to_string())]
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(
            with_token,
            vec![(
                "authorization",
                "Bearer a metrics scraping secret".to_string()
            )]
        )
        .await,
        StatusCode::OK
    );
    api.stop().await;
}

/// Waits until the read models hold everything written so far.
async fn caught_up(api: &TestApi) {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(60))
        .await
        .unwrap());
}

/// An analyst of the development chapter without the personal-data grant, allowed to export.
fn masked_analyst(api: &TestApi) -> Router {
    api.with_other_options(ApiOptions {
        dev_identity: Some(Identity {
            role: Role::Analyst,
            personal_data: false,
            can_export: true,
            ..Identity::development()
        }),
        ..ApiOptions::development()
    })
}

async fn a_masked_analyst_can_neither_search_nor_sort_by_name(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    api.add_person(&campaign, "Ana", "Rivera").await;
    api.add_person(&campaign, "Bo", "Chen").await;
    caught_up(&api).await;
    let analyst = masked_analyst(&api);
    let search = json!({"campaign": campaign, "filter": {"nameSearch": "Ana"}});
    let people = "query($campaign: ID!, $filter: PeopleFilter, $sort: PeopleSort) \
                  { people(campaignId: $campaign, filter: $filter, sort: $sort) { edges { node { id name } } } }";
    let refused = post_graphql(&analyst, people, search.clone()).await;
    assert_eq!(refused.error_code(), "VALIDATION");
    assert_eq!(
        refused.first_error()["extensions"]["field"],
        "filter.nameSearch"
    );
    let export = "query($campaign: ID!, $filter: PeopleFilter, $sort: PeopleSort) \
                  { exportPeople(campaignId: $campaign, filter: $filter, sort: $sort) { rows } }";
    let refused = post_graphql(&analyst, export, search).await;
    assert_eq!(refused.error_code(), "VALIDATION");
    assert_eq!(
        refused.first_error()["extensions"]["field"],
        "filter.nameSearch"
    );
    for sort in ["NAME_ASC", "NAME_DESC", "LEVEL_ASC", "LEVEL_DESC"] {
        for query in [people, export] {
            let refused =
                post_graphql(&analyst, query, json!({"campaign": campaign, "sort": sort})).await;
            assert_eq!(refused.error_code(), "VALIDATION", "{sort}");
            assert_eq!(refused.first_error()["extensions"]["field"], "sort");
        }
    }
    // Without a sort, or by the latest change, the masked list answers.
    let listed = post_graphql(&analyst, people, json!({"campaign": campaign})).await;
    let edges = listed.data()["people"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 2);
    assert!(edges.iter().all(|edge| edge["node"]["name"].is_null()));
    let exported = post_graphql(
        &analyst,
        export,
        json!({"campaign": campaign, "sort": "RECENTLY_CHANGED"}),
    )
    .await;
    assert_eq!(exported.data()["exportPeople"]["rows"], 2);
    // Whoever sees names still searches and sorts by them.
    let found = api
        .graphql(
            people,
            json!({"campaign": campaign, "filter": {"nameSearch": "ana"}, "sort": "NAME_DESC"}),
        )
        .await;
    assert_eq!(
        found.data()["people"]["edges"][0]["node"]["name"],
        "Ana Rivera"
    );
    api.stop().await;
}

async fn aliases_cannot_multiply_exports_or_wall_charts(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    api.add_person(&campaign, "Ana", "Rivera").await;
    caught_up(&api).await;
    let aliased = |field: &str, count: usize| {
        let fields: Vec<String> = (0..count)
            .map(|index| format!("a{index}: {field}"))
            .collect();
        format!("query($campaign: ID!) {{ {} }}", fields.join(" "))
    };
    let variables = json!({"campaign": campaign});
    // Many aliases of an export are over the complexity limit before anything runs.
    let many = api
        .graphql(
            &aliased("exportPeople(campaignId: $campaign) { rows }", 999),
            variables.clone(),
        )
        .await;
    assert!(
        many.error_message().contains("complex"),
        "999 exports: {:#}",
        many.0
    );
    // Two fit the limit, but only the first runs.
    let two = api
        .graphql(
            &aliased("exportPeople(campaignId: $campaign) { rows }", 2),
            variables.clone(),
        )
        .await;
    let rows: Vec<&Value> = ["a0", "a1"]
        .iter()
        .map(|alias| &two.0["data"][alias])
        .collect();
    assert_eq!(
        rows.iter().filter(|row| row["rows"] == 1).count(),
        1,
        "{:#}",
        two.0
    );
    assert_eq!(two.error_code(), "VALIDATION");
    assert_eq!(two.first_error()["extensions"]["field"], "exportPeople");
    // One export per request, not per server: the next request exports again.
    let again = api
        .graphql(
            &aliased("exportPeople(campaignId: $campaign) { rows }", 1),
            variables.clone(),
        )
        .await;
    assert_eq!(again.data()["a0"]["rows"], 1);
    // Wall charts and analyst series count as what they cost.
    let charts = api
        .graphql(
            &aliased("wallChart(campaignId: $campaign) { asOf }", 50),
            variables.clone(),
        )
        .await;
    assert!(charts.error_message().contains("complex"), "{:#}", charts.0);
    let series = api
        .graphql(
            &aliased(
                "coverageWeekly(campaignId: $campaign, from: \"2026-01-05\", weeks: 4) { covered }",
                50,
            ),
            variables.clone(),
        )
        .await;
    assert!(series.error_message().contains("complex"), "{:#}", series.0);
    let one_chart = api
        .graphql(
            &aliased("wallChart(campaignId: $campaign) { asOf }", 1),
            variables,
        )
        .await;
    assert!(one_chart.data()["a0"].is_object(), "{:#}", one_chart.0);
    api.stop().await;
}

async fn contact_points_read_through_a_mutation_answer_are_logged(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let person = api.add_person(&campaign, "Ana", "Rivera").await;
    let reads = || async {
        let log = api
            .graphql("{ accessLog { action subjectId } }", json!({}))
            .await;
        log.data()["accessLog"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| {
                entry["action"] == "READ_CONTACT_POINTS" && entry["subjectId"] == person
            })
            .count()
    };
    assert_eq!(reads().await, 0);
    let added = api
        .graphql(
            "mutation($input: AddContactPointInput!) { addContactPoint(input: $input) \
             { person { contactPoints { value } } } }",
            json!({"input": {"personId": person, "label": "HOME", "email": "ana@example.org"}}),
        )
        .await;
    assert_eq!(
        added.data()["addContactPoint"]["person"]["contactPoints"][0]["value"],
        "ana@example.org"
    );
    assert_eq!(
        reads().await,
        1,
        "the mutation's answer showed contact points"
    );
    // The same read through `person(…)` is logged once too; a read without the field is not.
    let read = api
        .graphql(
            "query($id: ID!) { person(id: $id) { contactPoints { value } } }",
            json!({"id": person}),
        )
        .await;
    assert_eq!(
        read.data()["person"]["contactPoints"][0]["value"],
        "ana@example.org"
    );
    assert_eq!(reads().await, 2);
    api.graphql(
        "query($id: ID!) { person(id: $id) { name } }",
        json!({"id": person}),
    )
    .await
    .data();
    assert_eq!(reads().await, 2);
    api.stop().await;
}

/// PostgreSQL only: `pg_terminate_backend` of every connection the server holds, while requests run. Each
/// answer is data or the retryable `UNAVAILABLE`, never `INTERNAL`, and the server answers again afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_a_lost_connection_is_retryable_never_internal() {
    let api = TestApi::start(TestBackend::new(tests::Kind::Postgres).await).await;
    let campaign = api.create_campaign("Drive").await;
    api.add_person(&campaign, "Ana", "Rivera").await;
    let terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid()";
    let mut codes = Vec::new();
    for _ in 0..5 {
        let requests: Vec<_> = (0..8)
            .map(|_| {
                let router = api.router.clone();
                tokio::spawn(async move {
                    post_graphql(
                        &router,
                        "{ campaigns { id name } logHead { position } }",
                        json!({}),
                    )
                    .await
                })
            })
            .collect();
        api.backend.execute(terminate).await;
        for request in requests {
            let answer = request.await.unwrap();
            if answer.0.get("errors").is_some() {
                codes.push(answer.error_code());
            }
        }
        // After the connections are gone, requests are answered again (a new connection, or a retry).
        let mut answered = false;
        for _ in 0..10 {
            let answer = api.graphql("{ campaigns { id } }", json!({})).await;
            if answer.0.get("errors").is_none() {
                answered = true;
                break;
            }
            assert_eq!(answer.error_code(), "UNAVAILABLE", "{:#}", answer.0);
        }
        assert!(
            answered,
            "the server answers again after its connections were terminated"
        );
    }
    assert!(
        codes.iter().all(|code| code == "UNAVAILABLE"),
        "answers while connections were terminated: {codes:?}"
    );
    api.stop().await;
}

/// A second chapter with its own admin, signed in: the admin's API token as `Bearer …`.
async fn chapter_with_admin_token(api: &TestApi, email: &str, chapter: &str) -> String {
    api::accounts::create_chapter_with_admin(
        &api.groundwork,
        email,
        chapter,
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    let session = sign_in(&api.router, email, PASSWORD).await;
    let created = gql(
        &api.router,
        &session,
        "mutation { createApiToken(input: {name: \"watch\", role: ADMIN}) { token } }",
        json!({}),
    )
    .await;
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("createApiToken: {created:#}"));
    format!("Bearer {token}")
}

/// A campaign created by `credential`'s chapter; its id.
async fn create_campaign_as(api: &TestApi, credential: &str, name: &str) -> String {
    let created = gql(
        &api.router,
        credential,
        "mutation($name: String!) { createCampaign(input: {name: $name, goal: 5}) { id } }",
        json!({"name": name}),
    )
    .await;
    created["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createCampaign: {created:#}"))
        .to_string()
}

async fn log_head_of(api: &TestApi, credential: &str) -> Value {
    let answer = gql(
        &api.router,
        credential,
        "{ logHead { tx position } }",
        json!({}),
    )
    .await;
    assert!(answer.get("errors").is_none(), "{answer:#}");
    answer["data"]["logHead"].clone()
}

fn number(position: &Value) -> i64 {
    position["position"].as_str().unwrap().parse().unwrap()
}

async fn a_chapters_log_head_moves_only_with_its_own_events(backend: TestBackend) {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let a = chapter_with_admin_token(&api, "a@example.org", "Chapter A").await;
    let b = chapter_with_admin_token(&api, "b@example.org", "Chapter B").await;
    create_campaign_as(&api, &b, "B's drive").await;
    let b_before = log_head_of(&api, &b).await;

    // B listens; the announcement is B's head.
    let served = ws::serve(api.router.clone()).await;
    let mut socket = ws::open(served.address, &[("authorization", &b)]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription { logHeadChanges(announce: true) { tx position } }",
        json!({}),
    )
    .await;
    let listening = ws::listening(&mut socket).await;
    assert_eq!(listening["payload"]["data"]["logHeadChanges"], b_before);

    // A writes: A's head moves past B's, B's stays where it was.
    for name in ["A's drive", "A's second drive", "A's third drive"] {
        create_campaign_as(&api, &a, name).await;
    }
    let a_head = log_head_of(&api, &a).await;
    assert!(
        number(&a_head) > number(&b_before),
        "{a_head} after {b_before}"
    );
    assert_eq!(log_head_of(&api, &b).await, b_before);

    // B writes: B's next message is B's own write, so none came of A's. Positions are B's own numbers
    // (ADR 19), so B's head moved past its own last one only.
    let campaign = create_campaign_as(&api, &b, "B's second drive").await;
    let b_after = log_head_of(&api, &b).await;
    assert!(
        number(&b_after) > number(&b_before),
        "{b_after} after {b_before}"
    );
    let next = ws::next_json(&mut socket).await;
    assert_eq!(next["type"], "next", "{next:#}");
    assert_eq!(
        next["payload"]["data"]["logHeadChanges"], b_after,
        "{next:#}"
    );

    // The head counts as the activity feed does: B's newest activity is at it.
    let activity = gql(
        &api.router,
        &b,
        "query($c: ID!) { activity(campaignId: $c, first: 1) { edges { node { position } } } }",
        json!({"c": campaign}),
    )
    .await;
    assert_eq!(
        activity["data"]["activity"]["edges"][0]["node"]["position"], b_after["position"],
        "{activity:#}"
    );
    api.stop().await;
}

/// The numbers of the activity of `campaign` as `credential` sees them, oldest first.
async fn activity_positions(api: &TestApi, credential: &str, campaign: &str) -> Vec<i64> {
    let answer = gql(
        &api.router,
        credential,
        "query($c: ID!) { activity(campaignId: $c, first: 100) { edges { node { position } } } }",
        json!({"c": campaign}),
    )
    .await;
    let mut positions: Vec<i64> = answer["data"]["activity"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("activity: {answer:#}"))
        .iter()
        .map(|edge| edge["node"]["position"].as_str().unwrap().parse().unwrap())
        .collect();
    positions.reverse();
    positions
}

/// `projectionStatus` as `credential`'s chapter sees it: (position, lagEvents) per projection.
async fn projection_status_of(api: &TestApi, credential: &str) -> Vec<(i64, i64)> {
    let answer = gql(
        &api.router,
        credential,
        "{ projectionStatus { name position lagEvents } }",
        json!({}),
    )
    .await;
    answer["data"]["projectionStatus"]
        .as_array()
        .unwrap_or_else(|| panic!("projectionStatus: {answer:#}"))
        .iter()
        .map(|status| {
            (
                status["position"].as_str().unwrap().parse().unwrap(),
                status["lagEvents"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Every position chapter B is shown counts B's events only (ADR 19): B's head, its activity and its
/// projection status move by exactly B's own events while A writes in between, and B's lag counts only
/// B's events that are not projected yet.
async fn a_chapter_is_shown_its_own_positions_only(backend: TestBackend) {
    // A query waits only briefly for its caller's last write: once the projections are held back below,
    // that write is never projected.
    let options = ApiOptions {
        graphql: api::graphql::GraphqlSettings {
            read_your_write_wait: std::time::Duration::from_millis(50),
            ..api::graphql::GraphqlSettings::default()
        },
        ..ApiOptions::default()
    };
    let mut api = TestApi::with_options(backend, options).await;
    let a = chapter_with_admin_token(&api, "a@example.org", "Chapter A").await;
    let b = chapter_with_admin_token(&api, "b@example.org", "Chapter B").await;
    let first = create_campaign_as(&api, &b, "B's drive").await;
    caught_up(&api).await;
    let b_head = number(&log_head_of(&api, &b).await);
    // B's numbers run 1, 2, 3, … from the chapter's first event: its head is how many events it has.
    let first_activity = activity_positions(&api, &b, &first).await;
    assert_eq!(first_activity.last(), Some(&b_head), "{first_activity:?}");

    // A writes a lot; B writes one campaign; B's numbers go on from where they were, without a gap.
    for n in 0..5 {
        create_campaign_as(&api, &a, &format!("A's drive {n}")).await;
    }
    let second = create_campaign_as(&api, &b, "B's second drive").await;
    caught_up(&api).await;
    let second_activity = activity_positions(&api, &b, &second).await;
    let events = i64::try_from(second_activity.len()).unwrap();
    assert!(events >= 1);
    let expected: Vec<i64> = (b_head + 1..=b_head + events).collect();
    assert_eq!(second_activity, expected);
    let b_head = number(&log_head_of(&api, &b).await);
    assert_eq!(b_head, expected[expected.len() - 1]);

    // Caught up, B's projections stand at B's head with no lag, in B's numbers.
    caught_up(&api).await;
    for (position, lag) in projection_status_of(&api, &b).await {
        assert_eq!((position, lag), (b_head, 0));
    }

    // The projections held back: each chapter's lag counts its own events only.
    api.runner.take().unwrap().abort_and_wait().await;
    let a_status_before = projection_status_of(&api, &a).await;
    for n in 0..3 {
        create_campaign_as(&api, &a, &format!("A's held drive {n}")).await;
    }
    create_campaign_as(&api, &b, "B's held drive").await;
    let b_status = projection_status_of(&api, &b).await;
    for (position, lag) in &b_status {
        assert_eq!((*position, *lag), (b_head, events), "{b_status:?}");
    }
    assert_eq!(number(&log_head_of(&api, &b).await), b_head + events);
    for ((position, lag), (position_before, lag_before)) in projection_status_of(&api, &a)
        .await
        .into_iter()
        .zip(a_status_before)
    {
        assert_eq!(position, position_before);
        assert_eq!(lag, lag_before + 3 * events);
    }
}
