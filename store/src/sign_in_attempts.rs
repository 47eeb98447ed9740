//! Sign-in attempts counted before the password is checked: the throttle's claim. Counting and recording
//! are one step that concurrent sign-ins cannot interleave (a transaction-scoped advisory lock per key on
//! PostgreSQL; on SQLite this process's writer turn and the write lock `BEGIN IMMEDIATE` takes), so a burst
//! of parallel guesses gets no more password checks than the limit, in one process or many.
//!
//! The rows are the `sign_in_failures` table's: an attempt counts as a failure until it is known to have
//! succeeded, when [`Store::sign_in_attempt_succeeded`] takes it back.

use crate::error::StoreError;
use crate::sql::args;
use crate::store::{BackendKind, Store};

/// One throttle key (a SHA-256 digest) and how many attempts it may have in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key_hash: String,
    pub limit: i64,
}

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
            "SELECT COUNT(*) AS attempts FROM sign_in_failures WHERE key_hash = $1 AND failed_at > $2";
        const INSERT: &str = "INSERT INTO sign_in_failures (key_hash, failed_at) VALUES ($1, $2)";
        const PRUNE: &str = "DELETE FROM sign_in_failures WHERE failed_at <= $1";
        // Locks are taken in one order, so two claims over overlapping keys cannot deadlock.
        let mut ordered: Vec<&ThrottleKey> = keys.iter().collect();
        ordered.sort_by(|a, b| a.key_hash.cmp(&b.key_hash));
        // SQLite takes one writer at a time: this process's sign-ins wait for their turn here rather than
        // each holding a pooled connection in SQLite's busy wait (a burst would otherwise empty the pool).
        let _turn = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        match tx.kind() {
            BackendKind::Sqlite => {
                tx.execute(PRUNE, &args![since_ms]).await?;
            }
            BackendKind::Postgres => {
                for key in &ordered {
                    tx.execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 7))",
                        &args![format!("sign-in:{}", key.key_hash)],
                    )
                    .await?;
                }
            }
        }
        for key in &ordered {
            let attempts = tx
                .fetch_one(COUNT, &args![key.key_hash.as_str(), since_ms])
                .await?
                .int("attempts")?;
            if attempts >= key.limit {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        for key in &ordered {
            tx.execute(INSERT, &args![key.key_hash.as_str(), at_ms])
                .await?;
        }
        tx.commit().await?;
        if self.db().kind() == BackendKind::Postgres {
            // Pruning needs no lock: the rows it deletes no longer count for anyone.
            self.db().execute(PRUNE, &args![since_ms]).await?;
        }
        Ok(true)
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
        // Each backend names one row of a table without a key its own way.
        let one_row = match self.db().kind() {
            BackendKind::Sqlite => {
                "DELETE FROM sign_in_failures WHERE rowid = (SELECT rowid FROM sign_in_failures \
                 WHERE key_hash = $1 AND failed_at = $2 LIMIT 1)"
            }
            BackendKind::Postgres => {
                "DELETE FROM sign_in_failures WHERE ctid = (SELECT ctid FROM sign_in_failures \
                 WHERE key_hash = $1 AND failed_at = $2 LIMIT 1)"
            }
        };
        let _turn = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "DELETE FROM sign_in_failures WHERE key_hash = $1",
            &args![account_key],
        )
        .await?;
        for key in other_keys {
            tx.execute(one_row, &args![key.as_str(), at_ms]).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
