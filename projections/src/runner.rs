//! The projection runner: follows the store's global order from each projection's durable checkpoint.
//!
//! A batch is applied in one database transaction together with the checkpoint move, so a crash at any
//! point neither loses nor doubles an update: the next run starts from the last committed checkpoint. The
//! checkpoint row is locked for the batch (`FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so two
//! runners of one projection, or a runner and a rebuild, take turns instead of interleaving.
//!
//! One task runs all the projections of a process, and while their checkpoints stand where it last saw them a
//! batch is read once and applied to all of them in one transaction (`catch_up_together_once`).
//!
//! Runners wake on this process's commit signal, on PostgreSQL `NOTIFY groundwork_events` (sent by every
//! append, in any process) and, as a fallback, on a slow poll. On PostgreSQL each projection runs in exactly
//! one process: the runner holds session advisory locks (all of its projections' or none) on a dedicated
//! connection for as long as it runs; other processes retry every second and take over when the holder's
//! connection dies.

use crate::apply::{self, BatchEffects, ACTIVITY, CAMPAIGNS};
use crate::error::ProjectionError;
use crate::events;
use crate::quarantine;
use crate::read::ReadModels;
use chrono::{DateTime, Utc};
use domain::ids::{CampaignId, ChapterId, PersonId, TaskId, UnitId, UserId};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{Connection, PgConnection};
use std::time::Duration;
use store::sql::{args, Arg, Db, Tx};
use store::{BackendKind, Position};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often, and how far apart, the runner looks again while its last look came up short of what is known
/// to be committed, or after a wake-up that says nothing of what to look for (see `run_projections`).
const QUICK_LOOKS: u32 = 50;
const QUICK_LOOK_INTERVAL: Duration = Duration::from_millis(4);

/// On SQLite a batch lets the commands go first (`Store::commands_first`): it waits until no command has been
/// in flight for `BATCH_QUIET`, for at most `BATCH_PATIENCE` (docs/performance.md, round 9).
const BATCH_QUIET: Duration = Duration::from_micros(500);
const BATCH_PATIENCE: Duration = Duration::from_millis(10);

/// Events per transaction when catching up or rebuilding: a batch costs a few statements whatever its size.
const CATCH_UP_BATCH: u32 = 5_000;
/// PostgreSQL: a batch of several projections this long is applied by each in its own transaction, side by
/// side ([`ReadModels::apply_side_by_side`]); a shorter one in one transaction for all (round 13).
const SIDE_BY_SIDE_FROM: usize = 256;

/// How long `ReadModels::catch_up` keeps looking for events that are still hidden (see there).
const CATCH_UP_PATIENCE: Duration = Duration::from_secs(30);

/// After this many events projected since the last time, a runner that has caught up refreshes the
/// planner's statistics of its tables (see `ReadModels::analyze`).
const ANALYZE_AFTER_EVENTS: usize = 20_000;

/// Every projection, by name: `campaigns` (campaigns, units, people, tasks, structure tests, 1:1s and their
/// histories) and `activity` (the change explorer).
pub const PROJECTIONS: &[&str] = &[CAMPAIGNS, ACTIVITY];

/// The read-model tables a projection owns (emptied by a rebuild).
pub fn projection_tables(projection: &str) -> &'static [&'static str] {
    apply::tables(projection)
}

/// The PostgreSQL transaction ids of this process's open projection batches. A batch transaction holds its
/// checkpoint row lock (so it has an id) while its events are read on another connection; it never appends,
/// so readers name these ids and the visibility horizon passes them (`Store::read_all_passing`, ADR 2):
/// one projection's batch no longer hides newly committed events from the other, or from itself.
#[derive(Debug, Default)]
pub(crate) struct BatchTransactions(std::sync::Mutex<Vec<i64>>);

impl BatchTransactions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<i64>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The ids of the batches open now.
    pub(crate) fn open(&self) -> Vec<i64> {
        self.lock().clone()
    }
}

/// Keeps a batch transaction's id in [`BatchTransactions`] until dropped (after the commit or rollback).
struct OpenBatch {
    models: ReadModels,
    id: Option<i64>,
}

impl OpenBatch {
    fn register(models: &ReadModels, id: Option<i64>) -> Self {
        if let Some(id) = id {
            models.batch_transactions().lock().push(id);
        }
        Self {
            models: models.clone(),
            id,
        }
    }
}

impl Drop for OpenBatch {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let mut open = self.models.batch_transactions().lock();
            if let Some(index) = open.iter().position(|open| *open == id) {
                open.swap_remove(index);
            }
        }
    }
}

/// A batch read for every projection: its last position (`None` when there was nothing to read) and its
/// decoded events.
type DecodedBatch =
    Result<(Option<Position>, std::sync::Arc<Vec<events::Envelope>>), ProjectionError>;

/// Decodes a batch of recorded events, passing over those no projection knows.
fn decode_all(recorded: &[store::RecordedEvent]) -> Result<Vec<events::Envelope>, ProjectionError> {
    let mut envelopes = Vec::with_capacity(recorded.len());
    for event in recorded {
        if let Some(envelope) = events::decode(event)? {
            envelopes.push(envelope);
        }
    }
    Ok(envelopes)
}

/// The channel appends notify on PostgreSQL.
pub const EVENTS_CHANNEL: &str = "groundwork_events";
/// The channel committed read-model changes are published on PostgreSQL, as JSON [`ReadModelChange`]s.
pub const CHANGES_CHANNEL: &str = "groundwork_read_models";

/// What changed in the read models of a campaign, published after each committed batch (subscriptions).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ReadModelChange {
    /// A person's wall-chart cell (name, level, organizer, follow-up, units, status, steps) changed.
    PersonCell {
        chapter: ChapterId,
        campaign: CampaignId,
        person: PersonId,
    },
    /// A person's field responses changed (their cell did not): a wall chart narrowed to responses may
    /// gain or lose them.
    PersonResponses {
        chapter: ChapterId,
        campaign: CampaignId,
        person: PersonId,
    },
    /// The figures of a unit changed because one of its people changed.
    UnitFigures {
        chapter: ChapterId,
        campaign: CampaignId,
        unit: UnitId,
    },
    /// A task changed; `previous_assignee` is its assignee before the batch, if it existed.
    Task {
        chapter: ChapterId,
        campaign: CampaignId,
        task: TaskId,
        assignee: UserId,
        previous_assignee: Option<UserId>,
    },
}

impl ReadModelChange {
    pub fn chapter(&self) -> ChapterId {
        match self {
            Self::PersonCell { chapter, .. }
            | Self::PersonResponses { chapter, .. }
            | Self::UnitFigures { chapter, .. }
            | Self::Task { chapter, .. } => *chapter,
        }
    }

    pub fn campaign(&self) -> CampaignId {
        match self {
            Self::PersonCell { campaign, .. }
            | Self::PersonResponses { campaign, .. }
            | Self::UnitFigures { campaign, .. }
            | Self::Task { campaign, .. } => *campaign,
        }
    }
}

/// Where a projection stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionStatus {
    pub name: String,
    pub position: Position,
    /// When the checkpoint last moved.
    pub updated_at: Option<DateTime<Utc>>,
    /// Events in the log after the checkpoint.
    pub lag_events: i64,
    /// Age of the oldest event not yet projected (0 when caught up).
    pub lag_seconds: f64,
    /// Events passed over because they cannot be projected, with those held behind them (ADR 13).
    pub quarantined: i64,
}

/// Where a projection stands as one chapter sees it (ADR 19): in the chapter's own numbers, so nothing in it
/// moves with another chapter's writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterProjectionStatus {
    pub name: String,
    /// The number (in the chapter's own sequence) of the chapter's newest event the projection applied;
    /// 0 before the first.
    pub position: u64,
    /// When the chapter's newest applied event was recorded.
    pub updated_at: Option<DateTime<Utc>>,
    /// The chapter's events not yet applied.
    pub lag_events: i64,
    /// Age of the chapter's oldest event not yet applied (0 when caught up).
    pub lag_seconds: f64,
}

#[derive(Debug, Clone)]
pub struct RunnerOptions {
    /// Events per transaction.
    pub batch_size: u32,
    /// How often a runner looks for new events when nothing woke it (other processes on SQLite, lost
    /// notifications).
    pub fallback_poll: Duration,
    /// How often a process without a projection's lock tries to take it over (PostgreSQL).
    pub lock_retry: Duration,
    /// Which projections this runner runs (all by default).
    pub projections: Vec<String>,
    /// Tests only (the `fault-injection` feature): every this-many batches fails after its writes and
    /// before its commit, as a crash would.
    #[cfg(feature = "fault-injection")]
    pub fault_every: Option<u32>,
}

impl Default for RunnerOptions {
    fn default() -> Self {
        Self {
            batch_size: 1000,
            fallback_poll: Duration::from_secs(2),
            lock_retry: Duration::from_secs(1),
            projections: PROJECTIONS.iter().map(ToString::to_string).collect(),
            #[cfg(feature = "fault-injection")]
            fault_every: None,
        }
    }
}

/// The running projections of this process. Dropping it leaves them running; call [`Runner::stop`].
pub struct Runner {
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Runner {
    /// Asks every projection to stop after its current batch, and waits.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }

    /// Kills the runner where it stands, as a crash would: an open batch transaction is rolled back. The
    /// tasks end at their next await point, which may be after this returns; see [`Self::abort_and_wait`].
    pub fn abort(self) {
        for task in &self.tasks {
            task.abort();
        }
    }

    /// Kills the runner like [`Self::abort`] and returns once every task has ended, so nothing the runner
    /// does can happen after it.
    pub async fn abort_and_wait(self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// A stable advisory-lock key per projection (FNV-1a of its name).
fn lock_key(projection: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("groundwork.projection.{projection}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

pub(crate) fn start(models: &ReadModels, options: RunnerOptions) -> Runner {
    let (shutdown, _) = watch::channel(false);
    #[cfg(feature = "fault-injection")]
    models.set_fault_every(options.fault_every);
    let mut tasks = Vec::new();
    if models.db().kind() == BackendKind::Postgres {
        tasks.push(tokio::spawn(listen(models.clone(), shutdown.subscribe())));
    }
    // The projections run by one task, together (`catch_up_together_once`); a process told to run only one
    // of them runs just that one.
    tasks.push(tokio::spawn(run_projections(
        models.clone(),
        options.projections.clone(),
        options.clone(),
        shutdown.subscribe(),
    )));
    Runner { shutdown, tasks }
}

/// Holds the projections' advisory locks on a connection of their own; the locks go when the connection does.
/// All of them or none: a process that gets only some lets them go and tries again later, so two processes
/// never split a set of projections between them and wait for each other.
async fn acquire_lease(
    models: &ReadModels,
    projections: &[String],
    options: &RunnerOptions,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<PgConnection> {
    let Db::Postgres(pool) = models.db() else {
        return None;
    };
    let keys: Vec<i64> = projections.iter().map(|name| lock_key(name)).collect();
    let names = projections.join(", ");
    loop {
        if *shutdown.borrow() {
            return None;
        }
        let attempt = async {
            let mut connection = pool.acquire().await?.detach();
            let locked: Vec<bool> = sqlx::query_scalar(
                "SELECT pg_try_advisory_lock(key) FROM UNNEST($1::bigint[]) AS key",
            )
            .bind(&keys)
            .fetch_all(&mut connection)
            .await?;
            if locked.iter().all(|locked| *locked) {
                Ok::<_, sqlx::Error>(Some(connection))
            } else {
                // Closing the connection lets go of those it got.
                connection.close().await?;
                Ok(None)
            }
        };
        match attempt.await {
            Ok(Some(connection)) => {
                tracing::info!(projections = %names, "took the projections' lock");
                return Some(connection);
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(projections = %names, %error, "cannot try the projections' lock")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.lock_retry) => {}
            _ = shutdown.changed() => {}
        }
    }
}

async fn run_projections(
    models: ReadModels,
    projections: Vec<String>,
    options: RunnerOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    if projections.is_empty() {
        return;
    }
    let names = projections.join(", ");
    let mut commits = models.store().subscribe();
    let mut wake = models.wake_signal();
    let mut announced = models.announced_signal();
    loop {
        let mut lease = None;
        if models.db().kind() == BackendKind::Postgres {
            match acquire_lease(&models, &projections, &options, &mut shutdown).await {
                Some(connection) => lease = Some(connection),
                None => return,
            }
        }
        // The runner knows what was committed: this process's commit signal says where its own appends
        // reached, and on PostgreSQL every process's append NOTIFYs its tx id. After a signal the new events
        // may still be hidden (on PostgreSQL a reader only sees below the oldest running transaction, and
        // that may be another process's batch, whose commit signals nothing), so while a look comes up short
        // of what is known to be committed, the runner looks again every few milliseconds; once it has read
        // all of it, it waits for the next signal (or the slow poll). A wake-up that says nothing of what
        // to look for (a rebuild, a lost LISTEN connection) gives it a short while of such looks whatever it
        // finds.
        let mut quick_looks = 0u32;
        let mut short_looks = 0u32;
        let mut since_analyze = 0usize;
        loop {
            if *shutdown.borrow() {
                if let Some(lease) = lease {
                    let _ = lease.close().await;
                }
                return;
            }
            match models
                .catch_up_together_once(&projections, options.batch_size)
                .await
            {
                // A full batch: there is probably more right away.
                Ok(look) if look.applied >= options.batch_size as usize => {
                    since_analyze += look.applied;
                    continue;
                }
                Ok(look) => {
                    let known = (*commits.borrow()).max(Position {
                        tx: *announced.borrow(),
                        position: 0,
                    });
                    let short = look.reached.is_none_or(|reached| reached < known);
                    short_looks = if short { short_looks + 1 } else { 0 };
                    since_analyze += look.applied;
                    if since_analyze >= ANALYZE_AFTER_EVENTS {
                        since_analyze = 0;
                        for projection in &projections {
                            if let Err(error) = models.analyze(projection).await {
                                tracing::warn!(projection, %error, "cannot refresh the read models' statistics");
                            }
                        }
                    }
                }
                Err(error) => {
                    tracing::error!(projections = %names, %error, "a projection batch failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            }
            let pause = if (1..=QUICK_LOOKS).contains(&short_looks) {
                QUICK_LOOK_INTERVAL
            } else if quick_looks > 0 {
                quick_looks -= 1;
                QUICK_LOOK_INTERVAL
            } else {
                if let Some(connection) = lease.as_mut() {
                    if connection.ping().await.is_err() {
                        tracing::warn!(projections = %names, "lost the projections' lock connection");
                        break;
                    }
                }
                options.fallback_poll
            };
            tokio::select! {
                _ = commits.changed() => short_looks = 0,
                _ = announced.changed() => short_looks = 0,
                _ = wake.changed() => quick_looks = QUICK_LOOKS,
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// PostgreSQL only: wakes runners on appends anywhere, and rebroadcasts every process's read-model changes
/// to this process's subscribers.
async fn listen(models: ReadModels, mut shutdown: watch::Receiver<bool>) {
    let Db::Postgres(pool) = models.db().clone() else {
        return;
    };
    let mut listener = loop {
        let connected = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener
                .listen_all([EVENTS_CHANNEL, CHANGES_CHANNEL])
                .await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match connected.await {
            Ok(listener) => break listener,
            Err(error) => {
                tracing::warn!(%error, "cannot LISTEN for new events; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    };
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            notification = listener.recv() => match notification {
                // The payload is the appending transaction's tx id (`store::backend`); anything else wakes
                // the runners without saying what to look for.
                Ok(notification) if notification.channel() == EVENTS_CHANNEL => {
                    match notification.payload().parse::<i64>() {
                        Ok(tx) => models.announce(tx),
                        Err(_) => models.wake(),
                    }
                }
                Ok(notification) => {
                    match serde_json::from_str::<ReadModelChange>(notification.payload()) {
                        Ok(change) => models.publish(change),
                        Err(error) => tracing::warn!(%error, "unreadable read-model change notification"),
                    }
                    models.projected();
                }
                Err(error) => {
                    // The listener reconnects on the next recv; anything missed meanwhile is found by polling.
                    tracing::warn!(%error, "lost the LISTEN connection");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    models.wake();
                }
            },
        }
    }
}

/// A projection's checkpoint row, locked for the batch's transaction.
struct Locked {
    checkpoint: Position,
    /// PostgreSQL: the transaction's id (the row lock has given it one).
    xid: Option<i64>,
    /// Whether any of the projection's events are quarantined (ADR 13): only then are the held streams read.
    quarantined: bool,
}

/// Makes sure the projection has a checkpoint row, locks it for this transaction and reads it.
async fn lock_checkpoint(tx: &mut Tx, projection: &str) -> Result<Locked, sqlx::Error> {
    lock_checkpoint_row(tx, projection, false).await
}

/// As [`lock_checkpoint`]; `seen` says the row was there a moment ago, which spares the statement that
/// creates it (unless it has gone meanwhile: a migration of another process may delete it). The lock, the
/// checkpoint, the transaction id and whether anything is quarantined come in one round trip.
async fn lock_checkpoint_row(
    tx: &mut Tx,
    projection: &str,
    seen: bool,
) -> Result<Locked, sqlx::Error> {
    let sql = match tx.kind() {
        BackendKind::Postgres => {
            "SELECT tx, position, pg_current_xact_id()::text::bigint AS xid, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM projection_quarantine q WHERE q.projection = $1) \
             THEN 1 ELSE 0 END AS BIGINT) AS quarantined \
             FROM projection_checkpoints WHERE name = $1 FOR UPDATE"
        }
        BackendKind::Sqlite => {
            "SELECT tx, position, NULL AS xid, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM projection_quarantine q WHERE q.projection = $1) \
             THEN 1 ELSE 0 END AS BIGINT) AS quarantined \
             FROM projection_checkpoints WHERE name = $1"
        }
    };
    let mut row = None;
    if seen {
        row = tx.fetch_optional(sql, &args![projection]).await?;
    }
    if row.is_none() {
        tx.execute(
            "INSERT INTO projection_checkpoints (name, tx, position, updated_at) VALUES ($1, 0, 0, $2) \
             ON CONFLICT (name) DO NOTHING",
            &args![projection, Utc::now()],
        )
        .await?;
        row = tx.fetch_optional(sql, &args![projection]).await?;
    }
    Ok(match row {
        Some(row) => Locked {
            checkpoint: Position {
                tx: row.int("tx")?,
                position: row.int("position")?,
            },
            xid: row.opt_int("xid")?,
            quarantined: row.int("quarantined")? != 0,
        },
        None => Locked {
            checkpoint: Position::START,
            xid: None,
            quarantined: true,
        },
    })
}

/// Where each of `projections` stands (`Position::START` for one without a checkpoint row), in one statement.
async fn stored_checkpoints(
    db: &Db,
    projections: &[&str],
) -> Result<Vec<Position>, ProjectionError> {
    let placeholders = store::sql::placeholders(db.kind(), projections.len());
    let rows = db
        .fetch(
            &format!(
                "SELECT name, tx, position FROM projection_checkpoints WHERE name IN ({})",
                placeholders.join(", ")
            ),
            &projections
                .iter()
                .map(|name| Arg::from(*name))
                .collect::<Vec<_>>(),
        )
        .await?;
    let mut stored = vec![Position::START; projections.len()];
    for row in rows {
        let name = row.text("name")?;
        if let Some(index) = projections
            .iter()
            .position(|projection| *projection == name)
        {
            stored[index] = Position {
                tx: row.int("tx")?,
                position: row.int("position")?,
            };
        }
    }
    Ok(stored)
}

/// Locks the checkpoint rows of `projections` for this transaction and reads them, in the order of
/// `projections`, in one statement; a projection without a row is left out.
async fn lock_checkpoint_rows(
    tx: &mut Tx,
    projections: &[&str],
) -> Result<Vec<Locked>, sqlx::Error> {
    let placeholders = store::sql::placeholders(tx.kind(), projections.len());
    let (xid, lock) = match tx.kind() {
        BackendKind::Postgres => ("pg_current_xact_id()::text::bigint", " FOR UPDATE"),
        BackendKind::Sqlite => ("NULL", ""),
    };
    let sql = format!(
        "SELECT name, tx, position, {xid} AS xid, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM projection_quarantine q \
         WHERE q.projection = projection_checkpoints.name) THEN 1 ELSE 0 END AS BIGINT) AS quarantined \
         FROM projection_checkpoints WHERE name IN ({}) ORDER BY name{lock}",
        placeholders.join(", ")
    );
    let args: Vec<Arg> = projections.iter().map(|name| Arg::from(*name)).collect();
    let rows = tx.fetch(&sql, &args).await?;
    let mut locked = Vec::with_capacity(projections.len());
    for projection in projections {
        for row in &rows {
            if row.text("name")? == *projection {
                locked.push(Locked {
                    checkpoint: Position {
                        tx: row.int("tx")?,
                        position: row.int("position")?,
                    },
                    xid: row.opt_int("xid")?,
                    quarantined: row.int("quarantined")? != 0,
                });
            }
        }
    }
    Ok(locked)
}

/// Each projection of a joint batch with the events after its own checkpoint (`checkpoints`, in the order of
/// `names`); a projection already at or past `last`, the batch's end, is left out.
fn each_from_its_checkpoint<'a>(
    names: &'a [&'a str],
    checkpoints: &'a [Position],
    envelopes: &'a [events::Envelope],
    last: Position,
) -> impl Iterator<Item = (&'a str, Position, &'a [events::Envelope])> {
    names
        .iter()
        .zip(checkpoints)
        .filter(move |(_, checkpoint)| **checkpoint < last)
        .map(|(name, checkpoint)| {
            let after = envelopes.partition_point(|envelope| envelope.position <= *checkpoint);
            (*name, *checkpoint, &envelopes[after..])
        })
}

/// Whether a batch of several projections was applied together.
enum Together {
    Done(Look),
    /// It could not be: each projection goes on by itself.
    Separately,
}

/// What one look of a runner did.
pub(crate) struct Look {
    /// Events it read (applied or quarantined).
    pub applied: usize,
    /// The projection's checkpoint after it, when known.
    pub reached: Option<Position>,
}

impl Look {
    fn at(applied: usize, reached: Position) -> Self {
        Self {
            applied,
            reached: Some(reached),
        }
    }

    fn somewhere(applied: usize) -> Self {
        Self {
            applied,
            reached: None,
        }
    }
}

impl ReadModels {
    /// Applies at most one batch of the projection in one transaction; says how many events it read and
    /// where the checkpoint is now.
    ///
    /// The batch runs in a task of its own, so a caller that is cancelled (a dropped request, a stopped
    /// runner) never abandons a transaction half-way: sqlx cannot always roll back a transaction whose
    /// future was dropped at the wrong moment, and on SQLite the leaked write lock would stall every writer.
    pub(crate) async fn catch_up_once(
        &self,
        projection: &str,
        batch_size: u32,
    ) -> Result<Look, ProjectionError> {
        if !PROJECTIONS.contains(&projection) {
            return Err(ProjectionError::UnknownProjection(projection.to_string()));
        }
        let models = self.clone();
        let name = projection.to_string();
        tokio::spawn(async move { models.apply_one_batch(&name, batch_size).await })
            .await
            .map_err(|error| ProjectionError::Interrupted(error.to_string()))?
    }

    async fn apply_one_batch(
        &self,
        projection: &str,
        batch_size: u32,
    ) -> Result<Look, ProjectionError> {
        // The batch is read before any lock is taken: most wake-ups of an idle runner end with this read,
        // and a batch holds its checkpoint's lock (on SQLite the database's one writer, which commands
        // wait for) only while it is applied. Once locked, the checkpoint must still be where the batch
        // was read from; if another runner moved it meanwhile, the batch is read again under the lock.
        // On SQLite the commands in flight go first; the batch read after them covers them as well.
        self.store()
            .commands_first(BATCH_QUIET, BATCH_PATIENCE)
            .await;
        // Where the checkpoint was when this process last saw it (its own batch's commit, under load the
        // usual case) saves reading it first; a batch that finds nothing after it looks at the stored
        // checkpoint, which a rebuild or another process may have moved (docs/performance.md, round 12).
        let mut early = None;
        let mut seen = false;
        // Where a read just now found nothing.
        let mut nothing_after = None;
        if let Some(from) = self.checkpoint_seen(projection) {
            seen = true;
            match self.read_early(from, batch_size).await? {
                Some((_, recorded)) if recorded.is_empty() => nothing_after = Some(from),
                read => early = read,
            }
        }
        if early.is_none() {
            let unlocked = self
                .db()
                .fetch_optional(
                    "SELECT tx, position FROM projection_checkpoints WHERE name = $1",
                    &args![projection],
                )
                .await?;
            if let Some(row) = &unlocked {
                seen = true;
                let from = Position {
                    tx: row.int("tx")?,
                    position: row.int("position")?,
                };
                // The stored checkpoint is usually the remembered one, just read from.
                let read = if nothing_after == Some(from) {
                    Some((from, Vec::new()))
                } else {
                    self.read_early(from, batch_size).await?
                };
                match read {
                    Some((_, recorded)) if recorded.is_empty() => {
                        self.saw_checkpoint(projection, from);
                        return Ok(Look::at(0, from));
                    }
                    read => early = read,
                }
            }
        }
        // On SQLite the batch writes as the database's one writer: it queues for the store's writer turn
        // as appends do (`Store::writer_turn`) and holds it until its commit.
        let _turn = self.store().writer_turn().await;
        let mut tx = self.batch_db().begin_relaxed().await?;
        let locked = lock_checkpoint_row(&mut tx, projection, seen).await?;
        let checkpoint = locked.checkpoint;
        let _open = OpenBatch::register(self, locked.xid);
        let recorded = match early {
            Some((from, recorded)) if from == checkpoint => recorded,
            _ => {
                let passing = self.batch_transactions().open();
                match self
                    .store()
                    .read_all_passing(checkpoint, batch_size, &passing)
                    .await
                {
                    Ok(recorded) => recorded,
                    Err(error) => {
                        let error = ProjectionError::from(error);
                        if !quarantine::is_poison(&error) {
                            return Err(error);
                        }
                        return self
                            .pass_unreadable(projection, tx, checkpoint, &passing, error)
                            .await
                            .map(Look::somewhere);
                    }
                }
            }
        };
        let Some(last) = recorded.last().map(|event| event.position) else {
            return Ok(Look::at(0, checkpoint));
        };
        let mut held = if locked.quarantined {
            quarantine::held_streams(&mut tx, projection).await?
        } else {
            std::collections::HashMap::new()
        };
        let (envelopes, entries) = quarantine::sort_out(&recorded, &mut held);
        quarantine::record(&mut tx, projection, &entries, &mut held).await?;
        match self
            .commit_batch(&[(projection, &envelopes)], tx, last)
            .await
        {
            Ok(()) => {
                self.saw_checkpoint(projection, last);
                quarantine::report(projection, &entries);
                Ok(Look::at(recorded.len(), last))
            }
            // One of the events cannot be applied: find it by applying them one at a time.
            Err(error) if quarantine::is_poison(&error) => {
                tracing::warn!(projection, %error, "a projection batch failed on its data; applying it event by event");
                self.apply_one_by_one(projection, &recorded)
                    .await
                    .map(Look::somewhere)
            }
            Err(error) => Err(error),
        }
    }

    /// A batch read from `from`, before the checkpoint is locked or again under the lock: `None` when an event
    /// cannot be read (the caller goes the way that passes it over: a read under the lock, or each projection
    /// by itself).
    async fn read_early(
        &self,
        from: Position,
        batch_size: u32,
    ) -> Result<Option<(Position, Vec<store::RecordedEvent>)>, ProjectionError> {
        let passing = self.batch_transactions().open();
        match self
            .store()
            .read_all_passing(from, batch_size, &passing)
            .await
        {
            Ok(recorded) => Ok(Some((from, recorded))),
            Err(error) => {
                let error = ProjectionError::from(error);
                if quarantine::is_poison(&error) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Applies at most one batch of several projections (a runner that runs them all). The log is read once
    /// and applied to all of them in one transaction, each from its own checkpoint: one transaction, one
    /// read, one checkpoint update and one commit instead of one each (docs/performance.md, round 13). When
    /// that cannot be done (a checkpoint not seen yet, a quarantine, an event that cannot be read or
    /// applied), each projection goes on by itself, as [`Self::catch_up_once`] does.
    pub(crate) async fn catch_up_together_once(
        &self,
        projections: &[String],
        batch_size: u32,
    ) -> Result<Look, ProjectionError> {
        if let Some(unknown) = projections
            .iter()
            .find(|projection| !PROJECTIONS.contains(&projection.as_str()))
        {
            return Err(ProjectionError::UnknownProjection(unknown.clone()));
        }
        let models = self.clone();
        let projections = projections.to_vec();
        tokio::spawn(async move {
            if projections.len() > 1 {
                if let Together::Done(look) =
                    models.apply_joint_batch(&projections, batch_size).await?
                {
                    return Ok(look);
                }
            }
            models.apply_each(&projections, batch_size).await
        })
        .await
        .map_err(|error| ProjectionError::Interrupted(error.to_string()))?
    }

    /// One batch of each projection, each in its own transaction. An error of one does not keep the others
    /// from their batch; it is returned after them.
    async fn apply_each(
        &self,
        projections: &[String],
        batch_size: u32,
    ) -> Result<Look, ProjectionError> {
        let mut together: Option<Look> = None;
        let mut failed = None;
        for projection in projections {
            match self.apply_one_batch(projection, batch_size).await {
                Ok(look) => {
                    together = Some(match together {
                        None => look,
                        Some(so_far) => Look {
                            applied: so_far.applied.max(look.applied),
                            reached: so_far.reached.zip(look.reached).map(|(a, b)| a.min(b)),
                        },
                    })
                }
                Err(error) => {
                    failed.get_or_insert(error);
                }
            }
        }
        match failed {
            Some(error) => Err(error),
            None => Ok(together.unwrap_or(Look::somewhere(0))),
        }
    }

    /// The batch of [`Self::catch_up_together_once`], or [`Together::Separately`] when it cannot be one.
    async fn apply_joint_batch(
        &self,
        projections: &[String],
        batch_size: u32,
    ) -> Result<Together, ProjectionError> {
        let names: Vec<&str> = projections.iter().map(String::as_str).collect();
        // Where this process last saw each checkpoint (after a joint batch they stand together); the batch
        // is read from the earliest of them before any lock is taken, as `apply_one_batch` does.
        let Some(seen) = names
            .iter()
            .map(|name| self.checkpoint_seen(name))
            .collect::<Option<Vec<Position>>>()
        else {
            return Ok(Together::Separately);
        };
        let from = seen.iter().copied().min().unwrap_or(Position::START);
        self.store()
            .commands_first(BATCH_QUIET, BATCH_PATIENCE)
            .await;
        let Some((_, mut recorded)) = self.read_early(from, batch_size).await? else {
            return Ok(Together::Separately);
        };
        if recorded.is_empty() {
            // Nothing after them, unless a rebuild or another process moved a checkpoint meanwhile.
            let stored = stored_checkpoints(self.db(), &names).await?;
            return Ok(if stored == seen {
                Together::Done(Look::at(0, from))
            } else {
                Together::Separately
            });
        }
        if self.db().kind() == BackendKind::Postgres && recorded.len() >= SIDE_BY_SIDE_FROM {
            return self.apply_side_by_side(&names, &seen, &recorded).await;
        }
        let _turn = self.store().writer_turn().await;
        let mut tx = self.batch_db().begin_relaxed().await?;
        let locked = lock_checkpoint_rows(&mut tx, &names).await?;
        if locked.len() != names.len() || locked.iter().any(|row| row.quarantined) {
            tx.rollback().await?;
            return Ok(Together::Separately);
        }
        let checkpoints: Vec<Position> = locked.iter().map(|row| row.checkpoint).collect();
        let locked_from = checkpoints.iter().copied().min().unwrap_or(Position::START);
        let _open = OpenBatch::register(self, locked[0].xid);
        if checkpoints != seen {
            // Another runner moved a checkpoint since this process last saw it: read again, under the lock.
            recorded = match self.read_early(locked_from, batch_size).await? {
                Some((_, recorded)) => recorded,
                None => {
                    tx.rollback().await?;
                    return Ok(Together::Separately);
                }
            };
        }
        let Some(last) = recorded.last().map(|event| event.position) else {
            tx.rollback().await?;
            return Ok(Together::Done(Look::at(0, locked_from)));
        };
        let (envelopes, entries) = quarantine::sort_out(&recorded, &mut Default::default());
        if !entries.is_empty() {
            // An event that cannot be decoded: each projection quarantines it by itself (ADR 13).
            tx.rollback().await?;
            return Ok(Together::Separately);
        }
        // Each projection from its own checkpoint; one already past the batch's end is left as it is.
        let batches: Vec<(&str, &[events::Envelope])> =
            each_from_its_checkpoint(&names, &checkpoints, &envelopes, last)
                .map(|(name, _, envelopes)| (name, envelopes))
                .collect();
        match self.commit_batch(&batches, tx, last).await {
            Ok(()) => {
                for (name, _) in &batches {
                    self.saw_checkpoint(name, last);
                }
                Ok(Together::Done(Look::at(recorded.len(), last)))
            }
            Err(error) if quarantine::is_poison(&error) => {
                tracing::warn!(%error, "a joint projection batch failed on its data; applying it projection by projection");
                Ok(Together::Separately)
            }
            Err(error) => Err(error),
        }
    }

    /// PostgreSQL, a long batch of several projections (a runner catching up, as after an import): each
    /// projection applies it in a transaction of its own, side by side, each from the checkpoint this process
    /// saw (`seen`, in the order of `names`). One transaction for all would apply them one after the other,
    /// and a long batch's statements, not its commit, are what costs (docs/performance.md, round 18). A
    /// projection whose checkpoint moved meanwhile, or that holds quarantined events, is left for
    /// [`Together::Separately`], as is every projection after an event that cannot be decoded or applied.
    async fn apply_side_by_side(
        &self,
        names: &[&str],
        seen: &[Position],
        recorded: &[store::RecordedEvent],
    ) -> Result<Together, ProjectionError> {
        let Some(last) = recorded.last().map(|event| event.position) else {
            return Ok(Together::Separately);
        };
        let (envelopes, entries) = quarantine::sort_out(recorded, &mut Default::default());
        if !entries.is_empty() {
            return Ok(Together::Separately);
        }
        let applying = each_from_its_checkpoint(names, seen, &envelopes, last).map(
            |(name, seen, envelopes)| async move {
                let applied = self.apply_shared_batch(name, seen, envelopes, last).await;
                (name, applied)
            },
        );
        let mut together = true;
        let mut failed = None;
        for (name, applied) in futures::future::join_all(applying).await {
            match applied {
                Ok(true) => self.saw_checkpoint(name, last),
                Ok(false) => together = false,
                Err(error) if quarantine::is_poison(&error) => {
                    tracing::warn!(projection = name, %error, "a projection batch failed on its data; applying it projection by projection");
                    together = false;
                }
                Err(error) => failed = Some(error),
            }
        }
        match failed {
            Some(error) => Err(error),
            None if together => Ok(Together::Done(Look::at(recorded.len(), last))),
            None => Ok(Together::Separately),
        }
    }

    /// After a batch failed because of one of its events: applies `recorded` one event per transaction, and
    /// quarantines the event that fails (ADR 13). Returns how many events it passed.
    async fn apply_one_by_one(
        &self,
        projection: &str,
        recorded: &[store::RecordedEvent],
    ) -> Result<usize, ProjectionError> {
        let mut passed = 0;
        for event in recorded {
            let mut tx = self.db().begin().await?;
            let locked = lock_checkpoint(&mut tx, projection).await?;
            if locked.checkpoint >= event.position {
                continue;
            }
            let _open = OpenBatch::register(self, locked.xid);
            let mut held = quarantine::held_streams(&mut tx, projection).await?;
            let (envelopes, entries) = quarantine::sort_out(std::slice::from_ref(event), &mut held);
            quarantine::record(&mut tx, projection, &entries, &mut held).await?;
            match self
                .commit_batch(&[(projection, &envelopes)], tx, event.position)
                .await
            {
                Ok(()) => quarantine::report(projection, &entries),
                Err(error) if quarantine::is_poison(&error) => {
                    let mut tx = self.db().begin().await?;
                    let checkpoint = lock_checkpoint(&mut tx, projection).await?.checkpoint;
                    if checkpoint < event.position {
                        let entries =
                            vec![quarantine::Entry::recorded(event, error.to_string(), None)];
                        quarantine::record(&mut tx, projection, &entries, &mut held).await?;
                        quarantine::pass(&mut tx, projection, event.position).await?;
                        tx.commit().await?;
                        quarantine::report(projection, &entries);
                    }
                }
                Err(error) => return Err(error),
            }
            passed += 1;
        }
        Ok(passed)
    }

    /// A batch could not be read from the store (an event's payload is not JSON, a sealed value is corrupt):
    /// applies the first event alone if it reads, or quarantines it if it does not (ADR 13).
    async fn pass_unreadable(
        &self,
        projection: &str,
        mut tx: Tx,
        checkpoint: Position,
        passing: &[i64],
        error: ProjectionError,
    ) -> Result<usize, ProjectionError> {
        match self.store().read_all_passing(checkpoint, 1, passing).await {
            Ok(first) if !first.is_empty() => {
                drop(tx);
                self.apply_one_by_one(projection, &first).await
            }
            Ok(_) => Err(error),
            Err(_) => {
                let Some(event) = self.store().peek_after(checkpoint, passing).await? else {
                    return Err(error);
                };
                let entries = vec![quarantine::Entry::unopened(&event, error.to_string())];
                let mut held = std::collections::HashMap::new();
                quarantine::record(&mut tx, projection, &entries, &mut held).await?;
                quarantine::pass(&mut tx, projection, event.position).await?;
                tx.commit().await?;
                quarantine::report(projection, &entries);
                Ok(1)
            }
        }
    }

    /// Applies each projection's decoded events inside `tx` (which holds the projections' checkpoint locks),
    /// moves their checkpoints to `last` and commits; then tells the subscribers.
    async fn commit_batch(
        &self,
        batches: &[(&str, &[events::Envelope])],
        mut tx: Tx,
        last: Position,
    ) -> Result<(), ProjectionError> {
        let mut effects = BatchEffects::default();
        for (projection, envelopes) in batches {
            apply::apply_batch(
                projection,
                &mut tx,
                envelopes,
                &mut effects,
                self.campaign_of(),
            )
            .await?;
        }
        #[cfg(feature = "fault-injection")]
        if self.inject_fault() {
            // Tests: a crash after the read-model writes and before the commit; dropping the transaction
            // rolls it back, as a dead process's would be.
            return Err(ProjectionError::Interrupted(
                "injected fault before commit".to_string(),
            ));
        }
        if !batches.is_empty() {
            let marks = store::sql::placeholders(tx.kind(), 3 + batches.len());
            let mut values = Vec::from(args![last.tx, last.position, Utc::now()]);
            values.extend(batches.iter().map(|(projection, _)| Arg::from(*projection)));
            tx.execute(
                &format!(
                    "UPDATE projection_checkpoints SET tx = {}, position = {}, updated_at = {} \
                     WHERE name IN ({})",
                    marks[0],
                    marks[1],
                    marks[2],
                    marks[3..].join(", ")
                ),
                &values,
            )
            .await?;
        }
        if tx.kind() == BackendKind::Postgres {
            // Delivered to every process's listener when (and only if) the batch commits.
            let payloads = effects
                .changes
                .iter()
                .map(|change| serde_json::to_string(change).unwrap_or_default())
                .collect();
            tx.notify_all(CHANGES_CHANNEL, payloads).await?;
        }
        if effects.erased {
            // Before the commit too: once the checkpoint is visible (to a reader waiting for it, woken by
            // this batch's notification), no chart or answer built before may still show the forgotten
            // person. Dropping them early costs a rebuild at most; one built meanwhile is dropped again below.
            self.forget_charts();
        }
        tx.commit().await?;
        if effects.erased {
            self.forget_charts();
            for (projection, _) in batches {
                self.scrub(projection).await?;
            }
        }
        if self.db().kind() == BackendKind::Sqlite {
            for change in effects.changes {
                self.publish(change);
            }
        }
        self.projected();
        Ok(())
    }

    /// Applies a batch that was read and decoded once for every projection, if the projection's checkpoint
    /// is still where the batch was read from (`from`); returns false when another runner moved it meanwhile.
    async fn apply_shared_batch(
        &self,
        projection: &str,
        from: Position,
        envelopes: &[events::Envelope],
        last: Position,
    ) -> Result<bool, ProjectionError> {
        let _turn = self.store().writer_turn().await;
        let mut tx = self.batch_db().begin_relaxed().await?;
        let locked = lock_checkpoint(&mut tx, projection).await?;
        if locked.checkpoint != from || locked.quarantined {
            tx.rollback().await?;
            return Ok(false);
        }
        let _open = OpenBatch::register(self, locked.xid);
        self.commit_batch(&[(projection, envelopes)], tx, last)
            .await?;
        Ok(true)
    }

    /// Applies batches until the projection has read everything committed when it was called (the log's
    /// head). On PostgreSQL a read may come up short for a moment: an event can be hidden behind a
    /// transaction still running, of this database or, until the next full look (ADR 2's amendment), of
    /// another; the read is then tried again a few milliseconds later, for at most `CATCH_UP_PATIENCE`.
    pub async fn catch_up(&self, projection: &str) -> Result<(), ProjectionError> {
        let head = self.store().head().await?;
        let deadline = tokio::time::Instant::now() + CATCH_UP_PATIENCE;
        loop {
            let look = self.catch_up_once(projection, CATCH_UP_BATCH).await?;
            if look.applied > 0 {
                continue;
            }
            if look.reached.is_some_and(|reached| reached >= head) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(
                    projection,
                    ?head,
                    "catching up: the log's head is still hidden; going on"
                );
                return Ok(());
            }
            tokio::time::sleep(QUICK_LOOK_INTERVAL).await;
        }
    }

    /// Empties the projection's tables, resets its checkpoint and catches up from position zero.
    pub async fn rebuild(&self, projection: &str) -> Result<(), ProjectionError> {
        if !PROJECTIONS.contains(&projection) {
            return Err(ProjectionError::UnknownProjection(projection.to_string()));
        }
        let models = self.clone();
        let name = projection.to_string();
        tokio::spawn(async move { models.reset(&name).await })
            .await
            .map_err(|error| ProjectionError::Interrupted(error.to_string()))??;
        self.catch_up(projection).await?;
        self.analyze(projection).await?;
        self.wake();
        Ok(())
    }

    /// Empties the projection's tables and resets its checkpoint, in one transaction.
    async fn reset(&self, projection: &str) -> Result<(), ProjectionError> {
        let mut tx = self.db().begin().await?;
        lock_checkpoint(&mut tx, projection).await?;
        match tx.kind() {
            // Transactional on PostgreSQL, and far faster than deleting row by row; the old files go with it.
            BackendKind::Postgres => {
                let tables = apply::tables(projection).join(", ");
                tx.execute(&format!("TRUNCATE {tables}"), &[]).await?;
            }
            BackendKind::Sqlite => {
                for table in apply::tables(projection) {
                    tx.execute(&format!("DELETE FROM {table}"), &[]).await?;
                }
            }
        }
        tx.execute(
            "UPDATE projection_checkpoints SET tx = 0, position = 0, updated_at = $2 WHERE name = $1",
            &args![projection, Utc::now()],
        )
        .await?;
        // A rebuild tries every quarantined event again (ADR 13): those that still fail come back.
        tx.execute(
            "DELETE FROM projection_quarantine WHERE projection = $1",
            &args![projection],
        )
        .await?;
        tx.commit().await?;
        // The deleted rows may hold personal data of people forgotten since: scrub them too. On PostgreSQL
        // TRUNCATE has already replaced the tables' files, so no old row versions are left to vacuum.
        if self.db().kind() == BackendKind::Sqlite {
            self.scrub(projection).await?;
        }
        Ok(())
    }

    /// Rebuilds every projection. The log is read and decoded once for all of them: each batch is applied
    /// to every projection at once (each in its own transaction with its own checkpoint), while the next
    /// batch is being read. A projection whose checkpoint another runner moved meanwhile (a server running
    /// beside the rebuild) finishes on its own.
    pub async fn rebuild_all(&self) -> Result<(), ProjectionError> {
        for projection in PROJECTIONS {
            let models = self.clone();
            tokio::spawn(async move { models.reset(projection).await })
                .await
                .map_err(|error| ProjectionError::Interrupted(error.to_string()))??;
        }
        let mut from = Position::START;
        let mut next = self.read_decoded(from);
        loop {
            let (recorded, envelopes) = match next
                .await
                .map_err(|error| ProjectionError::Interrupted(error.to_string()))?
            {
                Ok(batch) => batch,
                // An event that cannot be read or decoded: each projection goes on by itself from here,
                // quarantining it (ADR 13).
                Err(error) if quarantine::is_poison(&error) => {
                    tracing::warn!(%error, "rebuild: an event cannot be projected; going on projection by projection");
                    break;
                }
                Err(error) => return Err(error),
            };
            let Some(last) = recorded else {
                break;
            };
            next = self.read_decoded(last);
            let mut applying = Vec::new();
            for projection in PROJECTIONS {
                let models = self.clone();
                let envelopes = envelopes.clone();
                applying.push(tokio::spawn(async move {
                    models
                        .apply_shared_batch(projection, from, &envelopes, last)
                        .await
                }));
            }
            let mut all_applied = true;
            for applied in applying {
                match applied
                    .await
                    .map_err(|error| ProjectionError::Interrupted(error.to_string()))?
                {
                    Ok(applied) => all_applied &= applied,
                    Err(error) if quarantine::is_poison(&error) => {
                        tracing::warn!(%error, "rebuild: a batch cannot be applied; going on projection by projection");
                        all_applied = false;
                    }
                    Err(error) => return Err(error),
                }
            }
            if !all_applied {
                break;
            }
            from = last;
        }
        for projection in PROJECTIONS {
            self.catch_up(projection).await?;
            self.analyze(projection).await?;
        }
        self.wake();
        Ok(())
    }

    /// Refreshes the query planner's statistics of the projection's tables. After a bulk load or a rebuild
    /// the tables hold far more rows than the planner last saw (PostgreSQL's autovacuum may be off or not
    /// have run yet; SQLite never gathers them by itself), and a plan made for an empty table probes the
    /// people list's memberships once per person: 120 ms instead of 3 ms for a page at 10,000 people.
    pub(crate) async fn analyze(&self, projection: &str) -> Result<(), ProjectionError> {
        let tables = apply::tables(projection);
        match self.db() {
            Db::Postgres(pool) => {
                sqlx::raw_sql(&format!("ANALYZE {}", tables.join(", ")))
                    .execute(pool)
                    .await?;
            }
            Db::Sqlite(pool) => {
                // A sample per index keeps it quick on big tables.
                let mut statements = String::from("PRAGMA analysis_limit = 1000;");
                for table in tables {
                    statements.push_str(&format!(" ANALYZE {table};"));
                }
                sqlx::raw_sql(&statements).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Reads (in a task of its own) the catch-up batch after `after` and decodes it; `None` at the end of
    /// what the log hands out.
    fn read_decoded(&self, after: Position) -> JoinHandle<DecodedBatch> {
        let models = self.clone();
        tokio::spawn(async move {
            let passing = models.batch_transactions().open();
            let recorded = models
                .store()
                .read_all_passing(after, CATCH_UP_BATCH, &passing)
                .await?;
            let last = recorded.last().map(|event| event.position);
            Ok((last, std::sync::Arc::new(decode_all(&recorded)?)))
        })
    }

    /// After a forgotten person's personal columns were nulled: SQLite has already zeroed the old cells
    /// (secure_delete), but older page images stay in the write-ahead log until it is checkpointed;
    /// PostgreSQL keeps the old row versions until VACUUM.
    async fn scrub(&self, projection: &str) -> Result<(), ProjectionError> {
        match self.db() {
            Db::Sqlite(pool) => {
                for _attempt in 0..50 {
                    let (busy, _, _): (i64, i64, i64) =
                        sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                            .fetch_one(pool)
                            .await?;
                    if busy == 0 {
                        return Ok(());
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                tracing::warn!(
                    "the WAL could not be truncated after erasing a person: readers kept it busy"
                );
            }
            Db::Postgres(pool) => {
                for table in apply::tables(projection) {
                    sqlx::raw_sql(&format!("VACUUM {table}"))
                        .execute(pool)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Where each projection stands, and how far behind the log it is.
    pub async fn status(&self) -> Result<Vec<ProjectionStatus>, ProjectionError> {
        let quarantined = quarantine::counts(self.db()).await?;
        let mut statuses = Vec::new();
        for name in PROJECTIONS {
            let row = self
                .db()
                .fetch_optional(
                    "SELECT tx, position, updated_at FROM projection_checkpoints WHERE name = $1",
                    &args![*name],
                )
                .await?;
            let (position, updated_at) = match row {
                Some(row) => (
                    Position {
                        tx: row.int("tx")?,
                        position: row.int("position")?,
                    },
                    Some(row.time("updated_at")?),
                ),
                None => (Position::START, None),
            };
            let lag = self
                .db()
                .fetch_optional(
                    "SELECT COUNT(*) AS behind, MIN(recorded_at) AS oldest FROM events \
                     WHERE tx_id > $1 OR (tx_id = $1 AND position > $2)",
                    &args![position.tx, position.position],
                )
                .await?;
            let (lag_events, oldest) = match lag {
                Some(row) => (row.int("behind")?, row.opt_time("oldest")?),
                None => (0, None),
            };
            let lag_seconds = oldest
                .map(|oldest| (Utc::now() - oldest).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0);
            statuses.push(ProjectionStatus {
                name: name.to_string(),
                position,
                updated_at,
                lag_events,
                lag_seconds,
                quarantined: quarantined.get(*name).copied().unwrap_or(0),
            });
        }
        Ok(statuses)
    }

    /// Where each projection stands for one chapter, in the chapter's own numbers (ADR 19): the chapter's
    /// newest event at or before the checkpoint, and the chapter's events after it. A chapter's numbers
    /// follow the global order, so its lag is the distance from that number to the chapter's head.
    pub async fn chapter_status(
        &self,
        chapter: ChapterId,
    ) -> Result<Vec<ChapterProjectionStatus>, ProjectionError> {
        let chapter = chapter.to_string();
        let store = self.store();
        let head = store.chapter_head(&chapter).await?;
        let mut statuses = Vec::new();
        for name in PROJECTIONS {
            let checkpoint = match self
                .db()
                .fetch_optional(
                    "SELECT tx, position FROM projection_checkpoints WHERE name = $1",
                    &args![*name],
                )
                .await?
            {
                Some(row) => Position {
                    tx: row.int("tx")?,
                    position: row.int("position")?,
                },
                None => Position::START,
            };
            let position = if head == 0 {
                0
            } else {
                store.chapter_position_at(&chapter, checkpoint).await?
            };
            let updated_at = if position == 0 {
                None
            } else {
                store
                    .chapter_event(&chapter, position)
                    .await?
                    .map(|(_, at)| at)
            };
            let lag_seconds = if head > position {
                store
                    .chapter_event(&chapter, position + 1)
                    .await?
                    .map(|(_, oldest)| {
                        (Utc::now() - oldest).num_milliseconds().max(0) as f64 / 1000.0
                    })
                    .unwrap_or(0.0)
            } else {
                0.0
            };
            statuses.push(ChapterProjectionStatus {
                name: name.to_string(),
                position,
                updated_at,
                lag_events: i64::try_from(head.saturating_sub(position)).unwrap_or(i64::MAX),
                lag_seconds,
            });
        }
        Ok(statuses)
    }

    /// The events the projections passed over (ADR 13): of one chapter, or every one (`None`, for the
    /// operator: events whose metadata cannot be read belong to no chapter).
    pub async fn quarantined(
        &self,
        chapter: Option<ChapterId>,
    ) -> Result<Vec<crate::QuarantinedEvent>, ProjectionError> {
        quarantine::list(self.db(), chapter).await
    }

    /// The position every projection has reached (the smallest of their checkpoints).
    pub async fn projected_position(&self) -> Result<Position, ProjectionError> {
        let rows = self
            .db()
            .fetch("SELECT name, tx, position FROM projection_checkpoints", &[])
            .await?;
        let mut reached = Vec::new();
        for name in PROJECTIONS {
            let mut position = Position::START;
            for row in &rows {
                if row.text("name")? == *name {
                    position = Position {
                        tx: row.int("tx")?,
                        position: row.int("position")?,
                    };
                }
            }
            reached.push(position);
        }
        Ok(reached.into_iter().min().unwrap_or(Position::START))
    }

    /// Waits until the `campaigns` projection, whose tables are all a wall chart reads, has passed
    /// `position`; as [`Self::wait_until`] for a reader of wall charts only. Returns `false` on timeout.
    pub async fn wait_for_charts(
        &self,
        position: Position,
        timeout: Duration,
    ) -> Result<bool, ProjectionError> {
        self.wait_for(position, timeout, || self.checkpoint(CAMPAIGNS))
            .await
    }

    /// Waits until every projection has passed `position` (a mutation's `Committed::position`), so the API
    /// can read its own writes. Returns `false` on timeout.
    pub async fn wait_until(
        &self,
        position: Position,
        timeout: Duration,
    ) -> Result<bool, ProjectionError> {
        self.wait_for(position, timeout, || self.projected_position())
            .await
    }

    /// Waits until `reached` (read again whenever this process projects something, and at least every
    /// 25 ms for the other processes' projections) has passed `position`. Returns `false` on timeout.
    async fn wait_for<F, R>(
        &self,
        position: Position,
        timeout: Duration,
        reached: F,
    ) -> Result<bool, ProjectionError>
    where
        F: Fn() -> R,
        R: std::future::Future<Output = Result<Position, ProjectionError>>,
    {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut projected = self.projected_signal();
        loop {
            if reached().await? >= position {
                return Ok(true);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            let pause = (deadline - now).min(Duration::from_millis(25));
            tokio::select! {
                _ = projected.changed() => {}
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }
}
