//! The authorization matrix, on every backend: every Query, Mutation and Subscription field of the committed
//! `schema.graphql` × every role, in the role's own chapter (allowed or FORBIDDEN as `tests/authz_matrix.toml`
//! says) and against another chapter's ids (never an answer with its data, never a change to it); and an
//! activist's own turf against someone else's, and members narrowed to another campaign of the same chapter
//! (who must reach nothing of chapter A's campaign either). An operation missing from the table fails the test.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use api::accounts::Accounts;
use api::graphql::authz::{Identity, Role, Via};
use api::graphql::{GraphqlSettings, GroundworkSchema, SchemaDeps};
use api::http::ApiOptions;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use domain::ids::{ChapterId, UserId};
use futures::StreamExt as _;
use crate::graphql_support::TestApi;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tests::{backend_tests, TestBackend};

backend_tests!(
    every_operation_answers_every_role_as_the_matrix_says,
    another_chapters_ids_reach_nothing,
    an_activist_sees_only_their_turf,
    an_activist_works_only_their_turf_as_the_matrix_says,
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Root {
    Query,
    Mutation,
    Subscription,
}

/// One operation of the schema: its root, name, arguments (name, type) and return type.
struct Operation {
    root: Root,
    name: String,
    arguments: Vec<(String, Type, bool)>,
    returns: Type,
}

/// The parsed schema: its operations, and every type by name (to build arguments and selections).
struct Schema {
    operations: Vec<Operation>,
    types: HashMap<String, TypeKind>,
}

fn read_schema() -> Schema {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let text = std::fs::read_to_string(path).unwrap();
    let document = async_graphql::parser::parse_schema(&text).unwrap();
    let mut types = HashMap::new();
    for definition in document.definitions {
        if let TypeSystemDefinition::Type(definition) = definition {
            let definition = definition.node;
            types.insert(definition.name.node.to_string(), definition.kind);
        }
    }
    let mut operations = Vec::new();
    for (root, name) in [
        (Root::Query, "Query"),
        (Root::Mutation, "Mutation"),
        (Root::Subscription, "Subscription"),
    ] {
        let Some(TypeKind::Object(object)) = types.get(name) else {
            panic!("schema.graphql has no {name} type");
        };
        for field in &object.fields {
            let field = &field.node;
            operations.push(Operation {
                root,
                name: field.name.node.to_string(),
                arguments: field
                    .arguments
                    .iter()
                    .map(|argument| {
                        let argument = &argument.node;
                        (
                            argument.name.node.to_string(),
                            argument.ty.node.clone(),
                            argument.default_value.is_some(),
                        )
                    })
                    .collect(),
                returns: field.ty.node.clone(),
            });
        }
    }
    Schema { operations, types }
}

/// The expected roles per operation, from `tests/authz_matrix.toml`.
struct Matrix {
    allowed: BTreeMap<(String, String), Vec<Role>>,
    arguments: Map<String, Value>,
    /// Operations that need a grant of the membership (`canExport`) besides the role.
    grants: BTreeMap<String, String>,
    /// What an activist may do on their own turf: operation → the argument naming the person.
    turf: BTreeMap<String, String>,
}

fn read_matrix() -> Matrix {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/authz_matrix.toml");
    let table: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut allowed = BTreeMap::new();
    for root in ["query", "mutation", "subscription"] {
        for (name, roles) in table[root].as_table().unwrap() {
            let roles = roles
                .as_array()
                .unwrap()
                .iter()
                .map(|role| Role::parse(role.as_str().unwrap()).unwrap())
                .collect();
            allowed.insert((root.to_string(), name.clone()), roles);
        }
    }
    let arguments = match table.get("arguments") {
        Some(arguments) => serde_json::to_value(arguments).unwrap(),
        None => json!({}),
    };
    let names = |section: &str| -> BTreeMap<String, String> {
        table
            .get(section)
            .and_then(toml::Value::as_table)
            .map(|entries| {
                entries
                    .iter()
                    .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let grants = names("grants");
    assert!(
        grants.values().all(|grant| grant == "canExport"),
        "unknown grant in [grants]: {grants:?}"
    );
    Matrix {
        allowed,
        arguments: arguments.as_object().cloned().unwrap_or_default(),
        grants,
        turf: names("turf"),
    }
}

fn root_key(root: Root) -> &'static str {
    match root {
        Root::Query => "query",
        Root::Mutation => "mutation",
        Root::Subscription => "subscription",
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// A value of `ty` that parses: ids from `ids` by argument name when given, else a fresh one.
fn sample(schema: &Schema, name: &str, ty: &Type, ids: &HashMap<String, String>) -> Value {
    if let BaseType::List(inner) = &ty.base {
        return json!([sample(schema, name, inner, ids)]);
    }
    let type_name = named(ty);
    match type_name {
        "ID" => json!(ids
            .get(name)
            .cloned()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())),
        "String" => json!("Matrix"),
        "Int" => json!(1),
        "Float" => json!(1.0),
        "Boolean" => json!(false),
        "DateTime" => json!("2026-06-01T00:00:00Z"),
        "NaiveDate" => json!("2026-06-01"),
        _ => match schema.types.get(type_name) {
            Some(TypeKind::Enum(enumeration)) => {
                json!(enumeration.values[0].node.value.node.as_str())
            }
            Some(TypeKind::InputObject(input)) => {
                let mut object = Map::new();
                for field in &input.fields {
                    let field = &field.node;
                    if !field.ty.node.nullable && field.default_value.is_none() {
                        object.insert(
                            field.name.node.to_string(),
                            sample(schema, field.name.node.as_str(), &field.ty.node, ids),
                        );
                    }
                }
                Value::Object(object)
            }
            _ => json!("Matrix"),
        },
    }
}

fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(base.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (base, patch) => *base = patch.clone(),
    }
}

/// The operation as a request: required arguments as variables, and the smallest selection.
fn request(
    schema: &Schema,
    matrix: &Matrix,
    operation: &Operation,
    ids: &HashMap<String, String>,
) -> (String, Value) {
    let mut declarations = Vec::new();
    let mut arguments = Vec::new();
    let mut variables = Map::new();
    for (name, ty, has_default) in &operation.arguments {
        if ty.nullable || *has_default {
            continue;
        }
        declarations.push(format!("${name}: {ty}"));
        arguments.push(format!("{name}: ${name}"));
        variables.insert(name.clone(), sample(schema, name, ty, ids));
    }
    let mut variables = Value::Object(variables);
    if let Some(patch) = matrix.arguments.get(&operation.name) {
        merge(&mut variables, patch);
    }
    let returns = named(&operation.returns);
    // Series answer one row per week whatever the campaign: their counts tell whether anything leaked.
    let counted = match operation.name.as_str() {
        "assessmentDistributionWeekly" => Some(" { unassessed perLevel { count } }"),
        "coverageWeekly" => Some(" { people covered uncovered }"),
        _ => None,
    };
    let selection = match schema.types.get(returns) {
        _ if counted.is_some() => counted.unwrap_or_default(),
        Some(TypeKind::Object(object)) => {
            if object
                .fields
                .iter()
                .any(|field| field.node.name.node == "totalCount")
            {
                " { totalCount }"
            } else {
                " { __typename }"
            }
        }
        _ => "",
    };
    let keyword = root_key(operation.root);
    let declarations = if declarations.is_empty() {
        String::new()
    } else {
        format!("({})", declarations.join(", "))
    };
    let arguments = if arguments.is_empty() {
        String::new()
    } else {
        format!("({})", arguments.join(", "))
    };
    (
        format!(
            "{keyword} Matrix{declarations} {{ {}{arguments}{selection} }}",
            operation.name
        ),
        variables,
    )
}

fn identity(user: UserId, chapter: ChapterId, role: Role) -> Identity {
    Identity {
        user,
        chapter,
        role,
        personal_data: false,
        can_export: false,
        via: Via::Development,
    }
}

/// `identity` with the grants `operation` needs (per `[grants]`).
fn granted(matrix: &Matrix, operation: &str, identity: Identity) -> Identity {
    Identity {
        can_export: identity.can_export || matrix.grants.contains_key(operation),
        ..identity
    }
}

/// Runs a request as `identity`; subscriptions answer with their first event, or `null` when none comes
/// within a moment (a refused subscription answers at once).
async fn run(
    schema: &GroundworkSchema,
    root: Root,
    query: &str,
    variables: Value,
    identity: Identity,
) -> Value {
    // `$role` in the matrix's arguments is the calling role (a token's role may not exceed its owner's).
    let variables: Value = serde_json::from_str(&variables.to_string().replace(
        "\"$role\"",
        &format!("\"{}\"", identity.role.as_str().to_uppercase()),
    ))
    .unwrap();
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(identity);
    match root {
        Root::Subscription => {
            let mut stream = schema.execute_stream(request);
            match tokio::time::timeout(std::time::Duration::from_millis(300), stream.next()).await {
                Ok(Some(response)) => serde_json::to_value(response).unwrap(),
                _ => Value::Null,
            }
        }
        _ => serde_json::to_value(schema.execute(request).await).unwrap(),
    }
}

fn code(answer: &Value) -> Option<&str> {
    answer["errors"][0]["extensions"]["code"].as_str()
}

/// Whether every number in a series answer is zero (nothing of another chapter was counted).
fn all_counts_zero(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_i64() == Some(0),
        Value::Array(items) => items.iter().all(all_counts_zero),
        Value::Object(fields) => fields.values().all(all_counts_zero),
        _ => false,
    }
}

struct World {
    api: TestApi,
    schema: GroundworkSchema,
    chapter: ChapterId,
    other_chapter: ChapterId,
    admin: UserId,
    activist: UserId,
    /// Chapter A's things by the argument names that refer to them.
    ids: HashMap<String, String>,
    own_turf_person: String,
    other_turf_person: String,
    /// A second campaign of chapter A, the one narrowed members are limited to.
    other_campaign: String,
}

async fn world(backend: TestBackend) -> World {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let password = secrecy::SecretString::from("a long enough passphrase");
    let (admin, chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "a@example.org",
        "Chapter A",
        &password,
    )
    .await
    .unwrap();
    let (_, other_chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "b@example.org",
        "Chapter B",
        &password,
    )
    .await
    .unwrap();
    let schema = api::graphql::schema(SchemaDeps {
        groundwork: api.groundwork.clone(),
        read_models: api.read_models.clone(),
        accounts: Arc::new(Accounts::new(api.groundwork.store().clone())),
        settings: GraphqlSettings::default(),
    });
    let activist = UserId::new_random();
    let as_admin = identity(admin, chapter, Role::Admin);
    let mutate = |query: &'static str, variables: Value| {
        let schema = schema.clone();
        let as_admin = as_admin.clone();
        async move {
            let answer = run(&schema, Root::Mutation, query, variables, as_admin).await;
            assert!(
                answer.get("errors").is_none() || answer["errors"].as_array().unwrap().is_empty(),
                "{answer:#}"
            );
            answer["data"].clone()
        }
    };
    let campaign = mutate(
        "mutation { createCampaign(input: {name: \"Drive\", goal: 10}) { id } }",
        json!({}),
    )
    .await["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other_campaign = mutate(
        "mutation { createCampaign(input: {name: \"Other drive\", goal: 5}) { id } }",
        json!({}),
    )
    .await["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unit = mutate(
        "mutation($c: ID!) { addUnit(input: {campaignId: $c, name: \"Floor 1\", kind: \"Floor\"}) { createdId } }",
        json!({"c": campaign}),
    )
    .await["addUnit"]["createdId"]
        .as_str()
        .unwrap()
        .to_string();
    let add_person = |given: &'static str| {
        let campaign = campaign.clone();
        let mutate = &mutate;
        async move {
            mutate(
                "mutation($c: ID!, $g: String!) { addPerson(input: {campaignId: $c, givenName: $g, familyName: \"Rivera\"}) { id } }",
                json!({"c": campaign, "g": given}),
            )
            .await["addPerson"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let own_turf_person = add_person("Ana").await;
    let other_turf_person = add_person("Ben").await;
    mutate(
        "mutation($p: ID!, $o: ID!) { assignOrganizer(input: {personId: $p, organizerId: $o}) { version person { id } } }",
        json!({"p": own_turf_person, "o": activist.to_string()}),
    )
    .await;
    let test = mutate(
        "mutation($c: ID!) { createStructureTest(input: {campaignId: $c, name: \"Petition\", goalPercent: 70, deadline: \"2026-12-31\", scopeUnitIds: []}) { id structureTest { id } } }",
        json!({"c": campaign}),
    )
    .await["createStructureTest"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ids = HashMap::new();
    for (name, value) in [
        ("campaignId", &campaign),
        ("unitId", &unit),
        ("parentId", &unit),
        ("personId", &other_turf_person),
        ("survivorId", &other_turf_person),
        ("duplicateId", &own_turf_person),
        ("structureTestId", &test),
        ("testId", &test),
        ("userId", &admin.to_string()),
    ] {
        ids.insert(name.to_string(), value.clone());
    }
    World {
        api,
        schema,
        chapter,
        other_chapter,
        admin,
        activist,
        ids,
        own_turf_person,
        other_turf_person,
        other_campaign,
    }
}

/// A new member of chapter A with `role`, narrowed to the other campaign.
async fn narrowed(world: &World, role: Role) -> Identity {
    let user = UserId::new_random();
    world
        .api
        .groundwork
        .store()
        .set_membership_campaigns(
            &user.to_string(),
            &world.chapter.to_string(),
            std::slice::from_ref(&world.other_campaign),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    identity(user, world.chapter, role)
}

async fn every_operation_answers_every_role_as_the_matrix_says(backend: TestBackend) {
    let world = world(backend).await;
    let schema = read_schema();
    let matrix = read_matrix();
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for operation in &schema.operations {
        let key = (root_key(operation.root).to_string(), operation.name.clone());
        let Some(allowed) = matrix.allowed.get(&key) else {
            missing.push(format!("{}.{}", key.0, key.1));
            continue;
        };
        for role in Role::ALL {
            // Fresh ids: the role meets the policy, not someone's data.
            let (query, variables) = request(&schema, &matrix, operation, &HashMap::new());
            let user = if role == Role::Admin {
                world.admin
            } else {
                UserId::new_random()
            };
            if matrix.grants.contains_key(&operation.name) {
                let ungranted = run(
                    &world.schema,
                    operation.root,
                    &query,
                    variables.clone(),
                    identity(user, world.chapter, role),
                )
                .await;
                if code(&ungranted) != Some("FORBIDDEN") {
                    wrong.push(format!(
                        "{}.{} as {} without {}: expected FORBIDDEN, got {ungranted}",
                        key.0,
                        key.1,
                        role.as_str(),
                        matrix.grants[&operation.name]
                    ));
                }
            }
            let answer = run(
                &world.schema,
                operation.root,
                &query,
                variables,
                granted(
                    &matrix,
                    &operation.name,
                    identity(user, world.chapter, role),
                ),
            )
            .await;
            let refused = code(&answer) == Some("FORBIDDEN");
            let expected_refused = !allowed.contains(&role);
            if refused != expected_refused {
                wrong.push(format!(
                    "{}.{} as {}: expected {}, got {}",
                    key.0,
                    key.1,
                    role.as_str(),
                    if expected_refused {
                        "FORBIDDEN"
                    } else {
                        "allowed"
                    },
                    answer
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations of schema.graphql missing from tests/authz_matrix.toml: {missing:?}"
    );
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    world.api.stop().await;
}

async fn another_chapters_ids_reach_nothing(backend: TestBackend) {
    let world = world(backend).await;
    let schema = read_schema();
    let matrix = read_matrix();
    let snapshot = |schema: GroundworkSchema, identity: Identity, ids: HashMap<String, String>| async move {
        let query = "query($c: ID!, $p: ID!, $t: ID!) {
            campaign(id: $c) { name goal archived }
            wallChart(campaignId: $c) { totals { people } units { name people { name level } } }
            person(id: $p) { name level organizerId contactPoints { value } }
            structureTest(id: $t) { name closed deadline }
        }";
        run(
            &schema,
            Root::Query,
            query,
            json!({"c": ids["campaignId"], "p": ids["personId"], "t": ids["testId"]}),
            identity,
        )
        .await
    };
    let as_admin = identity(world.admin, world.chapter, Role::Admin);
    let before = snapshot(world.schema.clone(), as_admin.clone(), world.ids.clone()).await;
    assert!(before["data"]["person"]["name"].is_string(), "{before:#}");
    let mut leaks = Vec::new();
    for operation in schema
        .operations
        .iter()
        .filter(|operation| operation.root != Root::Subscription)
    {
        let mut ids = world.ids.clone();
        let id_target = match operation.name.as_str() {
            "campaign" => "campaignId",
            "structureTest" => "testId",
            _ => "personId",
        };
        ids.insert("id".to_string(), world.ids[id_target].clone());
        // Only operations that name something of chapter A: the others act on the caller's own chapter.
        let (_, probe) = request(&schema, &matrix, operation, &ids);
        let probe = probe.to_string();
        if !ids.values().any(|id| probe.contains(id.as_str())) {
            continue;
        }
        for role in Role::ALL {
            let mut callers = vec![(
                "of another chapter",
                identity(UserId::new_random(), world.other_chapter, role),
            )];
            // Admins are never narrowed.
            if role != Role::Admin {
                callers.push(("narrowed to another campaign", narrowed(&world, role).await));
            }
            for (who, caller) in callers {
                let (query, variables) = request(&schema, &matrix, operation, &ids);
                let answer = run(
                    &world.schema,
                    operation.root,
                    &query,
                    variables,
                    granted(&matrix, &operation.name, caller),
                )
                .await;
                let has_errors = answer["errors"]
                    .as_array()
                    .is_some_and(|errors| !errors.is_empty());
                let data = &answer["data"][&operation.name];
                let empty = data.is_null()
                    || data.as_array().is_some_and(Vec::is_empty)
                    || data["totalCount"] == json!(0)
                    || all_counts_zero(data);
                if !has_errors && !empty {
                    leaks.push(format!(
                        "{} as {} {who}: {answer}",
                        operation.name,
                        role.as_str()
                    ));
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "another chapter or another campaign reached chapter A's campaign:\n{}",
        leaks.join("\n")
    );
    // Chapter-wide lists are narrowed too: a narrowed member's campaigns are only theirs.
    for role in [Role::Activist, Role::Organizer, Role::Analyst, Role::Lead] {
        let caller = narrowed(&world, role).await;
        let answer = run(
            &world.schema,
            Root::Query,
            "{ campaigns { id } }",
            json!({}),
            caller,
        )
        .await;
        assert_eq!(
            answer["data"]["campaigns"],
            json!([{"id": world.other_campaign}]),
            "{role:?}: {answer:#}"
        );
    }
    let after = snapshot(world.schema.clone(), as_admin, world.ids.clone()).await;
    assert_eq!(before, after, "another chapter changed chapter A");
    world.api.stop().await;
}

async fn an_activist_sees_only_their_turf(backend: TestBackend) {
    let world = world(backend).await;
    let activist = identity(world.activist, world.chapter, Role::Activist);
    let person = "query($id: ID!) { person(id: $id) { id name } }";
    let own = run(
        &world.schema,
        Root::Query,
        person,
        json!({"id": world.own_turf_person}),
        activist.clone(),
    )
    .await;
    assert_eq!(own["data"]["person"]["name"], "Ana Rivera", "{own:#}");
    let other = run(
        &world.schema,
        Root::Query,
        person,
        json!({"id": world.other_turf_person}),
        activist.clone(),
    )
    .await;
    assert!(other["data"]["person"].is_null(), "{other:#}");
    let people = run(
        &world.schema,
        Root::Query,
        "query($c: ID!) { people(campaignId: $c) { totalCount edges { node { id } } } }",
        json!({"c": world.ids["campaignId"]}),
        activist.clone(),
    )
    .await;
    assert_eq!(people["data"]["people"]["totalCount"], 1, "{people:#}");
    assert_eq!(
        people["data"]["people"]["edges"][0]["node"]["id"],
        world.own_turf_person.as_str()
    );
    let chart = run(
        &world.schema,
        Root::Query,
        "query($c: ID!) { wallChart(campaignId: $c) { totals { people } } }",
        json!({"c": world.ids["campaignId"]}),
        activist,
    )
    .await;
    assert_eq!(code(&chart), Some("FORBIDDEN"));
    // An analyst without the personal-data grant sees the person, but not their name.
    let analyst = identity(UserId::new_random(), world.chapter, Role::Analyst);
    let masked = run(
        &world.schema,
        Root::Query,
        person,
        json!({"id": world.own_turf_person}),
        analyst.clone(),
    )
    .await;
    assert!(masked["data"]["person"]["id"].is_string(), "{masked:#}");
    assert!(masked["data"]["person"]["name"].is_null(), "{masked:#}");
    let granted = run(
        &world.schema,
        Root::Query,
        person,
        json!({"id": world.own_turf_person}),
        Identity {
            personal_data: true,
            ..analyst
        },
    )
    .await;
    assert_eq!(granted["data"]["person"]["name"], "Ana Rivera");
    world.api.stop().await;
}

async fn an_activist_works_only_their_turf_as_the_matrix_says(backend: TestBackend) {
    let world = world(backend).await;
    let schema = read_schema();
    let matrix = read_matrix();
    for name in matrix.turf.keys() {
        assert!(
            schema
                .operations
                .iter()
                .any(|operation| &operation.name == name),
            "[turf] names `{name}`, which schema.graphql does not have"
        );
    }
    let activist = identity(world.activist, world.chapter, Role::Activist);
    let mut wrong = Vec::new();
    for operation in schema
        .operations
        .iter()
        .filter(|operation| operation.root != Root::Subscription)
    {
        let key = (root_key(operation.root).to_string(), operation.name.clone());
        let allowed = matrix.allowed[&key].contains(&Role::Activist);
        let on_turf = matrix.turf.get(&operation.name);
        // Every operation, with every person argument naming the activist's own person.
        let mut own = world.ids.clone();
        own.insert("personId".to_string(), world.own_turf_person.clone());
        own.insert("id".to_string(), world.own_turf_person.clone());
        let (query, variables) = request(&schema, &matrix, operation, &own);
        let answer = run(
            &world.schema,
            operation.root,
            &query,
            variables,
            granted(&matrix, &operation.name, activist.clone()),
        )
        .await;
        let refused = code(&answer) == Some("FORBIDDEN");
        if refused != (!allowed && on_turf.is_none()) {
            wrong.push(format!("{} on own turf: {answer}", operation.name));
        }
        let Some(argument) = on_turf else {
            continue;
        };
        if operation.root == Root::Query && answer["data"][&operation.name].is_null() {
            wrong.push(format!(
                "{} on own turf answered nothing: {answer}",
                operation.name
            ));
        }
        let mut other = world.ids.clone();
        other.insert(argument.clone(), world.other_turf_person.clone());
        let (query, variables) = request(&schema, &matrix, operation, &other);
        let answer = run(
            &world.schema,
            operation.root,
            &query,
            variables,
            granted(&matrix, &operation.name, activist.clone()),
        )
        .await;
        let kept_out = match operation.root {
            Root::Mutation => code(&answer) == Some("FORBIDDEN"),
            _ => answer["data"][&operation.name].is_null(),
        };
        if !kept_out {
            wrong.push(format!(
                "{} on someone else's turf: {answer}",
                operation.name
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    world.api.stop().await;
}
