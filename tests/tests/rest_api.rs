//! The Action Builder–compatible REST API (`/api/rest/v1`) on every backend: the `OSDI-API-Token` header,
//! campaigns and their people in HAL pages of at most 25 with an empty page past the end, the OData filters,
//! OSDI's error shape, and the same roles and campaign narrowing as GraphQL.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::{Identity, Role, Via};
use api::accounts::Accounts;
use api::http::ApiOptions;
use axum::http::{Method, StatusCode};
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

/// A GET as a script would send it, once the read models show everything committed so far.
async fn rest_as(api: &TestApi, token: &str, path: &str) -> Reply {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
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
    let data = setup
        .graphql(
            "mutation($input: AddUserInput!) { addUser(input: $input) { user { id } } }",
            json!({"input": {"email": "lead@example.org", "role": "LEAD"}}),
        )
        .await;
    setup
        .graphql(
            "mutation($input: SetUserCampaignsInput!) { setUserCampaigns(input: $input) { id } }",
            json!({"input": {"userId": data["addUser"]["user"]["id"], "campaignIds": [drive]}}),
        )
        .await;
    let lead = Identity {
        user: domain::ids::UserId::parse(data["addUser"]["user"]["id"].as_str().unwrap()).unwrap(),
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
