//! The GraphQL API: `fn schema(deps) -> Schema`, with its roots split per area. Conventions (naming, error
//! codes, pagination, versions, idempotency, limits) are written down in `docs/api.md`.

mod accounts;
pub mod answers;
pub mod authz;
pub(crate) mod boundary;
mod campaign;
mod chapter;
mod enums;
mod extension;
mod fields;
mod history;
mod imports;
pub mod pagination;
pub mod parse;
pub mod parsed;
mod person;
mod query;
mod read;
pub mod read_your_writes;
mod sensitive;
mod structure_test;
mod subscription;
mod task;
mod webhooks;
pub mod write;

use crate::accounts::Accounts;
use crate::config::Environment;
use crate::service::Groundwork;
use async_graphql::{MergedObject, MergedSubscription, Schema};
use authz::Gate;
use projections::ReadModels;
use std::sync::Arc;

pub use pagination::MAX_PAGE_SIZE;

/// The query root: one part per area.
#[derive(MergedObject, Default)]
pub struct Query(
    query::CallerQuery,
    query::StatusQuery,
    query::MembersQuery,
    read::ReadQuery,
    sensitive::SensitiveQuery,
    accounts::AccountsQuery,
    webhooks::WebhooksQuery,
    imports::ImportQuery,
);

/// The mutation root: one part per aggregate.
#[derive(MergedObject, Default)]
pub struct Mutation(
    chapter::ChapterMutation,
    campaign::CampaignMutation,
    person::PersonMutation,
    task::TaskMutation,
    structure_test::StructureTestMutation,
    accounts::AccountsMutation,
    webhooks::WebhooksMutation,
    imports::ImportMutation,
);

/// The subscription root.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    subscription::LogSubscription,
    subscription::ChangeSubscription,
);

pub type GroundworkSchema = Schema<Query, Mutation, Subscription>;

/// Limits and switches of the GraphQL endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphqlSettings {
    /// Whether the schema answers introspection queries (`GROUNDWORK_GRAPHQL_INTROSPECTION`).
    pub introspection: bool,
    /// Whether `GET /graphql` serves the GraphiQL page (`GROUNDWORK_GRAPHIQL`).
    pub graphiql: bool,
    /// The deepest selection a query may nest.
    pub max_depth: usize,
    /// The most fields one query may select; a connection's fields count once per item of its page.
    pub max_complexity: usize,
    /// How long a mutation's changed object, and a caller's next query, wait for the caller's write to be
    /// projected. Past it a mutation's object is a `STALE` error (the write is done); a query answers with
    /// what is projected.
    pub read_your_write_wait: std::time::Duration,
    /// The inside address ranges webhook endpoints may be registered in (`GROUNDWORK_WEBHOOK_ALLOW`).
    pub webhook_addresses: crate::webhooks::AllowedRanges,
    /// How long a claim holds its idempotency key (`GROUNDWORK_IDEMPOTENCY_LEASE_MS`, 30 s by default): a
    /// retry after a crash takes over a claim only once its lease ran out. Shorter than the longest command
    /// only in tests that kill the server, where no request of the dead process can still commit.
    pub idempotency_lease: std::time::Duration,
    /// The largest file a multipart request may carry (`GROUNDWORK_MAX_UPLOAD_BYTES`, 64 MiB by default):
    /// an import's file for `uploadImport(input: {file})`.
    pub max_upload_bytes: usize,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            introspection: true,
            graphiql: true,
            // Deep enough for GraphiQL's own introspection query, which nests `ofType` seven times.
            max_depth: 15,
            // A page of 100 people with a dozen fields each fits; ten such pages in one query do not.
            max_complexity: 2_000,
            // Projection normally follows within milliseconds; this is for a server under heavy load.
            read_your_write_wait: std::time::Duration::from_secs(10),
            webhook_addresses: crate::webhooks::AllowedRanges::default(),
            idempotency_lease: write::IDEMPOTENCY_LEASE
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(30)),
            max_upload_bytes: crate::upload::DEFAULT_MAX_UPLOAD_BYTES,
        }
    }
}

impl GraphqlSettings {
    /// Defaults, with `GROUNDWORK_GRAPHQL_INTROSPECTION=false` and `GROUNDWORK_GRAPHIQL=false` to turn the
    /// two off (for a public deployment).
    pub fn from_environment(env: &dyn Environment) -> anyhow::Result<Self> {
        let flag = |name: &str, default: bool| -> anyhow::Result<bool> {
            match env.var(name).map(|value| value.to_ascii_lowercase()) {
                None => Ok(default),
                Some(value) if matches!(value.as_str(), "true" | "1" | "on" | "yes") => Ok(true),
                Some(value) if matches!(value.as_str(), "false" | "0" | "off" | "no") => Ok(false),
                Some(value) => anyhow::bail!("{name} `{value}` is neither true nor false"),
            }
        };
        let defaults = Self::default();
        let idempotency_lease = match env.var("GROUNDWORK_IDEMPOTENCY_LEASE_MS") {
            None => defaults.idempotency_lease,
            Some(text) => match text.trim().parse::<u64>() {
                Ok(value) if value > 0 => std::time::Duration::from_millis(value),
                _ => anyhow::bail!(
                    "GROUNDWORK_IDEMPOTENCY_LEASE_MS `{text}` is not a positive number of milliseconds"
                ),
            },
        };
        let max_upload_bytes = match env.var("GROUNDWORK_MAX_UPLOAD_BYTES") {
            None => defaults.max_upload_bytes,
            Some(text) => crate::upload::parse_upload_limit(&text)
                .map_err(|reason| anyhow::anyhow!("GROUNDWORK_MAX_UPLOAD_BYTES: {reason}"))?,
        };
        Ok(Self {
            introspection: flag("GROUNDWORK_GRAPHQL_INTROSPECTION", defaults.introspection)?,
            max_upload_bytes,
            graphiql: flag("GROUNDWORK_GRAPHIQL", defaults.graphiql)?,
            webhook_addresses: crate::webhooks::allowed_ranges(env)?,
            idempotency_lease,
            ..defaults
        })
    }
}

/// What the schema needs to run.
pub struct SchemaDeps {
    pub groundwork: Arc<Groundwork>,
    /// The read API; its runner (started by whoever owns the process) keeps it projected.
    pub read_models: ReadModels,
    /// Sessions, tokens and users; each request's identity is attached to the request, not the schema.
    pub accounts: Arc<Accounts>,
    pub settings: GraphqlSettings,
}

/// Builds the schema: roots, its one extension (error codes, read-your-writes, tracing spans per request and
/// phase: `extension`), limits.
pub fn schema(deps: SchemaDeps) -> GroundworkSchema {
    schema_with_writes(deps, Arc::new(read_your_writes::LastWrites::default()))
}

/// [`schema`], recording each caller's newest write in `writes`, which the HTTP layer reads too (a kept
/// wall-chart answer is found without running the schema, after waiting for the caller's write itself).
pub fn schema_with_writes(
    deps: SchemaDeps,
    writes: Arc<read_your_writes::LastWrites>,
) -> GroundworkSchema {
    let read_your_writes = read_your_writes::ReadYourWrites {
        writes: writes.clone(),
        read_models: deps.read_models.clone(),
        wait: deps.settings.read_your_write_wait,
    };
    let builder = builder(&deps.settings, Some(read_your_writes))
        .data(writes)
        .data(write::ReadYourWriteWait(deps.settings.read_your_write_wait))
        .data(write::IdempotencyLease(
            chrono::TimeDelta::from_std(deps.settings.idempotency_lease)
                .unwrap_or(write::IDEMPOTENCY_LEASE),
        ))
        .data(Gate::new(deps.groundwork, deps.read_models, deps.accounts))
        .data(WebhookAddresses(deps.settings.webhook_addresses))
        .data(imports::UploadLimit(deps.settings.max_upload_bytes));
    builder.finish()
}

/// The inside address ranges webhook endpoints may be registered in, as schema data.
pub(crate) struct WebhookAddresses(pub crate::webhooks::AllowedRanges);

/// The schema's SDL, as committed in `schema.graphql`. Needs no database.
pub fn sdl() -> String {
    builder(&GraphqlSettings::default(), None).finish().sdl()
}

fn builder(
    settings: &GraphqlSettings,
    read_your_writes: Option<read_your_writes::ReadYourWrites>,
) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .extension(extension::Hooks { read_your_writes })
    .limit_depth(settings.max_depth)
    .limit_complexity(settings.max_complexity);
    if settings.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}
