//! The Action Builder–compatible REST API (`/api/rest/v1`) on every backend: the `OSDI-API-Token` header,
//! campaigns and their people in HAL pages of at most 25 with an empty page past the end, the OData filters,
//! OSDI's error shape, and the same roles and campaign narrowing as GraphQL.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::{Identity, Role, Via};
use api::accounts::Accounts;
use api::http::ApiOptions;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{json, Value};
use tests::http::{call, Reply};
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_request_without_a_valid_token_is_refused_in_osdi_shape,
    campaigns_are_listed_and_filtered_by_name,
    people_are_paged_with_an_empty_page_past_the_end,
    people_are_filtered_by_name_and_modified_date,
    a_narrowed_member_sees_only_their_campaigns,
    the_signup_helper_inserts_then_updates_by_identifier,
    tags_are_created_listed_and_taken_off_through_taggings,
    an_analyst_token_reads_but_never_writes,
    connections_are_made_and_deactivated_and_people_removed,
    malformed_query_strings_and_bodies_are_refused_in_osdi_shape,
    errors_are_described_in_spanish_when_asked,
);

/// A server without a development identity, a chapter with its admin, and an admin API token.
struct Setup {
    api: TestApi,
    token: String,
    admin: Identity,
}

async fn setup(backend: TestBackend) -> Setup {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let (user, chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Riverside tenants",
        &SecretString::from("a long enough passphrase"),
    )
    .await
    .unwrap();
    let admin = Identity {
        user,
        chapter,
        role: Role::Admin,
        personal_data: true,
        can_export: true,
        via: Via::Development,
    };
    let token = token(&api, &admin, Role::Admin).await;
    Setup { api, token, admin }
}

async fn token(api: &TestApi, owner: &Identity, role: Role) -> String {
    let accounts = Accounts::new(api.groundwork.store().clone());
    let (_, token) = accounts.create_token(owner, "sync", role).await.unwrap();
    token.expose_secret().to_string()
}

impl Setup {
    /// Runs a GraphQL request with the admin's token; panics on errors.
    async fn graphql(&self, query: &str, variables: Value) -> Value {
        let bearer = format!("Bearer {}", self.token);
        let reply = call(
            &self.api.router,
            Method::POST,
            "/graphql",
            &[("authorization", &bearer)],
            json!({"query": query, "variables": variables}),
        )
        .await;
        assert!(reply.body.get("errors").is_none(), "{}", reply.text);
        reply.body["data"].clone()
    }

    async fn campaign(&self, name: &str) -> String {
        let data = self
            .graphql(
                "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
                json!({"input": {"name": name, "goal": 10}}),
            )
            .await;
        data["createCampaign"]["id"].as_str().unwrap().to_string()
    }

    async fn person(&self, campaign: &str, given: &str, family: &str) -> String {
        let data = self
            .graphql(
                "mutation($input: AddPersonInput!) { addPerson(input: $input) { id } }",
                json!({"input": {"campaignId": campaign, "givenName": given, "familyName": family}}),
            )
            .await;
        data["addPerson"]["id"].as_str().unwrap().to_string()
    }

    async fn rest(&self, path: &str) -> Reply {
        rest_as(&self.api, &self.token, path).await
    }
}

/// Waits until the read models show everything committed so far.
async fn projected(api: &TestApi) {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
}

/// A GET as a script would send it, once the read models show everything committed so far.
/// A request with a JSON body, as a script would send it, once the read models show everything committed.
async fn send(api: &TestApi, token: &str, method: Method, path: &str, body: Value) -> Reply {
    projected(api).await;
    call(
        &api.router,
        method,
        &format!("/api/rest/v1/{path}"),
        &[("OSDI-API-Token", token)],
        body,
    )
    .await
}

async fn rest_as(api: &TestApi, token: &str, path: &str) -> Reply {
    projected(api).await;
    call(
        &api.router,
        Method::GET,
        &format!("/api/rest/v1/{path}"),
        &[("OSDI-API-Token", token)],
        Value::Null,
    )
    .await
}

/// The ids of a page's items, from their `action_builder:` identifiers.
fn ids(reply: &Reply, name: &str) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["_embedded"][format!("osdi:{name}")]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            item["identifiers"][0]
                .as_str()
                .unwrap()
                .strip_prefix("action_builder:")
                .unwrap()
                .to_string()
        })
        .collect()
}

async fn a_request_without_a_valid_token_is_refused_in_osdi_shape(backend: TestBackend) {
    let setup = setup(backend).await;
    for headers in [vec![], vec![("OSDI-API-Token", "gwt_0000_nothing")]] {
        let reply = call(
            &setup.api.router,
            Method::GET,
            "/api/rest/v1/campaigns",
            &headers,
            Value::Null,
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
        assert_eq!(reply.body["response_code"], 401);
        assert_eq!(
            reply.body["resource_status"][0]["errors"][0]["code"],
            "UNAUTHORIZED"
        );
    }
    // A token is not a session: a cookie-only request gets nothing either, and an unknown path is OSDI's 404.
    let missing = setup.rest("campaigns/not-a-campaign/people").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
    assert_eq!(
        missing.body["resource_status"][0]["errors"][0]["code"],
        "NOT_FOUND"
    );
    let unknown = setup.rest("nowhere").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bad_page = setup.rest("campaigns?page=0").await;
    assert_eq!(
        bad_page.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_page.text
    );
    assert_eq!(
        bad_page.body["resource_status"][0]["errors"][0]["code"],
        "VALIDATION"
    );
    setup.api.stop().await;
}

async fn campaigns_are_listed_and_filtered_by_name(backend: TestBackend) {
    let setup = setup(backend).await;
    let drive = setup.campaign("Drive").await;
    let repairs = setup.campaign("Repairs").await;
    let all = setup.rest("campaigns").await;
    assert_eq!(ids(&all, "campaigns"), vec![drive.clone(), repairs.clone()]);
    assert_eq!(all.body["total_records"], 2);
    assert_eq!(all.body["total_pages"], 1);
    assert_eq!(all.body["per_page"], 25);
    assert_eq!(
        all.body["_embedded"]["osdi:campaigns"][0]["_links"]["self"]["href"],
        format!("/api/rest/v1/campaigns/{drive}")
    );
    let named = setup
        .rest("campaigns?filter=name%20eq%20%27Repairs%27")
        .await;
    assert_eq!(ids(&named, "campaigns"), vec![repairs.clone()]);
    let one = setup
        .rest(&format!("campaigns/action_builder:{drive}"))
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.body["name"], "Drive");
    let unsupported = setup.rest("campaigns?filter=level%20eq%20%272%27").await;
    assert_eq!(unsupported.status, StatusCode::BAD_REQUEST);
    setup.api.stop().await;
}

async fn people_are_paged_with_an_empty_page_past_the_end(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let mut expected = Vec::new();
    for (given, family) in [("Ada", "Abbott"), ("Bea", "Brown"), ("Cy", "Cole")] {
        expected.push(setup.person(&campaign, given, family).await);
    }
    let path = format!("campaigns/{campaign}/people");
    let first = setup.rest(&format!("{path}?page=1&per_page=2")).await;
    let second = setup.rest(&format!("{path}?page=2&per_page=2")).await;
    let past = setup.rest(&format!("{path}?page=3&per_page=2")).await;
    let mut seen = ids(&first, "people");
    assert_eq!(seen.len(), 2);
    seen.extend(ids(&second, "people"));
    assert_eq!(seen, expected, "every person once, by name");
    assert!(ids(&past, "people").is_empty());
    assert_eq!(first.body["total_records"], 3);
    assert_eq!(first.body["total_pages"], 2);
    assert!(first.body["_links"]["next"]["href"].is_string());
    assert!(second.body["_links"].get("next").is_none());
    assert_eq!(past.body["total_records"], 3);
    let person = &first.body["_embedded"]["osdi:people"][0];
    assert_eq!(person["name"], "Ada Abbott");
    assert_eq!(person["action_builder:entity_type"], "Person");
    assert!(person["modified_date"].is_string(), "{person}");
    // More than 25 a page is read as 25, as Action Builder does.
    let capped = setup.rest(&format!("{path}?per_page=100")).await;
    assert_eq!(capped.body["per_page"], 25);
    assert_eq!(ids(&capped, "people").len(), 3);
    setup.api.stop().await;
}

async fn people_are_filtered_by_name_and_modified_date(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let ada = setup.person(&campaign, "Ada", "Abbott").await;
    setup.person(&campaign, "Adam", "Abbott").await;
    let path = format!("campaigns/{campaign}/people");
    let named = setup
        .rest(&format!("{path}?filter=name%20eq%20%27Ada%20Abbott%27"))
        .await;
    assert_eq!(ids(&named, "people"), vec![ada]);
    assert_eq!(named.body["total_records"], 1);
    let since_2000 = setup
        .rest(&format!(
            "{path}?filter=modified_date%20gt%20%272000-01-01%27"
        ))
        .await;
    assert_eq!(ids(&since_2000, "people").len(), 2);
    let future = setup
        .rest(&format!(
            "{path}?filter=modified_date%20gt%20%272999-01-01T00:00:00Z%27"
        ))
        .await;
    assert!(ids(&future, "people").is_empty());
    assert_eq!(future.body["total_records"], 0);
    setup.api.stop().await;
}

async fn a_narrowed_member_sees_only_their_campaigns(backend: TestBackend) {
    let setup = setup(backend).await;
    let drive = setup.campaign("Drive").await;
    let repairs = setup.campaign("Repairs").await;
    setup.person(&repairs, "Ada", "Abbott").await;
    let lead = tests::invitations::invite_and_accept(
        |query, variables| setup.graphql(query, variables),
        setup.api.groundwork.store(),
        "lead@example.org",
        "LEAD",
    )
    .await;
    setup
        .graphql(
            "mutation($input: SetUserCampaignsInput!) { setUserCampaigns(input: $input) { id } }",
            json!({"input": {"userId": lead.to_string(), "campaignIds": [drive]}}),
        )
        .await;
    let lead = Identity {
        user: lead,
        role: Role::Lead,
        ..setup.admin.clone()
    };
    let token = token(&setup.api, &lead, Role::Lead).await;
    let campaigns = rest_as(&setup.api, &token, "campaigns").await;
    assert_eq!(ids(&campaigns, "campaigns"), vec![drive]);
    let hidden = rest_as(&setup.api, &token, &format!("campaigns/{repairs}/people")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    setup.api.stop().await;
}

async fn the_signup_helper_inserts_then_updates_by_identifier(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let path = format!("campaigns/{campaign}/people");
    let inserted = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &path,
        json!({"person": {"given_name": "Ada", "family_name": "Abbott", "action_builder:entity_type": "Person"}}),
    )
    .await;
    assert_eq!(inserted.status, StatusCode::CREATED, "{}", inserted.text);
    let identifier = inserted.body["identifiers"][0]
        .as_str()
        .unwrap()
        .to_string();
    let id = identifier
        .strip_prefix("action_builder:")
        .unwrap()
        .to_string();
    assert_eq!(inserted.body["name"], "Ada Abbott");

    let updated = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &path,
        json!({"person": {"identifiers": [identifier], "given_name": "Adela", "family_name": "Abbott"}}),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(
        updated.body["identifiers"][0],
        format!("action_builder:{id}")
    );
    // An identifier that matches no one inserts (with a name), and without a name is refused.
    let other = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &path,
        json!({"person": {"identifiers": ["action_builder:00000000-0000-0000-0000-000000000000"], "name": "Bea Brown"}}),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
    let nameless = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &path,
        json!({"person": {}}),
    )
    .await;
    assert_eq!(
        nameless.status,
        StatusCode::BAD_REQUEST,
        "{}",
        nameless.text
    );

    // Checked through GraphQL: one Adela Abbott (updated, not duplicated) and Bea Brown.
    let data = setup
        .graphql(
            "query($c: ID!) { people(campaignId: $c) { edges { node { id name } } } }",
            json!({"c": campaign}),
        )
        .await;
    let names: Vec<&str> = data["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Adela Abbott", "Bea Brown"]);
    setup.api.stop().await;
}

async fn tags_are_created_listed_and_taken_off_through_taggings(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let ada = setup.person(&campaign, "Ada", "Abbott").await;
    let tag = json!({"name": "Leak", "action_builder:field": "Issues", "action_builder:section": "Survey"});
    let tags = format!("campaigns/{campaign}/tags");
    let created = send(&setup.api, &setup.token, Method::POST, &tags, tag.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["action_builder:section"], "Survey");
    let again = send(&setup.api, &setup.token, Method::POST, &tags, tag).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["identifiers"], created.body["identifiers"]);
    let mould = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &tags,
        json!({"name": "Mould", "action_builder:field": "Issues", "action_builder:section": "Survey"}),
    )
    .await;
    assert_eq!(mould.status, StatusCode::CREATED, "{}", mould.text);
    let listed = setup.rest(&tags).await;
    assert_eq!(ids(&listed, "tags").len(), 2);
    let by_name = setup
        .rest(&format!("{tags}?filter=name%20eq%20%27Leak%27"))
        .await;
    let leak = ids(&by_name, "tags");
    assert_eq!(leak.len(), 1);
    let leak = leak[0].clone();

    // Tagging Ada through the signup helper, then taking it off through the tagging.
    let tagged = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &format!("campaigns/{campaign}/people"),
        json!({"person": {"identifiers": [format!("action_builder:{ada}")]},
               "add_tags": [{"action_builder:section": "Survey", "action_builder:field": "Issues", "action_builder:name": "Leak"}]}),
    )
    .await;
    assert_eq!(tagged.status, StatusCode::OK, "{}", tagged.text);
    let taggings = setup.rest(&format!("{tags}/{leak}/taggings")).await;
    assert_eq!(ids(&taggings, "taggings"), vec![ada.clone()]);
    let tagging = &taggings.body["_embedded"]["osdi:taggings"][0];
    assert_eq!(tagging["item_type"], "person");
    // Parsons reads a taggings page under its path's name too (see `tags::taggings`).
    assert_eq!(
        taggings.body["_embedded"][format!("osdi:tags/{leak}/taggings")],
        taggings.body["_embedded"]["osdi:taggings"]
    );
    assert!(tagging["osdi:person"]["href"]
        .as_str()
        .unwrap()
        .contains(&ada));
    let removed = send(
        &setup.api,
        &setup.token,
        Method::DELETE,
        &format!("{tags}/{leak}/taggings/{ada}"),
        Value::Null,
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert!(ids(
        &setup.rest(&format!("{tags}/{leak}/taggings")).await,
        "taggings"
    )
    .is_empty());
    // A tag that does not exist is refused, not created on the fly.
    let unknown = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &format!("campaigns/{campaign}/people"),
        json!({"person": {"identifiers": [format!("action_builder:{ada}")]},
               "add_tags": [{"action_builder:section": "Survey", "action_builder:field": "Issues", "action_builder:name": "Rats"}]}),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.text);
    setup.api.stop().await;
}

async fn an_analyst_token_reads_but_never_writes(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    setup.person(&campaign, "Ada", "Abbott").await;
    let analyst = token(&setup.api, &setup.admin, Role::Analyst).await;
    let people = rest_as(
        &setup.api,
        &analyst,
        &format!("campaigns/{campaign}/people"),
    )
    .await;
    assert_eq!(ids(&people, "people").len(), 1);
    let head = setup.api.log_head().await;
    let refused = send(
        &setup.api,
        &analyst,
        Method::POST,
        &format!("campaigns/{campaign}/people"),
        json!({"person": {"given_name": "Bea", "family_name": "Brown"}}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert_eq!(
        refused.body["resource_status"][0]["errors"][0]["code"],
        "FORBIDDEN"
    );
    let tag = send(
        &setup.api,
        &analyst,
        Method::POST,
        &format!("campaigns/{campaign}/tags"),
        json!({"name": "Leak", "action_builder:field": "Issues", "action_builder:section": "Survey"}),
    )
    .await;
    assert_eq!(tag.status, StatusCode::FORBIDDEN, "{}", tag.text);
    assert_eq!(setup.api.log_head().await, head, "nothing was written");
    setup.api.stop().await;
}

async fn connections_are_made_and_deactivated_and_people_removed(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let ada = setup.person(&campaign, "Ada", "Abbott").await;
    let bea = setup.person(&campaign, "Bea", "Brown").await;
    let cy = setup.person(&campaign, "Cy", "Cole").await;
    let connections = format!("campaigns/{campaign}/people/action_builder:{ada}/connections");
    let body = |other: &str, inactive: bool| json!({"connection": {"person_id": format!("action_builder:{other}"), "inactive": inactive}});
    let made = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &connections,
        body(&bea, false),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.body["inactive"], false);
    let connection = made.body["identifiers"][0].as_str().unwrap().to_string();
    // The same pair again updates the one connection rather than making a second.
    let again = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &connections,
        body(&bea, false),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["identifiers"][0], connection.as_str());
    // Deactivated by the pair (POST with inactive) and by the connection's id (PUT).
    let by_pair = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &connections,
        body(&bea, true),
    )
    .await;
    assert_eq!(by_pair.status, StatusCode::OK, "{}", by_pair.text);
    assert_eq!(by_pair.body["inactive"], true);
    let to_cy = send(
        &setup.api,
        &setup.token,
        Method::POST,
        &connections,
        body(&cy, false),
    )
    .await;
    let to_cy = to_cy.body["identifiers"][0].as_str().unwrap().to_string();
    let by_id = send(
        &setup.api,
        &setup.token,
        Method::PUT,
        &format!("{connections}/{to_cy}"),
        json!({"inactive": true}),
    )
    .await;
    assert_eq!(by_id.status, StatusCode::OK, "{}", by_id.text);
    assert_eq!(by_id.body["inactive"], true);
    let data = setup
        .graphql(
            "query($id: ID!) { person(id: $id) { connections { active } } }",
            json!({"id": ada}),
        )
        .await;
    let active: Vec<bool> = data["person"]["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|connection| connection["active"].as_bool().unwrap())
        .collect();
    assert_eq!(active, vec![false, false], "{data}");

    let removed = send(
        &setup.api,
        &setup.token,
        Method::DELETE,
        &format!("campaigns/{campaign}/people/{bea}"),
        Value::Null,
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    let people = setup.rest(&format!("campaigns/{campaign}/people")).await;
    assert_eq!(ids(&people, "people"), vec![ada.clone(), cy]);
    let twice = send(
        &setup.api,
        &setup.token,
        Method::DELETE,
        &format!("campaigns/{campaign}/people/{bea}"),
        Value::Null,
    )
    .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "{}", twice.text);
    setup.api.stop().await;
}

/// `docs/openapi.json` is a committed artifact: it must equal the document the code serves.
#[test]
fn the_committed_openapi_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    let built = api::rest::openapi::document_text();
    if std::env::var_os("GROUNDWORK_WRITE_OPENAPI").is_some() {
        std::fs::write(path, &built).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == built,
        "docs/openapi.json is out of date with the code; run `GROUNDWORK_WRITE_OPENAPI=1 cargo test -p tests \
         --test integration -- rest_api::the_committed_openapi` and commit the result"
    );
}

/// The document is served without a token, and every route it names answers (not the router's 404).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_served_and_names_real_routes() {
    let api = TestApi::with_options(TestBackend::sqlite().await, ApiOptions::default()).await;
    let served = call(
        &api.router,
        Method::GET,
        "/api/rest/v1/openapi.json",
        &[],
        Value::Null,
    )
    .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.body, api::rest::openapi::document());
    for (path, operations) in served.body["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let concrete = path
                .split('/')
                .map(|part| if part.starts_with('{') { "x" } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            // Without a token a real route answers 401; an unknown one would be the fallback's 404.
            let reply = call(
                &api.router,
                method.clone(),
                &format!("/api/rest/v1{concrete}"),
                &[],
                json!({}),
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path}: {}",
                reply.text
            );
        }
    }
    api.stop().await;
}

/// A request exactly as given (`call` always sends JSON): the status, the content type and the JSON body.
async fn raw(
    api: &TestApi,
    token: &str,
    method: Method,
    path: &str,
    content_type: &str,
    body: &str,
) -> (StatusCode, String, Value) {
    use tower::ServiceExt as _;
    let request = Request::builder()
        .method(method)
        .uri(format!("/api/rest/v1/{path}"))
        .header("OSDI-API-Token", token)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = api.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("{status} {content_type}: not JSON: {text}"));
    (status, content_type, body)
}

/// What the fuzzer found (tests/fuzz): a query string or body axum could not read was answered in axum's
/// plain text with 400, 415 or 422, outside OSDI's shape and the documented statuses.
async fn malformed_query_strings_and_bodies_are_refused_in_osdi_shape(backend: TestBackend) {
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let people = format!("campaigns/{campaign}/people");
    let cases = [
        (
            Method::GET,
            "campaigns?per_page=abc".to_string(),
            "application/json",
            "",
            "query: ",
        ),
        (
            Method::GET,
            format!("{people}?page=99999999999999999999999"),
            "application/json",
            "",
            "query: ",
        ),
        (
            Method::POST,
            people.clone(),
            "application/json",
            "{not json",
            "body: ",
        ),
        (
            Method::POST,
            people.clone(),
            "text/plain",
            r#"{"person": {"given_name": "Ana"}}"#,
            "body: ",
        ),
        (
            Method::POST,
            people.clone(),
            "application/json",
            r#"{"person": 5}"#,
            "body: ",
        ),
        (
            Method::POST,
            format!("{people}/{campaign}/connections"),
            "application/json",
            r#"{"connection": []}"#,
            "body: ",
        ),
    ];
    for (method, path, content_type, body, names) in cases {
        let (status, answered_as, answer) = raw(
            &setup.api,
            &setup.token,
            method.clone(),
            &path,
            content_type,
            body,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}: {answer}");
        assert!(answered_as.starts_with("application/json"), "{answered_as}");
        assert_eq!(answer["response_code"], 400, "{answer}");
        let error = &answer["resource_status"][0]["errors"][0];
        assert_eq!(error["code"], "VALIDATION", "{answer}");
        let description = error["description"].as_str().unwrap();
        assert!(
            description.starts_with(names),
            "{method} {path}: {description}"
        );
    }
    // Nothing was added by the refused signups.
    let listed = setup.rest(&people).await;
    assert_eq!(ids(&listed, "people"), Vec::<String>::new());
    setup.api.stop().await;
}

/// With `Accept-Language: es` an error's description is in Spanish, its code and the input path in front
/// of it unchanged; without the header it stays English.
async fn errors_are_described_in_spanish_when_asked(backend: TestBackend) {
    use tower::ServiceExt as _;
    let setup = setup(backend).await;
    let campaign = setup.campaign("Drive").await;
    let missing = uuid::Uuid::new_v4();
    let ask = |method: Method, path: String, body: &'static str, language: Option<&'static str>| {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/rest/v1/{path}"))
            .header("OSDI-API-Token", setup.token.as_str())
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(language) = language {
            request = request.header(header::ACCEPT_LANGUAGE, language);
        }
        let request = request.body(Body::from(body)).unwrap();
        let router = setup.api.router.clone();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let answer: Value = serde_json::from_slice(&bytes).unwrap();
            let error = answer["resource_status"][0]["errors"][0].clone();
            (
                status,
                error["code"].clone(),
                error["description"].as_str().unwrap().to_string(),
                answer,
            )
        }
    };
    let (status, code, english, _) =
        ask(Method::GET, format!("campaigns/{missing}"), "", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(english.contains(&missing.to_string()), "{english}");
    // The catalog's Spanish for it, so the check below is not a translation of its own.
    let expected = api::messages::translate(&english, api::messages::Language::Spanish);
    assert_ne!(
        expected, english,
        "the catalog has a template for `{english}`"
    );
    let (status, spanish_code, spanish, answer) = ask(
        Method::GET,
        format!("campaigns/{missing}"),
        "",
        Some("es-MX,es;q=0.9,en;q=0.5"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        spanish_code, code,
        "the code never changes with the language"
    );
    assert_eq!(spanish, expected, "{answer}");
    assert_eq!(
        answer["error"],
        spanish.as_str(),
        "`error` repeats the description"
    );

    // A refused body keeps its input path in front.
    let people = format!("campaigns/{campaign}/people");
    let (status, code, spanish, _) =
        ask(Method::POST, people.clone(), r#"{"person": 5}"#, Some("es")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code, "VALIDATION");
    assert!(spanish.starts_with("body: "), "{spanish}");
    let (_, _, english, _) = ask(Method::POST, people, r#"{"person": 5}"#, Some("en")).await;
    assert!(english.starts_with("body: "), "{english}");
    setup.api.stop().await;
}
