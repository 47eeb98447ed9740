//! Sign-in attempts counted before the password is checked: the throttle's claim. Counting and recording
//! are one step that concurrent sign-ins cannot interleave (a transaction-scoped advisory lock per key on
//! PostgreSQL, the write lock `BEGIN IMMEDIATE` takes on SQLite), so a burst of parallel guesses gets no more
//! password checks than the limit, in one process or many.
//!
//! The rows are the `sign_in_failures` table's: an attempt counts as a failure until it is known to have
//! succeeded, when [`Store::sign_in_attempt_succeeded`] takes it back.

use crate::error::StoreError;
use crate::store::Store;

/// One throttle key (a SHA-256 digest) and how many attempts it may have in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key_hash: String,
    pub limit: i64,
}

/// SQLite takes one writer at a time; this process's sign-ins queue here rather than each holding a pooled
/// connection in SQLite's busy-wait (a burst of parallel sign-ins would otherwise empty the pool).
static SQLITE_CLAIMS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Store {
    /// Records an attempt at `at_ms` against every key, unless one of them has `limit` attempts or more since
    /// `since_ms` already (then nothing is recorded and the answer is `false`). Attempts older than
    /// `since_ms` are deleted on the way, so guessing at many addresses cannot grow the table without bound.
    pub async fn claim_sign_in_attempt(
        &self,
        keys: &[ThrottleKey],
        at_ms: i64,
        since_ms: i64,
    ) -> Result<bool, StoreError> {
        const COUNT: &str =
            "SELECT COUNT(*) FROM sign_in_failures WHERE key_hash = $1 AND failed_at > $2";
        const INSERT: &str = "INSERT INTO sign_in_failures (key_hash, failed_at) VALUES ($1, $2)";
        const PRUNE: &str = "DELETE FROM sign_in_failures WHERE failed_at <= $1";
        // Locks are taken in one order, so two claims over overlapping keys cannot deadlock.
        let mut ordered: Vec<&ThrottleKey> = keys.iter().collect();
        ordered.sort_by(|a, b| a.key_hash.cmp(&b.key_hash));
        if let Some(pool) = self.sqlite_pool() {
            let _turn = SQLITE_CLAIMS.lock().await;
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query(PRUNE).bind(since_ms).execute(&mut *tx).await?;
            for key in &ordered {
                let (count,): (i64,) = sqlx::query_as(COUNT)
                    .bind(&key.key_hash)
                    .bind(since_ms)
                    .fetch_one(&mut *tx)
                    .await?;
                if count >= key.limit {
                    tx.rollback().await?;
                    return Ok(false);
                }
            }
            for key in &ordered {
                sqlx::query(INSERT)
                    .bind(&key.key_hash)
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        } else if let Some(pool) = self.postgres_pool() {
            let mut tx = pool.begin().await?;
            for key in &ordered {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
                    .bind(format!("sign-in:{}", key.key_hash))
                    .execute(&mut *tx)
                    .await?;
            }
            for key in &ordered {
                let (count,): (i64,) = sqlx::query_as(COUNT)
                    .bind(&key.key_hash)
                    .bind(since_ms)
                    .fetch_one(&mut *tx)
                    .await?;
                if count >= key.limit {
                    tx.rollback().await?;
                    return Ok(false);
                }
            }
            for key in &ordered {
                sqlx::query(INSERT)
                    .bind(&key.key_hash)
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            // Pruning needs no lock: the rows it deletes no longer count for anyone.
            sqlx::query(PRUNE).bind(since_ms).execute(pool).await?;
            Ok(true)
        } else {
            unreachable!("a store always has a backend")
        }
    }

    /// Takes back a claimed attempt that turned out to be a right password: every attempt against
    /// `account_key` is forgotten, and the one recorded at `at_ms` against each of `other_keys` (an address
    /// is not punished for its good sign-ins, and its other attempts still count).
    pub async fn sign_in_attempt_succeeded(
        &self,
        account_key: &str,
        other_keys: &[String],
        at_ms: i64,
    ) -> Result<(), StoreError> {
        const CLEAR: &str = "DELETE FROM sign_in_failures WHERE key_hash = $1";
        if let Some(pool) = self.sqlite_pool() {
            let _turn = SQLITE_CLAIMS.lock().await;
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query(CLEAR)
                .bind(account_key)
                .execute(&mut *tx)
                .await?;
            for key in other_keys {
                sqlx::query(
                    "DELETE FROM sign_in_failures WHERE rowid = (SELECT rowid FROM sign_in_failures \
                     WHERE key_hash = $1 AND failed_at = $2 LIMIT 1)",
                )
                .bind(key)
                .bind(at_ms)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        } else if let Some(pool) = self.postgres_pool() {
            let mut tx = pool.begin().await?;
            sqlx::query(CLEAR)
                .bind(account_key)
                .execute(&mut *tx)
                .await?;
            for key in other_keys {
                sqlx::query(
                    "DELETE FROM sign_in_failures WHERE ctid = (SELECT ctid FROM sign_in_failures \
                     WHERE key_hash = $1 AND failed_at = $2 LIMIT 1)",
                )
                .bind(key)
                .bind(at_ms)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        } else {
            unreachable!("a store always has a backend")
        }
        Ok(())
    }
}
