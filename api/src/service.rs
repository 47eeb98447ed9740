//! The command service: the one path from a request to stored events. For each command it loads the
//! aggregate (snapshot + later events), checks the version the client last saw, loads the facts the decision
//! needs from other aggregates, runs the pure handler, and commits with the loaded version as the expected one.

use crate::config::Settings;
use crate::import::{CampaignDirectory, PersonImport};
use crate::keys::resolve_master_key;
use anyhow::Context as _;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use domain::campaign::{Campaign, CampaignCommand, CampaignContext, CampaignFacts};
use domain::chapter::{Chapter, ChapterCommand, ChapterContext};
use domain::ids::ContactPointId;
use domain::ids::{CampaignId, ChapterId, PersonId, StructureTestId, TaskId};
use domain::person::{Person, PersonCommand, PersonContext, PersonFacts};
use domain::structure_test::{StructureTest, StructureTestCommand};
use domain::task::{Task, TaskCommand};
use domain::values::{ContactLabel, ContactValue};
use domain::{Actor, Context, EventMetadata, Rejection, StoredAggregate};
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use store::{
    AggregateStore, AppendedEvent, BackendKind, Position, Store, StoreError, StoreOptions,
    StreamAppend,
};
use tokio::io::AsyncWrite;

/// How often a command without a client version is retried when a concurrent writer got in first.
const CONFLICT_RETRIES: usize = 5;

/// Why a command did not go through. Each kind is something a client handles differently.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The aggregate does not exist (or belongs to another chapter, which looks the same from outside).
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    /// The command names something that does not exist (a unit, a field, a structure test, …).
    #[error("{0}")]
    Missing(String),
    /// The domain refused the command; the message names the rule.
    #[error("{0}")]
    Rejected(String),
    /// The client's version is stale: somebody else changed the same thing first.
    #[error("{what} {id} has changed since version {expected}; it is now at version {current}")]
    Conflict {
        what: &'static str,
        id: String,
        expected: u64,
        current: u64,
    },
    /// The store failed; the cause is logged, not shown.
    #[error("the database failed to store the change")]
    Store(#[from] StoreError),
}

/// What a successful command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The aggregate's version after the command: pass it back as the expected version of the next one.
    pub version: u64,
    /// Where the last new event sits in the global order (`None` when the command caused no event).
    pub position: Option<Position>,
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
    person_campaigns: Arc<RwLock<HashMap<PersonId, CampaignId>>>,
    /// Campaign facts with the campaign version they were built at; reused while the campaign's stream is
    /// still at that version (one indexed look-up instead of loading and deserializing the campaign).
    campaign_facts: Arc<RwLock<HashMap<CampaignId, (u64, CampaignFacts)>>>,
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

    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.store.migrate().await
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
            "chapter",
            &chapter.to_string(),
            expected,
            actor,
            &[],
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
            "campaign",
            &campaign.to_string(),
            expected,
            actor,
            &[],
            |_| Ok((command.clone(), context.clone())),
        )
        .await;
        if committed
            .as_ref()
            .is_ok_and(|committed| committed.events > 0)
        {
            // Person commands would find out through their version condition; this saves them a retry.
            if let Ok(mut cache) = self.campaign_facts.write() {
                cache.remove(&campaign);
            }
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
        let id = person.to_string();
        let campaign = match &command {
            PersonCommand::AddToCampaign { campaign_id, .. } => *campaign_id,
            _ => self.campaign_of(person).await?,
        };
        // Merging and forgetting check the campaign's version with a query; every other command takes the
        // cached facts and lets the append check the version (below).
        let (mut current, mut verified) = match (&command, self.cached_campaign_facts(campaign)) {
            (PersonCommand::MergeDuplicate { .. } | PersonCommand::Forget, _) | (_, None) => {
                (self.campaign_facts_versioned(campaign).await?, true)
            }
            (_, Some(hit)) => (hit, false),
        };
        let mut facts = PersonFacts::new(current.1.clone());
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
            let committed = execute(&self.people, "person", &id, expected, actor, &[], |_| {
                Ok((command.clone(), Context::new(actor.clone(), facts.clone())))
            })
            .await?;
            self.store.forget_person(person.as_uuid()).await?;
            return Ok(committed);
        }
        // The campaign facts come from the cache without a query; the append carries the campaign's version
        // as a condition checked in the same transaction, and a campaign that moved on in between makes us
        // decide again on fresh facts.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let campaign_version = current.0;
            let condition = StreamAppend {
                stream_type: Campaign::TYPE.to_string(),
                stream_id: campaign.to_string(),
                data_subject: None,
                expected_version: campaign_version,
                events: Vec::new(),
                snapshot: None,
            };
            let outcome = execute(
                &self.people,
                "person",
                &id,
                expected,
                actor,
                &[condition],
                |_| Ok((command.clone(), Context::new(actor.clone(), facts.clone()))),
            )
            .await;
            match outcome {
                // The campaign moved on since the facts were cached: decide again on fresh facts.
                Err(ServiceError::Conflict {
                    what: "campaign", ..
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
                what: "person",
                id: survivor_id,
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
                what: "person",
                id: stream.rsplit('/').next().unwrap_or_default().to_string(),
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
        let id = task.to_string();
        let campaign = match &command {
            TaskCommand::AssignTask { campaign_id, .. } => *campaign_id,
            _ => self
                .tasks
                .load(&id)
                .await?
                .aggregate()
                .campaign()
                .ok_or_else(|| ServiceError::NotFound {
                    what: "task",
                    id: id.clone(),
                })?,
        };
        let facts = self.campaign_facts_or_default(campaign).await?;
        execute(&self.tasks, "task", &id, expected, actor, &[], |_| {
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
        let id = test.to_string();
        let campaign = match &command {
            StructureTestCommand::CreateStructureTest { campaign_id, .. } => *campaign_id,
            _ => self
                .structure_tests
                .load(&id)
                .await?
                .aggregate()
                .campaign()
                .ok_or_else(|| ServiceError::NotFound {
                    what: "structure test",
                    id: id.clone(),
                })?,
        };
        let facts = self.campaign_facts_or_default(campaign).await?;
        execute(
            &self.structure_tests,
            "structure test",
            &id,
            expected,
            actor,
            &[],
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
                what: "person",
                id: person.to_string(),
            })
    }

    /// The names of a campaign's units, fields and responses (for importers that speak in names).
    pub async fn campaign_directory(
        &self,
        campaign: CampaignId,
    ) -> Result<CampaignDirectory, ServiceError> {
        let events = self
            .campaigns
            .load_all_events(&campaign.to_string())
            .await?;
        if events.is_empty() {
            return Err(ServiceError::NotFound {
                what: "campaign",
                id: campaign.to_string(),
            });
        }
        Ok(CampaignDirectory::from_events(
            events.iter().map(|event| &event.payload),
        ))
    }

    /// Adds many people to a campaign at once. Each person gets the commands an organizer would issue one
    /// by one (add to the campaign, join the unit, email and phone contact points, field responses, an
    /// organizer, an assessment), decided by the domain in memory against the campaign's facts; then every
    /// person's stream is appended in ONE transaction: all of `people` are stored, or none is. A person the
    /// domain refuses fails the whole call with [`ImportRejected`], naming the person's index in `people`.
    pub async fn import_people(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        people: &[PersonImport],
    ) -> Result<ImportSummary, ImportRejected> {
        let (batch, ids, states) = self.decide_import(actor, campaign, people).await?;
        let versions: Vec<u64> = batch
            .iter()
            .map(|append| append.events.len() as u64)
            .collect();
        let appended = self
            .store
            .append(batch)
            .await
            .map_err(|error| ImportRejected::whole(error.into()))?;
        for ((person, version), state) in ids.iter().zip(versions).zip(&states) {
            self.people.remember(&person.to_string(), version, state);
        }
        if let Ok(mut known) = self.person_campaigns.write() {
            known.extend(ids.iter().map(|person| (*person, campaign)));
        }
        Ok(ImportSummary {
            people: ids,
            events: appended.len(),
            position: appended.iter().map(|event| event.position).max(),
        })
    }

    /// Runs every decision of an import without storing anything: `Ok` means `import_people` with the same
    /// people would be accepted by the domain (the store may still refuse, e.g. if the campaign changes).
    pub async fn check_import(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        people: &[PersonImport],
    ) -> Result<(), ImportRejected> {
        self.decide_import(actor, campaign, people)
            .await
            .map(|_| ())
    }

    /// The appends of an import, decided in memory: one new stream per person, with each person's id and
    /// state after their events.
    async fn decide_import(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        people: &[PersonImport],
    ) -> Result<(Vec<StreamAppend>, Vec<PersonId>, Vec<Person>), ImportRejected> {
        let facts = self
            .campaign_facts_or_default(campaign)
            .await
            .map_err(ImportRejected::whole)?;
        let context: PersonContext = Context::new(actor.clone(), PersonFacts::new(facts));
        let metadata = EventMetadata::from(actor).to_map();
        let mut batch = Vec::with_capacity(people.len());
        let mut ids = Vec::with_capacity(people.len());
        let mut states = Vec::with_capacity(people.len());
        for (index, import) in people.iter().enumerate() {
            let person = PersonId::new_random();
            let mut state = Person::default();
            let mut events = Vec::new();
            for command in import_commands(person, campaign, import) {
                events.extend(
                    decide_and_apply(&mut state, command, &context)
                        .await
                        .map_err(|error| ImportRejected {
                            index: Some(index),
                            error,
                        })?,
                );
            }
            batch.push(
                self.people
                    .prepare(&person.to_string(), 0, &events, &metadata, &state)
                    .map_err(|error| ImportRejected::whole(error.into()))?,
            );
            ids.push(person);
            states.push(state);
        }
        Ok((batch, ids, states))
    }

    /// A campaign's facts; for a campaign that does not exist, facts the domain rejects with its own error
    /// ("campaign not found"), so the message comes from one place.
    async fn campaign_facts_or_default(
        &self,
        campaign: CampaignId,
    ) -> Result<CampaignFacts, ServiceError> {
        self.campaign_facts(campaign).await
    }

    /// The facts of a campaign that other aggregates decide against, as of the campaign's newest event.
    pub async fn campaign_facts(
        &self,
        campaign: CampaignId,
    ) -> Result<CampaignFacts, ServiceError> {
        Ok(self.campaign_facts_versioned(campaign).await?.1)
    }

    /// The cached facts of a campaign with the campaign version they were built at, without asking the
    /// database whether that is still the newest version.
    fn cached_campaign_facts(&self, campaign: CampaignId) -> Option<(u64, CampaignFacts)> {
        self.campaign_facts
            .read()
            .ok()
            .and_then(|cache| cache.get(&campaign).cloned())
    }

    /// The facts of a campaign as of its newest event, and that event's version.
    async fn campaign_facts_versioned(
        &self,
        campaign: CampaignId,
    ) -> Result<(u64, CampaignFacts), ServiceError> {
        let id = campaign.to_string();
        let version = self.store.stream_version(Campaign::TYPE, &id).await?;
        if let Some((cached_version, facts)) = self.cached_campaign_facts(campaign) {
            if cached_version == version {
                return Ok((version, facts));
            }
        }
        let loaded = self.campaigns.load(&id).await?;
        let facts = loaded
            .aggregate()
            .facts()
            .ok_or_else(|| ServiceError::NotFound {
                what: "campaign",
                id: id.clone(),
            })?;
        if let Ok(mut cache) = self.campaign_facts.write() {
            cache.insert(campaign, (loaded.version(), facts.clone()));
        }
        Ok((loaded.version(), facts))
    }

    /// The campaign a person belongs to (which never changes once they are added).
    async fn campaign_of(&self, person: PersonId) -> Result<CampaignId, ServiceError> {
        if let Some(campaign) = self
            .person_campaigns
            .read()
            .ok()
            .and_then(|known| known.get(&person).copied())
        {
            return Ok(campaign);
        }
        let campaign = self
            .people
            .load(&person.to_string())
            .await?
            .aggregate()
            .campaign()
            .ok_or_else(|| ServiceError::NotFound {
                what: "person",
                id: person.to_string(),
            })?;
        if let Ok(mut known) = self.person_campaigns.write() {
            known.insert(person, campaign);
        }
        Ok(campaign)
    }
}

/// Loads, checks the version, decides and commits; retries on a race when the client gave no version.
///
/// `prepare` sees the loaded aggregate and returns the command and its per-call services, so facts that depend
/// on the aggregate's state (its campaign, say) are loaded fresh on each attempt.
async fn execute<A, F>(
    aggregates: &AggregateStore<A>,
    what: &'static str,
    id: &str,
    expected: Option<u64>,
    actor: &Actor,
    conditions: &[StreamAppend],
    mut prepare: F,
) -> Result<Committed, ServiceError>
where
    A: StoredAggregate,
    A::Error: Rejection,
    F: FnMut(&A) -> Result<(A::Command, A::Services), ServiceError>,
{
    let metadata = EventMetadata::from(actor).to_map();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let loaded = aggregates.load(id).await?;
        let version = loaded.version();
        if let Some(expected) = expected {
            if expected != version {
                return Err(ServiceError::Conflict {
                    what,
                    id: id.to_string(),
                    expected,
                    current: version,
                });
            }
        }
        let mut aggregate = loaded.into_aggregate();
        let (command, services) = prepare(&aggregate)?;
        let sink = EventSink::<A>::default();
        aggregate
            .handle(command, &services, &sink)
            .await
            .map_err(rejection)?;
        let events = sink.collect().await;
        if events.is_empty() {
            return Ok(Committed {
                version,
                position: None,
                events: 0,
            });
        }
        let mut batch = vec![aggregates.prepare(id, version, &events, &metadata, &aggregate)?];
        batch.extend(conditions.iter().cloned());
        match aggregates.store().append(batch).await {
            Ok(appended) => {
                aggregates.remember(id, version + events.len() as u64, &aggregate);
                return Ok(committed(version, &appended));
            }
            Err(StoreError::Conflict {
                stream,
                expected: condition_version,
                actual,
            }) if conditions
                .iter()
                .any(|condition| condition.stream_name() == stream) =>
            {
                // A stream the decision read (not the one it writes) moved on: the caller decides again.
                return Err(ServiceError::Conflict {
                    what: "campaign",
                    id: stream.rsplit('/').next().unwrap_or_default().to_string(),
                    expected: condition_version,
                    current: actual,
                });
            }
            Err(StoreError::Conflict { actual, .. }) => {
                if expected.is_some() || attempt > CONFLICT_RETRIES {
                    return Err(ServiceError::Conflict {
                        what,
                        id: id.to_string(),
                        expected: version,
                        current: actual,
                    });
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// The commands that bring a new person to what an import row says, in the order an organizer would give them.
fn import_commands(
    person: PersonId,
    campaign: CampaignId,
    import: &PersonImport,
) -> Vec<PersonCommand> {
    let mut commands = vec![PersonCommand::AddToCampaign {
        person_id: person,
        campaign_id: campaign,
        name: import.name.clone(),
        preferred_language: import.preferred_language.clone(),
    }];
    commands.extend(
        import
            .unit
            .map(|unit_id| PersonCommand::JoinUnit { unit_id }),
    );
    commands.extend(
        import
            .email
            .clone()
            .map(|email| PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Home,
                value: ContactValue::Email(email),
                do_not_contact: false,
            }),
    );
    commands.extend(
        import
            .phone
            .clone()
            .map(|phone| PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Mobile,
                value: ContactValue::Phone(phone),
                do_not_contact: false,
            }),
    );
    commands.extend(
        import
            .responses
            .iter()
            .map(|response| PersonCommand::AddFieldResponse {
                field_id: response.field_id,
                response_id: response.response_id,
            }),
    );
    commands.extend(
        import
            .organizer
            .map(|organizer| PersonCommand::AssignOrganizer { organizer }),
    );
    commands.extend(
        import
            .level
            .map(|level| PersonCommand::Assess { level, note: None }),
    );
    commands
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The new people, in the order they were given.
    pub people: Vec<PersonId>,
    pub events: usize,
    /// Where the import's last event sits in the global order.
    pub position: Option<Position>,
}

/// Why an import stored nothing: the person at `index` was refused, or (no index) the whole batch failed.
#[derive(Debug)]
pub struct ImportRejected {
    pub index: Option<usize>,
    pub error: ServiceError,
}

impl std::fmt::Display for ImportRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(index) => write!(f, "person {} of the batch: {}", index + 1, self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

impl std::error::Error for ImportRejected {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl ImportRejected {
    fn whole(error: ServiceError) -> Self {
        Self { index: None, error }
    }
}

/// Runs a handler on a loaded aggregate and returns the events it decided (already applied to the state).
async fn decide_and_apply<A>(
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
    if error.is_not_found() {
        ServiceError::Missing(error.to_string())
    } else {
        ServiceError::Rejected(error.to_string())
    }
}

fn committed(version_before: u64, appended: &[AppendedEvent]) -> Committed {
    Committed {
        version: appended
            .last()
            .map_or(version_before, |event| event.stream_version),
        position: appended.last().map(|event| event.position),
        events: appended.len(),
    }
}
