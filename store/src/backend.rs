//! The SQL of the store, written once and compiled for each backend: `backend_queries!` expands the same
//! runtime queries for SQLite and for PostgreSQL (SQLite accepts PostgreSQL's `$n` placeholders), and the
//! few places where the two really differ live in `sqlite_specific` / `postgres_specific`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::StoreError;

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
}

/// A snapshot row exactly as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredSnapshot {
    pub version: i64,
    pub data_subject: Option<String>,
    pub state: String,
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
}

#[derive(Debug)]
pub(crate) struct SealedEvent {
    pub event_type: String,
    pub schema_version: u32,
    pub payload: String,
    pub metadata: String,
}

/// One event row to insert, borrowed from a sealed append.
#[derive(Debug)]
pub(crate) struct EventInsert<'a> {
    pub stream_type: &'a str,
    pub stream_id: &'a str,
    pub stream_version: i64,
    pub event_type: &'a str,
    pub schema_version: i64,
    pub data_subject: Option<&'a str>,
    pub payload: &'a str,
    pub metadata: &'a str,
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

/// How many ids go into one `IN (…)` look-up or one multi-row key insert.
pub(crate) const LOOKUP_BATCH: usize = 1_000;

/// How many event rows go into one multi-row INSERT of an append (10 parameters a row: far below both
/// backends' parameter limits).
pub(crate) const INSERT_BATCH: usize = 1_000;

pub(crate) const EVENT_COLUMNS: &str =
    "position, tx_id, stream_type, stream_id, stream_version, event_type, \
     schema_version, data_subject, payload, metadata, recorded_at";

/// How many event rows go into one multi-row INSERT during an import: well under SQLite's and
/// PostgreSQL's bind-parameter limits.
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

pub(crate) mod sqlite_specific {
    //! What only SQLite needs: immediate write transactions, tx ids from the log, WAL truncation.

    use sqlx::{Sqlite, SqlitePool, Transaction};
    use std::time::Duration;

    pub(crate) const NAME: &str = "SQLite";

    /// Writes are serialized on SQLite, so the next transaction number is simply one past the largest.
    /// Other processes cannot be woken through SQLite; readers in this process are woken by the store's
    /// commit signal.
    pub(crate) const NEXT_TX_ID: &str = "SELECT COALESCE(MAX(tx_id), 0) + 1, '' FROM events";

    /// Every committed row is readable: SQLite commits one writer at a time, in tx id order (whatever else
    /// is running).
    pub(crate) fn visible_filter_excluding(_not_appending: &[i64]) -> String {
        String::new()
    }

    /// BEGIN IMMEDIATE takes the write lock up front, so reading the current max tx id and stream versions
    /// cannot race with another connection (a deferred transaction would fail with SQLITE_BUSY on upgrade).
    pub(crate) async fn begin_write(
        pool: &SqlitePool,
    ) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// A deferred read transaction is already a consistent snapshot in WAL mode.
    pub(crate) async fn begin_export(
        pool: &SqlitePool,
    ) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        pool.begin().await
    }

    pub(crate) async fn after_import(
        _tx: &mut Transaction<'static, Sqlite>,
    ) -> Result<(), sqlx::Error> {
        // AUTOINCREMENT already tracks the largest explicit position in sqlite_sequence, and new tx ids
        // are computed from the log itself.
        Ok(())
    }

    /// secure_delete has zeroed the deleted rows in the pages, but older copies of those pages still sit in
    /// the write-ahead log until it is checkpointed; TRUNCATE copies everything back and empties the file.
    /// A checkpoint cannot finish while a reader holds an old snapshot, so it is retried briefly.
    pub(crate) async fn after_forget(pool: &SqlitePool) -> Result<(), sqlx::Error> {
        for _attempt in 0..50 {
            let (busy, _log, _checkpointed): (i64, i64, i64) =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(pool)
                    .await?;
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
}

pub(crate) mod postgres_specific {
    //! What only PostgreSQL needs: transaction ids from the server, the visibility horizon, VACUUM.

    use sqlx::{PgPool, Postgres, Transaction};

    pub(crate) const NAME: &str = "PostgreSQL";

    /// The transaction's own id (xid8 has no direct cast to bigint, hence the text detour), shifted above
    /// any imported tx ids. The same round trip wakes the projection runners of every process (LISTEN
    /// groundwork_events): NOTIFY is transactional, delivered when the append commits and not at all if it
    /// rolls back.
    pub(crate) const NEXT_TX_ID: &str =
        "SELECT pg_current_xact_id()::text::bigint + tx_id_offset, pg_notify('groundwork_events', '')::text \
         FROM store_settings";

    /// Only rows of transactions older than the oldest one still running: nothing can commit before them
    /// any more, so a reader that passed them never has to look back.
    pub(crate) const VISIBLE_FILTER: &str =
        "AND tx_id < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint \
         + tx_id_offset FROM store_settings)";

    /// As [`VISIBLE_FILTER`], but the horizon passes running transactions the caller knows never append
    /// (`not_appending`: the projection runners' own batch transactions): the horizon is the oldest running
    /// transaction *not* in that list, or the snapshot's xmax when there is none. Every transaction below it
    /// has finished or is one that writes no events, and every later one gets a larger id, so a reader that
    /// passed it still never has to look back. The ids are our own integers, written into the SQL.
    pub(crate) fn visible_filter_excluding(not_appending: &[i64]) -> String {
        if not_appending.is_empty() {
            return VISIBLE_FILTER.to_string();
        }
        let list = not_appending
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "AND tx_id < (SELECT COALESCE((SELECT MIN(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) \
             AS x WHERE x::text::bigint NOT IN ({list})), pg_snapshot_xmax(pg_current_snapshot())::text::bigint) \
             + tx_id_offset FROM store_settings)"
        )
    }

    pub(crate) async fn begin_write(
        pool: &PgPool,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        pool.begin().await
    }

    /// One snapshot for the whole export, so keys, forgotten people and events agree with each other.
    pub(crate) async fn begin_export(
        pool: &PgPool,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Imported rows keep their positions and tx ids: move the identity sequence past them, and shift new
    /// transaction ids above the largest imported one (it may come from another cluster or from SQLite).
    pub(crate) async fn after_import(
        tx: &mut Transaction<'static, Postgres>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('events', 'position'), MAX(position)) \
             FROM events HAVING MAX(position) IS NOT NULL",
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE store_settings SET tx_id_offset = GREATEST(0, \
               COALESCE((SELECT MAX(tx_id) FROM events), 0) - pg_current_xact_id()::text::bigint)",
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Plain VACUUM only marks dead tuples reusable; VACUUM FULL rewrites the (small) key table into a new
    /// file, so the wrapped key's bytes leave the table's data files. Snapshots only hold ciphertext under
    /// the destroyed key, so a plain VACUUM is enough for them. Neither can run inside a transaction.
    pub(crate) async fn after_forget(pool: &PgPool) -> Result<(), sqlx::Error> {
        sqlx::raw_sql("VACUUM FULL person_keys")
            .execute(pool)
            .await?;
        sqlx::raw_sql("VACUUM snapshots").execute(pool).await?;
        Ok(())
    }
}

/// Expands the store's queries for one backend. Every function takes concrete sqlx types, so the body is
/// checked by the compiler once per backend.
macro_rules! backend_queries {
    ($module:ident, $db:ty, $specific:ident) => {
        pub(crate) mod $module {
            use super::$specific as specific;
            use super::*;
            use futures::TryStreamExt;
            use sqlx::{Pool, QueryBuilder, Row, Transaction};
            use std::collections::HashMap;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            pub(crate) const NAME: &str = specific::NAME;

            fn event_row(row: &DbRow) -> Result<StoredRow, sqlx::Error> {
                Ok(StoredRow {
                    position: row.try_get("position")?,
                    tx_id: row.try_get("tx_id")?,
                    stream_type: row.try_get("stream_type")?,
                    stream_id: row.try_get("stream_id")?,
                    stream_version: row.try_get("stream_version")?,
                    event_type: row.try_get("event_type")?,
                    schema_version: row.try_get("schema_version")?,
                    data_subject: row.try_get("data_subject")?,
                    payload: row.try_get("payload")?,
                    metadata: row.try_get("metadata")?,
                    recorded_at: row.try_get("recorded_at")?,
                })
            }

            pub(crate) async fn stream_version(
                executor: impl sqlx::Executor<'_, Database = Db>,
                stream_type: &str,
                stream_id: &str,
            ) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar(
                    "SELECT COALESCE(MAX(stream_version), 0) FROM events WHERE stream_type = $1 AND stream_id = $2",
                )
                .bind(stream_type)
                .bind(stream_id)
                .fetch_one(executor)
                .await
            }

            pub(crate) async fn read_all(
                pool: &Pool<Db>,
                after_tx: i64,
                after_position: i64,
                limit: i64,
                not_appending: &[i64],
            ) -> Result<Vec<StoredRow>, sqlx::Error> {
                let sql = format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE (tx_id, position) > ($1, $2) {} \
                     ORDER BY tx_id, position LIMIT $3",
                    specific::visible_filter_excluding(not_appending)
                );
                // A statement naming transaction ids is used once: do not keep it prepared.
                let rows = sqlx::query(&sql)
                    .persistent(not_appending.is_empty())
                    .bind(after_tx)
                    .bind(after_position)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(event_row).collect()
            }

            pub(crate) async fn head(pool: &Pool<Db>) -> Result<Option<(i64, i64)>, sqlx::Error> {
                sqlx::query_as("SELECT tx_id, position FROM events ORDER BY tx_id DESC, position DESC LIMIT 1")
                    .fetch_optional(pool)
                    .await
            }

            pub(crate) async fn read_stream(
                pool: &Pool<Db>,
                stream_type: &str,
                stream_id: &str,
                after_version: i64,
            ) -> Result<Vec<StoredRow>, sqlx::Error> {
                let sql = format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE stream_type = $1 AND stream_id = $2 \
                     AND stream_version > $3 ORDER BY stream_version"
                );
                let rows = sqlx::query(&sql)
                    .bind(stream_type)
                    .bind(stream_id)
                    .bind(after_version)
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(event_row).collect()
            }

            /// A stream's snapshot (of this format version, if newer than `after_version`) and the events
            /// after it (or after `after_version` when there is no newer snapshot), in one round trip: the
            /// snapshot comes back as the first row (`kind` 0), the events after it in version order.
            pub(crate) async fn load_latest(
                pool: &Pool<Db>,
                stream_type: &str,
                stream_id: &str,
                snapshot_version: i64,
                after_version: i64,
            ) -> Result<(Option<StoredSnapshot>, Vec<StoredRow>), sqlx::Error> {
                let rows = sqlx::query(
                    "SELECT CAST(0 AS BIGINT) AS kind, CAST(-1 AS BIGINT) AS position, CAST(0 AS BIGINT) AS tx_id, \
                       stream_type, stream_id, version AS stream_version, '' AS event_type, CAST(0 AS BIGINT) AS schema_version, \
                       data_subject, state AS payload, '' AS metadata, taken_at AS recorded_at \
                     FROM snapshots WHERE stream_type = $1 AND stream_id = $2 AND snapshot_version = $3 \
                       AND version > $4 \
                     UNION ALL \
                     SELECT CAST(1 AS BIGINT), position, tx_id, stream_type, stream_id, stream_version, event_type, \
                       schema_version, \
                       data_subject, payload, metadata, recorded_at \
                     FROM events WHERE stream_type = $1 AND stream_id = $2 AND stream_version > COALESCE( \
                       (SELECT version FROM snapshots \
                        WHERE stream_type = $1 AND stream_id = $2 AND snapshot_version = $3 AND version > $4), $4) \
                     ORDER BY kind, stream_version",
                )
                .bind(stream_type)
                .bind(stream_id)
                .bind(snapshot_version)
                .bind(after_version)
                .fetch_all(pool)
                .await?;
                let mut snapshot = None;
                let mut events = Vec::with_capacity(rows.len());
                for row in &rows {
                    let kind: i64 = row.try_get("kind")?;
                    if kind == 0 {
                        snapshot = Some(StoredSnapshot {
                            version: row.try_get("stream_version")?,
                            data_subject: row.try_get("data_subject")?,
                            state: row.try_get("payload")?,
                        });
                    } else {
                        events.push(event_row(row)?);
                    }
                }
                Ok((snapshot, events))
            }

            pub(crate) async fn wrapped_key(
                executor: impl sqlx::Executor<'_, Database = Db>,
                person: Uuid,
            ) -> Result<Option<Vec<u8>>, sqlx::Error> {
                sqlx::query_scalar("SELECT wrapped_key FROM person_keys WHERE person_id = $1")
                    .bind(person.to_string())
                    .fetch_optional(executor)
                    .await
            }

            pub(crate) async fn is_forgotten(
                executor: impl sqlx::Executor<'_, Database = Db>,
                person: Uuid,
            ) -> Result<bool, sqlx::Error> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM forgotten_people WHERE person_id = $1")
                        .bind(person.to_string())
                        .fetch_optional(executor)
                        .await?;
                Ok(found.is_some())
            }

            /// Any one stored key, to check the master key at start-up.
            pub(crate) async fn any_key(pool: &Pool<Db>) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
                sqlx::query_as("SELECT person_id, wrapped_key FROM person_keys LIMIT 1")
                    .fetch_optional(pool)
                    .await
            }

            pub(crate) async fn begin_write(pool: &Pool<Db>) -> Result<Transaction<'static, Db>, sqlx::Error> {
                specific::begin_write(pool).await
            }

            pub(crate) async fn next_tx_id(tx: &mut Transaction<'static, Db>) -> Result<i64, sqlx::Error> {
                sqlx::query_scalar(specific::NEXT_TX_ID).fetch_one(&mut **tx).await
            }

            /// The current version of each named stream (type and id) that has any event (absent: version
            /// 0), whatever their types, in one query per `LOOKUP_BATCH` streams. One index probe per stream
            /// (a correlated MAX, which both databases answer from the end of the unique index), so a
            /// stream's length does not matter.
            ///
            /// The first query also takes the write's transaction id (`NEXT_TX_ID`, with the NOTIFY on
            /// PostgreSQL), in a CTE evaluated once, so a group commit spends no round trip on it.
            pub(crate) async fn tx_id_and_stream_versions(
                tx: &mut Transaction<'static, Db>,
                streams: &[(&str, &str)],
            ) -> Result<(i64, Vec<((String, String), i64)>), sqlx::Error> {
                if streams.is_empty() {
                    return Ok((next_tx_id(tx).await?, Vec::new()));
                }
                let mut tx_id = None;
                let mut found = Vec::with_capacity(streams.len());
                for chunk in streams.chunks(LOOKUP_BATCH) {
                    let first = tx_id.is_none();
                    let mut query = QueryBuilder::<Db>::new(if first {
                        format!("WITH this_tx (tx_id, notified) AS ({}), ", specific::NEXT_TX_ID)
                    } else {
                        "WITH ".to_string()
                    });
                    query.push("ids (stream_type, stream_id) AS (VALUES ");
                    let mut ids = query.separated(", ");
                    for (stream_type, stream_id) in chunk {
                        ids.push("(");
                        ids.push_bind_unseparated(*stream_type);
                        ids.push_unseparated(", ");
                        ids.push_bind_unseparated(*stream_id);
                        ids.push_unseparated(")");
                    }
                    query.push(if first {
                        ") SELECT (SELECT tx_id FROM this_tx), "
                    } else {
                        ") SELECT CAST(0 AS BIGINT), "
                    });
                    query.push(
                        "ids.stream_type, ids.stream_id, (SELECT MAX(stream_version) FROM events \
                         WHERE events.stream_type = ids.stream_type AND events.stream_id = ids.stream_id) FROM ids",
                    );
                    let rows: Vec<(i64, String, String, Option<i64>)> =
                        query.build_query_as().fetch_all(&mut **tx).await?;
                    if first {
                        tx_id = rows.first().map(|(id, ..)| *id);
                        if tx_id.is_none() {
                            return Err(sqlx::Error::RowNotFound);
                        }
                    }
                    found.extend(rows.into_iter().filter_map(|(_, stream_type, stream_id, version)| {
                        version.map(|version| ((stream_type, stream_id), version))
                    }));
                }
                Ok((tx_id.ok_or(sqlx::Error::RowNotFound)?, found))
            }

            /// Which of `people` have been forgotten.
            pub(crate) async fn forgotten_among(
                tx: &mut Transaction<'static, Db>,
                people: &[String],
            ) -> Result<Vec<String>, sqlx::Error> {
                let mut found = Vec::new();
                for chunk in people.chunks(LOOKUP_BATCH) {
                    let mut query =
                        QueryBuilder::<Db>::new("SELECT person_id FROM forgotten_people WHERE person_id IN (");
                    let mut ids = query.separated(", ");
                    for id in chunk {
                        ids.push_bind(id.as_str());
                    }
                    query.push(")");
                    let rows: Vec<(String,)> = query.build_query_as().fetch_all(&mut **tx).await?;
                    found.extend(rows.into_iter().map(|(id,)| id));
                }
                Ok(found)
            }

            /// The stored wrapped keys of those of `people` who have one.
            pub(crate) async fn wrapped_keys(
                tx: &mut Transaction<'static, Db>,
                people: &[String],
            ) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
                let mut found = Vec::new();
                for chunk in people.chunks(LOOKUP_BATCH) {
                    let mut query = QueryBuilder::<Db>::new(
                        "SELECT person_id, wrapped_key FROM person_keys WHERE person_id IN (",
                    );
                    let mut ids = query.separated(", ");
                    for id in chunk {
                        ids.push_bind(id.as_str());
                    }
                    query.push(")");
                    let rows: Vec<(String, Vec<u8>)> = query.build_query_as().fetch_all(&mut **tx).await?;
                    found.extend(rows);
                }
                Ok(found)
            }

            /// Inserts freshly wrapped keys in bulk and returns the people whose key went in; a key a
            /// concurrent writer stored first is kept (the caller reads those back).
            pub(crate) async fn insert_keys(
                tx: &mut Transaction<'static, Db>,
                keys: &[(String, Vec<u8>)],
                now: DateTime<Utc>,
            ) -> Result<Vec<String>, sqlx::Error> {
                let mut inserted = Vec::with_capacity(keys.len());
                for chunk in keys.chunks(LOOKUP_BATCH) {
                    let mut insert =
                        QueryBuilder::<Db>::new("INSERT INTO person_keys (person_id, wrapped_key, created_at) ");
                    insert.push_values(chunk, |mut row, (person, wrapped)| {
                        row.push_bind(person.as_str()).push_bind(wrapped.as_slice()).push_bind(now);
                    });
                    insert.push(" ON CONFLICT (person_id) DO NOTHING RETURNING person_id");
                    let rows: Vec<(String,)> = insert.build_query_as().fetch_all(&mut **tx).await?;
                    inserted.extend(rows.into_iter().map(|(person,)| person));
                }
                Ok(inserted)
            }

            /// Inserts event rows with multi-row INSERTs, in the order given (so positions follow it), and
            /// returns each row's position in that order. A unique violation (a concurrent writer took a
            /// version first) comes back as the database error; the caller decides what it means.
            pub(crate) async fn insert_events(
                tx: &mut Transaction<'static, Db>,
                tx_id: i64,
                now: DateTime<Utc>,
                rows: &[EventInsert<'_>],
            ) -> Result<Vec<i64>, sqlx::Error> {
                let mut positions = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(INSERT_BATCH) {
                    let mut insert = QueryBuilder::<Db>::new(
                        "INSERT INTO events (tx_id, stream_type, stream_id, stream_version, event_type, \
                         schema_version, data_subject, payload, metadata, recorded_at) ",
                    );
                    insert.push_values(chunk, |mut row, event| {
                        row.push_bind(tx_id)
                            .push_bind(event.stream_type)
                            .push_bind(event.stream_id)
                            .push_bind(event.stream_version)
                            .push_bind(event.event_type)
                            .push_bind(event.schema_version)
                            .push_bind(event.data_subject)
                            .push_bind(event.payload)
                            .push_bind(event.metadata)
                            .push_bind(now);
                    });
                    insert.push(" RETURNING position, stream_type, stream_id, stream_version");
                    let returned: Vec<(i64, String, String, i64)> =
                        insert.build_query_as().fetch_all(&mut **tx).await?;
                    // RETURNING gives the rows in insertion order in practice; matching them by key makes
                    // that an assumption we never rely on.
                    let by_key: HashMap<(&str, &str, i64), i64> = returned
                        .iter()
                        .map(|(position, stream_type, stream_id, version)| {
                            ((stream_type.as_str(), stream_id.as_str(), *version), *position)
                        })
                        .collect();
                    for event in chunk {
                        let position = by_key
                            .get(&(event.stream_type, event.stream_id, event.stream_version))
                            .copied()
                            .ok_or_else(|| {
                                sqlx::Error::Protocol(format!(
                                    "the insert did not return version {} of {}",
                                    event.stream_version,
                                    crate::event::stream_name(event.stream_type, event.stream_id)
                                ))
                            })?;
                        positions.push(position);
                    }
                }
                Ok(positions)
            }

            /// Writes a snapshot; a snapshot only ever moves forward, even if two processes race to write one.
            pub(crate) async fn write_snapshot(
                tx: &mut Transaction<'static, Db>,
                snapshot: &SnapshotWrite<'_>,
                now: DateTime<Utc>,
            ) -> Result<(), sqlx::Error> {
                sqlx::query(
                    "INSERT INTO snapshots (stream_type, stream_id, snapshot_version, version, data_subject, \
                     state, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (stream_type, stream_id, snapshot_version) DO UPDATE SET \
                     version = excluded.version, data_subject = excluded.data_subject, \
                     state = excluded.state, taken_at = excluded.taken_at \
                     WHERE excluded.version > snapshots.version",
                )
                .bind(snapshot.stream_type)
                .bind(snapshot.stream_id)
                .bind(i64::from(snapshot.snapshot_version))
                .bind(snapshot.version)
                .bind(snapshot.data_subject)
                .bind(snapshot.state)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Destroys a person's key and snapshots and remembers them as forgotten, then scrubs the
            /// deleted bytes from the database files.
            pub(crate) async fn forget(pool: &Pool<Db>, person: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
                let person = person.to_string();
                let mut tx = specific::begin_write(pool).await?;
                sqlx::query("DELETE FROM person_keys WHERE person_id = $1")
                    .bind(&person)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM snapshots WHERE data_subject = $1")
                    .bind(&person)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO forgotten_people (person_id, forgotten_at) VALUES ($1, $2) \
                     ON CONFLICT (person_id) DO NOTHING",
                )
                .bind(&person)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                specific::after_forget(pool).await
            }

            /// Streams everything out of one consistent snapshot: keys and forgotten people first (they are
            /// few), then the events in global order.
            pub(crate) async fn export(
                pool: &Pool<Db>,
                sink: &mut crate::export::ExportWriter<'_>,
            ) -> Result<(), StoreError> {
                let mut tx = specific::begin_export(pool).await?;
                let keys: Vec<(String, Vec<u8>, DateTime<Utc>)> =
                    sqlx::query_as("SELECT person_id, wrapped_key, created_at FROM person_keys")
                        .fetch_all(&mut *tx)
                        .await?;
                let keys = keys
                    .into_iter()
                    .map(|(person_id, wrapped_key, created_at)| StoredKey {
                        person_id,
                        wrapped_key,
                        created_at,
                    })
                    .collect();
                let forgotten: Vec<(String, DateTime<Utc>)> =
                    sqlx::query_as("SELECT person_id, forgotten_at FROM forgotten_people")
                        .fetch_all(&mut *tx)
                        .await?;
                let forgotten = forgotten
                    .into_iter()
                    .map(|(person_id, forgotten_at)| StoredForgotten {
                        person_id,
                        forgotten_at,
                    })
                    .collect();
                sink.start(keys, forgotten).await?;
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY tx_id, position");
                let mut rows = sqlx::query(&sql).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await? {
                    sink.event(&event_row(&row)?).await?;
                }
                drop(rows);
                tx.commit().await?;
                sink.finish().await
            }

            /// Starts an import transaction, refusing a store that already holds anything.
            pub(crate) async fn begin_import(pool: &Pool<Db>) -> Result<Transaction<'static, Db>, StoreError> {
                let mut tx = specific::begin_write(pool).await?;
                for (table, what) in [
                    ("events", "events"),
                    ("person_keys", "person keys"),
                    ("forgotten_people", "forgotten people"),
                ] {
                    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
                    let exists: bool = sqlx::query_scalar(&sql).fetch_one(&mut *tx).await?;
                    if exists {
                        return Err(StoreError::ImportIntoNonEmptyStore { what });
                    }
                }
                Ok(tx)
            }

            pub(crate) async fn import_keys(
                tx: &mut Transaction<'static, Db>,
                keys: &[StoredKey],
            ) -> Result<(), sqlx::Error> {
                for chunk in keys.chunks(IMPORT_BATCH) {
                    let mut insert =
                        QueryBuilder::<Db>::new("INSERT INTO person_keys (person_id, wrapped_key, created_at) ");
                    insert.push_values(chunk, |mut row, key| {
                        row.push_bind(&key.person_id)
                            .push_bind(&key.wrapped_key)
                            .push_bind(key.created_at);
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            pub(crate) async fn import_forgotten(
                tx: &mut Transaction<'static, Db>,
                forgotten: &[StoredForgotten],
            ) -> Result<(), sqlx::Error> {
                for chunk in forgotten.chunks(IMPORT_BATCH) {
                    let mut insert =
                        QueryBuilder::<Db>::new("INSERT INTO forgotten_people (person_id, forgotten_at) ");
                    insert.push_values(chunk, |mut row, person| {
                        row.push_bind(&person.person_id).push_bind(person.forgotten_at);
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            pub(crate) async fn import_events(
                tx: &mut Transaction<'static, Db>,
                events: &[StoredRow],
            ) -> Result<(), sqlx::Error> {
                for chunk in events.chunks(IMPORT_BATCH) {
                    let mut insert = QueryBuilder::<Db>::new(format!("INSERT INTO events ({EVENT_COLUMNS}) "));
                    insert.push_values(chunk, |mut row, event| {
                        row.push_bind(event.position)
                            .push_bind(event.tx_id)
                            .push_bind(&event.stream_type)
                            .push_bind(&event.stream_id)
                            .push_bind(event.stream_version)
                            .push_bind(&event.event_type)
                            .push_bind(event.schema_version)
                            .push_bind(&event.data_subject)
                            .push_bind(&event.payload)
                            .push_bind(&event.metadata)
                            .push_bind(event.recorded_at);
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            pub(crate) async fn finish_import(mut tx: Transaction<'static, Db>) -> Result<(), sqlx::Error> {
                specific::after_import(&mut tx).await?;
                tx.commit().await
            }
        }
    };
}

backend_queries!(sqlite, sqlx::Sqlite, sqlite_specific);
backend_queries!(postgres, sqlx::Postgres, postgres_specific);
