//! A thin layer over the two backends so read-model SQL is written once: the same text (with `$n`
//! placeholders, which both SQLite and PostgreSQL accept) runs on either pool or transaction, with arguments
//! from one enum and rows read through one type. Where the dialects differ, callers branch on [`Db::kind`].

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{PgPool, Postgres, Row, Sqlite, SqlitePool, Transaction};
use store::{BackendKind, Store};

/// A bound argument.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(Some(value.to_string()))
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

/// Builds an argument list from anything convertible: `args![a, b.to_string(), c]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        [$($crate::db::Arg::from($value)),*]
    };
}
pub(crate) use args;

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
        };
    }
    query
}

/// A row from either backend, read by column name.
pub(crate) enum AnyRow {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

macro_rules! getter {
    ($name:ident, $type:ty) => {
        pub(crate) fn $name(&self, column: &str) -> Result<$type, sqlx::Error> {
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
}

/// The read-model database: the store's own pool.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    pub(crate) fn of(store: &Store) -> Db {
        match (store.sqlite_pool(), store.postgres_pool()) {
            (Some(pool), _) => Db::Sqlite(pool.clone()),
            (None, Some(pool)) => Db::Postgres(pool.clone()),
            (None, None) => unreachable!("a store has exactly one backend"),
        }
    }

    pub(crate) fn kind(&self) -> BackendKind {
        match self {
            Db::Sqlite(_) => BackendKind::Sqlite,
            Db::Postgres(_) => BackendKind::Postgres,
        }
    }

    pub(crate) async fn fetch(&self, sql: &str, args: &[Arg]) -> Result<Vec<AnyRow>, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => bind_sqlite(sqlx::query(sql), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(AnyRow::Sqlite)
                .collect(),
            Db::Postgres(pool) => bind_postgres(sqlx::query(sql), args)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(AnyRow::Postgres)
                .collect(),
        })
    }

    pub(crate) async fn fetch_optional(
        &self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        Ok(self.fetch(sql, args).await?.into_iter().next())
    }

    /// A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so a batch never
    /// fails half-way on a lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

/// An open write transaction on either backend.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn kind(&self) -> BackendKind {
        match self {
            Tx::Sqlite(_) => BackendKind::Sqlite,
            Tx::Postgres(_) => BackendKind::Postgres,
        }
    }

    pub(crate) async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => bind_postgres(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    pub(crate) async fn fetch(
        &mut self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(AnyRow::Sqlite)
                .collect(),
            Tx::Postgres(tx) => bind_postgres(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(AnyRow::Postgres)
                .collect(),
        })
    }

    pub(crate) async fn fetch_optional(
        &mut self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        Ok(self.fetch(sql, args).await?.into_iter().next())
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
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
}

impl ColumnArray {
    fn of(arg: &Arg, capacity: usize) -> Self {
        match arg {
            Arg::Text(_) => Self::Text(Vec::with_capacity(capacity)),
            Arg::Int(_) => Self::Int(Vec::with_capacity(capacity)),
            Arg::Bool(_) => Self::Bool(Vec::with_capacity(capacity)),
            Arg::Time(_) => Self::Time(Vec::with_capacity(capacity)),
            Arg::Date(_) => Self::Date(Vec::with_capacity(capacity)),
        }
    }

    fn push(&mut self, arg: Arg) -> Result<(), sqlx::Error> {
        match (self, arg) {
            (Self::Text(values), Arg::Text(value)) => values.push(value),
            (Self::Int(values), Arg::Int(value)) => values.push(value),
            (Self::Bool(values), Arg::Bool(value)) => values.push(value),
            (Self::Time(values), Arg::Time(value)) => values.push(value),
            (Self::Date(values), Arg::Date(value)) => values.push(value),
            (_, arg) => {
                return Err(sqlx::Error::Protocol(format!(
                    "a bulk write mixes types in one column: {arg:?}"
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
        }
    }

    fn bind<'q>(self, query: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        match self {
            Self::Text(values) => query.bind(values),
            Self::Int(values) => query.bind(values),
            Self::Bool(values) => query.bind(values),
            Self::Time(values) => query.bind(values),
            Self::Date(values) => query.bind(values),
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

/// SQLite binds at most 32,766 variables per statement; stay well below, and keep statements short.
const SQLITE_MAX_VARIABLES: usize = 30_000;
const SQLITE_MAX_ROWS: usize = 500;

fn sqlite_rows_per_statement(width: usize) -> usize {
    (SQLITE_MAX_VARIABLES / width.max(1)).clamp(1, SQLITE_MAX_ROWS)
}

/// `(?, ?), (?, ?)` for `rows` rows of `width` values. Anonymous placeholders: SQLite looks a numbered
/// one (`$n`) up by name in a list, which makes binding thousands of them quadratic.
fn values_list(rows: usize, width: usize) -> String {
    let mut text = String::with_capacity(rows * (width * 3 + 4));
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for column in 0..width {
            if column > 0 {
                text.push_str(", ");
            }
            text.push('?');
        }
        text.push(')');
    }
    text
}

impl Tx {
    /// Inserts `rows` (each one value per column of `columns`) in as few statements as the backend allows:
    /// one `INSERT … SELECT * FROM UNNEST(…)` on PostgreSQL, multi-row `VALUES` within SQLite's variable
    /// limit. `conflict` is the `ON CONFLICT …` clause (upserts must not repeat a key within `rows`).
    pub(crate) async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
        conflict: &str,
    ) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let width = columns.len();
        let column_list = columns.join(", ");
        match self {
            Tx::Postgres(tx) => {
                let arrays = columns_of(rows, width)?;
                let unnest: Vec<String> = arrays
                    .iter()
                    .enumerate()
                    .map(|(index, array)| format!("${}::{}", index + 1, array.sql_type()))
                    .collect();
                let sql = format!(
                    "INSERT INTO {table} ({column_list}) SELECT * FROM UNNEST({}) {conflict}",
                    unnest.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for array in arrays {
                    query = array.bind(query);
                }
                query.execute(&mut **tx).await?;
            }
            Tx::Sqlite(tx) => {
                let per_statement = sqlite_rows_per_statement(width);
                for chunk in rows.chunks(per_statement) {
                    let sql = format!(
                        "INSERT INTO {table} ({column_list}) VALUES {} {conflict}",
                        values_list(chunk.len(), width)
                    );
                    let args: Vec<Arg> = chunk.iter().flatten().cloned().collect();
                    bind_sqlite(sqlx::query(&sql), &args)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Closes the open validity range (`valid_to IS NULL`) of each key's rows in a history table at its
    /// moment: `keys` are rows of values of `key_columns`, each followed by the moment.
    pub(crate) async fn close_open_rows(
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
                let unnest: Vec<String> = arrays
                    .iter()
                    .enumerate()
                    .map(|(index, array)| format!("${}::{}", index + 1, array.sql_type()))
                    .collect();
                let sql = format!(
                    "UPDATE {table} SET valid_to = v.closed_at FROM UNNEST({}) AS v({}, closed_at) \
                     WHERE {matches} AND {table}.valid_to IS NULL",
                    unnest.join(", "),
                    names.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for array in arrays {
                    query = array.bind(query);
                }
                query.execute(&mut **tx).await?;
            }
            Tx::Sqlite(tx) => {
                for chunk in keys.chunks(sqlite_rows_per_statement(width)) {
                    let sql = format!(
                        "WITH v({}, closed_at) AS (VALUES {}) UPDATE {table} SET valid_to = v.closed_at \
                         FROM v WHERE {matches} AND {table}.valid_to IS NULL",
                        names.join(", "),
                        values_list(chunk.len(), width)
                    );
                    let args: Vec<Arg> = chunk.iter().flatten().cloned().collect();
                    bind_sqlite(sqlx::query(&sql), &args)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// `select` (a query without WHERE) restricted to rows whose `column` is one of `ids`: `= ANY($1)` on
    /// PostgreSQL, `IN (…)` lists within SQLite's variable limit.
    pub(crate) async fn fetch_by_ids(
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
                    let mut query = sqlx::query(&sql);
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

    /// PostgreSQL: sends every payload on `channel` in one statement (delivered when the transaction commits).
    pub(crate) async fn notify_all(
        &mut self,
        channel: &str,
        payloads: Vec<String>,
    ) -> Result<(), sqlx::Error> {
        if let (Tx::Postgres(tx), false) = (&mut *self, payloads.is_empty()) {
            sqlx::query("SELECT pg_notify($1, payload) FROM UNNEST($2::text[]) AS payload")
                .bind(channel)
                .bind(payloads)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}
