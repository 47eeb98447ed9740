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
}
