//! The one way Groundwork writes SQL for both backends (ADR 10): the same statement text (with `$n`
//! placeholders, which both SQLite and PostgreSQL accept) runs on either pool or transaction, with arguments
//! from one enum ([`Arg`]) and rows read by column name through one type ([`AnyRow`]). The bulk shapes whose
//! best form differs per dialect (multi-row inserts, look-ups by many ids, closing history rows) are methods
//! here, so callers write them once too. Where a statement itself differs, callers branch with an exhaustive
//! `match` on [`Db::kind`] / [`Tx::kind`], never with a fallback arm.

use chrono::{DateTime, NaiveDate, Utc};
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{PgPool, Postgres, Row, Sqlite, SqlitePool, Transaction};

use crate::store::{BackendKind, Store};

/// A bound argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Bytes(Option<Vec<u8>>),
}

impl Arg {
    /// The argument's type, for error messages (never its value, which may be personal data).
    fn type_name(&self) -> &'static str {
        match self {
            Arg::Text(_) => "text",
            Arg::Int(_) => "integer",
            Arg::Bool(_) => "boolean",
            Arg::Time(_) => "timestamp",
            Arg::Date(_) => "date",
            Arg::Bytes(_) => "bytes",
        }
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(Some(value.to_string()))
    }
}
impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(Some(value.clone()))
    }
}
impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(Some(value))
    }
}
impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        Arg::Text(value)
    }
}
impl From<&Option<String>> for Arg {
    fn from(value: &Option<String>) -> Self {
        Arg::Text(value.clone())
    }
}
impl From<Option<&str>> for Arg {
    fn from(value: Option<&str>) -> Self {
        Arg::Text(value.map(str::to_string))
    }
}
impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(Some(value))
    }
}
impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Self {
        Arg::Int(value)
    }
}
impl From<bool> for Arg {
    fn from(value: bool) -> Self {
        Arg::Bool(value)
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(value: DateTime<Utc>) -> Self {
        Arg::Time(Some(value))
    }
}
impl From<Option<DateTime<Utc>>> for Arg {
    fn from(value: Option<DateTime<Utc>>) -> Self {
        Arg::Time(value)
    }
}
impl From<Option<NaiveDate>> for Arg {
    fn from(value: Option<NaiveDate>) -> Self {
        Arg::Date(value)
    }
}
impl From<Vec<u8>> for Arg {
    fn from(value: Vec<u8>) -> Self {
        Arg::Bytes(Some(value))
    }
}
impl From<&[u8]> for Arg {
    fn from(value: &[u8]) -> Self {
        Arg::Bytes(Some(value.to_vec()))
    }
}

/// Builds an argument list from anything convertible: `args![a, b.to_string(), c]`. Use it as
/// `store::sql::args`.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_args {
    ($($value:expr),* $(,)?) => {
        [$($crate::sql::Arg::from($value)),*]
    };
}
pub use crate::__sql_args as args;

fn bind_sqlite<'q>(
    mut query: Query<'q, Sqlite, SqliteArguments<'q>>,
    args: &'q [Arg],
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Text(value) => query.bind(value.as_deref()),
            Arg::Int(value) => query.bind(*value),
            Arg::Bool(value) => query.bind(*value),
            Arg::Time(value) => query.bind(*value),
            Arg::Date(value) => query.bind(*value),
            Arg::Bytes(value) => query.bind(value.as_deref()),
        };
    }
    query
}

fn bind_postgres<'q>(
    mut query: Query<'q, Postgres, PgArguments>,
    args: &'q [Arg],
) -> Query<'q, Postgres, PgArguments> {
    for arg in args {
        query = match arg {
            Arg::Text(value) => query.bind(value.as_deref()),
            Arg::Int(value) => query.bind(*value),
            Arg::Bool(value) => query.bind(*value),
            Arg::Time(value) => query.bind(*value),
            Arg::Date(value) => query.bind(*value),
            Arg::Bytes(value) => query.bind(value.as_deref()),
        };
    }
    query
}

/// A row from either backend, read by column name.
pub enum AnyRow {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

macro_rules! getter {
    ($name:ident, $type:ty) => {
        pub fn $name(&self, column: &str) -> Result<$type, sqlx::Error> {
            match self {
                AnyRow::Sqlite(row) => row.try_get(column),
                AnyRow::Postgres(row) => row.try_get(column),
            }
        }
    };
}

impl AnyRow {
    getter!(text, String);
    getter!(opt_text, Option<String>);
    getter!(int, i64);
    getter!(opt_int, Option<i64>);
    getter!(boolean, bool);
    getter!(time, DateTime<Utc>);
    getter!(opt_time, Option<DateTime<Utc>>);
    getter!(opt_date, Option<NaiveDate>);
    getter!(date, NaiveDate);
    getter!(bytes, Vec<u8>);
    getter!(opt_bytes, Option<Vec<u8>>);
}

/// A database: the store's own pool (read models live in the same database as the log).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    pub fn of(store: &Store) -> Db {
        store.db().clone()
    }

    /// What projection batches write with ([`Store::batch_db`]).
    pub fn batches_of(store: &Store) -> Db {
        store.batch_db().clone()
    }

    /// `BEGIN IMMEDIATE` after setting how the commit syncs: SQLite's writer connection (`Store::batch_db`)
    /// serves both durable commands and relaxed projection batches, and the mode can only change outside a
    /// transaction, so every write transaction says which it wants (one `sqlite3_exec`, no extra round trip).
    const SQLITE_BEGIN_DURABLE: &'static str = "PRAGMA synchronous = FULL; BEGIN IMMEDIATE";
    const SQLITE_BEGIN_RELAXED: &'static str = "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE";

    pub fn kind(&self) -> BackendKind {
        match self {
            Db::Sqlite(_) => BackendKind::Sqlite,
            Db::Postgres(_) => BackendKind::Postgres,
        }
    }

    pub async fn fetch(&self, sql: &str, args: &[Arg]) -> Result<Vec<AnyRow>, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(AnyRow::Sqlite)
                .collect(),
            Db::Postgres(pool) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .map(AnyRow::Postgres)
                    .collect()
            }
        })
    }

    /// As [`Db::fetch`], turning each row into a `T` as it arrives instead of holding every row first. For
    /// reads of a whole campaign (the wall chart's 100,000 people): on SQLite a held row is a copy of each of
    /// its values, made by SQLite's own allocator (the C library's, not the process's), so a read held whole
    /// cost several times the memory of what is made of it, and left it scattered where it was freed.
    pub async fn fetch_map<T, E>(
        &self,
        sql: &str,
        args: &[Arg],
        mut each: impl FnMut(&AnyRow) -> Result<T, E>,
    ) -> Result<Vec<T>, E>
    where
        E: From<sqlx::Error>,
    {
        use futures::TryStreamExt as _;
        let mut made = Vec::new();
        match self {
            Db::Sqlite(pool) => {
                let mut rows =
                    bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args).fetch(pool);
                while let Some(row) = rows.try_next().await? {
                    made.push(each(&AnyRow::Sqlite(row))?);
                }
            }
            Db::Postgres(pool) => {
                let mut rows =
                    bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                        .fetch(pool);
                while let Some(row) = rows.try_next().await? {
                    made.push(each(&AnyRow::Postgres(row))?);
                }
            }
        }
        Ok(made)
    }

    /// As [`Db::fetch`], for a statement whose text is used once (it names values in the text): it is not
    /// kept prepared on the connection, where it would only push useful statements out of the cache.
    pub async fn fetch_once(&self, sql: &str, args: &[Arg]) -> Result<Vec<AnyRow>, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => bind_sqlite(sqlx::query(sql).persistent(false), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(AnyRow::Sqlite)
                .collect(),
            Db::Postgres(pool) => bind_postgres(sqlx::query(sql).persistent(false), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(AnyRow::Postgres)
                .collect(),
        })
    }

    pub async fn fetch_optional(
        &self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .fetch_optional(pool)
                .await?
                .map(AnyRow::Sqlite),
            Db::Postgres(pool) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .fetch_optional(pool)
                    .await?
                    .map(AnyRow::Postgres)
            }
        })
    }

    /// Exactly one row (`RowNotFound` otherwise).
    pub async fn fetch_one(&self, sql: &str, args: &[Arg]) -> Result<AnyRow, sqlx::Error> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Runs one statement outside any explicit transaction; returns the number of rows it changed.
    pub async fn execute(&self, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .execute(pool)
                .await?
                .rows_affected(),
            Db::Postgres(pool) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .execute(pool)
                    .await?
                    .rows_affected()
            }
        })
    }

    /// Runs statements as plain text, unprepared and without arguments, outside any transaction: for
    /// maintenance that cannot run in one (`VACUUM`) or several statements at once.
    pub async fn execute_script(&self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(pool) => {
                sqlx::raw_sql(sql).execute(pool).await?;
            }
            Db::Postgres(pool) => {
                sqlx::raw_sql(sql).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so reading and
    /// then writing in it cannot race with another connection, and it never fails half-way on a lock
    /// upgrade (a deferred transaction gets SQLITE_BUSY there).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with(Self::SQLITE_BEGIN_DURABLE).await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A write transaction whose commit returns before it is durable, for a projection batch on
    /// [`Store::batch_db`] (which says why that is safe): on SQLite `synchronous=NORMAL` for this commit, on
    /// PostgreSQL `synchronous_commit` off for this transaction.
    pub async fn begin_relaxed(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with(Self::SQLITE_BEGIN_RELAXED).await?),
            // One simple query, one round trip.
            Db::Postgres(pool) => Tx::Postgres(
                pool.begin_with("BEGIN; SET LOCAL synchronous_commit = off")
                    .await?,
            ),
        })
    }

    /// A read-only transaction whose every statement sees the same snapshot of the database.
    pub async fn begin_snapshot(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            // A deferred read transaction is already a consistent snapshot in WAL mode.
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// Closes the pool; pending operations finish first.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// An open transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn kind(&self) -> BackendKind {
        match self {
            Tx::Sqlite(_) => BackendKind::Sqlite,
            Tx::Postgres(_) => BackendKind::Postgres,
        }
    }

    pub async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
        })
    }

    pub async fn fetch(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<AnyRow>, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(AnyRow::Sqlite)
                .collect(),
            Tx::Postgres(tx) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(AnyRow::Postgres)
                    .collect()
            }
        })
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .fetch_optional(&mut **tx)
                .await?
                .map(AnyRow::Sqlite),
            Tx::Postgres(tx) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .fetch_optional(&mut **tx)
                    .await?
                    .map(AnyRow::Postgres)
            }
        })
    }

    /// Exactly one row (`RowNotFound` otherwise).
    pub async fn fetch_one(&mut self, sql: &str, args: &[Arg]) -> Result<AnyRow, sqlx::Error> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The rows one at a time as the database sends them, for results too large to hold (an export).
    pub fn fetch_stream<'a>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg],
    ) -> BoxStream<'a, Result<AnyRow, sqlx::Error>> {
        match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql).persistent(keep_prepared(args)), args)
                .fetch(&mut **tx)
                .map_ok(AnyRow::Sqlite)
                .boxed(),
            Tx::Postgres(tx) => {
                bind_postgres(sqlx::query(sql).persistent(keep_prepared(args)), args)
                    .fetch(&mut **tx)
                    .map_ok(AnyRow::Postgres)
                    .boxed()
            }
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }
}

/// Rows of one table as column arrays, for PostgreSQL's `UNNEST($1::text[], $2::int8[], …)`: one statement
/// (and one prepared plan) whatever the number of rows.
enum ColumnArray {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<bool>),
    Time(Vec<Option<DateTime<Utc>>>),
    Date(Vec<Option<NaiveDate>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl ColumnArray {
    fn of(arg: &Arg, capacity: usize) -> Self {
        match arg {
            Arg::Text(_) => Self::Text(Vec::with_capacity(capacity)),
            Arg::Int(_) => Self::Int(Vec::with_capacity(capacity)),
            Arg::Bool(_) => Self::Bool(Vec::with_capacity(capacity)),
            Arg::Time(_) => Self::Time(Vec::with_capacity(capacity)),
            Arg::Date(_) => Self::Date(Vec::with_capacity(capacity)),
            Arg::Bytes(_) => Self::Bytes(Vec::with_capacity(capacity)),
        }
    }

    fn push(&mut self, arg: Arg) -> Result<(), sqlx::Error> {
        match (self, arg) {
            (Self::Text(values), Arg::Text(value)) => values.push(value),
            (Self::Int(values), Arg::Int(value)) => values.push(value),
            (Self::Bool(values), Arg::Bool(value)) => values.push(value),
            (Self::Time(values), Arg::Time(value)) => values.push(value),
            (Self::Date(values), Arg::Date(value)) => values.push(value),
            (Self::Bytes(values), Arg::Bytes(value)) => values.push(value),
            (column, arg) => {
                return Err(sqlx::Error::Protocol(format!(
                    "a bulk write mixes types in one column: {} in a {} column",
                    arg.type_name(),
                    column.sql_type()
                )))
            }
        }
        Ok(())
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Self::Text(_) => "text[]",
            Self::Int(_) => "int8[]",
            Self::Bool(_) => "bool[]",
            Self::Time(_) => "timestamptz[]",
            Self::Date(_) => "date[]",
            Self::Bytes(_) => "bytea[]",
        }
    }

    fn bind<'q>(self, query: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        match self {
            Self::Text(values) => query.bind(values),
            Self::Int(values) => query.bind(values),
            Self::Bool(values) => query.bind(values),
            Self::Time(values) => query.bind(values),
            Self::Date(values) => query.bind(values),
            Self::Bytes(values) => query.bind(values),
        }
    }
}

/// Transposes rows of `width` arguments into column arrays.
fn columns_of(rows: Vec<Vec<Arg>>, width: usize) -> Result<Vec<ColumnArray>, sqlx::Error> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    if first.len() != width {
        return Err(sqlx::Error::Protocol(format!(
            "a bulk write row has {} values for {width} columns",
            first.len()
        )));
    }
    let mut columns: Vec<ColumnArray> = first
        .iter()
        .map(|arg| ColumnArray::of(arg, rows.len()))
        .collect();
    for row in rows {
        if row.len() != width {
            return Err(sqlx::Error::Protocol(format!(
                "a bulk write row has {} values for {width} columns",
                row.len()
            )));
        }
        for (column, arg) in columns.iter_mut().zip(row) {
            column.push(arg)?;
        }
    }
    Ok(columns)
}

/// `UNNEST($1::text[], $2::int8[], …)` for these column arrays.
fn unnest_call(arrays: &[ColumnArray]) -> String {
    let arguments: Vec<String> = arrays
        .iter()
        .enumerate()
        .map(|(index, array)| format!("${}::{}", index + 1, array.sql_type()))
        .collect();
    format!("UNNEST({})", arguments.join(", "))
}

/// SQLite binds at most 32,766 variables per statement; stay well below, and keep statements short.
const SQLITE_MAX_VARIABLES: usize = 30_000;
const SQLITE_MAX_ROWS: usize = 500;

/// PostgreSQL binds at most 65,535 parameters per statement.
const POSTGRES_MAX_VARIABLES: usize = 65_535;
/// Rows per multi-row `VALUES` statement on PostgreSQL ([`Tx::insert_values_returning`]).
pub const POSTGRES_VALUES_ROWS: usize = 1_000;

/// A statement that binds more values than this is not kept prepared on its connection. Such a text is made
/// for a number of rows or ids (a batch's `VALUES` list, an `IN` list), so it seldom recurs, and on SQLite a
/// prepared statement of hundreds of rows holds about a megabyte: in each connection's cache of 100
/// statements, the statements of a long import's batches and of the projections that follow it made a server
/// grow with the file (docs/performance.md, round 8b). Short statements, the hot paths' included, stay
/// prepared.
const KEEP_PREPARED_ARGS: usize = 64;

fn keep_prepared(args: &[Arg]) -> bool {
    args.len() <= KEEP_PREPARED_ARGS
}

fn sqlite_rows_per_statement(width: usize) -> usize {
    (SQLITE_MAX_VARIABLES / width.max(1)).clamp(1, SQLITE_MAX_ROWS)
}

/// The next `rows` rows of `width` values each, flattened (moved, not copied).
fn next_chunk(rows: &mut std::vec::IntoIter<Vec<Arg>>, count: usize, width: usize) -> Vec<Arg> {
    let mut chunk = Vec::with_capacity(count * width);
    for row in rows.by_ref().take(count) {
        chunk.extend(row);
    }
    chunk
}

/// Checks that every row has `width` values before any is written.
fn check_widths(rows: &[Vec<Arg>], width: usize) -> Result<(), sqlx::Error> {
    match rows.iter().find(|row| row.len() != width) {
        Some(row) => Err(sqlx::Error::Protocol(format!(
            "a bulk write row has {} values for {width} columns",
            row.len()
        ))),
        None => Ok(()),
    }
}

/// `count` parameters, one string each, in the order they appear in the statement: numbered `$1, $2, …` on
/// PostgreSQL, anonymous `?` on SQLite (see [`values_placeholders`]). A statement using them must have no
/// other parameters, and binds its values in that order.
pub fn placeholders(kind: BackendKind, count: usize) -> Vec<String> {
    (1..=count)
        .map(|index| match kind {
            BackendKind::Sqlite => "?".to_string(),
            BackendKind::Postgres => format!("${index}"),
        })
        .collect()
}

/// `(…), (…)` for `rows` rows of `width` parameters, to follow `VALUES`: numbered `$1, $2, …` on
/// PostgreSQL, anonymous `?` on SQLite (which looks a numbered one up by name in a list, making thousands
/// of them quadratic to bind). A statement using it must have no other parameters, and binds the rows'
/// values in order.
pub fn values_placeholders(kind: BackendKind, rows: usize, width: usize) -> String {
    let mut text = String::with_capacity(rows * (width * 5 + 4));
    let mut next = 0;
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for column in 0..width {
            if column > 0 {
                text.push_str(", ");
            }
            next += 1;
            match kind {
                BackendKind::Sqlite => text.push('?'),
                BackendKind::Postgres => {
                    text.push('$');
                    text.push_str(&next.to_string());
                }
            }
        }
        text.push(')');
    }
    text
}

impl Tx {
    /// Inserts `rows` (each one value per column of `columns`) in as few statements as the backend allows:
    /// one `INSERT … SELECT * FROM UNNEST(…)` on PostgreSQL, multi-row `VALUES` within SQLite's variable
    /// limit. `tail` follows the rows: an `ON CONFLICT …` clause or nothing (upserts must not repeat a key
    /// within `rows`).
    pub async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
        tail: &str,
    ) -> Result<(), sqlx::Error> {
        self.insert(table, columns, rows, tail, false).await?;
        Ok(())
    }

    /// As [`Tx::insert_rows`], with a `RETURNING …` clause at the end of `tail`: the rows it returns, in
    /// no promised order (match them to the input by key).
    pub async fn insert_rows_returning(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
        tail: &str,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.insert(table, columns, rows, tail, true).await
    }

    /// As [`Tx::insert_rows_returning`], but with multi-row `VALUES` on PostgreSQL too (up to
    /// [`POSTGRES_VALUES_ROWS`] rows a statement). For the small, hot inserts of the write path: on
    /// PostgreSQL 15 a one-row `INSERT … VALUES` costs the server about half the CPU of the same row through
    /// `INSERT … SELECT * FROM UNNEST(…)` (docs/performance.md, "Writes after the one SQL layer"), and a
    /// command's group commit writes a handful of rows. Each row count is its own prepared statement.
    pub async fn insert_values_returning(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
        tail: &str,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let Tx::Postgres(tx) = self else {
            return self.insert(table, columns, rows, tail, true).await;
        };
        let width = columns.len();
        check_widths(&rows, width)?;
        let column_list = columns.join(", ");
        let per_statement = (POSTGRES_MAX_VARIABLES / width.max(1)).clamp(1, POSTGRES_VALUES_ROWS);
        let mut returned = Vec::with_capacity(rows.len());
        let mut remaining = rows.len();
        let mut rows = rows.into_iter();
        while remaining > 0 {
            let count = remaining.min(per_statement);
            remaining -= count;
            let args = next_chunk(&mut rows, count, width);
            let sql = format!(
                "INSERT INTO {table} ({column_list}) VALUES {} {tail}",
                values_placeholders(BackendKind::Postgres, count, width)
            );
            returned.extend(
                bind_postgres(sqlx::query(&sql).persistent(keep_prepared(&args)), &args)
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(AnyRow::Postgres),
            );
        }
        Ok(returned)
    }

    async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
        tail: &str,
        returning: bool,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let width = columns.len();
        let column_list = columns.join(", ");
        let mut returned = Vec::new();
        match self {
            Tx::Postgres(tx) => {
                let arrays = columns_of(rows, width)?;
                let sql = format!(
                    "INSERT INTO {table} ({column_list}) SELECT * FROM {} {tail}",
                    unnest_call(&arrays)
                );
                let mut query = sqlx::query(&sql);
                for array in arrays {
                    query = array.bind(query);
                }
                if returning {
                    returned.extend(
                        query
                            .fetch_all(&mut **tx)
                            .await?
                            .into_iter()
                            .map(AnyRow::Postgres),
                    );
                } else {
                    query.execute(&mut **tx).await?;
                }
            }
            Tx::Sqlite(tx) => {
                check_widths(&rows, width)?;
                let per_statement = sqlite_rows_per_statement(width);
                let mut remaining = rows.len();
                let mut rows = rows.into_iter();
                while remaining > 0 {
                    let count = remaining.min(per_statement);
                    remaining -= count;
                    let args = next_chunk(&mut rows, count, width);
                    let sql = format!(
                        "INSERT INTO {table} ({column_list}) VALUES {} {tail}",
                        values_placeholders(BackendKind::Sqlite, count, width)
                    );
                    let query =
                        bind_sqlite(sqlx::query(&sql).persistent(keep_prepared(&args)), &args);
                    if returning {
                        returned.extend(
                            query
                                .fetch_all(&mut **tx)
                                .await?
                                .into_iter()
                                .map(AnyRow::Sqlite),
                        );
                    } else {
                        query.execute(&mut **tx).await?;
                    }
                }
            }
        }
        Ok(returned)
    }

    /// Closes the open validity range (`valid_to IS NULL`) of each key's rows in a history table at its
    /// moment: `keys` are rows of values of `key_columns`, each followed by the moment.
    pub async fn close_open_rows(
        &mut self,
        table: &str,
        key_columns: &[&str],
        keys: Vec<Vec<Arg>>,
    ) -> Result<(), sqlx::Error> {
        if keys.is_empty() {
            return Ok(());
        }
        let width = key_columns.len() + 1;
        let names: Vec<String> = (0..key_columns.len())
            .map(|index| format!("k{index}"))
            .collect();
        let matches: Vec<String> = key_columns
            .iter()
            .zip(&names)
            .map(|(column, name)| format!("{table}.{column} = v.{name}"))
            .collect();
        let matches = matches.join(" AND ");
        match self {
            Tx::Postgres(tx) => {
                let arrays = columns_of(keys, width)?;
                let sql = format!(
                    "UPDATE {table} SET valid_to = v.closed_at FROM {} AS v({}, closed_at) \
                     WHERE {matches} AND {table}.valid_to IS NULL",
                    unnest_call(&arrays),
                    names.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for array in arrays {
                    query = array.bind(query);
                }
                query.execute(&mut **tx).await?;
            }
            Tx::Sqlite(tx) => {
                check_widths(&keys, width)?;
                let per_statement = sqlite_rows_per_statement(width);
                let mut remaining = keys.len();
                let mut keys = keys.into_iter();
                while remaining > 0 {
                    let count = remaining.min(per_statement);
                    remaining -= count;
                    let args = next_chunk(&mut keys, count, width);
                    let sql = format!(
                        "WITH v({}, closed_at) AS (VALUES {}) UPDATE {table} SET valid_to = v.closed_at \
                         FROM v WHERE {matches} AND {table}.valid_to IS NULL",
                        names.join(", "),
                        values_placeholders(BackendKind::Sqlite, count, width)
                    );
                    bind_sqlite(sqlx::query(&sql).persistent(keep_prepared(&args)), &args)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// `select` (a query without WHERE) restricted to rows whose `column` is one of `ids`: `= ANY($1)` on
    /// PostgreSQL, `IN (…)` lists within SQLite's variable limit.
    pub async fn fetch_by_ids(
        &mut self,
        select: &str,
        column: &str,
        ids: &[String],
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        match self {
            Tx::Postgres(tx) => {
                let sql = format!("{select} WHERE {column} = ANY($1)");
                Ok(sqlx::query(&sql)
                    .bind(ids)
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(AnyRow::Postgres)
                    .collect())
            }
            Tx::Sqlite(tx) => {
                let mut rows = Vec::new();
                for chunk in ids.chunks(SQLITE_MAX_VARIABLES) {
                    let placeholders = vec!["?"; chunk.len()].join(", ");
                    let sql = format!("{select} WHERE {column} IN ({placeholders})");
                    let mut query = sqlx::query(&sql).persistent(chunk.len() <= KEEP_PREPARED_ARGS);
                    for id in chunk {
                        query = query.bind(id.as_str());
                    }
                    rows.extend(
                        query
                            .fetch_all(&mut **tx)
                            .await?
                            .into_iter()
                            .map(AnyRow::Sqlite),
                    );
                }
                Ok(rows)
            }
        }
    }

    /// PostgreSQL: sends every payload on `channel` in one statement (delivered when the transaction
    /// commits). SQLite has no notifications: its readers are all in this process and are woken by the
    /// store's own signals, so there is nothing to send.
    pub async fn notify_all(
        &mut self,
        channel: &str,
        payloads: Vec<String>,
    ) -> Result<(), sqlx::Error> {
        if payloads.is_empty() {
            return Ok(());
        }
        match self {
            Tx::Postgres(tx) => {
                sqlx::query("SELECT pg_notify($1, payload) FROM UNNEST($2::text[]) AS payload")
                    .bind(channel)
                    .bind(payloads)
                    .execute(&mut **tx)
                    .await?;
            }
            Tx::Sqlite(_) => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_on_postgres_and_anonymous_on_sqlite() {
        assert_eq!(
            values_placeholders(BackendKind::Postgres, 2, 2),
            "($1, $2), ($3, $4)"
        );
        assert_eq!(
            values_placeholders(BackendKind::Sqlite, 2, 2),
            "(?, ?), (?, ?)"
        );
        assert_eq!(
            placeholders(BackendKind::Postgres, 3).join(", "),
            "$1, $2, $3"
        );
        assert_eq!(placeholders(BackendKind::Sqlite, 2).join(", "), "?, ?");
    }

    #[test]
    fn a_row_of_the_wrong_width_is_refused_before_anything_is_written() {
        let rows = vec![
            vec![Arg::from(1_i64), Arg::from("a")],
            vec![Arg::from(2_i64)],
        ];
        assert!(check_widths(&rows, 2).is_err());
        assert!(columns_of(rows, 2).is_err());
    }

    #[test]
    fn a_column_of_mixed_types_is_refused_without_showing_the_values() {
        let rows = vec![vec![Arg::from("secret")], vec![Arg::from(7_i64)]];
        let Err(sqlx::Error::Protocol(message)) = columns_of(rows, 1) else {
            panic!("mixed types were accepted");
        };
        assert!(
            !message.contains("secret") && !message.contains('7'),
            "{message}"
        );
    }
}
