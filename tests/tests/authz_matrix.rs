//! The authorization matrix, on every backend: every Query, Mutation and Subscription field of the committed
//! `schema.graphql` × every role, in the role's own chapter (allowed or FORBIDDEN as `tests/authz_matrix.toml`
//! says) and against another chapter's ids (never an answer with its data, never a change to it); and an
//! activist's own turf against someone else's, and members narrowed to another campaign of the same chapter
//! (who must reach nothing of chapter A's campaign either). An operation missing from the table fails the test.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::{Identity, Role, Via};
use api::accounts::Accounts;
use api::graphql::{GraphqlSettings, GroundworkSchema, SchemaDeps};
use api::http::ApiOptions;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use domain::ids::{ChapterId, UserId};
use futures::StreamExt as _;
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
    /// Argument values that let an allowed call succeed on the things it is given (`[succeeds]`).
    succeeds: Map<String, Value>,
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
    let section = |name: &str| match table.get(name) {
        Some(section) => serde_json::to_value(section)
            .unwrap()
            .as_object()
            .cloned()
            .unwrap_or_default(),
        None => Map::new(),
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
        arguments: section("arguments"),
        succeeds: section("succeeds"),
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

/// Replaces the placeholders of `[arguments]` and `[succeeds]`: `"$id:NAME"` is the thing `ids` names so (a
/// fresh id when there is none) and `$n` in a text a number unique to the call.
fn resolve(value: &mut Value, ids: &HashMap<String, String>) {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    match value {
        Value::String(text) => {
            if let Some(name) = text.strip_prefix("$id:") {
                *text = ids
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            } else if text.contains("$n") {
                let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                *text = text.replace("$n", &n.to_string());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| resolve(item, ids)),
        Value::Object(fields) => fields.values_mut().for_each(|field| resolve(field, ids)),
        _ => {}
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
    build_request(schema, matrix, operation, ids, false)
}

/// The operation as a request that does its job on the things `ids` names (`[succeeds]` applied).
fn succeeding_request(
    schema: &Schema,
    matrix: &Matrix,
    operation: &Operation,
    ids: &HashMap<String, String>,
) -> (String, Value) {
    build_request(schema, matrix, operation, ids, true)
}

fn build_request(
    schema: &Schema,
    matrix: &Matrix,
    operation: &Operation,
    ids: &HashMap<String, String>,
    succeed: bool,
) -> (String, Value) {
    let mut declarations = Vec::new();
    let mut arguments = Vec::new();
    let mut variables = Map::new();
    // Optional arguments are left out, but for those the matrix gives a value (`setMyLanguage(language)`).
    let given = |table: &Map<String, Value>| {
        table
            .get(&operation.name)
            .and_then(Value::as_object)
            .map(|patch| patch.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let mut patched = given(&matrix.arguments);
    if succeed {
        patched.extend(given(&matrix.succeeds));
    }
    for (name, ty, has_default) in &operation.arguments {
        // A subscription announces that it listens, so that a test knows when to make its change.
        if name == "announce" && matches!(operation.root, Root::Subscription) {
            arguments.push("announce: true".to_string());
            continue;
        }
        if (ty.nullable || *has_default) && !patched.contains(name) {
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
    if succeed {
        if let Some(patch) = matrix.succeeds.get(&operation.name) {
            merge(&mut variables, patch);
        }
    }
    resolve(&mut variables, ids);
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

/// Runs a request as `identity`. A subscription answers with its first response: a refused one answers at
/// once with its error; an allowed one answers only after a change (see [`delivers`]), so here it answers
/// `null` after the test's patience has run out.
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
            match tokio::time::timeout(tests::ws::PATIENCE, stream.next()).await {
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
    /// A member of chapter A per role (the admin too), real accounts with a task and an API token each.
    members: Vec<(Role, UserId)>,
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
    let mut members = vec![(Role::Admin, admin)];
    for role in [Role::Activist, Role::Organizer, Role::Analyst, Role::Lead] {
        let user = tests::invitations::invite_and_accept(
            |query, variables| act(&schema, &as_admin, query, variables),
            api.groundwork.store(),
            &format!("{}@example.org", role.as_str()),
            role.as_str(),
        )
        .await;
        members.push((role, user));
    }
    // An invitation nobody has answered yet, for `invitations` to list.
    act(
        &schema,
        &as_admin,
        tests::invitations::INVITE,
        json!({"e": "pending@example.org", "r": "ORGANIZER"}),
    )
    .await;
    let activist = members[1].1;
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
    // A custom-field section, so `fieldSections` has something to answer.
    mutate(
        "mutation($c: ID!) { addFieldSection(input: {campaignId: $c, name: \"Workplace\"}) { createdId } }",
        json!({"c": campaign}),
    )
    .await;
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
    // Every member has a task and an API token; the own-turf person a note and a one-on-one; the access log
    // an entry: every query an allowed role runs has something to answer with.
    for (role, user) in &members {
        act(
            &schema,
            &as_admin,
            "mutation($c: ID!, $a: ID!, $p: ID!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: \"Call back\", assigneeId: $a, subjectIds: [$p]}) { id } }",
            json!({"c": campaign, "a": user.to_string(), "p": own_turf_person}),
        )
        .await;
        act(
            &schema,
            &identity(*user, chapter, *role),
            "mutation($r: Role!) { createApiToken(input: {name: \"world\", role: $r}) { token } }",
            json!({"r": role.as_str().to_uppercase()}),
        )
        .await;
    }
    act(
        &schema,
        &as_admin,
        "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Asked about the schedule\"}) { id }
            logOneOnOne(input: {personId: $p, heldAt: \"2026-06-01T10:00:00Z\", notes: \"Talked\"}) { id } }",
        json!({"p": own_turf_person}),
    )
    .await;
    // An activist reads only their own notes.
    act(
        &schema,
        &identity(activist, chapter, Role::Activist),
        "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Will bring a coworker\"}) { id } }",
        json!({"p": own_turf_person}),
    )
    .await;
    let reader = Identity {
        personal_data: true,
        ..as_admin.clone()
    };
    act(
        &schema,
        &reader,
        "query($p: ID!) { personNotes(personId: $p) { __typename } }",
        json!({"p": own_turf_person}),
    )
    .await;
    // A webhook endpoint, for the admin's webhook queries.
    let endpoint = text_at(
        &act(
            &schema,
            &as_admin,
            "mutation { createWebhookEndpoint(input: {url: \"https://hooks.example.org/world\", eventTypes: [\"*\"]}) { endpoint { id } } }",
            json!({}),
        )
        .await,
        "/createWebhookEndpoint/endpoint/id",
    );
    // An import, committed, for the import queries.
    let import = upload_import(&schema, &as_admin, &campaign).await;
    act(
        &schema,
        &as_admin,
        "mutation($i: ID!) { commitImport(input: {importId: $i}) { import { id } } }",
        json!({"i": import}),
    )
    .await;
    let mut ids = HashMap::new();
    for (name, value) in [
        ("importId", &import),
        ("webhookEndpointId", &endpoint),
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
        members,
        activist,
        ids,
        own_turf_person,
        other_turf_person,
        other_campaign,
    }
}

/// Runs a request as `identity` that must succeed; its data.
async fn act(
    schema: &GroundworkSchema,
    identity: &Identity,
    query: &str,
    variables: Value,
) -> Value {
    let root = if query.trim_start().starts_with("mutation") {
        Root::Mutation
    } else {
        Root::Query
    };
    let answer = run(schema, root, query, variables, identity.clone()).await;
    assert!(!has_errors(&answer), "{query}: {answer:#}");
    answer["data"].clone()
}

fn has_errors(answer: &Value) -> bool {
    answer["errors"]
        .as_array()
        .is_some_and(|errors| !errors.is_empty())
}

/// Whether an answer holds data: not `null`, not an empty list, not a connection of nothing.
fn has_data(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => fields
            .get("totalCount")
            .is_none_or(|count| count.as_i64().is_some_and(|count| count > 0)),
        _ => true,
    }
}

/// The string at `pointer` of `data`.
/// A small CSV file uploaded into `campaign` by `caller`; the import's id.
async fn upload_import(schema: &GroundworkSchema, caller: &Identity, campaign: &str) -> String {
    text_at(
        &act(
            schema,
            caller,
            "mutation($c: ID!, $b: String!) { uploadImport(input: {campaignId: $c, fileName: \"people.csv\", contentBase64: $b}) { import { id } } }",
            json!({"c": campaign, "b": IMPORT_CSV_BASE64}),
        )
        .await,
        "/uploadImport/import/id",
    )
}

/// `given_name,family_name` and one row, base64.
const IMPORT_CSV_BASE64: &str = "Z2l2ZW5fbmFtZSxmYW1pbHlfbmFtZQpBbmEsSW1wb3J0Cg==";

fn text_at(data: &Value, pointer: &str) -> String {
    data.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {data:#}"))
        .to_string()
}

const ACCOUNT_OPERATIONS: [&str; 8] = [
    "setUserRole",
    "removeUser",
    "resetUserPassword",
    "disableUser",
    "enableUser",
    "setUserCampaigns",
    "assignTurfUnit",
    "unassignTurfUnit",
];

impl World {
    /// The member of chapter A with `role`, as the caller of an allowed operation.
    fn member(&self, role: Role) -> Identity {
        let user = self
            .members
            .iter()
            .find(|(member_role, _)| *member_role == role)
            .map(|(_, user)| *user)
            .expect("a member per role");
        identity(user, self.chapter, role)
    }

    fn as_admin(&self) -> Identity {
        identity(self.admin, self.chapter, Role::Admin)
    }

    /// Chapter A's things for an allowed query: the person is the activist's own, `id` what the query names.
    fn query_ids(&self, operation: &str) -> HashMap<String, String> {
        let mut ids = self.ids.clone();
        ids.insert("personId".to_string(), self.own_turf_person.clone());
        let target = match operation {
            "campaign" => "campaignId",
            "structureTest" => "testId",
            "webhookEndpoint" => "webhookEndpointId",
            _ => "personId",
        };
        ids.insert("id".to_string(), ids[target].clone());
        ids
    }

    /// Fresh things of chapter A for one allowed mutation to act on, by the names its arguments (and the
    /// `$id:NAME`s of `[succeeds]`) use: a campaign with units, fields and responses, a person `personId` with
    /// a unit, an organizer (the activist), a contact point, a connection, an assessment, a field response
    /// and value and a note, a flagged person, a structure test, and where the mutation needs them, tasks,
    /// members and a token of the caller. Built by the admin, so the caller finds each in the state it needs.
    async fn stage(&self, operation: &str, caller: &Identity) -> HashMap<String, String> {
        let admin = self.as_admin();
        let by_admin = |query: &'static str, variables: Value| {
            let admin = admin.clone();
            async move { act(&self.schema, &admin, query, variables).await }
        };
        let mut ids = HashMap::new();
        let campaign = |name: &'static str| {
            let by_admin = &by_admin;
            async move {
                let data = by_admin(
                    "mutation($n: String!) { createCampaign(input: {name: $n, goal: 10}) { id } }",
                    json!({"n": name}),
                )
                .await;
                text_at(&data, "/createCampaign/id")
            }
        };
        let c = campaign("Stage").await;
        let archived = campaign("Archived").await;
        by_admin(
            "mutation($c: ID!) { archiveCampaign(input: {campaignId: $c}) { id } }",
            json!({"c": archived}),
        )
        .await;
        let data = by_admin(
            "mutation($c: ID!) {
                u1: addUnit(input: {campaignId: $c, name: \"Floor 1\", kind: \"Floor\"}) { createdId }
                u2: addUnit(input: {campaignId: $c, name: \"Floor 2\", kind: \"Floor\"}) { createdId }
                s: addFieldSection(input: {campaignId: $c, name: \"Issues\"}) { createdId }
                p: addPerson(input: {campaignId: $c, givenName: \"Ana\", familyName: \"Rivera\"}) { id }
                q: addPerson(input: {campaignId: $c, givenName: \"Ben\", familyName: \"Rivera\"}) { id }
            }",
            json!({"c": c}),
        )
        .await;
        let (u1, u2, section) = (
            text_at(&data, "/u1/createdId"),
            text_at(&data, "/u2/createdId"),
            text_at(&data, "/s/createdId"),
        );
        let (p, q) = (text_at(&data, "/p/id"), text_at(&data, "/q/id"));
        let data = by_admin(
            "mutation($c: ID!, $s: ID!) {
                f: addField(input: {campaignId: $c, sectionId: $s, name: \"Top issue\", type: STANDARD}) { createdId }
                t: addField(input: {campaignId: $c, sectionId: $s, name: \"Shift notes\", type: TEXT}) { createdId }
            }",
            json!({"c": c, "s": section}),
        )
        .await;
        let (field, text_field) = (
            text_at(&data, "/f/createdId"),
            text_at(&data, "/t/createdId"),
        );
        let data = by_admin(
            "mutation($c: ID!, $f: ID!) {
                r: addFieldResponse(input: {campaignId: $c, fieldId: $f, name: \"Staffing\"}) { createdId }
                held: addFieldResponse(input: {campaignId: $c, fieldId: $f, name: \"Safety\"}) { createdId }
            }",
            json!({"c": c, "f": field}),
        )
        .await;
        let (response, held) = (
            text_at(&data, "/r/createdId"),
            text_at(&data, "/held/createdId"),
        );
        let contact_point = uuid::Uuid::new_v4().to_string();
        let connection = uuid::Uuid::new_v4().to_string();
        let data = by_admin(
            "mutation($c: ID!, $p: ID!, $q: ID!, $u: ID!, $o: ID!, $cp: ID!, $x: ID!, $f: ID!, $r: ID!, $t: ID!) {
                joinUnit(input: {personId: $p, unitId: $u}) { id }
                assignOrganizer(input: {personId: $p, organizerId: $o}) { id }
                addContactPoint(input: {personId: $p, id: $cp, label: WORK, email: \"ana@example.org\"}) { id }
                connect(input: {personId: $p, id: $x, targetPersonId: $q, kind: \"Coworker\"}) { id }
                assessPerson(input: {personId: $p, level: 2}) { id }
                addPersonFieldResponse(input: {personId: $p, fieldId: $f, responseId: $r}) { id }
                setPersonFieldValue(input: {personId: $p, fieldId: $t, text: \"Stage\"}) { id }
                addNote(input: {personId: $p, text: \"Stage note\"}) { id }
                flagFollowUp(input: {personId: $q}) { id }
                createStructureTest(input: {campaignId: $c, name: \"Petition\", goalPercent: 70, deadline: \"2030-12-31\", scopeUnitIds: []}) { id }
            }",
            json!({
                "c": c, "p": p, "q": q, "u": u1, "o": self.activist.to_string(), "cp": contact_point,
                "x": connection, "f": field, "r": held, "t": text_field
            }),
        )
        .await;
        let test = text_at(&data, "/createStructureTest/id");
        let organizer = self.member(Role::Organizer).user.to_string();
        for (name, value) in [
            ("campaignId", &c),
            ("campaignIds", &c),
            ("archivedCampaign", &archived),
            ("unitId", &u1),
            ("scopeUnitIds", &u1),
            ("emptyUnit", &u2),
            ("sectionId", &section),
            ("fieldId", &field),
            ("responseId", &response),
            ("heldResponse", &held),
            ("textField", &text_field),
            ("personId", &p),
            ("duplicateId", &p),
            ("survivorId", &q),
            ("targetPersonId", &q),
            ("flaggedPerson", &q),
            ("contactPointId", &contact_point),
            ("connectionId", &connection),
            ("organizerId", &organizer),
            ("assigneeId", &organizer),
            ("structureTestId", &test),
            ("testId", &test),
        ] {
            ids.insert(name.to_string(), value.clone());
        }
        if operation.contains("Task") {
            let assign = "mutation($c: ID!, $a: ID!, $p: ID!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: \"Call\", assigneeId: $a, subjectIds: [$p]}) { id } }";
            let assignee = json!({"c": c, "a": self.admin.to_string(), "p": p});
            let open = text_at(&by_admin(assign, assignee.clone()).await, "/assignTask/id");
            let done = text_at(&by_admin(assign, assignee).await, "/assignTask/id");
            by_admin(
                "mutation($k: ID!) { completeTask(input: {taskId: $k}) { id } }",
                json!({"k": done}),
            )
            .await;
            ids.insert("taskId".to_string(), open);
            ids.insert("doneTask".to_string(), done);
        }
        if ACCOUNT_OPERATIONS.contains(&operation) {
            for (name, role) in [
                ("userId", "ORGANIZER"),
                ("disabledMember", "ORGANIZER"),
                ("turfMember", "ACTIVIST"),
            ] {
                let email = format!("{name}-{}@example.org", uuid::Uuid::new_v4().simple());
                let user = tests::invitations::invite_and_accept(
                    &by_admin,
                    self.api.groundwork.store(),
                    &email,
                    role,
                )
                .await;
                ids.insert(name.to_string(), user.to_string());
            }
            by_admin(
                "mutation($u: ID!) { disableUser(userId: $u) { id } }",
                json!({"u": ids["disabledMember"]}),
            )
            .await;
            by_admin(
                "mutation($u: ID!, $c: ID!, $unit: ID!) { assignTurfUnit(input: {userId: $u, campaignId: $c, unitId: $unit}) { id } }",
                json!({"u": ids["turfMember"], "c": c, "unit": u1}),
            )
            .await;
        }
        if operation.contains("Webhook") && operation != "createWebhookEndpoint" {
            let data = by_admin(
                "mutation { createWebhookEndpoint(input: {url: \"https://hooks.example.org/stage\", eventTypes: [\"*\"]}) { endpoint { id } } }",
                json!({}),
            )
            .await;
            let endpoint = text_at(&data, "/createWebhookEndpoint/endpoint/id");
            // Resuming needs a paused endpoint to change anything.
            if operation == "resumeWebhookEndpoint" {
                by_admin(
                    "mutation($id: ID!) { pauseWebhookEndpoint(id: $id) { id } }",
                    json!({"id": endpoint}),
                )
                .await;
            }
            ids.insert("id".to_string(), endpoint);
        }
        if operation.ends_with("Import") && operation != "uploadImport" {
            let import = upload_import(&self.schema, caller, &c).await;
            if operation == "undoImport" {
                act(
                    &self.schema,
                    caller,
                    "mutation($i: ID!) { commitImport(input: {importId: $i}) { import { id } } }",
                    json!({"i": import}),
                )
                .await;
            }
            ids.insert("importId".to_string(), import);
        }
        if operation == "revokeInvitation" {
            let email = format!("invited-{}@example.org", uuid::Uuid::new_v4().simple());
            let data = by_admin(
                tests::invitations::INVITE,
                json!({"e": email, "r": "ORGANIZER"}),
            )
            .await;
            ids.insert("id".to_string(), text_at(&data, "/addUser/invitation/id"));
        }
        if operation == "revokeApiToken" {
            let data = act(
                &self.schema,
                caller,
                "mutation($r: Role!) { createApiToken(input: {name: \"stage\", role: $r}) { apiToken { id } } }",
                json!({"r": caller.role.as_str().to_uppercase()}),
            )
            .await;
            ids.insert(
                "id".to_string(),
                text_at(&data, "/createApiToken/apiToken/id"),
            );
        }
        ids
    }

    /// What a mutation can change, as seen afterwards: the log's head (every command's events), the chapter's
    /// users and open invitations as the admin sees them, the caller's API tokens and language, and the staged members' passwords.
    async fn observable(&self, caller: &Identity, ids: &HashMap<String, String>) -> Value {
        let head = self.api.log_head().await;
        let users = act(
            &self.schema,
            &self.as_admin(),
            "{ users { id email role personalData canExport disabled campaignIds turfUnits { campaignId unitId } } }",
            json!({}),
        )
        .await;
        let tokens = act(
            &self.schema,
            caller,
            "{ myApiTokens { id revokedAt } }",
            json!({}),
        )
        .await;
        let me = act(&self.schema, caller, "{ me { language } }", json!({})).await;
        let invitations = act(
            &self.schema,
            &self.as_admin(),
            "{ invitations { id email role } }",
            json!({}),
        )
        .await;
        let mut passwords = Vec::new();
        for name in ["userId", "disabledMember", "turfMember"] {
            if let Some(user) = ids.get(name) {
                let row = self.api.groundwork.store().user_by_id(user).await.unwrap();
                passwords.push(row.and_then(|row| row.password_hash));
            }
        }
        // Webhook endpoints as stored, secrets included (a rotation changes only the secret).
        let webhooks = self
            .api
            .groundwork
            .store()
            .webhook_endpoints(&self.chapter.to_string())
            .await
            .unwrap();
        // Imports as stored (an upload or a new mapping writes no event).
        let imports = self
            .api
            .groundwork
            .store()
            .imports(&self.chapter.to_string(), None)
            .await
            .unwrap();
        json!({
            "head": format!("{head:?}"),
            "webhooks": format!("{webhooks:?}"),
            "imports": format!("{imports:?}"),
            "users": users,
            "invitations": invitations,
            "tokens": tokens,
            "me": me,
            "passwords": passwords,
        })
    }

    /// A change the subscription `operation` reports to `caller`, made by the admin.
    async fn change_for(&self, operation: &str, caller: &Identity, round: usize) {
        let admin = self.as_admin();
        match operation {
            "myTaskChanges" => {
                act(
                    &self.schema,
                    &admin,
                    "mutation($c: ID!, $a: ID!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: \"Call\", assigneeId: $a}) { id } }",
                    json!({"c": self.ids["campaignId"], "a": caller.user.to_string()}),
                )
                .await;
            }
            // The log's head and the wall chart both move when a person of the campaign is assessed.
            _ => {
                act(
                    &self.schema,
                    &admin,
                    "mutation($p: ID!, $l: Int!) { assessPerson(input: {personId: $p, level: $l}) { id } }",
                    json!({"p": self.own_turf_person, "l": 1 + round % 2}),
                )
                .await;
            }
        }
    }

    /// Whether subscription `operation` delivers an event to `caller` after a change that should reach it.
    /// The request asks the subscription to announce itself (`announce: true`): once that first message
    /// has come, it listens, and one change must then be delivered.
    async fn delivers(
        &self,
        operation: &str,
        query: &str,
        variables: Value,
        caller: Identity,
    ) -> Result<(), String> {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(caller.clone());
        let mut stream = self.schema.execute_stream(request);
        let patience = tests::ws::PATIENCE;
        let next = |answer: Option<async_graphql::Response>| match answer {
            Some(response) => {
                let answer = serde_json::to_value(response).unwrap();
                if !has_errors(&answer) && has_data(&answer["data"][operation]) {
                    Ok(answer)
                } else {
                    Err(format!("answered no data: {answer}"))
                }
            }
            None => Err("the subscription ended without an event".to_string()),
        };
        let announced = tokio::time::timeout(patience, stream.next())
            .await
            .map_err(|_| format!("no announcement within {patience:?}"))?;
        next(announced)?;
        // Each change differs from the one before, so that it always changes what is watched.
        static CHANGES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let round = CHANGES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.change_for(operation, &caller, round).await;
        let delivered = tokio::time::timeout(patience, stream.next())
            .await
            .map_err(|_| format!("no event within {patience:?} of a change"))?;
        next(delivered).map(|_| ())
    }

    /// Runs `operation` as the member with `role` (with its grants) and checks it did its job: a query
    /// answers with data, a mutation succeeds and its change is visible afterwards, a subscription delivers
    /// an event after a change.
    async fn does_its_job(
        &self,
        schema: &Schema,
        matrix: &Matrix,
        operation: &Operation,
        role: Role,
    ) -> Result<(), String> {
        let caller = match operation.name.as_str() {
            // Creating a chapter is the first thing its first admin does: chapter A exists already.
            "createChapter" => identity(UserId::new_random(), ChapterId::new_random(), role),
            _ => granted(matrix, &operation.name, self.member(role)),
        };
        match operation.root {
            Root::Query => {
                // The read models show everything committed so far (the world, earlier stages).
                let head = self.api.log_head().await;
                let projected = self
                    .api
                    .read_models
                    .wait_until(head, std::time::Duration::from_secs(60))
                    .await
                    .unwrap();
                assert!(projected, "the read models did not catch up");
                let ids = self.query_ids(&operation.name);
                let (query, variables) = succeeding_request(schema, matrix, operation, &ids);
                let answer = run(&self.schema, Root::Query, &query, variables, caller).await;
                if has_errors(&answer) || !has_data(&answer["data"][&operation.name]) {
                    return Err(format!("answered no data: {answer}"));
                }
                Ok(())
            }
            Root::Mutation => {
                let ids = self.stage(&operation.name, &caller).await;
                let (query, variables) = succeeding_request(schema, matrix, operation, &ids);
                let before = self.observable(&caller, &ids).await;
                let answer = run(
                    &self.schema,
                    Root::Mutation,
                    &query,
                    variables,
                    caller.clone(),
                )
                .await;
                if has_errors(&answer) || answer["data"][&operation.name].is_null() {
                    return Err(format!("failed: {answer}"));
                }
                // A preview is a mutation that writes nothing by design: its plan is its job.
                let writes = operation.name != "previewImport";
                if writes && self.observable(&caller, &ids).await == before {
                    return Err(format!("changed nothing that can be seen: {answer}"));
                }
                Ok(())
            }
            Root::Subscription => {
                let (query, variables) =
                    succeeding_request(schema, matrix, operation, &self.query_ids(&operation.name));
                self.delivers(&operation.name, &query, variables, caller)
                    .await
            }
        }
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
            let name = format!("{}.{} as {}", key.0, key.1, role.as_str());
            // Fresh ids: a refused role meets the policy, not someone's data.
            let (query, variables) = request(&schema, &matrix, operation, &HashMap::new());
            let user = if role == Role::Admin {
                world.admin
            } else {
                UserId::new_random()
            };
            let grant = matrix.grants.get(&operation.name);
            if let Some(grant) = grant.filter(|_| allowed.contains(&role)) {
                let ungranted = run(
                    &world.schema,
                    operation.root,
                    &query,
                    variables.clone(),
                    world.member(role),
                )
                .await;
                if code(&ungranted) != Some("FORBIDDEN") {
                    wrong.push(format!(
                        "{name} without {grant}: expected FORBIDDEN, got {ungranted}"
                    ));
                }
            }
            if allowed.contains(&role) {
                if let Err(failure) = world.does_its_job(&schema, &matrix, operation, role).await {
                    wrong.push(format!("{name}: expected it to do its job; {failure}"));
                }
                continue;
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
            if code(&answer) != Some("FORBIDDEN") {
                wrong.push(format!("{name}: expected FORBIDDEN, got {answer}"));
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
        let head = world.api.log_head().await;
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
        // On their own turf the activist's call does its job: a query answers, a mutation is committed.
        let done = match operation.root {
            Root::Mutation => !has_errors(&answer) && world.api.log_head().await != head,
            _ => !has_errors(&answer) && !answer["data"][&operation.name].is_null(),
        };
        if !done {
            wrong.push(format!(
                "{} on own turf did not do its job: {answer}",
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
