//! `Store`: connecting, migrating, appending, reading the global log, forgetting people, export and import.
//! Backend differences stay behind the `Backend` enum; the SQL itself lives in `backend`.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncWrite};
use tokio::sync::watch;
use uuid::Uuid;

use crate::backend::{self, postgres, sqlite, SealedAppend, SealedEvent, StoredRow};
use crate::crypto::{self, DataKey, MasterKey};
use crate::error::StoreError;
use crate::event::{stream_name, AppendedEvent, Position, RecordedEvent, StreamAppend};
use crate::export::{ExportWriter, ImportBatch, ImportReader, TransferSummary};

/// Tuning knobs with sensible defaults.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// A snapshot is written whenever a commit crosses a multiple of this many events of a stream.
    pub snapshot_every: u64,
    pub max_connections: u32,
    /// How long to wait for a connection (and, on SQLite, for a lock) before giving up.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            snapshot_every: 100,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A person's data key as far as this process knows.
#[derive(Clone)]
enum CachedKey {
    Present(Arc<DataKey>),
    Forgotten,
}

struct Inner {
    backend: Backend,
    master: MasterKey,
    keys: RwLock<HashMap<Uuid, CachedKey>>,
    options: StoreOptions,
    /// Serializes this process's writers on SQLite, which allows one writer at a time anyway; waiting here
    /// is cheaper and fairer than SQLite's busy-timeout polling.
    sqlite_write_lock: tokio::sync::Mutex<()>,
    committed: watch::Sender<Position>,
}

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

/// Microsecond precision: what PostgreSQL keeps, so both backends store and export the same instant.
fn now() -> DateTime<Utc> {
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

impl Store {
    /// Connects to `sqlite://path` (the file is created if missing) or `postgres://…`. Does not migrate.
    pub async fn connect(
        url: &str,
        master_key: MasterKey,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
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
                .pragma("secure_delete", "ON");
            let pool = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect_options)
                .await
                .map_err(|error| connect_error(sqlite::NAME, error))?;
            Backend::Sqlite(pool)
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
                        .map_err(|error| connect_error(postgres::NAME, error))?;
                    tracing::info!("created the PostgreSQL database");
                    pool_options.connect_with(connect_options).await
                }
                other => other,
            }
            .map_err(|error| connect_error(postgres::NAME, error))?;
            Backend::Postgres(pool)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::InvalidUrl {
                reason: format!("unsupported scheme `{scheme}`; use sqlite://path or postgres://…"),
            });
        };
        let (committed, _) = watch::channel(Position::START);
        Ok(Store {
            inner: Arc::new(Inner {
                backend,
                master: master_key,
                keys: RwLock::new(HashMap::new()),
                options,
                sqlite_write_lock: tokio::sync::Mutex::new(()),
                committed,
            }),
        })
    }

    /// Applies the embedded migrations, then checks that the master key opens the stored person keys, so a
    /// wrong key fails at start-up rather than at the first read.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let any_key = match &self.inner.backend {
            Backend::Sqlite(pool) => {
                sqlx::migrate!("../migrations/sqlite").run(pool).await?;
                sqlite::any_key(pool).await?
            }
            Backend::Postgres(pool) => {
                sqlx::migrate!("../migrations/postgres").run(pool).await?;
                postgres::any_key(pool).await?
            }
        };
        if let Some((person, wrapped)) = any_key {
            let person = parse_person(&person)?;
            crypto::unwrap_key(&self.inner.master, person, &wrapped)?;
        }
        Ok(())
    }

    pub fn backend_kind(&self) -> BackendKind {
        match self.inner.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The SQLite pool, for read models that live in the same database.
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.inner.backend {
            Backend::Sqlite(pool) => Some(pool),
            Backend::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, for read models that live in the same database.
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.inner.backend {
            Backend::Postgres(pool) => Some(pool),
            Backend::Sqlite(_) => None,
        }
    }

    pub fn options(&self) -> &StoreOptions {
        &self.inner.options
    }

    /// Closes the pool; pending operations finish first.
    pub async fn close(&self) {
        match &self.inner.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// Fires after every append of this process that ended (committed or not: a rolled-back transaction
    /// can unblock later commits on PostgreSQL). The value is the largest position committed here.
    /// Commits by other processes do not fire it, so readers should also poll now and then.
    pub fn subscribe(&self) -> watch::Receiver<Position> {
        self.inner.committed.subscribe()
    }

    /// Appends to one or more streams atomically: either every stream is at its expected version and all
    /// events are stored, or nothing is.
    pub async fn append(&self, batch: Vec<StreamAppend>) -> Result<Vec<AppendedEvent>, StoreError> {
        let result = self.append_inner(&batch).await;
        let result = match result {
            // A unique violation tells us someone else won, not where the stream is now: look it up.
            Err(StoreError::Conflict {
                stream,
                expected,
                actual,
            }) if actual == expected => {
                let append = batch.iter().find(|append| append.stream_name() == stream);
                let actual = match append {
                    Some(append) => {
                        self.stream_version(&append.stream_type, &append.stream_id)
                            .await?
                    }
                    None => actual,
                };
                Err(StoreError::Conflict {
                    stream,
                    expected,
                    actual,
                })
            }
            other => other,
        };
        let newest = result
            .as_ref()
            .ok()
            .and_then(|appended| appended.iter().map(|event| event.position).max());
        self.inner.committed.send_modify(|position| {
            if let Some(newest) = newest {
                *position = (*position).max(newest);
            }
        });
        result
    }

    async fn append_inner(&self, batch: &[StreamAppend]) -> Result<Vec<AppendedEvent>, StoreError> {
        let mut seen = HashSet::new();
        for append in batch {
            if !seen.insert((append.stream_type.as_str(), append.stream_id.as_str())) {
                return Err(StoreError::InvalidAppend {
                    reason: format!("stream {} appears twice in one batch", append.stream_name()),
                });
            }
        }
        macro_rules! run {
            ($module:ident, $pool:expr) => {{
                let mut tx = backend::$module::begin_write($pool).await?;
                let tx_id = backend::$module::next_tx_id(&mut tx).await?;
                let at = now();
                // Keys first, in person order, then streams in name order: two transactions touching the
                // same rows always lock them in the same order, so they queue instead of deadlocking.
                let mut subjects: Vec<Uuid> = batch
                    .iter()
                    .filter(|append| append_needs_key(append))
                    .filter_map(|append| append.data_subject)
                    .collect();
                subjects.sort();
                subjects.dedup();
                let mut keys: HashMap<Uuid, Arc<DataKey>> = HashMap::new();
                let mut new_keys = Vec::new();
                for person in subjects {
                    if backend::$module::is_forgotten(&mut *tx, person).await? {
                        return Err(StoreError::PersonForgotten { person_id: person });
                    }
                    let key = match self.cached_key(person) {
                        Some(CachedKey::Present(key)) => key,
                        _ => {
                            let wrapped = match backend::$module::wrapped_key(&mut *tx, person).await? {
                                Some(wrapped) => wrapped,
                                None => {
                                    let fresh = DataKey::generate();
                                    let wrapped = crypto::wrap_key(&self.inner.master, person, &fresh)?;
                                    backend::$module::insert_key(&mut tx, person, &wrapped, at).await?
                                }
                            };
                            let key = Arc::new(crypto::unwrap_key(&self.inner.master, person, &wrapped)?);
                            new_keys.push((person, key.clone()));
                            key
                        }
                    };
                    keys.insert(person, key);
                }
                let mut order: Vec<usize> = (0..batch.len()).collect();
                order.sort_by(|&a, &b| {
                    (&batch[a].stream_type, &batch[a].stream_id).cmp(&(&batch[b].stream_type, &batch[b].stream_id))
                });
                let mut written_by_index: Vec<Vec<AppendedEvent>> = vec![Vec::new(); batch.len()];
                for index in order {
                    let append = &batch[index];
                    let subject = append
                        .data_subject
                        .and_then(|person| keys.get(&person).map(|key| (person, &**key)));
                    let sealed = seal_append(append, subject)?;
                    let written = backend::$module::write_append(&mut tx, tx_id, at, &sealed).await?;
                    written_by_index[index] = written
                        .into_iter()
                        .map(|(version, position)| AppendedEvent {
                            stream_type: append.stream_type.clone(),
                            stream_id: append.stream_id.clone(),
                            stream_version: version,
                            position: Position { tx: tx_id, position },
                        })
                        .collect();
                }
                let appended: Vec<AppendedEvent> = written_by_index.into_iter().flatten().collect();
                backend::$module::notify_appended(&mut tx).await?;
                tx.commit().await?;
                // Only keys that are durably stored may be cached: a key cached from a rolled-back
                // transaction would seal data that nobody could ever open again.
                let mut cache = self.inner.keys.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                for (person, key) in new_keys {
                    cache.insert(person, CachedKey::Present(key));
                }
                Ok(appended)
            }};
        }
        match &self.inner.backend {
            Backend::Sqlite(pool) => {
                let _writer = self.inner.sqlite_write_lock.lock().await;
                run!(sqlite, pool)
            }
            Backend::Postgres(pool) => run!(postgres, pool),
        }
    }

    fn cached_key(&self, person: Uuid) -> Option<CachedKey> {
        let cache = self
            .inner
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.get(&person).cloned()
    }

    /// The key that opens `person`'s sealed values, or `None` once it is destroyed.
    async fn key_for_reading(&self, person: Uuid) -> Result<Option<Arc<DataKey>>, StoreError> {
        match self.cached_key(person) {
            Some(CachedKey::Present(key)) => return Ok(Some(key)),
            Some(CachedKey::Forgotten) => return Ok(None),
            None => {}
        }
        let (wrapped, forgotten) = match &self.inner.backend {
            Backend::Sqlite(pool) => (
                sqlite::wrapped_key(pool, person).await?,
                sqlite::is_forgotten(pool, person).await?,
            ),
            Backend::Postgres(pool) => (
                postgres::wrapped_key(pool, person).await?,
                postgres::is_forgotten(pool, person).await?,
            ),
        };
        let entry = match (wrapped, forgotten) {
            (_, true) => CachedKey::Forgotten,
            (Some(wrapped), false) => CachedKey::Present(Arc::new(crypto::unwrap_key(
                &self.inner.master,
                person,
                &wrapped,
            )?)),
            // No key and not forgotten: nothing was ever sealed for them; do not cache, a key may come.
            (None, false) => return Ok(None),
        };
        let mut cache = self
            .inner
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.insert(person, entry.clone());
        Ok(match entry {
            CachedKey::Present(key) => Some(key),
            CachedKey::Forgotten => None,
        })
    }

    /// Unseals stored JSON text of a row (an event payload or a snapshot state).
    pub(crate) async fn open_text(
        &self,
        text: &str,
        data_subject: Option<&str>,
        location: &(dyn Fn() -> String + Sync),
    ) -> Result<Value, StoreError> {
        let mut value: Value =
            serde_json::from_str(text).map_err(|source| StoreError::Deserialize {
                what: location(),
                source,
            })?;
        if !crypto::has_sealed(&value) {
            return Ok(value);
        }
        let subject = match data_subject {
            Some(person) => {
                let person = parse_person(person)?;
                Some((person, self.key_for_reading(person).await?))
            }
            None => None,
        };
        crypto::open_json(
            &mut value,
            subject
                .as_ref()
                .map(|(person, key)| (*person, key.as_deref())),
            location,
        )?;
        Ok(value)
    }

    async fn open_row(&self, row: StoredRow) -> Result<RecordedEvent, StoreError> {
        let location = || format!("event at position {}", row.position);
        let payload = self
            .open_text(&row.payload, row.data_subject.as_deref(), &location)
            .await?;
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
        })
    }

    async fn open_rows(&self, rows: Vec<StoredRow>) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            events.push(self.open_row(row).await?);
        }
        Ok(events)
    }

    /// Up to `limit` events strictly after `after`, in global order. On PostgreSQL this only returns events
    /// of transactions older than every transaction still running, so a reader that remembers the last
    /// position it saw never misses an event that commits late.
    pub async fn read_all(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let limit = i64::from(limit);
        let rows = match &self.inner.backend {
            Backend::Sqlite(pool) => {
                sqlite::read_all(pool, after.tx, after.position, limit).await?
            }
            Backend::Postgres(pool) => {
                postgres::read_all(pool, after.tx, after.position, limit).await?
            }
        };
        self.open_rows(rows).await
    }

    /// The events of one stream after `after_version`, in stream order.
    pub async fn read_stream(
        &self,
        stream_type: &str,
        stream_id: &str,
        after_version: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let after = backend::to_i64(after_version, "stream version")?;
        let rows = match &self.inner.backend {
            Backend::Sqlite(pool) => {
                sqlite::read_stream(pool, stream_type, stream_id, after).await?
            }
            Backend::Postgres(pool) => {
                postgres::read_stream(pool, stream_type, stream_id, after).await?
            }
        };
        self.open_rows(rows).await
    }

    /// The newest committed event in global order, whether or not `read_all` may hand it out yet (on
    /// PostgreSQL it waits for older transactions anywhere in the cluster to finish). A reader that has
    /// reached `head()` is caught up; tests and "read your writes" waits use this.
    pub async fn head(&self) -> Result<Position, StoreError> {
        let head = match &self.inner.backend {
            Backend::Sqlite(pool) => sqlite::head(pool).await?,
            Backend::Postgres(pool) => postgres::head(pool).await?,
        };
        Ok(head.map_or(Position::START, |(tx, position)| Position { tx, position }))
    }

    /// The current version of a stream (0 if it has no events).
    pub async fn stream_version(
        &self,
        stream_type: &str,
        stream_id: &str,
    ) -> Result<u64, StoreError> {
        let version = match &self.inner.backend {
            Backend::Sqlite(pool) => sqlite::stream_version(pool, stream_type, stream_id).await?,
            Backend::Postgres(pool) => {
                postgres::stream_version(pool, stream_type, stream_id).await?
            }
        };
        backend::to_u64(version, "stream version")
    }

    /// The opened state and version of a stream's snapshot with this format version, if any.
    pub(crate) async fn load_snapshot(
        &self,
        stream_type: &str,
        stream_id: &str,
        snapshot_version: u32,
    ) -> Result<Option<(u64, Value)>, StoreError> {
        let snapshot_version = i64::from(snapshot_version);
        let stored = match &self.inner.backend {
            Backend::Sqlite(pool) => {
                sqlite::load_snapshot(pool, stream_type, stream_id, snapshot_version).await?
            }
            Backend::Postgres(pool) => {
                postgres::load_snapshot(pool, stream_type, stream_id, snapshot_version).await?
            }
        };
        let Some(stored) = stored else {
            return Ok(None);
        };
        let location = || format!("snapshot of {}", stream_name(stream_type, stream_id));
        let state = self
            .open_text(&stored.state, stored.data_subject.as_deref(), &location)
            .await?;
        Ok(Some((
            backend::to_u64(stored.version, "snapshot version")?,
            state,
        )))
    }

    /// Crypto-shreds a person: destroys their data key and the snapshots of their streams, and remembers
    /// them as forgotten so no new key is ever made for them. Their events stay (the log is append-only)
    /// but every personal value in them now reads as `{"$personal": null}`.
    pub async fn forget_person(&self, person: Uuid) -> Result<(), StoreError> {
        let at = now();
        match &self.inner.backend {
            Backend::Sqlite(pool) => {
                let _writer = self.inner.sqlite_write_lock.lock().await;
                sqlite::forget(pool, person, at).await?;
            }
            Backend::Postgres(pool) => postgres::forget(pool, person, at).await?,
        }
        let mut cache = self
            .inner
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.insert(person, CachedKey::Forgotten);
        Ok(())
    }

    /// Writes the whole store as JSON lines (see `export` module docs) from one consistent snapshot.
    pub async fn export(
        &self,
        writer: &mut (dyn AsyncWrite + Unpin + Send),
    ) -> Result<TransferSummary, StoreError> {
        let mut sink = ExportWriter::new(writer);
        match &self.inner.backend {
            Backend::Sqlite(pool) => sqlite::export(pool, &mut sink).await?,
            Backend::Postgres(pool) => postgres::export(pool, &mut sink).await?,
        }
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
        macro_rules! run {
            ($module:ident, $pool:expr) => {{
                let mut tx = backend::$module::begin_import($pool).await?;
                let mut batch = ImportBatch::default();
                loop {
                    let line = lines.next().await?;
                    let done = line.is_none();
                    if let Some(line) = line {
                        batch.push(line);
                    }
                    if done || batch.is_full() {
                        backend::$module::import_keys(&mut tx, &batch.keys).await?;
                        backend::$module::import_forgotten(&mut tx, &batch.forgotten).await?;
                        backend::$module::import_events(&mut tx, &batch.events).await?;
                        batch = ImportBatch::default();
                    }
                    if done {
                        break;
                    }
                }
                backend::$module::finish_import(tx).await?;
            }};
        }
        match &self.inner.backend {
            Backend::Sqlite(pool) => {
                let _writer = self.inner.sqlite_write_lock.lock().await;
                run!(sqlite, pool)
            }
            Backend::Postgres(pool) => run!(postgres, pool),
        }
        self.inner.committed.send_modify(|_| {});
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
        let mut value = value.clone();
        crypto::seal_json(&mut value, subject, &name)?;
        serde_json::to_string(&value).map_err(|source| StoreError::Serialize {
            what: format!("{what} for {name}"),
            source,
        })
    };
    let events = append
        .events
        .iter()
        .map(|event| {
            Ok(SealedEvent {
                event_type: event.event_type.clone(),
                schema_version: event.schema_version,
                payload: seal(&event.payload, "event payload")?,
                metadata: metadata_text(&event.metadata)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
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
        data_subject: append.data_subject,
        expected_version: append.expected_version,
        events,
        snapshot,
    })
}
