//! The event store's SQL, written once on [`crate::sql`] for both backends. The few statements where the two
//! dialects really differ (the transaction id, the visibility horizon, what follows an import or a
//! forgetting) branch with an exhaustive `match` on the backend kind.

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;

use crate::error::StoreError;
use crate::sql::{args, AnyRow, Arg, Db, Tx};
use crate::store::BackendKind;

/// An event row exactly as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredRow {
    pub position: i64,
    pub tx_id: i64,
    pub stream_type: String,
    pub stream_id: String,
    pub stream_version: i64,
    pub event_type: String,
    pub schema_version: i64,
    pub data_subject: Option<String>,
    pub payload: String,
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
    /// The event's number in its chapter's own sequence (ADR 19); `None` when its metadata names no chapter.
    /// Not exported: an import numbers the events again, in the same global order.
    pub chapter_position: Option<i64>,
    /// Whether the data subject's key was still stored when the row was read, checked in the same
    /// statement ([`SUBJECT_KEY`]); `None` when the statement did not ask or the row has no data subject.
    pub subject_key: Option<bool>,
}

/// A snapshot row exactly as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredSnapshot {
    pub version: i64,
    pub data_subject: Option<String>,
    pub state: String,
    /// As [`StoredRow::subject_key`].
    pub subject_key: Option<bool>,
}

/// A person key row exactly as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredKey {
    pub person_id: String,
    pub wrapped_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

/// A forgotten person row exactly as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredForgotten {
    pub person_id: String,
    pub forgotten_at: DateTime<Utc>,
}

/// One prepared (already sealed) stream append.
#[derive(Debug)]
pub(crate) struct SealedAppend {
    pub stream_type: String,
    pub stream_id: String,
    pub data_subject: Option<String>,
    pub expected_version: u64,
    pub events: Vec<SealedEvent>,
    pub snapshot: Option<(u32, String)>,
    /// The data subject to forget in the append's transaction.
    pub forgets: Option<Uuid>,
}

#[derive(Debug)]
pub(crate) struct SealedEvent {
    pub event_type: String,
    pub schema_version: u32,
    pub payload: String,
    pub metadata: String,
}

/// One event row to insert, its text moved out of a sealed append.
#[derive(Debug)]
pub(crate) struct EventInsert {
    pub stream_type: String,
    pub stream_id: String,
    pub stream_version: i64,
    pub event_type: String,
    pub schema_version: i64,
    pub data_subject: Option<String>,
    pub payload: String,
    pub metadata: String,
    /// The chapter the event's metadata names, and its number in that chapter's sequence (ADR 19).
    pub chapter: Option<String>,
    pub chapter_position: Option<i64>,
}

/// One snapshot to write, borrowed from a sealed append.
#[derive(Debug)]
pub(crate) struct SnapshotWrite<'a> {
    pub stream_type: &'a str,
    pub stream_id: &'a str,
    pub snapshot_version: u32,
    pub version: i64,
    pub data_subject: Option<&'a str>,
    pub state: &'a str,
}

/// How many streams go into one version look-up of an append (2 parameters each: far below both backends'
/// parameter limits).
pub(crate) const LOOKUP_BATCH: usize = 1_000;

pub(crate) const EVENT_COLUMNS: &str =
    "position, tx_id, stream_type, stream_id, stream_version, event_type, \
     schema_version, data_subject, payload, metadata, recorded_at, chapter_position";

/// A column saying whether the row's data subject still has a stored key (1 or 0; NULL without a data
/// subject, or when the row's text holds no sealed value). Read in the same statement as the rows, it sees the
/// keys as of the rows' own snapshot: a read that starts after a forgetting committed never finds the
/// forgotten person's key, and the store needs no second round trip to check the keys it holds in memory
/// (`Store::keys_for_reading`).
///
/// A count through the primary key, not `EXISTS`: PostgreSQL may plan an `EXISTS` as a *hashed* subplan
/// that reads the whole of `person_keys` into a hash table on every execution. It did for the generic plan
/// of the catch-up read (`read_all`, whose row estimate for "after `$1`" is a third of the log): 2.1 ms per
/// read at 10,000 people instead of 0.08 ms, on every projection runner's and the webhook dispatcher's
/// wake-up, growing with the people (docs/performance.md, round 8). An aggregate is never hashed: it is
/// one index probe per row.
///
/// Only rows whose text holds a sealed value ask: the store opens nothing else, so it never reads the
/// column for them. The test is on the text as stored, where every sealed value is an object with the key
/// `"$sealed"` ([`crate::crypto::SEALED_MARKER`]; the domain's own data may not use that key); a text that
/// only mentions it asks needlessly, never wrongly. Most events of a person carry no sealed value (an
/// assessment, a step, a unit): at 10,000 people 34,000 of the 87,000 events with a data subject do, and the
/// probes made a PostgreSQL rebuild's read of the log 360 ms instead of 133 ms (docs/performance.md, round 20).
macro_rules! subject_key {
    ($text:literal) => {
        concat!(
            "CAST(CASE WHEN data_subject IS NULL OR ",
            $text,
            " NOT LIKE '%\"$sealed\"%' THEN NULL \
             ELSE (SELECT COUNT(*) FROM person_keys k WHERE k.person_id = data_subject) END \
             AS BIGINT) AS subject_key"
        )
    };
}

/// [`subject_key!`] of an event (its `payload`).
pub(crate) const SUBJECT_KEY: &str = subject_key!("payload");

/// [`subject_key!`] of a snapshot (its `state`).
pub(crate) const SNAPSHOT_SUBJECT_KEY: &str = subject_key!("state");

/// How many lines an import gathers per kind before it writes them (`Tx::insert_rows` splits them further
/// where the backend needs it).
pub(crate) const IMPORT_BATCH: usize = 500;

pub(crate) fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| {
        StoreError::Database(sqlx::Error::Decode(
            format!("negative {what}: {value}").into(),
        ))
    })
}

pub(crate) fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::InvalidAppend {
        reason: format!("{what} {value} is too large"),
    })
}

/// The name of a backend in messages.
pub(crate) fn name(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Sqlite => "SQLite",
        BackendKind::Postgres => "PostgreSQL",
    }
}

/// The statement giving the writing transaction its id (and a second column).
///
/// SQLite: writes are serialized, so the next transaction number is simply one past the largest. Other
/// processes cannot be woken through SQLite; readers in this process are woken by the store's commit signal.
///
/// PostgreSQL: the transaction's own id (xid8 has no direct cast to bigint, hence the text detour), shifted
/// above any imported tx ids. The same round trip wakes the projection runners of every process (LISTEN
/// groundwork_events) and tells them that tx id, so they know when they have read it: NOTIFY is
/// transactional, delivered when the append commits and not at all if it rolls back.
fn next_tx_id_sql(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Sqlite => {
            "SELECT COALESCE(MAX(tx_id), 0) + 1 AS tx_id, '' AS notified FROM events"
        }
        BackendKind::Postgres => {
            "SELECT pg_current_xact_id()::text::bigint + tx_id_offset AS tx_id, \
             pg_notify('groundwork_events', (pg_current_xact_id()::text::bigint + tx_id_offset)::text)::text \
             AS notified FROM store_settings"
        }
    }
}

/// The condition (`AND …`, or nothing) that keeps a catch-up reader to rows it may hand out.
///
/// SQLite: every committed row is readable, as SQLite commits one writer at a time, in tx id order.
///
/// PostgreSQL: only rows of transactions older than the oldest one still running that could still append
/// to this database's log: nothing can commit before them any more, so a reader that passed them never has
/// to look back. Transaction ids are cluster-wide, so the snapshot's running transactions include those of
/// every other database on the server; a transaction that `pg_stat_activity` shows working in another
/// database cannot write here and is passed. Anything not shown there (a backend the caller may not see, or
/// one that finished between the snapshot and the look) is held back, which is safe. The horizon also
/// passes running transactions the caller knows never append (`not_appending`, bound as an array in `$4`:
/// the projection runners' own batch transactions). It is the oldest running transaction left, or the
/// snapshot's xmax when there is none. Every transaction below it has finished or is one that writes no
/// events here, and every later one gets a larger id, so a reader that passed it still never has to look
/// back. `pg_stat_activity` gives 32-bit ids, compared with the 64-bit ones modulo 2^32 (the running ones
/// are never 2^31 apart). Reading `pg_stat_activity` costs about a millisecond under load (it copies every
/// backend's status), so that part of the look is taken only when `other_databases` says so
/// (`Store::read_all_passing` decides when); without it, another database's transaction holds the horizon
/// back like one of ours, which is safe.
fn visible_filter(kind: BackendKind, other_databases: bool) -> &'static str {
    match (kind, other_databases) {
        (BackendKind::Sqlite, _) => "",
        (BackendKind::Postgres, false) => {
            "AND tx_id < (SELECT COALESCE((SELECT MIN(x::text::bigint) FROM \
             pg_snapshot_xip(pg_current_snapshot()) AS x \
             WHERE x::text::bigint <> ALL (CAST($4 AS BIGINT[]))), \
             pg_snapshot_xmax(pg_current_snapshot())::text::bigint) + tx_id_offset FROM store_settings)"
        }
        (BackendKind::Postgres, true) => {
            "AND tx_id < (SELECT COALESCE((SELECT MIN(x::text::bigint) FROM \
             pg_snapshot_xip(pg_current_snapshot()) AS x \
             WHERE x::text::bigint <> ALL (CAST($4 AS BIGINT[])) \
             AND x::text::bigint % 4294967296 NOT IN (SELECT backend_xid::text::bigint \
             FROM pg_stat_activity WHERE backend_xid IS NOT NULL \
             AND datname <> current_database())), \
             pg_snapshot_xmax(pg_current_snapshot())::text::bigint) + tx_id_offset FROM store_settings)"
        }
    }
}

fn event_row(row: &AnyRow) -> Result<StoredRow, sqlx::Error> {
    Ok(StoredRow {
        position: row.int("position")?,
        tx_id: row.int("tx_id")?,
        stream_type: row.text("stream_type")?,
        stream_id: row.text("stream_id")?,
        stream_version: row.int("stream_version")?,
        event_type: row.text("event_type")?,
        schema_version: row.int("schema_version")?,
        data_subject: row.opt_text("data_subject")?,
        payload: row.text("payload")?,
        metadata: row.text("metadata")?,
        recorded_at: row.time("recorded_at")?,
        chapter_position: row.opt_int("chapter_position")?,
        subject_key: None,
    })
}

/// An event row read with its [`SUBJECT_KEY`] column.
fn keyed_event_row(row: &AnyRow) -> Result<StoredRow, sqlx::Error> {
    let mut stored = event_row(row)?;
    stored.subject_key = row.opt_int("subject_key")?.map(|present| present != 0);
    Ok(stored)
}

pub(crate) async fn stream_version(
    db: &Db,
    stream_type: &str,
    stream_id: &str,
) -> Result<i64, sqlx::Error> {
    db.fetch_one(
        "SELECT COALESCE(MAX(stream_version), 0) AS version FROM events \
         WHERE stream_type = $1 AND stream_id = $2",
        &args![stream_type, stream_id],
    )
    .await?
    .int("version")
}

/// Where a stream's newest event sits in the log (one probe at the end of the stream's unique index).
pub(crate) async fn stream_head(
    db: &Db,
    stream_type: &str,
    stream_id: &str,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    db.fetch_optional(
        "SELECT tx_id, position FROM events WHERE stream_type = $1 AND stream_id = $2 \
         ORDER BY stream_version DESC LIMIT 1",
        &args![stream_type, stream_id],
    )
    .await?
    .map(|row| Ok((row.int("tx_id")?, row.int("position")?)))
    .transpose()
}

pub(crate) async fn read_all(
    db: &Db,
    after_tx: i64,
    after_position: i64,
    limit: i64,
    not_appending: &[i64],
    other_databases: bool,
) -> Result<Vec<StoredRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS}, {SUBJECT_KEY} FROM events WHERE (tx_id, position) > ($1, $2) {} \
         ORDER BY tx_id, position LIMIT $3",
        visible_filter(db.kind(), other_databases)
    );
    let mut args = Vec::from(args![after_tx, after_position, limit]);
    if db.kind() == BackendKind::Postgres {
        // The transactions to pass, as an array literal: one prepared statement whatever they are.
        let list: Vec<String> = not_appending.iter().map(i64::to_string).collect();
        args.push(Arg::from(format!("{{{}}}", list.join(","))));
    }
    let rows = db.fetch(&sql, &args).await?;
    rows.iter().map(keyed_event_row).collect()
}

pub(crate) async fn head(db: &Db) -> Result<Option<(i64, i64)>, sqlx::Error> {
    db.fetch_optional(
        "SELECT tx_id, position FROM events ORDER BY tx_id DESC, position DESC LIMIT 1",
        &[],
    )
    .await?
    .map(|row| Ok((row.int("tx_id")?, row.int("position")?)))
    .transpose()
}

/// The chapter named by an event's metadata, as the index `events_by_chapter_position` computes it (written
/// exactly as in the migrations, or the planner would not use it).
fn chapter_of(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Sqlite => "json_extract(metadata, '$.chapter')",
        BackendKind::Postgres => "((metadata::jsonb) ->> 'chapter')",
    }
}

/// The newest committed event whose metadata names `chapter`: its place in the global order and its number
/// in the chapter (one backward step of `events_by_chapter_position`). Ordered by the number alone: with
/// the chapter's expression in the `ORDER BY` as well, SQLite read every event of the chapter into a
/// temporary B-tree to sort them (89,000 `json_extract` calls for each `logHead` and three for each
/// `projectionStatus` of the bench's campaign; docs/performance.md, round 19).
pub(crate) async fn chapter_head(
    db: &Db,
    chapter: &str,
) -> Result<Option<(i64, i64, i64)>, sqlx::Error> {
    let chapter_of = chapter_of(db.kind());
    let sql = format!(
        "SELECT tx_id, position, chapter_position FROM events \
         WHERE {chapter_of} = $1 AND chapter_position IS NOT NULL \
         ORDER BY chapter_position DESC LIMIT 1"
    );
    db.fetch_optional(&sql, &args![chapter])
        .await?
        .map(|row| {
            Ok((
                row.int("tx_id")?,
                row.int("position")?,
                row.int("chapter_position")?,
            ))
        })
        .transpose()
}

/// The event at number `chapter_position` of `chapter`: its place in the global order and when it was
/// recorded.
pub(crate) async fn chapter_event(
    db: &Db,
    chapter: &str,
    chapter_position: i64,
) -> Result<Option<(i64, i64, DateTime<Utc>)>, sqlx::Error> {
    let chapter_of = chapter_of(db.kind());
    let sql = format!(
        "SELECT tx_id, position, recorded_at FROM events \
         WHERE {chapter_of} = $1 AND chapter_position = $2"
    );
    db.fetch_optional(&sql, &args![chapter, chapter_position])
        .await?
        .map(|row| {
            Ok((
                row.int("tx_id")?,
                row.int("position")?,
                row.time("recorded_at")?,
            ))
        })
        .transpose()
}

/// Takes each chapter's append lock (PostgreSQL), before the transaction has an id. Held to the commit, it
/// makes a chapter's appends one at a time: the next one takes its transaction id, and its numbers, only
/// after this one committed, so a chapter's numbers follow the global order (ADR 19). Transaction-scoped
/// advisory locks on two 32-bit keys, a space apart from the single 64-bit keys of the projection runners,
/// leases and sign-in throttle. Taken in name order, so two groups of several chapters queue instead of
/// deadlocking; two chapters whose names hash alike merely share a lock. SQLite has one writer already.
pub(crate) async fn lock_chapters(tx: &mut Tx, chapters: &[&str]) -> Result<(), sqlx::Error> {
    if chapters.is_empty() || tx.kind() == BackendKind::Sqlite {
        return Ok(());
    }
    // VALUES rows are scanned in the order written.
    let sql = format!(
        "SELECT pg_advisory_xact_lock({CHAPTER_LOCK_CLASS}, hashtext(ids.chapter)) \
         FROM (VALUES {}) AS ids (chapter)",
        crate::sql::values_placeholders(tx.kind(), chapters.len(), 1)
    );
    let args: Vec<Arg> = chapters
        .iter()
        .flat_map(|chapter| args![*chapter])
        .collect();
    tx.execute(&sql, &args).await?;
    Ok(())
}

/// The first of the two keys of a chapter's append lock ("GW" and 19).
const CHAPTER_LOCK_CLASS: i32 = 0x4757_0019;

/// The newest number of each of `chapters` (absent: none yet). Must run after `lock_chapters`, in a
/// statement of its own: a statement's snapshot is taken when it starts, and this one must see the commit
/// of whoever held the lock before.
pub(crate) async fn chapter_numbers(
    tx: &mut Tx,
    chapters: &[&str],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let mut found = HashMap::with_capacity(chapters.len());
    if chapters.is_empty() {
        return Ok(found);
    }
    let chapter_of = chapter_of(tx.kind());
    for chunk in chapters.chunks(LOOKUP_BATCH) {
        let sql = format!(
            "WITH ids (chapter) AS (VALUES {}) \
             SELECT ids.chapter, (SELECT MAX(chapter_position) FROM events \
             WHERE {chapter_of} = ids.chapter) AS newest FROM ids",
            crate::sql::values_placeholders(tx.kind(), chunk.len(), 1)
        );
        let args: Vec<Arg> = chunk.iter().flat_map(|chapter| args![*chapter]).collect();
        for row in tx.fetch(&sql, &args).await? {
            if let Some(newest) = row.opt_int("newest")? {
                found.insert(row.text("chapter")?, newest);
            }
        }
    }
    Ok(found)
}

pub(crate) async fn read_stream(
    db: &Db,
    stream_type: &str,
    stream_id: &str,
    after_version: i64,
) -> Result<Vec<StoredRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS}, {SUBJECT_KEY} FROM events WHERE stream_type = $1 AND stream_id = $2 \
         AND stream_version > $3 ORDER BY stream_version"
    );
    let rows = db
        .fetch(&sql, &args![stream_type, stream_id, after_version])
        .await?;
    rows.iter().map(keyed_event_row).collect()
}

/// [`read_stream`] and where another stream's newest event sits, in one round trip: every row carries the
/// other stream's head (`beside_tx`, `beside_position`; computed once, the subqueries do not depend on the
/// row). `None` for a head when the other stream has no events or the first has none after `after_version`.
pub(crate) async fn read_stream_beside_head(
    db: &Db,
    stream: (&str, &str),
    after_version: i64,
    beside: (&str, &str),
) -> Result<(Vec<StoredRow>, Option<(i64, i64)>), sqlx::Error> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS}, {SUBJECT_KEY}, \
           (SELECT h.tx_id FROM events h WHERE h.stream_type = $4 AND h.stream_id = $5 \
            ORDER BY h.stream_version DESC LIMIT 1) AS beside_tx, \
           (SELECT h.position FROM events h WHERE h.stream_type = $4 AND h.stream_id = $5 \
            ORDER BY h.stream_version DESC LIMIT 1) AS beside_position \
         FROM events WHERE stream_type = $1 AND stream_id = $2 AND stream_version > $3 ORDER BY stream_version"
    );
    let rows = db
        .fetch(
            &sql,
            &args![stream.0, stream.1, after_version, beside.0, beside.1],
        )
        .await?;
    let head = match rows.first() {
        Some(row) => match (row.opt_int("beside_tx")?, row.opt_int("beside_position")?) {
            (Some(tx), Some(position)) => Some((tx, position)),
            _ => None,
        },
        None => None,
    };
    Ok((
        rows.iter().map(keyed_event_row).collect::<Result<_, _>>()?,
        head,
    ))
}

/// A stream's snapshot (of this format version, if newer than `after_version`) and the events after it (or
/// after `after_version` when there is no newer snapshot), in one round trip: the snapshot comes back as the
/// first row (`kind` 0), the events after it in version order.
pub(crate) async fn load_latest(
    db: &Db,
    stream_type: &str,
    stream_id: &str,
    snapshot_version: i64,
    after_version: i64,
) -> Result<(Option<StoredSnapshot>, Vec<StoredRow>), sqlx::Error> {
    let sql = format!(
        "SELECT CAST(0 AS BIGINT) AS kind, CAST(-1 AS BIGINT) AS position, CAST(0 AS BIGINT) AS tx_id, \
           stream_type, stream_id, version AS stream_version, '' AS event_type, \
           CAST(0 AS BIGINT) AS schema_version, \
           data_subject, state AS payload, '' AS metadata, taken_at AS recorded_at, \
           CAST(NULL AS BIGINT) AS chapter_position, {SNAPSHOT_SUBJECT_KEY} \
         FROM snapshots WHERE stream_type = $1 AND stream_id = $2 AND snapshot_version = $3 \
           AND version > $4 \
         UNION ALL \
         SELECT CAST(1 AS BIGINT), position, tx_id, stream_type, stream_id, stream_version, event_type, \
           schema_version, data_subject, payload, metadata, recorded_at, chapter_position, {SUBJECT_KEY} \
         FROM events WHERE stream_type = $1 AND stream_id = $2 AND stream_version > COALESCE( \
           (SELECT version FROM snapshots \
            WHERE stream_type = $1 AND stream_id = $2 AND snapshot_version = $3 AND version > $4), $4) \
         ORDER BY kind, stream_version"
    );
    let rows = db
        .fetch(
            &sql,
            &args![stream_type, stream_id, snapshot_version, after_version],
        )
        .await?;
    let mut snapshot = None;
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.int("kind")? == 0 {
            snapshot = Some(StoredSnapshot {
                version: row.int("stream_version")?,
                data_subject: row.opt_text("data_subject")?,
                state: row.text("payload")?,
                subject_key: row.opt_int("subject_key")?.map(|present| present != 0),
            });
        } else {
            events.push(keyed_event_row(row)?);
        }
    }
    Ok((snapshot, events))
}

pub(crate) async fn wrapped_key(db: &Db, person: Uuid) -> Result<Option<Vec<u8>>, sqlx::Error> {
    db.fetch_optional(
        "SELECT wrapped_key FROM person_keys WHERE person_id = $1",
        &args![person.to_string()],
    )
    .await?
    .map(|row| row.bytes("wrapped_key"))
    .transpose()
}

pub(crate) async fn is_forgotten(db: &Db, person: Uuid) -> Result<bool, sqlx::Error> {
    Ok(db
        .fetch_optional(
            "SELECT CAST(1 AS BIGINT) AS found FROM forgotten_people WHERE person_id = $1",
            &args![person.to_string()],
        )
        .await?
        .is_some())
}

/// Any one stored key, to check the master key at start-up.
pub(crate) async fn any_key(db: &Db) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    db.fetch_optional(
        "SELECT person_id, wrapped_key FROM person_keys LIMIT 1",
        &[],
    )
    .await?
    .map(|row| Ok((row.text("person_id")?, row.bytes("wrapped_key")?)))
    .transpose()
}

/// What a group commit reads before it writes: the transaction id, each named stream's version, each
/// chapter's newest number (absent: none yet) and which of the data subjects have been forgotten.
pub(crate) struct WriteState {
    pub tx_id: i64,
    pub versions: Vec<((String, String), i64)>,
    pub chapters: HashMap<String, i64>,
    pub forgotten: Vec<String>,
}

/// The write's transaction id, the current version of each named stream (type and id) that has any event
/// (absent: version 0), whatever their types, and the newest number of each of `chapters`, in one query per
/// `LOOKUP_BATCH` streams. One index probe per stream (a correlated MAX, which both databases answer from
/// the end of the unique index), so a stream's length does not matter. The transaction id (with the NOTIFY
/// on PostgreSQL) comes from a CTE of the first query, evaluated once, and the chapters' numbers from the
/// same query (up to `LOOKUP_BATCH` chapters; more in queries of their own), and so do which of `subjects`
/// are forgotten (up to `LOOKUP_BATCH`, else a query of its own), so a group commit spends no round trip on
/// any of them: each would be one more round trip while the chapter's lock is held (docs/performance.md,
/// round 11). Must run after `lock_chapters`, in a statement of its own: a statement's snapshot is taken
/// when it starts, and the chapters' numbers must include the commit of whoever held a chapter's lock
/// before.
pub(crate) async fn write_state(
    tx: &mut Tx,
    streams: &[(&str, &str)],
    chapters: &[&str],
    subjects: &[String],
) -> Result<WriteState, sqlx::Error> {
    let kind = tx.kind();
    let mut state = WriteState {
        tx_id: 0,
        versions: Vec::with_capacity(streams.len()),
        chapters: HashMap::with_capacity(chapters.len()),
        forgotten: Vec::new(),
    };
    let (chapters_here, chapters_later) = if chapters.len() <= LOOKUP_BATCH {
        (chapters, &[][..])
    } else {
        (&[][..], chapters)
    };
    let (subjects_here, subjects_later) = if subjects.len() <= LOOKUP_BATCH {
        (subjects, &[][..])
    } else {
        (&[][..], subjects)
    };
    let mut chunks = streams.chunks(LOOKUP_BATCH);
    // The first query: the transaction id, the first streams and the chapters.
    let first = chunks.next().unwrap_or(&[]);
    // SQLite names a VALUES list's columns only in a CTE.
    let mut ctes = vec![format!("this_tx AS ({})", next_tx_id_sql(kind))];
    let mut parts = Vec::new();
    if first.is_empty() {
        parts.push(
            "SELECT tx_id, CAST(NULL AS TEXT) AS stream_type, CAST(NULL AS TEXT) AS stream_id, \
             CAST(NULL AS BIGINT) AS version, CAST(NULL AS TEXT) AS chapter, \
             CAST(NULL AS TEXT) AS forgotten FROM this_tx"
                .to_string(),
        );
    } else {
        ctes.push(format!(
            "ids (stream_type, stream_id) AS (VALUES {})",
            crate::sql::values_placeholders(kind, first.len(), 2)
        ));
        parts.push(
            "SELECT (SELECT tx_id FROM this_tx) AS tx_id, ids.stream_type, ids.stream_id, \
             (SELECT MAX(stream_version) FROM events WHERE events.stream_type = ids.stream_type \
             AND events.stream_id = ids.stream_id) AS version, CAST(NULL AS TEXT) AS chapter, \
             CAST(NULL AS TEXT) AS forgotten FROM ids"
                .to_string(),
        );
    }
    if !chapters_here.is_empty() {
        let placeholders: Vec<String> = (0..chapters_here.len())
            // No cast: on SQLite a TEXT column would compare with affinity and miss the expression index.
            .map(|index| match kind {
                BackendKind::Sqlite => "(?)".to_string(),
                BackendKind::Postgres => format!("(${})", first.len() * 2 + index + 1),
            })
            .collect();
        ctes.push(format!(
            "chapter_ids (chapter) AS (VALUES {})",
            placeholders.join(", ")
        ));
        parts.push(format!(
            "SELECT (SELECT tx_id FROM this_tx), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
             (SELECT MAX(chapter_position) FROM events WHERE {} = chapter_ids.chapter), chapter_ids.chapter, \
             CAST(NULL AS TEXT) FROM chapter_ids",
            chapter_of(kind)
        ));
    }
    if !subjects_here.is_empty() {
        let placeholders: Vec<String> = (0..subjects_here.len())
            .map(|index| match kind {
                BackendKind::Sqlite => "?".to_string(),
                BackendKind::Postgres => {
                    format!("${}", first.len() * 2 + chapters_here.len() + index + 1)
                }
            })
            .collect();
        parts.push(format!(
            "SELECT (SELECT tx_id FROM this_tx), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
             CAST(NULL AS BIGINT), CAST(NULL AS TEXT), f.person_id FROM forgotten_people f \
             WHERE f.person_id IN ({})",
            placeholders.join(", ")
        ));
    }
    let sql = format!("WITH {} {}", ctes.join(", "), parts.join(" UNION ALL "));
    let mut args: Vec<Arg> = first
        .iter()
        .flat_map(|(stream_type, stream_id)| args![*stream_type, *stream_id])
        .collect();
    args.extend(chapters_here.iter().flat_map(|chapter| args![*chapter]));
    args.extend(
        subjects_here
            .iter()
            .flat_map(|person| args![person.as_str()]),
    );
    let rows = tx.fetch(&sql, &args).await?;
    let Some(row) = rows.first() else {
        return Err(sqlx::Error::RowNotFound);
    };
    state.tx_id = row.int("tx_id")?;
    read_state_rows(&rows, &mut state)?;
    for chunk in chunks {
        let sql = format!(
            "WITH ids (stream_type, stream_id) AS (VALUES {}) \
             SELECT ids.stream_type, ids.stream_id, (SELECT MAX(stream_version) FROM events \
             WHERE events.stream_type = ids.stream_type AND events.stream_id = ids.stream_id) AS version, \
             CAST(NULL AS TEXT) AS chapter, CAST(NULL AS TEXT) AS forgotten FROM ids",
            crate::sql::values_placeholders(kind, chunk.len(), 2),
        );
        let args: Vec<Arg> = chunk
            .iter()
            .flat_map(|(stream_type, stream_id)| args![*stream_type, *stream_id])
            .collect();
        read_state_rows(&tx.fetch(&sql, &args).await?, &mut state)?;
    }
    if !chapters_later.is_empty() {
        state.chapters = chapter_numbers(tx, chapters_later).await?;
    }
    if !subjects_later.is_empty() {
        state.forgotten = forgotten_among(tx, subjects_later).await?;
    }
    Ok(state)
}

/// A stream's version, a chapter's newest number or a forgotten data subject, from a row of `write_state`'s
/// queries.
fn read_state_rows(rows: &[AnyRow], state: &mut WriteState) -> Result<(), sqlx::Error> {
    for row in rows {
        if let Some(person) = row.opt_text("forgotten")? {
            state.forgotten.push(person);
        } else if let Some(chapter) = row.opt_text("chapter")? {
            if let Some(newest) = row.opt_int("version")? {
                state.chapters.insert(chapter, newest);
            }
        } else if let (Some(stream_type), Some(version)) =
            (row.opt_text("stream_type")?, row.opt_int("version")?)
        {
            state
                .versions
                .push(((stream_type, row.text("stream_id")?), version));
        }
    }
    Ok(())
}

/// Which of `people` have been forgotten.
pub(crate) async fn forgotten_among(
    tx: &mut Tx,
    people: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    tx.fetch_by_ids(
        "SELECT person_id FROM forgotten_people",
        "person_id",
        people,
    )
    .await?
    .iter()
    .map(|row| row.text("person_id"))
    .collect()
}

/// The stored wrapped keys of those of `people` who have one.
pub(crate) async fn wrapped_keys(
    tx: &mut Tx,
    people: &[String],
) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
    tx.fetch_by_ids(
        "SELECT person_id, wrapped_key FROM person_keys",
        "person_id",
        people,
    )
    .await?
    .iter()
    .map(|row| Ok((row.text("person_id")?, row.bytes("wrapped_key")?)))
    .collect()
}

/// Inserts freshly wrapped keys in bulk and returns the people whose key went in; a key a concurrent writer
/// stored first is kept (the caller reads those back).
pub(crate) async fn insert_keys(
    tx: &mut Tx,
    keys: Vec<(String, Vec<u8>)>,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = keys
        .into_iter()
        .map(|(person, wrapped)| Vec::from(args![person, wrapped, now]))
        .collect();
    tx.insert_rows_returning(
        "person_keys",
        &["person_id", "wrapped_key", "created_at"],
        rows,
        "ON CONFLICT (person_id) DO NOTHING RETURNING person_id",
    )
    .await?
    .iter()
    .map(|row| row.text("person_id"))
    .collect()
}

/// The columns of `events` that both an append and an import write, in the order their rows give them (an
/// append adds `chapter_position` after them; an import puts the kept `position` before them and numbers
/// chapters afterwards).
const WRITTEN_EVENT_COLUMNS: [&str; 10] = [
    "tx_id",
    "stream_type",
    "stream_id",
    "stream_version",
    "event_type",
    "schema_version",
    "data_subject",
    "payload",
    "metadata",
    "recorded_at",
];

/// Above this many rows a group's events go in through `UNNEST` on PostgreSQL (SQLite takes `VALUES` either
/// way).
const UNNEST_EVENTS_FROM: usize = 200;

/// Inserts event rows, in the order given (so positions follow it), and returns each row's position in that
/// order. A unique violation (a concurrent writer took a version first) comes back as the database error;
/// the caller decides what it means.
pub(crate) async fn insert_events(
    tx: &mut Tx,
    tx_id: i64,
    now: DateTime<Utc>,
    events: Vec<EventInsert>,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut keys = Vec::with_capacity(events.len());
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        keys.push((
            event.stream_type.clone(),
            event.stream_id.clone(),
            event.stream_version,
        ));
        rows.push(Vec::from(args![
            tx_id,
            event.stream_type,
            event.stream_id,
            event.stream_version,
            event.event_type,
            event.schema_version,
            event.data_subject,
            event.payload,
            event.metadata,
            now,
            event.chapter_position,
        ]));
    }
    let columns: Vec<&str> = WRITTEN_EVENT_COLUMNS
        .into_iter()
        .chain(["chapter_position"])
        .collect();
    const RETURNING: &str = "RETURNING position, stream_type, stream_id, stream_version";
    // Multi-row VALUES for a command's group commit: on PostgreSQL the UNNEST form costs the server twice the
    // CPU for a few rows. An import's group of thousands of rows goes in as one UNNEST statement instead of
    // one VALUES statement per 1,000 rows (docs/performance.md, round 16).
    let returned = if rows.len() > UNNEST_EVENTS_FROM {
        tx.insert_rows_returning("events", &columns, rows, RETURNING)
            .await?
    } else {
        tx.insert_values_returning("events", &columns, rows, RETURNING)
            .await?
    };
    // The rows come back in insertion order in practice; matching them by key makes that an assumption we
    // never rely on.
    let mut by_key: HashMap<(String, String, i64), i64> = HashMap::with_capacity(returned.len());
    for row in &returned {
        by_key.insert(
            (
                row.text("stream_type")?,
                row.text("stream_id")?,
                row.int("stream_version")?,
            ),
            row.int("position")?,
        );
    }
    keys.into_iter()
        .map(|key| {
            by_key.remove(&key).ok_or_else(|| {
                sqlx::Error::Protocol(format!(
                    "the insert did not return version {} of {}",
                    key.2,
                    crate::event::stream_name(&key.0, &key.1)
                ))
            })
        })
        .collect()
}

/// Writes a snapshot; a snapshot only ever moves forward, even if two processes race to write one.
pub(crate) async fn write_snapshot(
    tx: &mut Tx,
    snapshot: &SnapshotWrite<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    tx.execute(
        "INSERT INTO snapshots (stream_type, stream_id, snapshot_version, version, data_subject, \
         state, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (stream_type, stream_id, snapshot_version) DO UPDATE SET \
         version = excluded.version, data_subject = excluded.data_subject, \
         state = excluded.state, taken_at = excluded.taken_at \
         WHERE excluded.version > snapshots.version",
        &args![
            snapshot.stream_type,
            snapshot.stream_id,
            i64::from(snapshot.snapshot_version),
            snapshot.version,
            snapshot.data_subject,
            snapshot.state,
            now,
        ],
    )
    .await?;
    Ok(())
}

/// Destroys a person's key and snapshots and remembers them as forgotten, then scrubs the deleted bytes
/// from the database files.
pub(crate) async fn forget(db: &Db, person: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    forget_in(&mut tx, person, now, None).await?;
    tx.commit().await?;
    scrub_after_forget(db).await
}

/// Destroys a person's key and snapshots and remembers them as forgotten, inside `tx` (an append's
/// transaction when it carries the forgetting event, so both commit or neither does). The caller scrubs
/// the database files after the commit. `tx_id` is the append's transaction id: read models ask which
/// forgettings their checkpoint has not passed yet (`forgotten_people.tx_id`, ADR 19).
pub(crate) async fn forget_in(
    tx: &mut Tx,
    person: Uuid,
    now: DateTime<Utc>,
    tx_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let person = person.to_string();
    tx.execute(
        "DELETE FROM person_keys WHERE person_id = $1",
        &args![&person],
    )
    .await?;
    tx.execute(
        "DELETE FROM snapshots WHERE data_subject = $1",
        &args![&person],
    )
    .await?;
    tx.execute(
        "INSERT INTO forgotten_people (person_id, forgotten_at, tx_id) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO NOTHING",
        &args![person, now, tx_id],
    )
    .await?;
    Ok(())
}

/// Whether `person`'s forgetting is unfinished: the log says they were forgotten (an event of type
/// `event_type` on their stream) but their key still exists or they are not recorded as forgotten. Only a
/// crash of an older version between the two could leave that; forgetting now commits with its event.
pub(crate) async fn unfinished_forgettings(
    db: &Db,
    stream_type: &str,
    event_type: &str,
) -> Result<Vec<String>, sqlx::Error> {
    // The event type is written into the statement, not bound: only then can the planner prove that the
    // partial index `events_forgettings` (`WHERE event_type = 'PersonForgotten'`) holds every row it wants,
    // instead of reading every event of the stream type at each start (`stream_type || ''` keeps SQLite,
    // which has no statistics on `events`, from choosing the stream index instead). It is a name from the
    // code; anything else is refused rather than quoted.
    if event_type.is_empty()
        || !event_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(sqlx::Error::Protocol(format!(
            "event type {event_type:?} is not a plain name"
        )));
    }
    let rows = db
        .fetch(
            &format!(
                "SELECT DISTINCT e.stream_id AS person_id FROM events e \
                 WHERE e.event_type = '{event_type}' AND e.stream_type || '' = $1 \
                 AND e.data_subject = e.stream_id \
                 AND (EXISTS (SELECT 1 FROM person_keys k WHERE k.person_id = e.stream_id) \
                      OR NOT EXISTS (SELECT 1 FROM forgotten_people f WHERE f.person_id = e.stream_id))"
            ),
            &args![stream_type],
        )
        .await?;
    rows.iter().map(|row| row.text("person_id")).collect()
}

/// Which of `people` still have a stored key (one query).
pub(crate) async fn keys_among(
    db: &Db,
    people: &[String],
) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in people.chunks(LOOKUP_BATCH) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let args: Vec<Arg> = chunk
            .iter()
            .map(|person| Arg::from(person.clone()))
            .collect();
        for row in db
            .fetch(
                &format!(
                    "SELECT person_id, wrapped_key FROM person_keys WHERE person_id IN ({})",
                    placeholders.join(", ")
                ),
                &args,
            )
            .await?
        {
            found.push((row.text("person_id")?, row.bytes("wrapped_key")?));
        }
    }
    Ok(found)
}

/// Makes sure the bytes of deleted keys leave the database files.
///
/// SQLite: secure_delete has zeroed the deleted rows in the pages, but older copies of those pages still
/// sit in the write-ahead log until it is checkpointed; TRUNCATE copies everything back and empties the
/// file. A checkpoint cannot finish while a reader holds an old snapshot, so it is retried briefly.
///
/// PostgreSQL: plain VACUUM only marks dead tuples reusable; VACUUM FULL rewrites the (small) key table into
/// a new file, so the wrapped key's bytes leave the table's data files. Snapshots only hold ciphertext under
/// the destroyed key, so a plain VACUUM is enough for them. Neither can run inside a transaction.
pub(crate) async fn scrub_after_forget(db: &Db) -> Result<(), sqlx::Error> {
    match db.kind() {
        BackendKind::Sqlite => {
            for _attempt in 0..50 {
                let busy = db
                    .fetch_one("PRAGMA wal_checkpoint(TRUNCATE)", &[])
                    .await?
                    .int("busy")?;
                if busy == 0 {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tracing::warn!(
                "the WAL could not be truncated after forgetting a person: readers kept it busy"
            );
            Ok(())
        }
        BackendKind::Postgres => {
            db.execute_script("VACUUM FULL person_keys").await?;
            db.execute_script("VACUUM snapshots").await
        }
    }
}

/// Streams everything out of one consistent snapshot: keys and forgotten people first (they are few), then
/// the events in global order.
pub(crate) async fn export(
    db: &Db,
    sink: &mut crate::export::ExportWriter<'_>,
) -> Result<(), StoreError> {
    let mut tx = db.begin_snapshot().await?;
    let keys = tx
        .fetch(
            "SELECT person_id, wrapped_key, created_at FROM person_keys",
            &[],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(StoredKey {
                person_id: row.text("person_id")?,
                wrapped_key: row.bytes("wrapped_key")?,
                created_at: row.time("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let forgotten = tx
        .fetch("SELECT person_id, forgotten_at FROM forgotten_people", &[])
        .await?
        .iter()
        .map(|row| {
            Ok(StoredForgotten {
                person_id: row.text("person_id")?,
                forgotten_at: row.time("forgotten_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    sink.start(keys, forgotten).await?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY tx_id, position");
    let mut rows = tx.fetch_stream(&sql, &[]);
    while let Some(row) = rows.try_next().await? {
        sink.event(&event_row(&row)?).await?;
    }
    drop(rows);
    tx.commit().await?;
    sink.finish().await
}

/// Starts an import transaction, refusing a store that already holds anything.
pub(crate) async fn begin_import(db: &Db) -> Result<Tx, StoreError> {
    let mut tx = db.begin().await?;
    for (table, what) in [
        ("events", "events"),
        ("person_keys", "person keys"),
        ("forgotten_people", "forgotten people"),
    ] {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table}) AS found");
        if tx.fetch_one(&sql, &[]).await?.boolean("found")? {
            return Err(StoreError::ImportIntoNonEmptyStore { what });
        }
    }
    Ok(tx)
}

pub(crate) async fn import_keys(tx: &mut Tx, keys: Vec<StoredKey>) -> Result<(), sqlx::Error> {
    let rows = keys
        .into_iter()
        .map(|key| Vec::from(args![key.person_id, key.wrapped_key, key.created_at]))
        .collect();
    tx.insert_rows(
        "person_keys",
        &["person_id", "wrapped_key", "created_at"],
        rows,
        "",
    )
    .await
}

pub(crate) async fn import_forgotten(
    tx: &mut Tx,
    forgotten: Vec<StoredForgotten>,
) -> Result<(), sqlx::Error> {
    let rows = forgotten
        .into_iter()
        .map(|person| Vec::from(args![person.person_id, person.forgotten_at]))
        .collect();
    tx.insert_rows("forgotten_people", &["person_id", "forgotten_at"], rows, "")
        .await
}

pub(crate) async fn import_events(tx: &mut Tx, events: Vec<StoredRow>) -> Result<(), sqlx::Error> {
    let rows = events
        .into_iter()
        .map(|event| {
            Vec::from(args![
                event.position,
                event.tx_id,
                event.stream_type,
                event.stream_id,
                event.stream_version,
                event.event_type,
                event.schema_version,
                event.data_subject,
                event.payload,
                event.metadata,
                event.recorded_at,
            ])
        })
        .collect();
    let columns: Vec<&str> = ["position"]
        .into_iter()
        .chain(WRITTEN_EVENT_COLUMNS)
        .collect();
    tx.insert_rows("events", &columns, rows, "").await
}

/// Commits an import.
///
/// SQLite: AUTOINCREMENT already tracks the largest explicit position in sqlite_sequence, and new tx ids are
/// computed from the log itself; nothing to do.
///
/// PostgreSQL: imported rows keep their positions and tx ids: move the identity sequence past them, and
/// shift new transaction ids above the largest imported one (it may come from another cluster or from
/// SQLite).
pub(crate) async fn finish_import(mut tx: Tx) -> Result<(), sqlx::Error> {
    // Each chapter's events are numbered in the global order, as the store numbers them when it appends
    // them (and as the migration numbered the events stored before it): an export and its import show the
    // same numbers.
    let chapter_of = chapter_of(tx.kind());
    tx.execute(
        &format!(
            "UPDATE events SET chapter_position = numbered.chapter_position FROM ( \
             SELECT position, row_number() OVER (PARTITION BY {chapter_of} ORDER BY tx_id, position) \
             AS chapter_position FROM events WHERE {chapter_of} IS NOT NULL) AS numbered \
             WHERE events.position = numbered.position"
        ),
        &[],
    )
    .await?;
    match tx.kind() {
        BackendKind::Sqlite => {}
        BackendKind::Postgres => {
            tx.execute(
                "SELECT setval(pg_get_serial_sequence('events', 'position'), MAX(position)) \
                 FROM events HAVING MAX(position) IS NOT NULL",
                &[],
            )
            .await?;
            tx.execute(
                "UPDATE store_settings SET tx_id_offset = GREATEST(0, \
                   COALESCE((SELECT MAX(tx_id) FROM events), 0) - pg_current_xact_id()::text::bigint)",
                &[],
            )
            .await?;
        }
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::{SNAPSHOT_SUBJECT_KEY, SUBJECT_KEY};
    use crate::crypto::SEALED_MARKER;

    /// The key column asks only for texts holding the marker the store seals with; were the two to drift
    /// apart, every read would fall back to a second round trip for its keys.
    #[test]
    fn the_key_column_looks_for_the_sealed_marker() {
        let pattern = format!("NOT LIKE '%\"{SEALED_MARKER}\"%'");
        assert!(
            SUBJECT_KEY.contains(&format!("payload {pattern}")),
            "{SUBJECT_KEY}"
        );
        assert!(
            SNAPSHOT_SUBJECT_KEY.contains(&format!("state {pattern}")),
            "{SNAPSHOT_SUBJECT_KEY}"
        );
    }
}
