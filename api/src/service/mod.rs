//! The command service: the one path from a request to stored events. For each command it loads the
//! aggregate (snapshot + later events), checks the version the client last saw, loads the facts the decision
//! needs from other aggregates, runs the pure handler, and commits with the loaded version as the expected one.
//! Its two caches are modules of their own (`campaign_facts`, `person_campaigns`); bulk import decides
//! with it in `crate::import`.

mod campaign_facts;
mod person_campaigns;

use crate::command::{Command, StreamId, StreamKind};
use crate::config::Settings;
use crate::error::ApiError;
use crate::keys::resolve_master_key;
use anyhow::Context as _;
use campaign_facts::CampaignFactsCache;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use domain::campaign::{Campaign, CampaignCommand, CampaignContext, CampaignFacts};
use domain::chapter::{Chapter, ChapterCommand, ChapterContext};
use domain::ids::{CampaignId, ChapterId, PersonId, StructureTestId, TaskId, UserId};
use domain::person::{Person, PersonCommand, PersonFacts, PersonStatus};
use domain::structure_test::{StructureTest, StructureTestCommand};
use domain::task::{Task, TaskCommand, TaskFacts};
use domain::values::EntityRef;
use domain::{Actor, Context, EventMetadata, References, Rejection, StoredAggregate};
pub(crate) use person_campaigns::PersonCampaigns;
use secrecy::ExposeSecret;
use std::sync::Arc;
use store::{
    AggregateStore, AppendedEvent, BackendKind, LoadedAggregate, Position, Store, StoreError,
    StoreOptions, StreamAppend,
};
use tokio::io::AsyncWrite;

/// How often a command without a client version is retried when a concurrent writer got in first.
const CONFLICT_RETRIES: usize = 5;

/// Why a command did not go through. Each kind is something a client handles differently.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The aggregate does not exist (or belongs to another chapter, which looks the same from outside).
    #[error("{} {} was not found", .stream.kind.noun(), .stream.id)]
    NotFound { stream: StreamId },
    /// The command names something that does not exist (a unit, a field, a structure test, …).
    #[error("{0}")]
    Missing(Refusal),
    /// The domain refused the command; the message names the rule.
    #[error("{0}")]
    Rejected(Refusal),
    /// A stream moved on since it was read: the target's version is not the one the client (or the
    /// service's load) saw, or a stream the decision read and the append checked as a condition changed.
    #[error(
        "{} {} has changed since version {expected}; it is now at version {current}",
        .stream.kind.noun(),
        .stream.id
    )]
    Conflict {
        stream: StreamId,
        moved: Moved,
        expected: u64,
        current: u64,
    },
    /// The store failed; the cause is logged, not shown.
    #[error("the database failed to store the change")]
    Store(#[from] StoreError),
}

/// A domain refusal: its message and the input field it blames, named as clients send it (`level`), from the
/// domain error's one mapping (`domain::Rejection::field`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub field: Option<&'static str>,
}

impl Refusal {
    /// A refusal that blames no single field.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field: None,
        }
    }

    /// The input path a GraphQL client sees (`input.level`).
    pub fn input_path(&self) -> Option<String> {
        self.field.map(|field| format!("input.{field}"))
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Which stream of a command's append had moved on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// The stream the command writes to.
    Target,
    /// A stream the decision read, whose version the append checked (a person command's campaign): the
    /// service decides again on fresh facts.
    Condition,
}

/// How a refused command reaches a client.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound { .. } => Self::not_found(error.to_string()),
            ServiceError::Conflict { current, .. } => Self::Conflict {
                message: error.to_string(),
                current,
            },
            // The command named a campaign, unit, field, contact point … that does not exist; every other
            // rejection breaks a rule of the input.
            ServiceError::Missing(refusal) => Self::NotFound {
                field: refusal.input_path(),
                message: refusal.message,
            },
            ServiceError::Rejected(refusal) => match refusal.input_path() {
                Some(path) => Self::invalid(&path, refusal.message),
                None => Self::Validation {
                    message: refusal.message,
                    field: None,
                },
            },
            ServiceError::Store(cause) => Self::store(cause),
        }
    }
}

/// A stream the decision read, and the version it was read at: the append commits only while the stream is
/// still at that version.
struct Condition {
    stream: StreamId,
    version: u64,
}

impl Condition {
    /// The condition as the store checks it: an append of no events at the expected version.
    fn append(&self) -> StreamAppend {
        StreamAppend {
            stream_type: self.stream.kind.stream_type().to_string(),
            stream_id: self.stream.id.clone(),
            data_subject: None,
            expected_version: self.version,
            events: Vec::new(),
            snapshot: None,
            forgets_subject: false,
        }
    }
}

/// What a successful command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The aggregate's version after the command: pass it back as the expected version of the next one.
    pub version: u64,
    /// Where the last new event sits in the global order (`None` when the command caused no event).
    pub position: Option<Position>,
    /// The last new event's number in its chapter's own sequence (ADR 19): what the chapter is shown.
    pub chapter_position: Option<u64>,
    /// How many events the command caused.
    pub events: usize,
}

/// The figures `/healthz` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub backend: &'static str,
    /// The global position of the newest committed event.
    pub position: i64,
}

/// One running Groundwork: the store and a typed view of it per aggregate.
#[derive(Clone)]
pub struct Groundwork {
    store: Store,
    chapters: AggregateStore<Chapter>,
    campaigns: AggregateStore<Campaign>,
    people: AggregateStore<Person>,
    tasks: AggregateStore<Task>,
    structure_tests: AggregateStore<StructureTest>,
    /// A person's campaign never changes, so it is looked up once per person rather than on every command.
    person_campaigns: Arc<PersonCampaigns>,
    /// Campaign facts with the campaign version they were built at; reused while the campaign's stream is
    /// still at that version (one indexed look-up instead of loading and deserializing the campaign).
    campaign_facts: Arc<CampaignFactsCache>,
    /// The time requests act at (the wall clock, or a test's).
    clock: Arc<dyn crate::clock::Clock>,
}

impl Groundwork {
    /// Opens the configured database with the configured master key (creating the key file on first start).
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let resolved = resolve_master_key(settings)?;
        let url = settings.database_url.expose_secret();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if let Some(parent) = std::path::Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create the folder {}", parent.display()))?;
            }
        }
        let options = StoreOptions {
            snapshot_every: settings.snapshot_every,
            ..StoreOptions::default()
        };
        let store = Store::connect(url, resolved.key.clone(), options).await?;
        resolved.save()?;
        Ok(Self::with_store(store))
    }

    /// Wraps an already connected store (tests use this).
    pub fn with_store(store: Store) -> Self {
        Self {
            chapters: AggregateStore::new(store.clone()),
            campaigns: AggregateStore::new(store.clone()),
            people: AggregateStore::new(store.clone()),
            tasks: AggregateStore::new(store.clone()),
            structure_tests: AggregateStore::new(store.clone()),
            person_campaigns: Arc::default(),
            campaign_facts: Arc::default(),
            clock: Arc::new(crate::clock::SystemClock),
            store,
        }
    }

    /// The same service reading the time from `clock` (tests set the time instead of waiting for it).
    pub fn with_clock(self, clock: Arc<dyn crate::clock::Clock>) -> Self {
        Self { clock, ..self }
    }

    /// The time a request acts at now.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The people's typed store (for bulk import, which appends many new people at once).
    pub(crate) fn people(&self) -> &AggregateStore<Person> {
        &self.people
    }

    /// The campaigns' typed store (for bulk import, which reads a campaign's names).
    pub(crate) fn campaigns(&self) -> &AggregateStore<Campaign> {
        &self.campaigns
    }

    /// The cache of each person's campaign (`import_people` fills it with the people it adds).
    pub(crate) fn person_campaigns(&self) -> &PersonCampaigns {
        &self.person_campaigns
    }

    /// How many people's campaigns this process holds in memory (at most 100,000); for tests of the
    /// caches' bounds, beside `Store::aggregate_cache_len` and `Store::key_cache_len`.
    pub fn person_campaign_cache_len(&self) -> usize {
        self.person_campaigns.len()
    }

    /// Runs `command` on its aggregate, whichever transport parsed it: `expected` is the version the client
    /// last saw (`None` retries on a concurrent writer).
    pub async fn execute(
        &self,
        actor: &Actor,
        command: Command,
        expected: Option<u64>,
    ) -> Result<Committed, ServiceError> {
        match command {
            Command::Chapter(target, command) => {
                self.execute_chapter(actor, target, expected, command).await
            }
            Command::Campaign(target, command) => {
                self.execute_campaign(actor, target, expected, command)
                    .await
            }
            Command::Person(target, command) => {
                self.execute_person(actor, target, expected, command).await
            }
            Command::Task(target, command) => {
                self.execute_task(actor, target, expected, command).await
            }
            Command::StructureTest(target, command) => {
                self.execute_structure_test(actor, target, expected, command)
                    .await
            }
        }
    }

    /// Applies the migrations, then finishes any forgetting an older version left half done (the event
    /// committed, the key not yet destroyed): every process start makes sure a forgotten person stays so.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.store.migrate().await?;
        self.store
            .finish_forgettings(
                Person::TYPE,
                &cqrs_es::DomainEvent::event_type(&domain::person::PersonEvent::PersonForgotten),
            )
            .await?;
        Ok(())
    }

    pub async fn health(&self) -> Result<Health, StoreError> {
        let head = self.store.head().await?;
        Ok(Health {
            backend: match self.store.backend_kind() {
                BackendKind::Sqlite => "sqlite",
                BackendKind::Postgres => "postgres",
            },
            position: head.position,
        })
    }

    /// Writes the whole log as JSON lines (the backup).
    pub async fn export(&self, mut writer: impl AsyncWrite + Unpin + Send) -> anyhow::Result<()> {
        use tokio::io::AsyncWriteExt as _;
        self.store.export(&mut writer).await?;
        writer.flush().await.context("cannot write the export")?;
        Ok(())
    }

    /// Restores an export into this (empty) store; returns how many events it held.
    pub async fn import(
        &self,
        reader: impl tokio::io::AsyncRead + Unpin + Send,
    ) -> anyhow::Result<u64> {
        let summary = self.store.import(tokio::io::BufReader::new(reader)).await?;
        Ok(summary.events)
    }

    pub async fn execute_chapter(
        &self,
        actor: &Actor,
        chapter: ChapterId,
        expected: Option<u64>,
        command: ChapterCommand,
    ) -> Result<Committed, ServiceError> {
        let context: ChapterContext = Context::new(actor.clone(), ());
        execute(
            &self.chapters,
            &StreamId::new(StreamKind::Chapter, chapter),
            expected,
            actor,
            &[],
            None,
            |_| Ok((command.clone(), context.clone())),
        )
        .await
    }

    pub async fn execute_campaign(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        expected: Option<u64>,
        command: CampaignCommand,
    ) -> Result<Committed, ServiceError> {
        let context: CampaignContext = Context::new(actor.clone(), ());
        let committed = execute(
            &self.campaigns,
            &StreamId::new(StreamKind::Campaign, campaign),
            expected,
            actor,
            &[],
            None,
            |_| Ok((command.clone(), context.clone())),
        )
        .await;
        if committed
            .as_ref()
            .is_ok_and(|committed| committed.events > 0)
        {
            // Person commands would find out through their version condition; this saves them a retry.
            self.campaign_facts.forget(campaign);
        }
        committed
    }

    /// Runs a command on a person. Loads the person's campaign (or, for `AddToCampaign`, the named one), the
    /// structure test a step names, and the duplicate a merge names. A merge commits the survivor's
    /// `DuplicateMerged` and the duplicate's `PersonMergedInto` in one transaction.
    pub async fn execute_person(
        &self,
        actor: &Actor,
        person: PersonId,
        expected: Option<u64>,
        command: PersonCommand,
    ) -> Result<Committed, ServiceError> {
        let stream = StreamId::new(StreamKind::Person, person);
        // The person as loaded to find their campaign is the first attempt's state below: one load.
        let (campaign, mut loaded) = match &command {
            PersonCommand::AddToCampaign { campaign_id, .. } => (*campaign_id, None),
            _ => self.campaign_and_person(person).await?,
        };
        // Merging and forgetting check the campaign's version with a query; every other command takes the
        // cached facts and lets the append check the version (below).
        let (mut current, mut verified) = match (&command, self.campaign_facts.get(campaign)) {
            (PersonCommand::MergeDuplicate { .. } | PersonCommand::Forget, _) | (_, None) => {
                (self.campaign_facts_versioned(campaign).await?, true)
            }
            (_, Some(hit)) => (hit, false),
        };
        let mut facts = PersonFacts::new(current.1.clone())
            .with_references(self.person_references(actor, campaign, &command).await?);
        if let PersonCommand::RecordStructureTestStep { test_id, .. } = &command {
            if let Some(test) = self
                .structure_tests
                .load(&test_id.to_string())
                .await?
                .aggregate()
                .facts()
            {
                facts = facts.with_structure_test(test);
            }
        }
        if let PersonCommand::MergeDuplicate { duplicate } = &command {
            return self
                .merge_people(actor, person, *duplicate, expected, facts)
                .await;
        }
        if let PersonCommand::Forget = &command {
            // The store destroys the key in the transaction that appends `PersonForgotten` (ADR 3).
            let outcome = execute(&self.people, &stream, expected, actor, &[], loaded, |_| {
                Ok((command.clone(), Context::new(actor.clone(), facts.clone())))
            })
            .await;
            return match outcome {
                // Already forgotten: an older version may have crashed between the event and the key's
                // destruction. Asking again finishes the job instead of refusing.
                Err(ServiceError::Rejected(refusal)) => {
                    let loaded = self.people.load(&person.to_string()).await?;
                    let forgotten = loaded.aggregate().status() == Some(PersonStatus::Forgotten);
                    if forgotten && !self.store.is_fully_forgotten(person.as_uuid()).await? {
                        self.store.forget_person(person.as_uuid()).await?;
                        tracing::warn!(%person, "finished a forgetting whose key had survived");
                        Ok(Committed {
                            version: loaded.version(),
                            position: None,
                            chapter_position: None,
                            events: 0,
                        })
                    } else {
                        Err(ServiceError::Rejected(refusal))
                    }
                }
                other => other,
            };
        }
        // The campaign facts come from the cache without a query; the append carries the campaign's version
        // as a condition checked in the same transaction, and a campaign that moved on in between makes us
        // decide again on fresh facts.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let condition = Condition {
                stream: StreamId::new(StreamKind::Campaign, campaign),
                version: current.0,
            };
            let outcome = execute(
                &self.people,
                &stream,
                expected,
                actor,
                &[condition],
                loaded.take(),
                |_| Ok((command.clone(), Context::new(actor.clone(), facts.clone()))),
            )
            .await;
            match outcome {
                // The campaign moved on since the facts were cached: decide again on fresh facts.
                Err(ServiceError::Conflict {
                    moved: Moved::Condition,
                    ..
                }) if attempts <= CONFLICT_RETRIES => {
                    current = self.campaign_facts_versioned(campaign).await?;
                    verified = true;
                }
                // A refusal must not rest on stale facts either (a unit another process added a moment ago):
                // check the version, and decide again if the campaign changed.
                Err(error @ (ServiceError::Rejected(_) | ServiceError::Missing(_)))
                    if !verified =>
                {
                    let fresh = self.campaign_facts_versioned(campaign).await?;
                    verified = true;
                    if fresh.0 == current.0 {
                        return Err(error);
                    }
                    current = fresh;
                }
                other => return other,
            }
            facts.campaign = current.1.clone();
        }
    }

    /// The survivor absorbs the duplicate and the duplicate is marked merged, atomically: both streams are
    /// appended in one transaction, each at the version that was loaded.
    async fn merge_people(
        &self,
        actor: &Actor,
        survivor: PersonId,
        duplicate: PersonId,
        expected: Option<u64>,
        facts: PersonFacts,
    ) -> Result<Committed, ServiceError> {
        let survivor_id = survivor.to_string();
        let duplicate_id = duplicate.to_string();
        let metadata = EventMetadata::from(actor).to_map();
        let survivor_loaded = self.people.load(&survivor_id).await?;
        if let Some(expected) = expected.filter(|expected| *expected != survivor_loaded.version()) {
            return Err(ServiceError::Conflict {
                stream: StreamId::new(StreamKind::Person, survivor),
                moved: Moved::Target,
                expected,
                current: survivor_loaded.version(),
            });
        }
        let duplicate_loaded = self.people.load(&duplicate_id).await?;
        let mut facts = facts;
        if let Some(duplicate_facts) = duplicate_loaded.aggregate().duplicate_facts() {
            facts = facts.with_duplicate(duplicate_facts);
        }
        let context = Context::new(actor.clone(), facts);
        let (survivor_version, duplicate_version) =
            (survivor_loaded.version(), duplicate_loaded.version());
        let mut survivor_state = survivor_loaded.into_aggregate();
        let survivor_events = decide_and_apply(
            &mut survivor_state,
            PersonCommand::MergeDuplicate { duplicate },
            &context,
        )
        .await?;
        let mut duplicate_state = duplicate_loaded.into_aggregate();
        let duplicate_events = decide_and_apply(
            &mut duplicate_state,
            PersonCommand::MarkMergedInto { survivor },
            &context,
        )
        .await?;
        let batch = vec![
            self.people.prepare(
                &survivor_id,
                survivor_version,
                &survivor_events,
                &metadata,
                &survivor_state,
            )?,
            self.people.prepare(
                &duplicate_id,
                duplicate_version,
                &duplicate_events,
                &metadata,
                &duplicate_state,
            )?,
        ];
        match self.store.append(batch).await {
            Ok(appended) => {
                self.people.remember(
                    &survivor_id,
                    survivor_version + survivor_events.len() as u64,
                    &survivor_state,
                );
                self.people.remember(
                    &duplicate_id,
                    duplicate_version + duplicate_events.len() as u64,
                    &duplicate_state,
                );
                let survivor_appended: Vec<AppendedEvent> = appended
                    .into_iter()
                    .filter(|event| event.stream_id == survivor_id)
                    .collect();
                Ok(committed(survivor_version, &survivor_appended))
            }
            Err(StoreError::Conflict {
                stream,
                expected,
                actual,
            }) => Err(ServiceError::Conflict {
                // Both streams are the merge's targets; the store names the one that moved.
                stream: StreamId::parse(&stream)
                    .unwrap_or_else(|| StreamId::new(StreamKind::Person, survivor)),
                moved: Moved::Target,
                expected,
                current: actual,
            }),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn execute_task(
        &self,
        actor: &Actor,
        task: TaskId,
        expected: Option<u64>,
        command: TaskCommand,
    ) -> Result<Committed, ServiceError> {
        let stream = StreamId::new(StreamKind::Task, task);
        let (campaign, loaded) = match &command {
            TaskCommand::AssignTask { campaign_id, .. } => (*campaign_id, None),
            _ => load_with_campaign(&self.tasks, &stream, Task::campaign).await?,
        };
        let references = self.task_references(actor, campaign, &command).await?;
        let facts = TaskFacts::new(self.campaign_facts(campaign).await?, references);
        execute(&self.tasks, &stream, expected, actor, &[], loaded, |_| {
            Ok((command.clone(), Context::new(actor.clone(), facts.clone())))
        })
        .await
    }

    pub async fn execute_structure_test(
        &self,
        actor: &Actor,
        test: StructureTestId,
        expected: Option<u64>,
        command: StructureTestCommand,
    ) -> Result<Committed, ServiceError> {
        let stream = StreamId::new(StreamKind::StructureTest, test);
        let (campaign, loaded) = match &command {
            StructureTestCommand::CreateStructureTest { campaign_id, .. } => (*campaign_id, None),
            _ => {
                load_with_campaign(&self.structure_tests, &stream, StructureTest::campaign).await?
            }
        };
        let facts = self.campaign_facts(campaign).await?;
        execute(
            &self.structure_tests,
            &stream,
            expected,
            actor,
            &[],
            loaded,
            |_| Ok((command.clone(), Context::new(actor.clone(), facts.clone()))),
        )
        .await
    }

    /// The chapter a person belongs to (the command line asks it to know whose rules apply).
    pub async fn person_chapter(&self, person: PersonId) -> Result<ChapterId, ServiceError> {
        let loaded = self.people.load(&person.to_string()).await?;
        loaded
            .aggregate()
            .chapter()
            .ok_or_else(|| ServiceError::NotFound {
                stream: StreamId::new(StreamKind::Person, person),
            })
    }

    /// The facts of a campaign that other aggregates decide against (its chapter, scale, units, fields), as
    /// of the campaign's newest event: from the cache when the campaign's stream is still at the cached
    /// version, otherwise loaded. A campaign that does not exist is [`ServiceError::NotFound`], so a task,
    /// structure test or import for it fails here, before any decision.
    pub async fn campaign_facts(
        &self,
        campaign: CampaignId,
    ) -> Result<CampaignFacts, ServiceError> {
        Ok(self.campaign_facts_versioned(campaign).await?.1)
    }

    /// The facts of a campaign as of its newest event, and that event's version.
    async fn campaign_facts_versioned(
        &self,
        campaign: CampaignId,
    ) -> Result<(u64, CampaignFacts), ServiceError> {
        let id = campaign.to_string();
        let version = self.store.stream_version(Campaign::TYPE, &id).await?;
        if let Some((cached_version, facts)) = self.campaign_facts.get(campaign) {
            if cached_version == version {
                return Ok((version, facts));
            }
        }
        let loaded = self.campaigns.load(&id).await?;
        let facts = loaded
            .aggregate()
            .facts()
            .ok_or_else(|| ServiceError::NotFound {
                stream: StreamId::new(StreamKind::Campaign, campaign),
            })?;
        self.campaign_facts
            .insert(campaign, loaded.version(), facts.clone());
        Ok((loaded.version(), facts))
    }

    /// The members and people a person command names, as found in the actor's chapter and the campaign.
    async fn person_references(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        command: &PersonCommand,
    ) -> Result<References, ServiceError> {
        let (users, people) = match command {
            PersonCommand::AssignOrganizer { organizer } => (vec![*organizer], vec![]),
            PersonCommand::LogOneOnOne(conversation) => (vec![conversation.organizer], vec![]),
            PersonCommand::Connect {
                target: EntityRef::Person(target),
                ..
            } => (vec![], vec![*target]),
            _ => return Ok(References::default()),
        };
        self.references(actor, campaign, &users, &people).await
    }

    /// The assignee and subjects a task command names, as found in the actor's chapter and the campaign.
    async fn task_references(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        command: &TaskCommand,
    ) -> Result<References, ServiceError> {
        match command {
            TaskCommand::AssignTask {
                assignee, subjects, ..
            } => {
                self.references(actor, campaign, &[*assignee], subjects)
                    .await
            }
            TaskCommand::ReassignTask { assignee } => {
                self.references(actor, campaign, &[*assignee], &[]).await
            }
            _ => Ok(References::default()),
        }
    }

    /// Which of `users` hold a role in the actor's chapter (bulk import checks its organizers with it).
    pub(crate) async fn member_references(
        &self,
        actor: &Actor,
        users: &[UserId],
    ) -> Result<References, ServiceError> {
        let chapter = actor.chapter.to_string();
        let mut references = References::default();
        for user in users {
            // The actor holds a role in the chapter (access checked it before the command got here); the
            // development identity has no membership row, so this is not only a saved query.
            if *user == actor.user {
                references.members.insert(*user);
                continue;
            }
            if self
                .store
                .membership(&user.to_string(), &chapter)
                .await?
                .is_some()
            {
                references.members.insert(*user);
            }
        }
        Ok(references)
    }

    /// Which of `users` hold a role in the actor's chapter, and which of `people` are in `campaign` (a
    /// campaign belongs to one chapter, so that also keeps out another chapter's people).
    async fn references(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        users: &[UserId],
        people: &[PersonId],
    ) -> Result<References, ServiceError> {
        let mut references = self.member_references(actor, users).await?;
        for person in people {
            match self.campaign_of(*person).await {
                Ok(found) if found == campaign => {
                    references.people.insert(*person);
                }
                Ok(_) | Err(ServiceError::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(references)
    }

    /// The campaign a person belongs to.
    pub async fn person_campaign(&self, person: PersonId) -> Result<CampaignId, ServiceError> {
        self.campaign_of(person).await
    }

    /// The campaign a person belongs to (which never changes once they are added).
    async fn campaign_of(&self, person: PersonId) -> Result<CampaignId, ServiceError> {
        Ok(self.campaign_and_person(person).await?.0)
    }

    /// The person's campaign, and the person when they had to be loaded to find it (a command goes on
    /// from that state instead of loading them again).
    async fn campaign_and_person(
        &self,
        person: PersonId,
    ) -> Result<(CampaignId, Option<LoadedAggregate<Person>>), ServiceError> {
        if let Some(campaign) = self.person_campaigns.get(person) {
            return Ok((campaign, None));
        }
        let stream = StreamId::new(StreamKind::Person, person);
        let (campaign, loaded) =
            load_with_campaign(&self.people, &stream, Person::campaign).await?;
        self.person_campaigns.insert(person, campaign);
        Ok((campaign, loaded))
    }
}

/// Loads an aggregate to find its campaign (not found: it was never created); the loaded state goes on to
/// [`execute`] as its first attempt's state.
async fn load_with_campaign<A: StoredAggregate>(
    aggregates: &AggregateStore<A>,
    stream: &StreamId,
    campaign: impl Fn(&A) -> Option<CampaignId>,
) -> Result<(CampaignId, Option<LoadedAggregate<A>>), ServiceError> {
    let loaded = aggregates.load(&stream.id).await?;
    let found = campaign(loaded.aggregate()).ok_or_else(|| ServiceError::NotFound {
        stream: stream.clone(),
    })?;
    Ok((found, Some(loaded)))
}

/// Loads, checks the version, decides and commits; retries on a race when the client gave no version.
/// `loaded`, when the caller has just loaded the aggregate itself, is the first attempt's state (a state
/// that is no longer the newest makes the append conflict, and the next attempt loads again).
///
/// `prepare` sees the loaded aggregate and returns the command and its per-call services, so facts that depend
/// on the aggregate's state (its campaign, say) are loaded fresh on each attempt.
async fn execute<A, F>(
    aggregates: &AggregateStore<A>,
    stream: &StreamId,
    expected: Option<u64>,
    actor: &Actor,
    conditions: &[Condition],
    mut loaded: Option<LoadedAggregate<A>>,
    mut prepare: F,
) -> Result<Committed, ServiceError>
where
    A: StoredAggregate,
    A::Error: Rejection,
    F: FnMut(&A) -> Result<(A::Command, A::Services), ServiceError>,
{
    let id = stream.id.as_str();
    let metadata = EventMetadata::from(actor).to_map();
    let mut attempt = 0;
    loop {
        attempt += 1;
        // The first attempt decides on the state this process holds, when it holds one, without a round
        // trip: the append checks the version it was decided on, so a stream that another process moved
        // makes it conflict, and the next attempt loads. What an unchecked state alone would answer (a
        // version that is not the client's, a rejection, nothing to do) is decided again on a loaded one
        // (docs/performance.md, round 12).
        let (current, checked) = match loaded.take() {
            Some(loaded) => (loaded, true),
            None => match (attempt == 1).then(|| aggregates.cached(id)).flatten() {
                Some(cached) => (cached, false),
                None => (aggregates.load(id).await?, true),
            },
        };
        let version = current.version();
        if let Some(expected) = expected {
            if expected != version {
                if !checked {
                    loaded = Some(aggregates.load(id).await?);
                    attempt -= 1;
                    continue;
                }
                return Err(ServiceError::Conflict {
                    stream: stream.clone(),
                    moved: Moved::Target,
                    expected,
                    current: version,
                });
            }
        }
        let mut aggregate = current.into_aggregate();
        let (command, services) = prepare(&aggregate)?;
        let sink = EventSink::<A>::default();
        let decided = aggregate.handle(command, &services, &sink).await;
        let events = sink.collect().await;
        if !checked && (decided.is_err() || events.is_empty()) {
            loaded = Some(aggregates.load(id).await?);
            attempt -= 1;
            continue;
        }
        decided.map_err(rejection)?;
        if events.is_empty() {
            return Ok(Committed {
                version,
                position: None,
                chapter_position: None,
                events: 0,
            });
        }
        let mut batch = vec![aggregates.prepare(id, version, &events, &metadata, &aggregate)?];
        batch.extend(conditions.iter().map(Condition::append));
        match aggregates.store().append(batch).await {
            Ok(appended) => {
                aggregates.remember(id, version + events.len() as u64, &aggregate);
                return Ok(committed(version, &appended));
            }
            Err(StoreError::Conflict {
                stream: moved,
                expected: moved_expected,
                actual,
            }) => {
                let moved = StreamId::parse(&moved);
                if let Some(condition) = conditions
                    .iter()
                    .find(|condition| moved.as_ref() == Some(&condition.stream))
                {
                    // A stream the decision read (not the one it writes) moved on: the caller decides again.
                    return Err(ServiceError::Conflict {
                        stream: condition.stream.clone(),
                        moved: Moved::Condition,
                        expected: moved_expected,
                        current: actual,
                    });
                }
                if expected.is_some() || attempt > CONFLICT_RETRIES {
                    return Err(ServiceError::Conflict {
                        stream: stream.clone(),
                        moved: Moved::Target,
                        expected: version,
                        current: actual,
                    });
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Runs a handler on a loaded aggregate and returns the events it decided (already applied to the state).
pub(crate) async fn decide_and_apply<A>(
    aggregate: &mut A,
    command: A::Command,
    services: &A::Services,
) -> Result<Vec<A::Event>, ServiceError>
where
    A: Aggregate,
    A::Error: Rejection,
{
    let sink = EventSink::<A>::default();
    aggregate
        .handle(command, services, &sink)
        .await
        .map_err(rejection)?;
    Ok(sink.collect().await)
}

/// A domain error as the service reports it.
fn rejection<E: Rejection + std::fmt::Display>(error: E) -> ServiceError {
    let refusal = Refusal {
        message: error.to_string(),
        field: error.field(),
    };
    if error.is_not_found() {
        ServiceError::Missing(refusal)
    } else {
        ServiceError::Rejected(refusal)
    }
}

fn committed(version_before: u64, appended: &[AppendedEvent]) -> Committed {
    Committed {
        version: appended
            .last()
            .map_or(version_before, |event| event.stream_version),
        position: appended.last().map(|event| event.position),
        chapter_position: appended.last().and_then(|event| event.chapter_position),
        events: appended.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    #[test]
    fn a_rejection_that_names_a_missing_thing_is_not_found() {
        let error: ApiError =
            ServiceError::Missing(Refusal::new("the campaign was not found")).into();
        assert_eq!(error.code(), code::NOT_FOUND);
        let error: ApiError = ServiceError::Rejected(Refusal {
            message: "level 9 is not on the scale".into(),
            field: Some("level"),
        })
        .into();
        assert_eq!(error.code(), code::VALIDATION);
        assert!(matches!(
            error,
            ApiError::Validation { field: Some(ref field), .. } if field == "input.level"
        ));
    }

    #[test]
    fn a_conflict_names_the_stream_that_moved() {
        let error = ServiceError::Conflict {
            stream: StreamId::new(StreamKind::StructureTest, "7f1c"),
            moved: Moved::Target,
            expected: 3,
            current: 4,
        };
        assert_eq!(
            error.to_string(),
            "structure test 7f1c has changed since version 3; it is now at version 4"
        );
        assert!(matches!(
            ApiError::from(error),
            ApiError::Conflict { current: 4, .. }
        ));
    }
}
