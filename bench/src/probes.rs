//! The database's own limits on this machine, measured on the same database and connection settings as the
//! store (the store's own pool: WAL and `synchronous=FULL` on SQLite, `synchronous_commit=on` on
//! PostgreSQL). Every Groundwork figure is divided by the matching probe, so ratios hold on a noisy machine.
//!
//! The bench is a measuring tool, not part of the application: it is the one place outside `store` and
//! `projections` that writes SQL, and only to a scratch table it drops again.

use crate::figures::{Rate, Samples};
use futures::TryStreamExt as _;
use sqlx::{PgPool, SqlitePool};
use std::time::{Duration, Instant};
use store::Store;

/// A payload about the size of a typical sealed event.
fn payload(index: u64) -> String {
    format!(
        "{{\"type\":\"PersonAssessed\",\"level\":{},\"note\":\"{}\",\"at\":\"2026-01-01T00:00:00Z\"}}",
        index % 5,
        "x".repeat(320)
    )
}

/// Which pool the store runs on.
#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

fn pool_of(store: &Store) -> anyhow::Result<Pool> {
    if let Some(pool) = store.postgres_pool() {
        return Ok(Pool::Postgres(pool.clone()));
    }
    if let Some(pool) = store.sqlite_pool() {
        return Ok(Pool::Sqlite(pool.clone()));
    }
    anyhow::bail!("the store runs on neither SQLite nor PostgreSQL")
}

/// A probe's outcome: operations per second and each operation's latency.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    pub rate: Rate,
    pub latency: Samples,
}

pub async fn create_probe_table(store: &Store) -> anyhow::Result<()> {
    match pool_of(store)? {
        Pool::Postgres(pool) => {
            sqlx::raw_sql(
                "CREATE TABLE bench_probe (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    stream_id TEXT NOT NULL,
                    stream_version BIGINT NOT NULL,
                    payload TEXT NOT NULL,
                    recorded_at TIMESTAMPTZ NOT NULL,
                    UNIQUE (stream_id, stream_version))",
            )
            .execute(&pool)
            .await?;
        }
        Pool::Sqlite(pool) => {
            sqlx::raw_sql(
                "CREATE TABLE bench_probe (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    stream_id TEXT NOT NULL,
                    stream_version INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    UNIQUE (stream_id, stream_version))",
            )
            .execute(&pool)
            .await?;
        }
    }
    Ok(())
}

pub async fn drop_probe_table(store: &Store) -> anyhow::Result<()> {
    match pool_of(store)? {
        Pool::Postgres(pool) => {
            sqlx::raw_sql("DROP TABLE bench_probe")
                .execute(&pool)
                .await?;
        }
        Pool::Sqlite(pool) => {
            sqlx::raw_sql("DROP TABLE bench_probe")
                .execute(&pool)
                .await?;
        }
    }
    Ok(())
}

/// Plain single-row INSERTs, each its own transaction, on `connections` connections for `duration`.
pub async fn single_inserts(
    store: &Store,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<ProbeResult> {
    let pool = pool_of(store)?;
    let started = Instant::now();
    let mut workers = Vec::new();
    for connection in 0..connections {
        let pool = pool.clone();
        workers.push(tokio::spawn(async move {
            let stream = format!("probe-{connection}-{}", uuid::Uuid::new_v4().simple());
            let mut latency = Samples::default();
            let mut version: u64 = 0;
            while started.elapsed() < duration {
                version += 1;
                let begun = Instant::now();
                match &pool {
                    Pool::Postgres(pool) => {
                        sqlx::query(
                            "INSERT INTO bench_probe (stream_id, stream_version, payload, recorded_at) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(&stream)
                        .bind(version as i64)
                        .bind(payload(version))
                        .bind(chrono::Utc::now())
                        .execute(pool)
                        .await?;
                    }
                    Pool::Sqlite(pool) => {
                        sqlx::query(
                            "INSERT INTO bench_probe (stream_id, stream_version, payload, recorded_at) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(&stream)
                        .bind(version as i64)
                        .bind(payload(version))
                        .bind(chrono::Utc::now())
                        .execute(pool)
                        .await?;
                    }
                }
                latency.push(begun.elapsed());
            }
            Ok::<_, anyhow::Error>(latency)
        }));
    }
    let mut latency = Samples::default();
    for worker in workers {
        latency.extend(worker.await??);
    }
    let elapsed = started.elapsed();
    Ok(ProbeResult {
        rate: Rate::new(latency.len() as f64, elapsed, "rows"),
        latency,
    })
}

/// 100-row multi-row INSERTs, each its own transaction, on one connection for `duration`.
pub async fn batch_inserts(store: &Store, duration: Duration) -> anyhow::Result<ProbeResult> {
    const ROWS: u64 = 100;
    let pool = pool_of(store)?;
    let stream = format!("batch-{}", uuid::Uuid::new_v4().simple());
    let mut latency = Samples::default();
    let mut version: u64 = 0;
    let started = Instant::now();
    while started.elapsed() < duration {
        let begun = Instant::now();
        let now = chrono::Utc::now();
        let first = version + 1;
        version += ROWS;
        match &pool {
            Pool::Postgres(pool) => {
                let mut builder = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                    "INSERT INTO bench_probe (stream_id, stream_version, payload, recorded_at) ",
                );
                builder.push_values(first..=version, |mut row, index| {
                    row.push_bind(&stream)
                        .push_bind(index as i64)
                        .push_bind(payload(index))
                        .push_bind(now);
                });
                builder.build().execute(pool).await?;
            }
            Pool::Sqlite(pool) => {
                let mut builder = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO bench_probe (stream_id, stream_version, payload, recorded_at) ",
                );
                builder.push_values(first..=version, |mut row, index| {
                    row.push_bind(&stream)
                        .push_bind(index as i64)
                        .push_bind(payload(index))
                        .push_bind(now);
                });
                builder.build().execute(pool).await?;
            }
        }
        latency.push(begun.elapsed());
    }
    let elapsed = started.elapsed();
    Ok(ProbeResult {
        rate: Rate::new((latency.len() as u64 * ROWS) as f64, elapsed, "rows"),
        latency,
    })
}

/// Reads every row of the events table in the global order, as a catch-up reader would, `rounds` times.
/// Returns the median round's rate.
pub async fn ordered_read(store: &Store, rounds: usize) -> anyhow::Result<ProbeResult> {
    let pool = pool_of(store)?;
    let mut rates = Vec::new();
    let mut latency = Samples::default();
    for _round in 0..rounds.max(1) {
        let started = Instant::now();
        let mut rows: u64 = 0;
        let mut bytes: usize = 0;
        match &pool {
            Pool::Postgres(pool) => {
                let mut stream = sqlx::query_as::<_, (i64, i64, String, String, i64, String)>(
                    "SELECT position, tx_id, stream_id, event_type, stream_version, payload \
                     FROM events ORDER BY tx_id, position",
                )
                .fetch(pool);
                while let Some(row) = stream.try_next().await? {
                    rows += 1;
                    bytes += row.5.len();
                }
            }
            Pool::Sqlite(pool) => {
                let mut stream = sqlx::query_as::<_, (i64, i64, String, String, i64, String)>(
                    "SELECT position, tx_id, stream_id, event_type, stream_version, payload \
                     FROM events ORDER BY tx_id, position",
                )
                .fetch(pool);
                while let Some(row) = stream.try_next().await? {
                    rows += 1;
                    bytes += row.5.len();
                }
            }
        }
        let elapsed = started.elapsed();
        latency.push(elapsed);
        std::hint::black_box(bytes);
        rates.push(Rate::new(rows as f64, elapsed, "rows"));
    }
    rates.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    let median = rates[rates.len() / 2].clone();
    Ok(ProbeResult {
        rate: median,
        latency,
    })
}

/// How many events the log holds.
pub async fn count_events(store: &Store) -> anyhow::Result<u64> {
    count_rows(store, "events").await
}

/// How many rows a table holds (`table` is one of ours, never input).
pub async fn count_rows(store: &Store, table: &str) -> anyhow::Result<u64> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let count: i64 = match pool_of(store)? {
        Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(&pool).await?,
        Pool::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(&pool).await?,
    };
    Ok(u64::try_from(count)?)
}
