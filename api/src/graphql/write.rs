//! How every mutation runs: the parsed command goes through the policy (its permission follows from the
//! command), the expected version and the idempotency key are honoured, and the outcome is what the client
//! gets back (the same outcome again when a keyed mutation is retried).

use super::authz::Policy;
use crate::access::Permission;
use crate::command::Command;
use crate::command::StreamKind;
use crate::error::ApiError;
use async_graphql::{Context, SimpleObject, ID};
use serde::{Deserialize, Serialize};
use store::{IdempotencyClaim, IdempotencyRequest};

/// The longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// What a mutation did; stored as the answer of an idempotency key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// Which kind of aggregate the mutation changed.
    pub target: StreamKind,
    pub id: String,
    #[serde(default)]
    pub created_id: Option<String>,
    pub version: u64,
    /// Where the command's last event sits in the global order, when it caused one.
    pub position: Option<store::Position>,
    /// That event's number in its chapter's own sequence (ADR 19), what the chapter is shown.
    #[serde(default)]
    pub chapter_position: Option<u64>,
    /// True when this is the stored answer of an earlier request with the same idempotency key.
    #[serde(skip)]
    pub replayed: bool,
}

/// What every mutation returns: the new version, and the changed object as the read models show it once
/// the mutation's events are projected (so a client reads its own write).
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct MutationResult {
    #[graphql(skip)]
    pub target: StreamKind,
    #[graphql(skip)]
    pub position: Option<store::Position>,
    #[graphql(skip)]
    pub chapter_position: Option<u64>,
    /// The id of the changed (or created) aggregate: chapter, campaign, person, task or structure test.
    pub id: ID,
    /// The id of the part the mutation added inside it (a unit, field, response, contact point, note,
    /// connection or 1:1), if any.
    pub created_id: Option<ID>,
    /// Its version after the mutation: pass it as `expectedVersion` next time.
    pub version: i32,
    /// True when an earlier request with the same idempotency key already applied this mutation.
    pub replayed: bool,
}

impl From<Outcome> for MutationResult {
    fn from(outcome: Outcome) -> Self {
        Self {
            target: outcome.target,
            position: outcome.position,
            chapter_position: outcome.chapter_position,
            id: ID(outcome.id),
            created_id: outcome.created_id.map(ID),
            version: i32::try_from(outcome.version).unwrap_or(i32::MAX),
            replayed: outcome.replayed,
        }
    }
}

/// Runs a mutation: `command` is the already parsed input (a parse error ends the mutation before anything
/// is written).
pub async fn mutate(
    ctx: &Context<'_>,
    command: Result<Command, ApiError>,
    expected_version: Option<i32>,
    idempotency_key: Option<String>,
) -> Result<MutationResult, ApiError> {
    let command = command?;
    let result = run_mutation(ctx, command, expected_version, idempotency_key).await;
    if let Ok(MutationResult {
        position: Some(position),
        ..
    }) = &result
    {
        // The caller's next query on this server waits for this position (`read_your_writes`).
        if let (Ok(identity), Ok(writes)) = (
            Policy::identity(ctx),
            ctx.data::<std::sync::Arc<super::read_your_writes::LastWrites>>(),
        ) {
            writes.record(identity.chapter, identity.user, *position);
        }
    }
    result
}

async fn run_mutation(
    ctx: &Context<'_>,
    command: Command,
    expected_version: Option<i32>,
    idempotency_key: Option<String>,
) -> Result<MutationResult, ApiError> {
    let access = Policy::write(ctx, &command).await?;
    let actor = domain::Actor {
        at: access.groundwork().now(),
        ..access.identity.actor()
    };
    let expected = expected_version
        .map(|version| {
            u64::try_from(version)
                .map_err(|_| ApiError::invalid("expectedVersion", "a version is never negative"))
        })
        .transpose()?;
    let Some(key) = idempotency_key else {
        return execute(access.groundwork(), &actor, command, expected)
            .await
            .map(MutationResult::from);
    };
    let key = key.trim().to_string();
    if key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS {
        return Err(ApiError::invalid(
            "idempotencyKey",
            format!("a key has 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters"),
        ));
    }
    super::parse::single_line("idempotencyKey", "the idempotency key", &key)?;
    let store = access.groundwork().store();
    let scope = format!("{}/{}", access.identity.chapter, access.identity.user);
    let fingerprint = fingerprint(ctx);
    // The command's events carry this correlation id: a retry after a crash finds them by it.
    let correlation = domain::ids::CorrelationId::new_random();
    let actor = domain::Actor {
        correlation,
        ..actor
    };
    let correlation_text = correlation.to_string();
    let stream = command.stream();
    let pending_answer = serde_json::to_string(&Outcome {
        target: stream.kind,
        id: stream.id,
        created_id: command.created_part(),
        version: 0,
        position: None,
        chapter_position: None,
        replayed: false,
    })
    .map_err(ApiError::internal)?;
    let request = IdempotencyRequest {
        scope: &scope,
        key: &key,
        fingerprint: &fingerprint,
        at: actor.at,
        lease_until: actor.at
            + ctx
                .data_opt::<IdempotencyLease>()
                .map_or(IDEMPOTENCY_LEASE, |lease| lease.0),
        correlation: &correlation_text,
        pending_answer: &pending_answer,
    };
    match store.claim_idempotency_key(&request).await? {
        IdempotencyClaim::Claimed => {}
        IdempotencyClaim::Completed {
            fingerprint: first,
            response,
        } => {
            if first != fingerprint {
                return Err(reused_key());
            }
            let mut outcome: Outcome =
                serde_json::from_str(&response).map_err(ApiError::internal)?;
            outcome.replayed = true;
            return Ok(outcome.into());
        }
        IdempotencyClaim::Pending { fingerprint: first } => {
            if first != fingerprint {
                return Err(reused_key());
            }
            return Err(still_running());
        }
        IdempotencyClaim::Abandoned {
            fingerprint: first,
            correlation: abandoned,
            pending_answer: abandoned_answer,
        } => {
            if first != fingerprint {
                return Err(reused_key());
            }
            // The claimant died. If its command committed, its events are in the log: answer with them.
            if let (Some(abandoned), Some(answer)) = (&abandoned, &abandoned_answer) {
                if let Some(mut outcome) = committed_under(store, answer, abandoned).await? {
                    let response = serde_json::to_string(&outcome).map_err(ApiError::internal)?;
                    store
                        .complete_idempotency_key(&scope, &key, &response)
                        .await?;
                    tracing::info!(%scope, "an idempotency key abandoned by a crash replays the command it had committed");
                    outcome.replayed = true;
                    return Ok(outcome.into());
                }
            }
            // It did not commit: run the command now, once (only one retry takes the key over).
            if !store
                .take_over_idempotency_key(&request, abandoned.as_deref())
                .await?
            {
                return Err(still_running());
            }
        }
    }
    match execute(access.groundwork(), &actor, command, expected).await {
        Ok(outcome) => {
            let response = serde_json::to_string(&outcome).map_err(ApiError::internal)?;
            store
                .complete_idempotency_key(&scope, &key, &response)
                .await?;
            Ok(outcome.into())
        }
        Err(error) => {
            store
                .release_idempotency_key(&scope, &key, &correlation_text)
                .await?;
            Err(error)
        }
    }
}

/// How long a claim holds its idempotency key. A command runs in well under a second; the lease is far
/// longer than any command can take (the store gives up on a connection after 10 s), so a claim is taken
/// over only when its request is gone — its process died — and never while it may still commit.
pub const IDEMPOTENCY_LEASE: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// The lease this schema's claims take (`GraphqlSettings::idempotency_lease`), as schema data.
pub(crate) struct IdempotencyLease(pub chrono::TimeDelta);

fn still_running() -> ApiError {
    ApiError::Conflict {
        message: "a request with this idempotency key is still running; retry shortly".to_string(),
        current: 0,
    }
}

/// The answer of a command that committed under `correlation` (the claim of a request that died before it
/// could complete its key): the pending answer with the version and position of the last event the command
/// wrote to its target stream. `None` when no event of that stream carries the correlation id.
async fn committed_under(
    store: &store::Store,
    pending_answer: &str,
    correlation: &str,
) -> Result<Option<Outcome>, ApiError> {
    let mut outcome: Outcome = serde_json::from_str(pending_answer).map_err(ApiError::internal)?;
    let events = store
        .read_stream(outcome.target.stream_type(), &outcome.id, 0)
        .await?;
    let last = events.iter().rev().find(|event| {
        domain::EventMetadata::from_map(&event.metadata)
            .is_ok_and(|metadata| metadata.correlation.to_string() == correlation)
    });
    Ok(last.map(|event| {
        outcome.version = event.stream_version;
        outcome.position = Some(event.position);
        outcome.chapter_position = event.chapter_position;
        outcome
    }))
}

fn reused_key() -> ApiError {
    ApiError::invalid(
        "idempotencyKey",
        "this key was already used for a different mutation",
    )
}

/// The mutation's name and arguments (without the key itself), to tell a retry from a reused key.
fn fingerprint(ctx: &Context<'_>) -> String {
    let field = ctx.field();
    let arguments: std::collections::BTreeMap<String, async_graphql::Value> = field
        .arguments()
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _)| name.as_str() != "idempotencyKey")
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    format!(
        "{}:{}",
        field.name(),
        serde_json::to_string(&arguments).unwrap_or_default()
    )
}

/// Runs `command` through the command service and describes what it did.
async fn execute(
    groundwork: &crate::service::Groundwork,
    actor: &domain::Actor,
    command: Command,
    expected: Option<u64>,
) -> Result<Outcome, ApiError> {
    let stream = command.stream();
    let created_id = command.created_part();
    let committed = groundwork.execute(actor, command, expected).await?;
    Ok(Outcome {
        target: stream.kind,
        id: stream.id,
        created_id,
        version: committed.version,
        position: committed.position,
        chapter_position: committed.chapter_position,
        replayed: false,
    })
}

/// How long a mutation's answer waits for its events to be projected (`GraphqlSettings`).
pub struct ReadYourWriteWait(pub std::time::Duration);

impl MutationResult {
    /// Waits until the read models have projected this mutation's events. When they do not within the wait
    /// (a server under heavy load), the changed object is a `STALE` error rather than an old or missing
    /// object: the write is done (`id` and `version` stand), and reading it again shortly shows it.
    async fn projected(
        &self,
        ctx: &Context<'_>,
        access: &super::authz::ReadAccess<'_>,
    ) -> Result<(), ApiError> {
        if let Some(position) = self.position {
            let wait = ctx
                .data_opt::<ReadYourWriteWait>()
                .map_or(std::time::Duration::from_secs(10), |wait| wait.0);
            let caught_up = access.read_models().wait_until(position, wait).await?;
            if !caught_up {
                tracing::warn!(?position, "the read models did not catch up in time");
                return Err(ApiError::Stale {
                    message: format!(
                        "the change is saved (version {}) but not readable yet; read it again shortly",
                        self.version
                    ),
                    // The chapter's own number of the write, as `logHead` counts (ADR 19).
                    position: self.chapter_position.unwrap_or(0).to_string(),
                });
            }
        }
        Ok(())
    }

    fn target_id<T: super::parse::DomainId>(
        &self,
        target: StreamKind,
    ) -> Result<Option<T>, ApiError> {
        if self.target != target {
            return Ok(None);
        }
        super::parse::id("id", &self.id).map(Some)
    }
}

#[async_graphql::ComplexObject]
impl MutationResult {
    /// The campaign after the mutation (campaign mutations only).
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<super::read::Campaign>, ApiError> {
        let Some(campaign) = self.target_id(StreamKind::Campaign)? else {
            return Ok(None);
        };
        let access = Policy::read(ctx, Permission::ReadTurf)?;
        if !access.reaches(campaign).await? {
            return Ok(None);
        }
        self.projected(ctx, &access).await?;
        let view = access
            .read_models()
            .campaign(access.chapter(), campaign)
            .await?;
        Ok(view.map(Into::into))
    }

    /// The person after the mutation (person mutations only; the survivor of a merge).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<super::read::Person>, ApiError> {
        let Some(person) = self.target_id(StreamKind::Person)? else {
            return Ok(None);
        };
        let access = Policy::read_people(ctx)?;
        self.projected(ctx, &access).await?;
        let detail = access
            .read_models()
            .person(access.chapter(), person, None)
            .await?;
        let Some(detail) = detail else {
            return Ok(None);
        };
        if !access
            .sees_person(detail.campaign_id, detail.organizer, &detail.units)
            .await?
        {
            return Ok(None);
        }
        Ok(Some(access.masked(super::read::Person::from(detail))))
    }

    /// The task after the mutation (task mutations only), with its new `version`: a task screen shows it
    /// without reading its list again. Null when the caller no longer sees it (another campaign).
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<super::read::Task>, ApiError> {
        let Some(task) = self.target_id::<domain::ids::TaskId>(StreamKind::Task)? else {
            return Ok(None);
        };
        let access = Policy::read(ctx, Permission::ReadOwn)?;
        self.projected(ctx, &access).await?;
        // Those who read only their own tasks see only those; everyone else the tasks of their campaigns.
        let mut filter = projections::read::TaskFilter::default();
        if Policy::require(access.identity, Permission::Read).is_err() {
            filter.assignee = Some(access.identity.user);
        }
        let row = access
            .read_models()
            .task(access.chapter(), task, &filter)
            .await?;
        match row {
            Some(row) if access.reaches(row.campaign_id).await? => {
                Ok(Some(super::read::Task::from(row)))
            }
            _ => Ok(None),
        }
    }

    /// The structure test after the mutation (structure-test mutations only).
    async fn structure_test(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::read::StructureTest>, ApiError> {
        let Some(test) = self.target_id(StreamKind::StructureTest)? else {
            return Ok(None);
        };
        let access = Policy::read(ctx, Permission::Read)?;
        self.projected(ctx, &access).await?;
        let view = access
            .read_models()
            .structure_test(access.chapter(), test, None)
            .await?;
        match view {
            Some(view) if access.reaches(view.campaign_id).await? => {
                Ok(Some(access.masked(super::read::StructureTest::from(view))))
            }
            _ => Ok(None),
        }
    }
}
