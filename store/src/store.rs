//! `Store`: connecting, migrating, appending, reading the global log, forgetting people, export and import.
//! The database is a `sql::Db`; the store's SQL itself lives in `backend`.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncWrite};
use tokio::sync::{oneshot, watch, Semaphore};
use uuid::Uuid;

use crate::backend::{self, SealedAppend, SealedEvent, StoredRow};
use crate::crypto::{self, DataKey, MasterKey};
use crate::error::StoreError;
use crate::event::{
    stream_name, AppendedEvent, Position, RecordedEvent, StreamAppend, UnopenedEvent,
};
use crate::export::{ExportWriter, ImportBatch, ImportReader, TransferSummary};
use crate::sql::Db;

/// Tuning knobs with sensible defaults.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// A snapshot is written whenever a commit crosses a multiple of this many events of a stream.
    pub snapshot_every: u64,
    pub max_connections: u32,
    /// How long to wait for a connection (and, on SQLite, for a lock) before giving up.
    pub acquire_timeout: Duration,
    /// How many group-commit transactions may be in flight at once on PostgreSQL (SQLite has one writer).
    /// While one group commits, the next one gathers.
    pub concurrent_writers: usize,
    /// How many aggregates (of all types together) this process keeps in memory with the version they
    /// reflect, so that loading one again reads only the events after that version. 0 turns it off.
    pub aggregate_cache: usize,
    /// How many people's data keys (or the knowledge that a key was destroyed) this process keeps in
    /// memory. A key that is not kept is read from `person_keys` again when needed (one query for all the
    /// keys of a read), so the cap bounds memory without changing what anyone reads. 0 keeps none.
    pub key_cache: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            snapshot_every: 100,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
            concurrent_writers: 2,
            aggregate_cache: 20_000,
            key_cache: 50_000,
        }
    }
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

/// A person's data key as far as this process knows.
#[derive(Clone)]
enum CachedKey {
    Present(Arc<DataKey>),
    Forgotten,
}

struct Inner {
    db: Db,
    /// What projection batches write with (`Store::batch_db`).
    batch_db: Db,
    master: MasterKey,
    keys: RwLock<HashMap<Uuid, CachedKey>>,
    options: StoreOptions,
    /// Serializes this process's writers on SQLite, which allows one writer at a time anyway; waiting here
    /// is cheaper and fairer than SQLite's busy-timeout polling.
    sqlite_write_lock: tokio::sync::Mutex<()>,
    /// This process's appends in flight (see `Store::commands_first`).
    /// When the next catch-up read passes other databases' transactions (`Store::full_look_due`).
    next_full_look: std::sync::Mutex<std::time::Instant>,
    appends: crate::turns::AppendsInFlight,
    committed: watch::Sender<Position>,
    /// Per chapter (the events' `chapter` metadata), the number of the newest event this process committed
    /// in the chapter's own sequence (ADR 19).
    chapter_heads: watch::Sender<HashMap<String, u64>>,
    /// Appends waiting to be group-committed, and the chapters whose groups are being written.
    queue: std::sync::Mutex<Queue>,
    /// Writer slots: whoever holds one writes the next group.
    writers: Arc<Semaphore>,
    /// Fires when a group of this process is written (its chapters are free again).
    group_done: tokio::sync::Notify,
    /// Recently loaded or committed aggregates (see `AggregateStore::load`).
    aggregates: std::sync::Mutex<HashMap<(&'static str, String), CachedAggregate>>,
}

/// An aggregate's state as of `version` of its stream. The state is the aggregate type's own value; only
/// `AggregateStore<A>` of the same stream type puts it in and takes it out.
#[derive(Clone)]
pub(crate) struct CachedAggregate {
    pub version: u64,
    pub data_subject: Option<Uuid>,
    pub state: Arc<dyn std::any::Any + Send + Sync>,
}

/// An append waiting for its group's commit, and where its caller waits for the answer.
struct PendingAppend {
    batch: Vec<StreamAppend>,
    /// The chapters its events belong to (their `chapter` metadata).
    chapters: Vec<String>,
    reply: oneshot::Sender<Result<Vec<AppendedEvent>, StoreError>>,
}

/// What waits to be group-committed in this process.
#[derive(Default)]
struct Queue {
    /// The appends, in arrival order.
    appends: VecDeque<PendingAppend>,
    /// The chapters that a group of this process is writing now. ADR 19's lock lets a chapter's groups
    /// commit one at a time anyway, so a second group of a busy chapter would only wait for the lock with
    /// the few appends that were queued when it formed. Its appends stay queued instead, gathering whatever
    /// else arrives while the chapter's group commits, and go in one group when the chapter is free
    /// (ADR 9; docs/performance.md, round 12). Groups of other chapters still commit side by side.
    writing: HashSet<String>,
}

/// A group being written: its chapters are free again when it is dropped, whether the group committed,
/// failed or its task panicked, and whoever waits for them is woken.
struct Writing<'a> {
    store: &'a Store,
    chapters: Vec<String>,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        {
            let mut queue = self.store.queue();
            for chapter in &self.chapters {
                queue.writing.remove(chapter);
            }
        }
        self.store.inner.group_done.notify_waiters();
    }
}

/// A group stops growing at this many events or appends (an append larger than that is a group alone).
const GROUP_EVENTS: usize = 5_000;
const GROUP_APPENDS: usize = 256;

/// How many rows a SQLite connection's own thread may step ahead of the reader (sqlx's default is 50). Each
/// time the bounded channel between them fills or empties, one side sleeps and the other wakes it: a read of
/// a whole campaign (10,000 rows for a wall chart) spent more time in those wake-ups than in SQLite. Larger
/// was faster still but kept more memory: the waiting rows are SQLite's own copies, allocated on the
/// connection's thread (docs/performance.md, round 15).
const SQLITE_ROW_CHANNEL: usize = 1_024;

/// How often a catch-up read on PostgreSQL looks past other databases' transactions at most.
const FULL_LOOK_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// The event store. Cheap to clone; clones share the pool, the key cache and the commit notifications.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_kind())
            .finish_non_exhaustive()
    }
}

/// Inserts into the key cache, which holds at most `capacity` people: when it is full, an eighth of it (any
/// entries: a key not held is read from the database again) makes room, so eviction costs O(1) a key.
fn insert_capped(
    cache: &mut HashMap<Uuid, CachedKey>,
    capacity: usize,
    person: Uuid,
    entry: CachedKey,
) {
    if capacity == 0 {
        return;
    }
    if cache.len() >= capacity && !cache.contains_key(&person) {
        let mut evict = (capacity / 8).max(1);
        cache.retain(|_, _| {
            if evict == 0 {
                return true;
            }
            evict -= 1;
            false
        });
    }
    cache.insert(person, entry);
}

/// Microsecond precision: what PostgreSQL keeps, so both backends store and export the same instant.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// PostgreSQL's "database does not exist" (SQLSTATE 3D000).
fn is_missing_database(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|database_error| database_error.code())
        .is_some_and(|code| code == "3D000")
}

fn connect_error(backend: &'static str, error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Configuration(reason) => StoreError::InvalidUrl {
            reason: reason.to_string(),
        },
        sqlx::Error::Database(_) => StoreError::ConnectionRefused {
            backend,
            source: error,
        },
        other => StoreError::Unreachable {
            backend,
            source: other,
        },
    }
}

/// Metadata is stored as a JSON object with sorted keys, so the same map always gives the same text.
pub(crate) fn metadata_text(metadata: &HashMap<String, String>) -> Result<String, StoreError> {
    let sorted: BTreeMap<&String, &String> = metadata.iter().collect();
    serde_json::to_string(&sorted).map_err(|source| StoreError::Serialize {
        what: "event metadata".to_string(),
        source,
    })
}

/// A stored JSON text to open: the text, its data subject (whose key opens its sealed values), whether that
/// key was still stored when the text was read, and where it was read from (for an error message).
struct StoredText<'a> {
    text: &'a str,
    data_subject: Option<&'a str>,
    /// Read in the same statement as the text (`backend::SUBJECT_KEY`); `None`: not known.
    subject_key: Option<bool>,
    location: TextLocation<'a>,
}

/// Where a stored text was read from, written out only for an error message.
#[derive(Clone, Copy)]
enum TextLocation<'a> {
    Event(i64),
    Snapshot {
        stream_type: &'a str,
        stream_id: &'a str,
    },
}

impl TextLocation<'_> {
    fn describe(self) -> String {
        match self {
            Self::Event(position) => format!("event at position {position}"),
            Self::Snapshot {
                stream_type,
                stream_id,
            } => format!("snapshot of {}", stream_name(stream_type, stream_id)),
        }
    }
}

impl Store {
    /// Connects to `sqlite://path` (the file is created if missing) or `postgres://…`. Does not migrate.
    pub async fn connect(
        url: &str,
        master_key: MasterKey,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let (db, batch_db) = if url.starts_with("sqlite:") {
            if url.contains(":memory:") || url.contains("mode=memory") {
                return Err(StoreError::InvalidUrl {
                    reason: "in-memory SQLite is not supported: each pooled connection would see its own database"
                        .to_string(),
                });
            }
            let connect_options = SqliteConnectOptions::from_str(url)
                .map_err(|error| StoreError::InvalidUrl {
                    reason: error.to_string(),
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit survives power loss, not just a crash of the process.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(options.acquire_timeout)
                // Deleted rows (destroyed person keys) are overwritten with zeros, not just unlinked.
                .pragma("secure_delete", "ON")
                .row_buffer_size(SQLITE_ROW_CHANNEL);
            let pool = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect_options.clone())
                .await
                .map_err(|error| connect_error(backend::name(BackendKind::Sqlite), error))?;
            // The writer connection (see `Store::batch_db`): the commands' group commits and the
            // projection batches, one at a time under the writer turn.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect_options)
                .await
                .map_err(|error| connect_error(backend::name(BackendKind::Sqlite), error))?;
            (Db::Sqlite(pool), Db::Sqlite(writer))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let connect_options = PgConnectOptions::from_str(url)
                .map_err(|error| StoreError::InvalidUrl {
                    reason: error.to_string(),
                })?
                // A commit is acknowledged only once it is durable, whatever the server default says.
                .options([("synchronous_commit", "on")]);
            let pool_options = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout);
            let pool = match pool_options
                .clone()
                .connect_with(connect_options.clone())
                .await
            {
                Err(error) if is_missing_database(&error) => {
                    // Like the embedded file, a missing database is created on first start.
                    <sqlx::Postgres as sqlx::migrate::MigrateDatabase>::create_database(url)
                        .await
                        .map_err(|error| {
                            connect_error(backend::name(BackendKind::Postgres), error)
                        })?;
                    tracing::info!("created the PostgreSQL database");
                    pool_options.connect_with(connect_options).await
                }
                other => other,
            }
            .map_err(|error| connect_error(backend::name(BackendKind::Postgres), error))?;
            // One pool: a batch's transaction turns off its own commit's wait (`sql::Db::begin_relaxed`).
            (Db::Postgres(pool.clone()), Db::Postgres(pool))
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::InvalidUrl {
                reason: format!("unsupported scheme `{scheme}`; use sqlite://path or postgres://…"),
            });
        };
        let (committed, _) = watch::channel(Position::START);
        let writers = match db.kind() {
            BackendKind::Sqlite => 1,
            BackendKind::Postgres => options.concurrent_writers.max(1),
        };
        Ok(Store {
            inner: Arc::new(Inner {
                db,
                batch_db,
                master: master_key,
                keys: RwLock::new(HashMap::new()),
                options,
                sqlite_write_lock: tokio::sync::Mutex::new(()),
                appends: crate::turns::AppendsInFlight::default(),
                next_full_look: std::sync::Mutex::new(std::time::Instant::now()),
                committed,
                chapter_heads: watch::channel(HashMap::new()).0,
                queue: std::sync::Mutex::new(Queue::default()),
                writers: Arc::new(Semaphore::new(writers)),
                group_done: tokio::sync::Notify::new(),
                aggregates: std::sync::Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Applies the embedded migrations, then checks that the master key opens the stored person keys, so a
    /// wrong key fails at start-up rather than at the first read.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = crate::migrations::migrator(self.inner.db.kind()).await?;
        match &self.inner.db {
            Db::Sqlite(pool) => migrator.run(pool).await?,
            Db::Postgres(pool) => migrator.run(pool).await?,
        }
        if let Some((person, wrapped)) = backend::any_key(&self.inner.db).await? {
            let person = parse_person(&person)?;
            crypto::unwrap_key(&self.inner.master, person, &wrapped)?;
        }
        Ok(())
    }

    pub fn backend_kind(&self) -> BackendKind {
        self.inner.db.kind()
    }

    /// The master key, for secrets the store seals besides personal data (webhook secrets).
    pub(crate) fn master_key(&self) -> &MasterKey {
        &self.inner.master
    }

    /// The database, for SQL written once for both backends (`sql::Db::of` gives it to other crates).
    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The SQLite pool, for read models that live in the same database.
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.inner.db {
            Db::Sqlite(pool) => Some(pool),
            Db::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, for read models that live in the same database.
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.inner.db {
            Db::Postgres(pool) => Some(pool),
            Db::Sqlite(_) => None,
        }
    }

    /// This process's turn to write on SQLite, which allows one writer at a time anyway (see
    /// `sqlite_write_lock`); PostgreSQL takes concurrent writers. Whoever writes to the database in this
    /// process (the projection runner too) takes it before `BEGIN IMMEDIATE`, so writers queue here and are
    /// woken as soon as the turn is free, instead of meeting in SQLite's busy handler, which sleeps in steps
    /// of up to 100 ms.
    pub async fn writer_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.inner.db.kind() {
            BackendKind::Sqlite => Some(self.inner.sqlite_write_lock.lock().await),
            BackendKind::Postgres => None,
        }
    }

    /// Lets this process's commands go first on SQLite (a projection batch calls this before it reads and
    /// takes the writer turn; PostgreSQL writes concurrently and returns at once): returns when no append
    /// has been queued or written for `quiet`, or after `patience` at the latest. The batch then covers
    /// every command that went before it: under a steady stream of commands a batch takes the turn once
    /// per `patience` instead of after every group commit, and a command waits for at most the batch that
    /// is already writing. Docs: docs/performance.md, round 9.
    pub async fn commands_first(&self, quiet: std::time::Duration, patience: std::time::Duration) {
        if self.inner.db.kind() == BackendKind::Sqlite {
            self.inner.appends.quiet_for(quiet, patience).await;
        }
    }

    pub fn options(&self) -> &StoreOptions {
        &self.inner.options
    }

    /// Closes the pool; pending operations finish first.
    pub async fn close(&self) {
        self.inner.batch_db.close().await;
        self.inner.db.close().await;
    }

    /// What the projection runners write their batches with, in transactions from [`Db::begin_relaxed`]. A
    /// batch's commit need not be durable when it is acknowledged: the read models are made of events that
    /// are, and a batch writes its checkpoint in its own transaction, so a batch lost in a power failure is
    /// applied again from the log. So batches do not wait for the disk, and leave it to the commands: on
    /// SQLite a commit with `synchronous=NORMAL` (in WAL mode the next synced commit, a command's, or a
    /// checkpoint syncs everything written to the log file before it); on PostgreSQL the same pool, each
    /// batch's transaction with `synchronous_commit` off (the WAL is flushed in order, so a command's synced
    /// commit flushes the batches before it as well). Commands still commit durably before they are
    /// acknowledged. Docs: docs/performance.md, rounds 8 and 9.
    ///
    /// On SQLite this is the writer connection, a pool of one that the commands' group commits use too.
    /// SQLite writes one transaction at a time anyway (the writer turn), and in WAL mode a connection that
    /// finds the database changed by another connection since its last transaction drops its whole page
    /// cache: with every write on one connection, the pages a command or a batch reads and writes stay in
    /// its cache from one write to the next, and the other connections are left to the readers.
    pub fn batch_db(&self) -> &Db {
        &self.inner.batch_db
    }

    /// Fires after every append of this process that ended (committed or not: a rolled-back transaction
    /// can unblock later commits on PostgreSQL). The value is the largest position committed here.
    /// Commits by other processes do not fire it, so readers should also poll now and then.
    pub fn subscribe(&self) -> watch::Receiver<Position> {
        self.inner.committed.subscribe()
    }

    /// Per chapter, the number (in the chapter's own sequence, ADR 19) of the newest event this process
    /// committed for it; changes whenever this process commits events of some chapter (a subscriber looks at
    /// its own chapter's entry and ignores the rest). Like [`Store::subscribe`], commits by other processes
    /// do not show here.
    pub fn subscribe_chapters(&self) -> watch::Receiver<HashMap<String, u64>> {
        self.inner.chapter_heads.subscribe()
    }

    /// Appends to one or more streams atomically: either every stream is at its expected version and all
    /// events are stored, or nothing is.
    ///
    /// Concurrent appends are group-committed: each waits in a queue, and whoever holds a writer slot takes
    /// everything queued and writes it in one transaction (one multi-row INSERT, one commit), checking every
    /// append's expected versions on its own. An append that conflicts fails alone with
    /// [`StoreError::Conflict`]; the others of its group commit. Each caller hears its own result only after
    /// the commit is durable.
    pub async fn append(&self, batch: Vec<StreamAppend>) -> Result<Vec<AppendedEvent>, StoreError> {
        let _in_flight = self.inner.appends.enter();
        let (reply, mut answer) = oneshot::channel();
        let chapters: Vec<String> = batch
            .iter()
            .flat_map(|append| &append.events)
            .filter_map(|event| event.metadata.get(domain::context::CHAPTER))
            .collect::<BTreeSet<&String>>()
            .into_iter()
            .cloned()
            .collect();
        self.queue().appends.push_back(PendingAppend {
            batch,
            chapters,
            reply,
        });
        loop {
            // Registered before the queue is looked at, so a group that ends in between still wakes us.
            let group_done = self.inner.group_done.notified();
            tokio::pin!(group_done);
            group_done.as_mut().enable();
            tokio::select! {
                biased;
                result = &mut answer => return result.unwrap_or_else(|_| Err(writer_gone())),
                permit = self.inner.writers.clone().acquire_owned() => {
                    let Ok(permit) = permit else {
                        return Err(writer_gone());
                    };
                    let (group, chapters) = self.take_group();
                    if group.is_empty() {
                        // Our append was taken into a group that is being written (its writer answers), or
                        // its chapter is being written (it goes in a group when that one is done).
                        drop(permit);
                        tokio::select! {
                            biased;
                            result = &mut answer => return result.unwrap_or_else(|_| Err(writer_gone())),
                            () = group_done => continue,
                        }
                    }
                    // The group is written on its own task, so a caller that goes away (a dropped request)
                    // cannot abort a transaction that carries other callers' appends.
                    let store = self.clone();
                    tokio::spawn(async move {
                        let writing = Writing { store: &store, chapters };
                        store.write_group(group).await;
                        drop(writing);
                        drop(permit);
                    });
                }
            }
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.inner
            .queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The queued appends for one transaction: at least one if any is queued whose chapters no group is
    /// writing, then more of those while they fit; and the chapters of the group, now marked as written.
    fn take_group(&self) -> (Vec<PendingAppend>, Vec<String>) {
        let mut queue = self.queue();
        let Queue { appends, writing } = &mut *queue;
        let mut group = Vec::new();
        let mut events = 0;
        let mut index = 0;
        while let Some(next) = appends.get(index) {
            if next
                .chapters
                .iter()
                .any(|chapter| writing.contains(chapter))
            {
                index += 1;
                continue;
            }
            let size: usize = next
                .batch
                .iter()
                .map(|append| append.events.len().max(1))
                .sum();
            if !group.is_empty() && (events + size > GROUP_EVENTS || group.len() >= GROUP_APPENDS) {
                break;
            }
            events += size;
            group.extend(appends.remove(index));
        }
        let chapters: Vec<String> = group
            .iter()
            .flat_map(|pending: &PendingAppend| &pending.chapters)
            .collect::<BTreeSet<&String>>()
            .into_iter()
            .cloned()
            .collect();
        writing.extend(chapters.iter().cloned());
        (group, chapters)
    }

    /// Writes one group and answers each of its callers.
    async fn write_group(&self, group: Vec<PendingAppend>) {
        // A caller that is gone will never hear the result; not writing its append is what it would
        // expect of a request it abandoned.
        let group: Vec<PendingAppend> = group
            .into_iter()
            .filter(|pending| !pending.reply.is_closed())
            .collect();
        if group.is_empty() {
            return;
        }
        let batches: Vec<&[StreamAppend]> =
            group.iter().map(|pending| &pending.batch[..]).collect();
        let results = match self.write_batches(&batches).await {
            Ok(results) => results,
            Err(error) if batches.len() == 1 => vec![Err(error)],
            // Another writer (another group, another process) took a version this group wanted, or the
            // transaction failed for a reason no single append can be blamed for: each append on its own.
            Err(error) => {
                tracing::debug!(%error, appends = batches.len(), "group commit failed; writing its appends one by one");
                let mut results = Vec::with_capacity(batches.len());
                for batch in &batches {
                    results.push(match self.write_batches(&[*batch]).await {
                        Ok(mut one) => one.pop().unwrap_or_else(|| Err(writer_gone())),
                        Err(error) => Err(error),
                    });
                }
                results
            }
        };
        let mut answers = Vec::with_capacity(results.len());
        for (batch, result) in batches.iter().zip(results) {
            answers.push(self.explain_conflict(batch, result).await);
        }
        let newest = answers
            .iter()
            .filter_map(|result| result.as_ref().ok())
            .flatten()
            .map(|event| event.position)
            .max();
        // Fires whether or not anything committed: a rolled-back transaction can unblock later commits.
        self.inner.committed.send_modify(|position| {
            if let Some(newest) = newest {
                *position = (*position).max(newest);
            }
        });
        let mut chapters: HashMap<&str, u64> = HashMap::new();
        for (batch, answer) in batches.iter().zip(&answers) {
            let Ok(appended) = answer else { continue };
            // `appended` follows the batch's appends and their events in order.
            let metadata = batch.iter().flat_map(|append| &append.events);
            for (event, appended) in metadata.zip(appended) {
                if let (Some(chapter), Some(number)) = (
                    event.metadata.get(domain::context::CHAPTER),
                    appended.chapter_position,
                ) {
                    let newest = chapters.entry(chapter).or_insert(number);
                    *newest = (*newest).max(number);
                }
            }
        }
        if !chapters.is_empty() {
            self.inner.chapter_heads.send_modify(|heads| {
                for (chapter, newest) in chapters {
                    let head = heads.entry(chapter.to_string()).or_insert(newest);
                    *head = (*head).max(newest);
                }
            });
        }
        for (pending, answer) in group.into_iter().zip(answers) {
            let _ = pending.reply.send(answer);
        }
    }

    /// A unique violation tells us someone else won, not which stream or where it is now: look it up.
    async fn explain_conflict(
        &self,
        batch: &[StreamAppend],
        result: Result<Vec<AppendedEvent>, StoreError>,
    ) -> Result<Vec<AppendedEvent>, StoreError> {
        match result {
            Err(error) if is_unique_violation(&error) => {
                for append in batch {
                    let actual = self
                        .stream_version(&append.stream_type, &append.stream_id)
                        .await?;
                    if actual != append.expected_version {
                        return Err(StoreError::Conflict {
                            stream: append.stream_name(),
                            expected: append.expected_version,
                            actual,
                        });
                    }
                }
                let first = batch.first();
                Err(StoreError::Conflict {
                    stream: first.map(StreamAppend::stream_name).unwrap_or_default(),
                    expected: first.map_or(0, |append| append.expected_version),
                    actual: first.map_or(0, |append| append.expected_version),
                })
            }
            other => other,
        }
    }

    /// Writes several independent appends in one transaction. The outer error fails them all (nothing was
    /// written); an inner error fails one append alone (a conflict, a forgotten person, an invalid batch).
    async fn write_batches(
        &self,
        batches: &[&[StreamAppend]],
    ) -> Result<Vec<Result<Vec<AppendedEvent>, StoreError>>, StoreError> {
        let mut results: Vec<Option<Result<Vec<AppendedEvent>, StoreError>>> = batches
            .iter()
            .map(|batch| check_batch(batch).err().map(Err))
            .collect();
        // Every stream named by a well-formed append, in name order.
        let mut streams: BTreeSet<(&str, &str)> = BTreeSet::new();
        let mut subjects: BTreeSet<Uuid> = BTreeSet::new();
        for (batch, result) in batches.iter().zip(&results) {
            if result.is_some() {
                continue;
            }
            for append in batch.iter() {
                streams.insert((append.stream_type.as_str(), append.stream_id.as_str()));
                if let Some(person) = append.data_subject.filter(|_| append_needs_key(append)) {
                    subjects.insert(person);
                }
            }
        }
        // Every chapter the well-formed appends write to, in name order (the order their locks are taken).
        let chapters: Vec<&str> = batches
            .iter()
            .zip(&results)
            .filter(|(_, result)| result.is_none())
            .flat_map(|(batch, _)| batch.iter().flat_map(|append| &append.events))
            .filter_map(|event| event.metadata.get(domain::context::CHAPTER))
            .map(String::as_str)
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .collect();
        // Keys and sealing come first, outside the transaction: on PostgreSQL a chapter's lock is held from
        // before the transaction id to the commit (ADR 19), and an import's thousands of events would
        // otherwise be sealed while the chapter's next group waits. What they assumed (no subject forgotten,
        // no key stored by someone else meanwhile) is checked under the lock below.
        let mut prepared = self.prepare_keys(&subjects).await?;
        let mut sealed: Vec<Option<SealedBatch>> = batches
            .iter()
            .zip(&results)
            .map(|(batch, result)| result.is_none().then(|| seal_batch(batch, &prepared.keys)))
            .collect();
        let writer = self.writer_turn().await;
        let mut tx = self.inner.batch_db.begin().await?;
        let at = now();
        // The chapters' locks come before the transaction id (ADR 19): a chapter's next append gets a larger
        // id than this one, so each chapter's numbers follow the global order. Which data subjects are
        // forgotten comes with the state.
        backend::lock_chapters(&mut tx, &chapters).await?;
        let mut versions: HashMap<(String, String), u64> = HashMap::new();
        let streams: Vec<(&str, &str)> = streams.iter().copied().collect();
        let subject_ids: Vec<String> = subjects.iter().map(Uuid::to_string).collect();
        let backend::WriteState {
            tx_id,
            versions: stream_versions,
            chapters: mut chapter_numbers,
            forgotten,
        } = backend::write_state(&mut tx, &streams, &chapters, &subject_ids).await?;
        for (stream, version) in stream_versions {
            versions.insert(stream, backend::to_u64(version, "stream version")?);
        }
        let forgotten: HashSet<Uuid> = forgotten
            .iter()
            .map(|person| parse_person(person))
            .collect::<Result<_, _>>()?;
        // The fresh keys of people not forgotten go in, in person order (two transactions touching the same
        // rows lock them in the same order, so they queue instead of deadlocking). A concurrent writer may
        // have stored some first: for those, whatever is stored is the key, and their appends are sealed
        // again with it.
        let mut new_keys = Vec::new();
        let mut resealed: HashSet<Uuid> = HashSet::new();
        let missing: Vec<(String, Vec<u8>)> = std::mem::take(&mut prepared.fresh)
            .into_iter()
            .filter(|(person, _)| !forgotten.contains(person))
            .map(|(person, wrapped)| (person.to_string(), wrapped))
            .collect();
        if !missing.is_empty() {
            let mut lost: BTreeSet<String> =
                missing.iter().map(|(person, _)| person.clone()).collect();
            for person in backend::insert_keys(&mut tx, missing, at).await? {
                lost.remove(&person);
            }
            let lost: Vec<String> = lost.into_iter().collect();
            // A key that is neither ours nor stored (forgotten just now) seals nothing.
            for person in &lost {
                let person = parse_person(person)?;
                prepared.keys.remove(&person);
                resealed.insert(person);
            }
            for (person, wrapped) in backend::wrapped_keys(&mut tx, &lost).await? {
                let person = parse_person(&person)?;
                let key = Arc::new(crypto::unwrap_key(&self.inner.master, person, &wrapped)?);
                prepared.keys.insert(person, key);
            }
        }
        for (person, key) in &prepared.keys {
            if !forgotten.contains(person) && !prepared.cached.contains(person) {
                new_keys.push((*person, key.clone()));
            }
        }
        // Each append on its own, in queue order: versions move as earlier appends are accepted.
        let mut accepted: Vec<(usize, Vec<(usize, SealedAppend)>)> = Vec::new();
        for (index, batch) in batches.iter().enumerate() {
            let Some(mut seal) = sealed[index].take() else {
                continue;
            };
            if let Err(error) = check_append(batch, &versions, &forgotten) {
                results[index] = Some(Err(error));
                continue;
            }
            if batch.iter().any(|append| {
                append
                    .data_subject
                    .is_some_and(|person| resealed.contains(&person))
            }) {
                seal = seal_batch(batch, &prepared.keys);
            }
            match seal {
                Ok(sealed) => {
                    for (_, append) in &sealed {
                        versions.insert(
                            (append.stream_type.clone(), append.stream_id.clone()),
                            append.expected_version + append.events.len() as u64,
                        );
                    }
                    accepted.push((index, sealed));
                }
                Err(error) => results[index] = Some(Err(error)),
            }
        }
        // One multi-row insert for the whole group, in stream-name order (a consistent lock order again),
        // each stream's events in version order. The stored text moves into the insert; only the counts
        // and names stay behind for the answers.
        let mut rows = Vec::new();
        for (index, sealed) in &mut accepted {
            for (append_index, append) in sealed.iter_mut() {
                for (offset, event) in append.events.iter_mut().enumerate() {
                    rows.push((
                        (*index, *append_index, offset),
                        backend::EventInsert {
                            stream_type: append.stream_type.clone(),
                            stream_id: append.stream_id.clone(),
                            stream_version: backend::to_i64(
                                append.expected_version + offset as u64 + 1,
                                "stream version",
                            )?,
                            event_type: std::mem::take(&mut event.event_type),
                            schema_version: i64::from(event.schema_version),
                            data_subject: append.data_subject.clone(),
                            payload: std::mem::take(&mut event.payload),
                            metadata: std::mem::take(&mut event.metadata),
                            chapter: batches[*index]
                                .get(*append_index)
                                .and_then(|original| original.events.get(offset))
                                .and_then(|original| {
                                    original.metadata.get(domain::context::CHAPTER)
                                })
                                .cloned(),
                            chapter_position: None,
                        },
                    ));
                }
            }
        }
        rows.sort_by(|a, b| {
            (&a.1.stream_type, &a.1.stream_id, a.1.stream_version).cmp(&(
                &b.1.stream_type,
                &b.1.stream_id,
                b.1.stream_version,
            ))
        });
        // Each chapter's next numbers, in insertion order (which is the order of the positions the insert
        // gives them; checked below).
        for (_, row) in &mut rows {
            if let Some(chapter) = &row.chapter {
                let newest = chapter_numbers.entry(chapter.clone()).or_insert(0);
                *newest += 1;
                row.chapter_position = Some(*newest);
            }
        }
        let (places, inserts): (Vec<(usize, usize, usize)>, Vec<backend::EventInsert>) =
            rows.into_iter().unzip();
        let numbered: Vec<(Option<String>, Option<i64>)> = inserts
            .iter()
            .map(|row| (row.chapter.clone(), row.chapter_position))
            .collect();
        let positions = backend::insert_events(&mut tx, tx_id, at, inserts).await?;
        check_chapter_order(&numbered, &positions)?;
        // An append that forgets its data subject destroys their key in this same transaction (ADR 3): the
        // log never says "forgotten" while the key still opens their data, whatever crashes when. Done before
        // the snapshots, so a snapshot written with the forgetting (it holds no personal data) stays.
        let mut forgotten_now = Vec::new();
        for (_, sealed) in &accepted {
            for (_, append) in sealed {
                if let Some(person) = append.forgets {
                    backend::forget_in(&mut tx, person, at, Some(tx_id)).await?;
                    forgotten_now.push(person);
                }
            }
        }
        for (_, sealed) in &accepted {
            for (_, append) in sealed {
                if let Some((snapshot_version, state)) = &append.snapshot {
                    let snapshot = backend::SnapshotWrite {
                        stream_type: &append.stream_type,
                        stream_id: &append.stream_id,
                        snapshot_version: *snapshot_version,
                        version: backend::to_i64(
                            append.expected_version + append.events.len() as u64,
                            "stream version",
                        )?,
                        data_subject: append.data_subject.as_deref(),
                        state,
                    };
                    backend::write_snapshot(&mut tx, &snapshot, at).await?;
                }
            }
        }
        tx.commit().await?;
        drop(writer);
        // Only keys that are durably stored may be cached: a key cached from a rolled-back transaction
        // would seal data that nobody could ever open again.
        {
            let mut cache = self
                .inner
                .keys
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let capacity = self.inner.options.key_cache;
            for (person, key) in new_keys {
                insert_capped(&mut cache, capacity, person, CachedKey::Present(key));
            }
        }
        if !forgotten_now.is_empty() {
            self.forgotten_here(&forgotten_now);
            // The forgetting is committed; scrubbing the freed bytes is best effort (it warns itself when a
            // reader keeps SQLite's log busy) and must not turn a committed command into an error.
            if let Err(error) = backend::scrub_after_forget(&self.inner.db).await {
                tracing::warn!(%error, "the database files could not be scrubbed after forgetting");
            }
        }
        let mut position_of: HashMap<(usize, usize, usize), (i64, Option<i64>)> = places
            .into_iter()
            .zip(
                positions
                    .into_iter()
                    .zip(numbered.into_iter().map(|(_, n)| n)),
            )
            .collect();
        for (index, sealed) in accepted {
            let mut appended = Vec::new();
            for (append_index, append) in sealed {
                for offset in 0..append.events.len() {
                    let (position, chapter_position) = position_of
                        .remove(&(index, append_index, offset))
                        .ok_or_else(|| {
                            StoreError::Database(sqlx::Error::Protocol(
                                "an inserted event has no position".into(),
                            ))
                        })?;
                    appended.push(AppendedEvent {
                        stream_type: append.stream_type.clone(),
                        stream_id: append.stream_id.clone(),
                        stream_version: append.expected_version + offset as u64 + 1,
                        position: Position {
                            tx: tx_id,
                            position,
                        },
                        chapter_position: chapter_position
                            .map(|number| backend::to_u64(number, "chapter position"))
                            .transpose()?,
                    });
                }
            }
            results[index] = Some(Ok(appended));
        }
        Ok(results
            .into_iter()
            .map(|result| result.unwrap_or_else(|| Err(writer_gone())))
            .collect())
    }

    fn cached_aggregates(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(&'static str, String), CachedAggregate>> {
        self.inner
            .aggregates
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many aggregates this process holds in its cache (at most `StoreOptions::aggregate_cache`). For
    /// tests and diagnostics: the bounds of the in-process caches are checked through it.
    pub fn aggregate_cache_len(&self) -> usize {
        self.cached_aggregates().len()
    }

    /// How many people's keys (or destroyed keys) this process holds (at most `StoreOptions::key_cache`).
    pub fn key_cache_len(&self) -> usize {
        self.inner
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    /// Whether this process holds a cached state of the stream.
    pub(crate) fn holds_aggregate(&self, stream_type: &'static str, stream_id: &str) -> bool {
        self.inner.options.aggregate_cache > 0
            && self
                .cached_aggregates()
                .contains_key(&(stream_type, stream_id.to_string()))
    }

    /// The cached state of a stream, if this process holds one.
    pub(crate) fn cached_aggregate(
        &self,
        stream_type: &'static str,
        stream_id: &str,
    ) -> Option<CachedAggregate> {
        if self.inner.options.aggregate_cache == 0 {
            return None;
        }
        self.cached_aggregates()
            .get(&(stream_type, stream_id.to_string()))
            .cloned()
    }

    /// Remembers a stream's state at `version` (only ever moving an entry forward). When the cache is
    /// full an arbitrary entry makes room: unlike least-recently-used, that keeps most of a working set
    /// that is cycled through and slightly too large, instead of evicting each entry just before its use.
    ///
    /// With `admit` false the state only moves an entry this process already holds forward and never takes
    /// a new place: bulk writers (an import of 100,000 new people) keep the cache for the people commands
    /// are working on instead of filling it with everyone they touched once.
    pub(crate) fn remember_aggregate(
        &self,
        stream_type: &'static str,
        stream_id: &str,
        cached: CachedAggregate,
        admit: bool,
    ) {
        let capacity = self.inner.options.aggregate_cache;
        if capacity == 0 || cached.version == 0 {
            return;
        }
        let mut cache = self.cached_aggregates();
        let key = (stream_type, stream_id.to_string());
        match cache.get_mut(&key) {
            Some(existing) => {
                if existing.version < cached.version {
                    *existing = cached;
                }
            }
            None if !admit => {}
            None => {
                if cache.len() >= capacity {
                    if let Some(victim) = cache.keys().next().cloned() {
                        cache.remove(&victim);
                    }
                }
                cache.insert(key, cached);
            }
        }
    }

    /// The keys of `subjects` for sealing, read before the write's transaction: from this process's cache,
    /// else from `person_keys`, else fresh (generated and wrapped here, stored by the write). A forgotten
    /// person may be among them; the write leaves their appends and keys out.
    async fn prepare_keys(&self, subjects: &BTreeSet<Uuid>) -> Result<PreparedKeys, StoreError> {
        let mut prepared = PreparedKeys::default();
        let mut uncached = Vec::new();
        for person in subjects {
            match self.cached_key(*person) {
                Some(CachedKey::Present(key)) => {
                    prepared.keys.insert(*person, key);
                    prepared.cached.insert(*person);
                }
                _ => uncached.push(person.to_string()),
            }
        }
        if uncached.is_empty() {
            return Ok(prepared);
        }
        let stored = {
            let mut read = self.inner.db.begin_snapshot().await?;
            let stored = backend::wrapped_keys(&mut read, &uncached).await?;
            read.rollback().await?;
            stored
        };
        let mut stored: HashMap<String, Vec<u8>> = stored.into_iter().collect();
        for person in uncached {
            let id = parse_person(&person)?;
            let key = match stored.remove(&person) {
                Some(wrapped) => crypto::unwrap_key(&self.inner.master, id, &wrapped)?,
                None => {
                    let fresh = DataKey::generate();
                    prepared
                        .fresh
                        .push((id, crypto::wrap_key(&self.inner.master, id, &fresh)?));
                    fresh
                }
            };
            prepared.keys.insert(id, Arc::new(key));
        }
        Ok(prepared)
    }

    fn cached_key(&self, person: Uuid) -> Option<CachedKey> {
        let cache = self
            .inner
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.get(&person).cloned()
    }

    /// The keys that open the sealed values of `subjects` (`None` once destroyed), checked against the
    /// database. Another process (a server, the command line) may forget a person at any moment: their key is
    /// gone from `person_keys` the moment the forgetting commits, so a key this process holds in memory is
    /// used only while it is still stored, and a read that starts after the forgetting committed never opens
    /// their data. A destroyed key is remembered: it never comes back.
    ///
    /// `stored` says, for subjects whose rows were read with `backend::SUBJECT_KEY`, whether their key was
    /// still stored in the very statement that read the rows: a key held in memory is then used without
    /// asking again, and a missing one is known destroyed. Only the others are looked up (one query).
    async fn keys_for_reading(
        &self,
        subjects: &BTreeSet<Uuid>,
        stored: &HashMap<Uuid, bool>,
    ) -> Result<HashMap<Uuid, Option<Arc<DataKey>>>, StoreError> {
        let mut keys = HashMap::with_capacity(subjects.len());
        let mut ask = Vec::new();
        let mut destroyed = Vec::new();
        for person in subjects {
            match (self.cached_key(*person), stored.get(person).copied()) {
                (Some(CachedKey::Forgotten), _) => {
                    keys.insert(*person, None);
                }
                // Their data is sealed, so they had a key: it was destroyed, for good.
                (_, Some(false)) => {
                    keys.insert(*person, None);
                    destroyed.push(*person);
                }
                (Some(CachedKey::Present(key)), Some(true)) => {
                    keys.insert(*person, Some(key));
                }
                _ => ask.push(person.to_string()),
            }
        }
        let found: HashMap<String, Vec<u8>> = if ask.is_empty() {
            HashMap::new()
        } else {
            backend::keys_among(&self.inner.db, &ask)
                .await?
                .into_iter()
                .collect()
        };
        let mut cache: Vec<(Uuid, CachedKey)> = destroyed
            .into_iter()
            .map(|person| (person, CachedKey::Forgotten))
            .collect();
        for person in ask {
            let id = parse_person(&person)?;
            let entry = match found.get(&person) {
                Some(wrapped) => match self.cached_key(id) {
                    Some(CachedKey::Present(key)) => CachedKey::Present(key),
                    _ => CachedKey::Present(Arc::new(crypto::unwrap_key(
                        &self.inner.master,
                        id,
                        wrapped,
                    )?)),
                },
                // Their data is sealed, so they had a key: it was destroyed, for good.
                None => CachedKey::Forgotten,
            };
            keys.insert(
                id,
                match &entry {
                    CachedKey::Present(key) => Some(key.clone()),
                    CachedKey::Forgotten => None,
                },
            );
            cache.push((id, entry));
        }
        if !cache.is_empty() {
            let mut cached = self
                .inner
                .keys
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let capacity = self.inner.options.key_cache;
            for (person, entry) in cache {
                insert_capped(&mut cached, capacity, person, entry);
            }
        }
        Ok(keys)
    }

    /// Opens stored JSON texts (event payloads, snapshot states), each with its data subject, fetching
    /// the keys of the subjects that have sealed values, where the read did not already check them, in one
    /// query.
    async fn open_texts(&self, texts: Vec<StoredText<'_>>) -> Result<Vec<Value>, StoreError> {
        let mut parsed = Vec::with_capacity(texts.len());
        let mut subjects = BTreeSet::new();
        let mut stored = HashMap::new();
        for stored_text in texts {
            let location = stored_text.location;
            let value: Value = serde_json::from_str(stored_text.text).map_err(|source| {
                StoreError::Deserialize {
                    what: location.describe(),
                    source,
                }
            })?;
            let sealed = crypto::has_sealed(&value);
            let subject = stored_text.data_subject.map(parse_person).transpose()?;
            if sealed {
                if let Some(person) = subject {
                    subjects.insert(person);
                    if let Some(present) = stored_text.subject_key {
                        stored.insert(person, present);
                    }
                }
            }
            parsed.push((value, sealed, subject, location));
        }
        let keys = self.keys_for_reading(&subjects, &stored).await?;
        let mut opened = Vec::with_capacity(parsed.len());
        for (mut value, sealed, subject, location) in parsed {
            if sealed {
                let subject = subject
                    .map(|person| (person, keys.get(&person).and_then(|key| key.as_deref())));
                crypto::open_json(&mut value, subject, &|| location.describe())?;
            }
            opened.push(value);
        }
        Ok(opened)
    }

    fn recorded(row: StoredRow, payload: Value) -> Result<RecordedEvent, StoreError> {
        let metadata: HashMap<String, String> =
            serde_json::from_str(&row.metadata).map_err(|source| StoreError::Deserialize {
                what: format!("metadata of event at position {}", row.position),
                source,
            })?;
        let data_subject = row.data_subject.as_deref().map(parse_person).transpose()?;
        Ok(RecordedEvent {
            position: Position {
                tx: row.tx_id,
                position: row.position,
            },
            stream_version: backend::to_u64(row.stream_version, "stream version")?,
            schema_version: u32::try_from(row.schema_version).map_err(|_| {
                StoreError::Database(sqlx::Error::Decode(
                    format!("schema version {} out of range", row.schema_version).into(),
                ))
            })?,
            stream_type: row.stream_type,
            stream_id: row.stream_id,
            event_type: row.event_type,
            data_subject,
            recorded_at: row.recorded_at,
            stored_payload: row.payload,
            stored_metadata: row.metadata,
            payload,
            metadata,
            chapter_position: row
                .chapter_position
                .map(|number| backend::to_u64(number, "chapter position"))
                .transpose()?,
        })
    }

    /// Opens stored rows (and a snapshot's state with them), with at most one key look-up for all of them.
    async fn open_rows_and(
        &self,
        rows: Vec<StoredRow>,
        snapshot: Option<StoredText<'_>>,
    ) -> Result<(Option<Value>, Vec<RecordedEvent>), StoreError> {
        let mut texts: Vec<StoredText<'_>> = Vec::with_capacity(rows.len() + 1);
        let has_snapshot = snapshot.is_some();
        if let Some(snapshot) = snapshot {
            texts.push(snapshot);
        }
        for row in &rows {
            texts.push(StoredText {
                text: &row.payload,
                data_subject: row.data_subject.as_deref(),
                subject_key: row.subject_key,
                location: TextLocation::Event(row.position),
            });
        }
        let mut opened = self.open_texts(texts).await?.into_iter();
        let state = if has_snapshot { opened.next() } else { None };
        let mut events = Vec::with_capacity(rows.len());
        for (row, payload) in rows.into_iter().zip(opened) {
            events.push(Self::recorded(row, payload)?);
        }
        Ok((state, events))
    }

    async fn open_rows(&self, rows: Vec<StoredRow>) -> Result<Vec<RecordedEvent>, StoreError> {
        Ok(self.open_rows_and(rows, None).await?.1)
    }

    /// Up to `limit` events strictly after `after`, in global order. On PostgreSQL this only returns events
    /// of transactions older than every transaction still running, so a reader that remembers the last
    /// position it saw never misses an event that commits late.
    pub async fn read_all(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read_all_passing(after, limit, &[]).await
    }

    /// As [`Store::read_all`], for a reader that knows some running transactions never append events (a
    /// projection runner's own batch transactions, by their `pg_current_xact_id()`): on PostgreSQL they do
    /// not hold the visibility horizon back (ADR 2). Naming a transaction that does append would let the
    /// reader skip its events: only ever name transactions of code that cannot append.
    pub async fn read_all_passing(
        &self,
        after: Position,
        limit: u32,
        not_appending: &[i64],
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let limit = i64::from(limit);
        let db = &self.inner.db;
        let full = self.full_look_due();
        let mut rows =
            backend::read_all(db, after.tx, after.position, limit, not_appending, full).await?;
        if !full && db.kind() == BackendKind::Postgres && rows.len() < limit as usize {
            // Short of what this process has committed: perhaps a transaction of another database holds
            // the horizon back. Look past those now, unless that was done a moment ago.
            let reached = rows.last().map_or(after, |row| Position {
                tx: row.tx_id,
                position: row.position,
            });
            if reached < *self.inner.committed.borrow() && self.full_look_due() {
                rows = backend::read_all(db, after.tx, after.position, limit, not_appending, true)
                    .await?;
            }
        }
        self.open_rows(rows).await
    }

    /// Whether a catch-up read on PostgreSQL should pass the running transactions of other databases
    /// (`backend::visible_filter`) now: at most once per `FULL_LOOK_EVERY`, so a transaction of another
    /// database holds this process's readers back for at most that long, and the other reads spare
    /// themselves `pg_stat_activity`.
    fn full_look_due(&self) -> bool {
        let mut next = self
            .inner
            .next_full_look
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = std::time::Instant::now();
        if now < *next {
            return false;
        }
        *next = now + FULL_LOOK_EVERY;
        true
    }

    /// Where the next event after `after` sits and what it is, without opening it (as
    /// [`Store::read_all_passing`] would hand it out next): for a reader that could not open it (its
    /// payload is not JSON, a sealed value is corrupt) and must still name it to pass over it.
    pub async fn peek_after(
        &self,
        after: Position,
        not_appending: &[i64],
    ) -> Result<Option<UnopenedEvent>, StoreError> {
        let rows = backend::read_all(
            &self.inner.db,
            after.tx,
            after.position,
            1,
            not_appending,
            true,
        )
        .await?;
        Ok(rows.into_iter().next().map(|row| UnopenedEvent {
            position: Position {
                tx: row.tx_id,
                position: row.position,
            },
            stream_type: row.stream_type,
            stream_id: row.stream_id,
            event_type: row.event_type,
            metadata: serde_json::from_str(&row.metadata).ok(),
        }))
    }

    /// The events of one stream after `after_version`, in stream order.
    pub async fn read_stream(
        &self,
        stream_type: &str,
        stream_id: &str,
        after_version: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let after = backend::to_i64(after_version, "stream version")?;
        let rows = backend::read_stream(&self.inner.db, stream_type, stream_id, after).await?;
        self.open_rows(rows).await
    }

    /// The newest committed event in global order, whether or not `read_all` may hand it out yet (on
    /// PostgreSQL it waits for older transactions anywhere in the cluster to finish). A reader that has
    /// reached `head()` is caught up; tests and "read your writes" waits use this.
    pub async fn head(&self) -> Result<Position, StoreError> {
        let head = backend::head(&self.inner.db).await?;
        Ok(head.map_or(Position::START, |(tx, position)| Position { tx, position }))
    }

    /// The number of the newest committed event of one chapter (the events whose `chapter` metadata names
    /// it) in the chapter's own sequence, by any process; 0 when it has none. It moves only when that
    /// chapter's events commit, by one per event, so it tells nothing of other chapters' activity
    /// (docs/adr/0018, docs/adr/0019).
    pub async fn chapter_head(&self, chapter: &str) -> Result<u64, StoreError> {
        match backend::chapter_head(&self.inner.db, chapter).await? {
            Some((_, _, number)) => backend::to_u64(number, "chapter position"),
            None => Ok(0),
        }
    }

    /// How far a reader at global position `at` has come in `chapter`'s own sequence: the number of the
    /// chapter's newest event at or before `at` (0 when none). A chapter's numbers follow the global order
    /// and have no gaps, so every event of the chapter up to that number is at or before `at` too, and the
    /// number is found by looking up numbers (`events_by_chapter_position`): the head alone for a reader
    /// that has caught up, else steps back from the head that double in length, then halving, so a reader
    /// far behind costs a few dozen look-ups, not a walk over what it has not read.
    pub async fn chapter_position_at(
        &self,
        chapter: &str,
        at: Position,
    ) -> Result<u64, StoreError> {
        let db = &self.inner.db;
        let Some((tx, position, head)) = backend::chapter_head(db, chapter).await? else {
            return Ok(0);
        };
        if (Position { tx, position }) <= at {
            return backend::to_u64(head, "chapter position");
        }
        let at_or_before = |number: i64| async move {
            match backend::chapter_event(db, chapter, number).await? {
                Some((tx, position, _)) => Ok(Position { tx, position } <= at),
                None => Err(StoreError::Database(sqlx::Error::Protocol(format!(
                    "chapter {chapter} has no event number {number} below its head"
                )))),
            }
        };
        // `after` is a number after `at`; `before` is at or before it (0: none is).
        let (mut before, mut after, mut step) = (0, head, 1);
        while after - step >= 1 {
            if at_or_before(after - step).await? {
                before = after - step;
                break;
            }
            after -= step;
            step *= 2;
        }
        while after - before > 1 {
            let middle = before + (after - before) / 2;
            if at_or_before(middle).await? {
                before = middle;
            } else {
                after = middle;
            }
        }
        backend::to_u64(before, "chapter position")
    }

    /// Event number `number` of `chapter`: its place in the global order and when it was recorded. This
    /// maps a chapter's position, as its callers see it, back to the log (ADR 19).
    pub async fn chapter_event(
        &self,
        chapter: &str,
        number: u64,
    ) -> Result<Option<(Position, DateTime<Utc>)>, StoreError> {
        let number = backend::to_i64(number, "chapter position")?;
        Ok(backend::chapter_event(&self.inner.db, chapter, number)
            .await?
            .map(|(tx, position, at)| (Position { tx, position }, at)))
    }

    /// [`Self::read_stream`] of `stream` (type and id) and [`Self::stream_head`] of `beside`, in one round
    /// trip: for a reader that replays one stream against another (a person's history against their
    /// campaign's changes). The head is `None` when `beside` has no events, and also when `stream` has none
    /// after `after_version` (no row to carry it).
    pub async fn read_stream_beside_head(
        &self,
        stream: (&str, &str),
        after_version: u64,
        beside: (&str, &str),
    ) -> Result<(Vec<RecordedEvent>, Option<Position>), StoreError> {
        let after = backend::to_i64(after_version, "stream version")?;
        let (rows, head) =
            backend::read_stream_beside_head(&self.inner.db, stream, after, beside).await?;
        Ok((
            self.open_rows(rows).await?,
            head.map(|(tx, position)| Position { tx, position }),
        ))
    }

    /// Where a stream's newest event sits in the log; `None` for a stream without events. One query,
    /// nothing opened.
    pub async fn stream_head(
        &self,
        stream_type: &str,
        stream_id: &str,
    ) -> Result<Option<Position>, StoreError> {
        Ok(backend::stream_head(&self.inner.db, stream_type, stream_id)
            .await?
            .map(|(tx, position)| Position { tx, position }))
    }

    /// The current version of a stream (0 if it has no events).
    pub async fn stream_version(
        &self,
        stream_type: &str,
        stream_id: &str,
    ) -> Result<u64, StoreError> {
        let version = backend::stream_version(&self.inner.db, stream_type, stream_id).await?;
        backend::to_u64(version, "stream version")
    }

    /// The opened snapshot (state and version) of a stream with this format version, if any is newer than
    /// `after_version`, and the events after it (or after `after_version`), in one round trip. A caller
    /// that already holds the state at `after_version` passes it; 0 loads from the newest snapshot.
    pub(crate) async fn load_latest(
        &self,
        stream_type: &str,
        stream_id: &str,
        snapshot_version: u32,
        after_version: u64,
    ) -> Result<(Option<(u64, Value)>, Vec<RecordedEvent>), StoreError> {
        let snapshot_version = i64::from(snapshot_version);
        let after = backend::to_i64(after_version, "stream version")?;
        let (stored, rows) = backend::load_latest(
            &self.inner.db,
            stream_type,
            stream_id,
            snapshot_version,
            after,
        )
        .await?;
        let (state, events) = self
            .open_rows_and(
                rows,
                stored.as_ref().map(|stored| StoredText {
                    text: stored.state.as_str(),
                    data_subject: stored.data_subject.as_deref(),
                    subject_key: stored.subject_key,
                    location: TextLocation::Snapshot {
                        stream_type,
                        stream_id,
                    },
                }),
            )
            .await?;
        let snapshot = match (stored, state) {
            (Some(stored), Some(state)) => {
                Some((backend::to_u64(stored.version, "snapshot version")?, state))
            }
            _ => None,
        };
        Ok((snapshot, events))
    }

    /// Crypto-shreds a person: destroys their data key and the snapshots of their streams, and remembers
    /// them as forgotten so no new key is ever made for them. Their events stay (the log is append-only)
    /// but every personal value in them now reads as `{"$personal": null}`.
    ///
    /// An append that carries the forgetting event (`StreamAppend::forgets_subject`) does all this in its
    /// own transaction; this is for finishing a forgetting that an older version left half done.
    pub async fn forget_person(&self, person: Uuid) -> Result<(), StoreError> {
        let at = now();
        {
            let _writer = self.writer_turn().await;
            backend::forget(&self.inner.db, person, at).await?;
        }
        self.forgotten_here(&[person]);
        Ok(())
    }

    /// Whether forgetting `person` is finished: they are recorded as forgotten and their key is gone.
    pub async fn is_fully_forgotten(&self, person: Uuid) -> Result<bool, StoreError> {
        Ok(backend::is_forgotten(&self.inner.db, person).await?
            && backend::wrapped_key(&self.inner.db, person)
                .await?
                .is_none())
    }

    /// Finishes every forgetting the log records (an `event_type` event on a `stream_type` stream whose id
    /// is its data subject) whose key still exists: a crash of an older version between the event and the
    /// key's destruction left those. Run at start-up; returns who was finished.
    pub async fn finish_forgettings(
        &self,
        stream_type: &str,
        event_type: &str,
    ) -> Result<Vec<Uuid>, StoreError> {
        let unfinished =
            backend::unfinished_forgettings(&self.inner.db, stream_type, event_type).await?;
        let mut finished = Vec::with_capacity(unfinished.len());
        for person in unfinished {
            let person = parse_person(&person)?;
            self.forget_person(person).await?;
            tracing::warn!(%person, "finished forgetting a person whose key had survived a crash");
            finished.push(person);
        }
        Ok(finished)
    }

    /// This process's caches after `people` were forgotten: cached states may hold their values in clear
    /// (the next load replays what is left), and their keys are gone for good.
    fn forgotten_here(&self, people: &[Uuid]) {
        self.cached_aggregates().retain(|_, cached| {
            cached
                .data_subject
                .is_none_or(|subject| !people.contains(&subject))
        });
        let mut cache = self
            .inner
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let capacity = self.inner.options.key_cache;
        for person in people {
            insert_capped(&mut cache, capacity, *person, CachedKey::Forgotten);
        }
    }

    /// Writes the whole store as JSON lines (see `export` module docs) from one consistent snapshot.
    pub async fn export(
        &self,
        writer: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<TransferSummary, StoreError> {
        let mut sink = ExportWriter::new(writer);
        backend::export(&self.inner.db, &mut sink).await?;
        Ok(sink.summary)
    }

    /// Loads an export into this store, which must be empty and use the same master key. Positions, tx
    /// ids and versions are kept, so checkpoints taken against the source remain meaningful. Everything
    /// happens in one transaction: a failed import leaves the store empty.
    pub async fn import(
        &self,
        reader: impl AsyncBufRead + Unpin + Send,
    ) -> Result<TransferSummary, StoreError> {
        let mut lines = ImportReader::new(reader, &self.inner.master);
        {
            let _writer = self.writer_turn().await;
            let mut tx = backend::begin_import(&self.inner.db).await?;
            let mut batch = ImportBatch::default();
            loop {
                let line = lines.next().await?;
                let done = line.is_none();
                if let Some(line) = line {
                    batch.push(line);
                }
                if done || batch.is_full() {
                    let ImportBatch {
                        keys,
                        forgotten,
                        events,
                    } = std::mem::take(&mut batch);
                    backend::import_keys(&mut tx, keys).await?;
                    backend::import_forgotten(&mut tx, forgotten).await?;
                    backend::import_events(&mut tx, events).await?;
                }
                if done {
                    break;
                }
            }
            backend::finish_import(tx).await?;
        }
        // Readers that compare what they read with what was committed (the projection runners) learn of
        // the imported events here.
        let head = self.head().await?;
        self.inner
            .committed
            .send_modify(|position| *position = (*position).max(head));
        Ok(lines.summary())
    }
}

fn parse_person(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| {
        StoreError::Database(sqlx::Error::Decode(
            format!("`{text}` is not a person id").into(),
        ))
    })
}

/// What a caller hears if the task writing its group died before answering.
fn writer_gone() -> StoreError {
    StoreError::Database(sqlx::Error::WorkerCrashed)
}

fn is_unique_violation(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(database)) if database.is_unique_violation())
}

/// Checks that each chapter's numbers, given in insertion order, rise with the positions the insert gave
/// the rows. Both databases assign an identity in the order a multi-row `VALUES` is written, so this never
/// fails; if it ever did, the transaction is abandoned rather than numbers committed out of order.
fn check_chapter_order(
    numbered: &[(Option<String>, Option<i64>)],
    positions: &[i64],
) -> Result<(), StoreError> {
    let mut last: HashMap<&str, (i64, i64)> = HashMap::new();
    for ((chapter, number), position) in numbered.iter().zip(positions) {
        let (Some(chapter), Some(number)) = (chapter, number) else {
            continue;
        };
        if let Some((last_number, last_position)) = last.get(chapter.as_str()) {
            if (number > last_number) != (position > last_position) {
                return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                    "chapter {chapter}'s numbers do not follow the positions of one insert"
                ))));
            }
        }
        last.insert(chapter.as_str(), (*number, *position));
    }
    Ok(())
}

/// An append that names the same stream twice cannot be stored as given.
fn check_batch(batch: &[StreamAppend]) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for append in batch {
        if !seen.insert((append.stream_type.as_str(), append.stream_id.as_str())) {
            return Err(StoreError::InvalidAppend {
                reason: format!("stream {} appears twice in one batch", append.stream_name()),
            });
        }
    }
    Ok(())
}

/// Decides whether one append can go in, against the stream versions as they stand in this transaction
/// (after the group's earlier appends), and seals it. Returns each stream's sealed append with its index.
/// Whether a batch may be written: every stream at the version its append expects, no data subject forgotten.
/// The first append that may not decides the error.
fn check_append(
    batch: &[StreamAppend],
    versions: &HashMap<(String, String), u64>,
    forgotten: &HashSet<Uuid>,
) -> Result<(), StoreError> {
    for append in batch {
        let actual = versions
            .get(&(append.stream_type.clone(), append.stream_id.clone()))
            .copied()
            .unwrap_or(0);
        if actual != append.expected_version {
            return Err(StoreError::Conflict {
                stream: append.stream_name(),
                expected: append.expected_version,
                actual,
            });
        }
        if let Some(person) = append.data_subject.filter(|_| append_needs_key(append)) {
            if forgotten.contains(&person) {
                return Err(StoreError::PersonForgotten { person_id: person });
            }
        }
    }
    Ok(())
}

/// A batch's appends, each sealed and with its index in the batch.
type SealedBatch = Result<Vec<(usize, SealedAppend)>, StoreError>;

/// Every append of a batch sealed with its data subject's key (none in `keys`: its personal values cannot
/// be sealed, an error).
fn seal_batch(batch: &[StreamAppend], keys: &HashMap<Uuid, Arc<DataKey>>) -> SealedBatch {
    batch
        .iter()
        .enumerate()
        .map(|(index, append)| {
            let subject = append
                .data_subject
                .filter(|_| append_needs_key(append))
                .and_then(|person| keys.get(&person).map(|key| (person, &**key)));
            Ok((index, seal_append(append, subject)?))
        })
        .collect()
}

/// The keys a write seals with, found before its transaction.
#[derive(Default)]
struct PreparedKeys {
    /// Every data subject's key.
    keys: HashMap<Uuid, Arc<DataKey>>,
    /// Those that came from this process's cache.
    cached: HashSet<Uuid>,
    /// Those generated for the write, wrapped, in person order: stored by it unless someone stored one first.
    fresh: Vec<(Uuid, Vec<u8>)>,
}

fn append_needs_key(append: &StreamAppend) -> bool {
    append
        .events
        .iter()
        .any(|event| crypto::needs_key(&event.payload))
        || append
            .snapshot
            .as_ref()
            .is_some_and(|snapshot| crypto::needs_key(&snapshot.state))
}

/// Seals every personal value of an append and renders the stored text.
fn seal_append(
    append: &StreamAppend,
    subject: Option<(Uuid, &DataKey)>,
) -> Result<SealedAppend, StoreError> {
    let name = append.stream_name();
    let seal = |value: &Value, what: &str| -> Result<String, StoreError> {
        let sealed;
        let value = if crypto::has_markers(value) {
            let mut copy = value.clone();
            crypto::seal_json(&mut copy, subject, &name)?;
            sealed = copy;
            &sealed
        } else {
            value
        };
        serde_json::to_string(value).map_err(|source| StoreError::Serialize {
            what: format!("{what} for {name}"),
            source,
        })
    };
    // The events of one append nearly always share their metadata (one command, one actor): render it once.
    let mut rendered: Option<(&HashMap<String, String>, String)> = None;
    let mut events = Vec::with_capacity(append.events.len());
    for event in &append.events {
        let metadata = match &rendered {
            Some((map, text)) if **map == event.metadata => text.clone(),
            _ => {
                let text = metadata_text(&event.metadata)?;
                rendered = Some((&event.metadata, text.clone()));
                text
            }
        };
        events.push(SealedEvent {
            event_type: event.event_type.clone(),
            schema_version: event.schema_version,
            payload: seal(&event.payload, "event payload")?,
            metadata,
        });
    }
    let snapshot = append
        .snapshot
        .as_ref()
        .map(|snapshot| {
            Ok::<_, StoreError>((
                snapshot.snapshot_version,
                seal(&snapshot.state, "snapshot")?,
            ))
        })
        .transpose()?;
    Ok(SealedAppend {
        stream_type: append.stream_type.clone(),
        stream_id: append.stream_id.clone(),
        data_subject: append.data_subject.map(|person| person.to_string()),
        expected_version: append.expected_version,
        events,
        snapshot,
        forgets: append.data_subject.filter(|_| append.forgets_subject),
    })
}
