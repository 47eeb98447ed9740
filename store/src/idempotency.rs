//! Idempotency keys: a client may retry a request with the key it used before, and the request applies once.
//! The API claims a key before it runs a command, completes it with the answer afterwards, and releases it
//! when the command failed, so a retry of a failed request runs again.

use crate::error::StoreError;
use crate::store::Store;
use chrono::Utc;

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key was free and is now held by the caller, who must complete or release it.
    Claimed,
    /// The key was used before and finished with this answer.
    Completed {
        fingerprint: String,
        response: String,
    },
    /// The key is held by a request that has not finished yet.
    Pending { fingerprint: String },
}

impl Store {
    /// Claims `key` in `scope` for a request described by `fingerprint`, or reports what holds it.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<IdempotencyClaim, StoreError> {
        let inserted = if let Some(pool) = self.sqlite_pool() {
            sqlx::query(
                "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (scope, key) DO NOTHING",
            )
            .bind(scope)
            .bind(key)
            .bind(fingerprint)
            .bind(Utc::now().to_rfc3339())
            .execute(pool)
            .await?
            .rows_affected()
        } else if let Some(pool) = self.postgres_pool() {
            sqlx::query(
                "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3) \
                 ON CONFLICT (scope, key) DO NOTHING",
            )
            .bind(scope)
            .bind(key)
            .bind(fingerprint)
            .execute(pool)
            .await?
            .rows_affected()
        } else {
            0
        };
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let row: Option<(String, Option<String>)> = if let Some(pool) = self.sqlite_pool() {
            sqlx::query_as(
                "SELECT fingerprint, response FROM idempotency_keys WHERE scope = ? AND key = ?",
            )
            .bind(scope)
            .bind(key)
            .fetch_optional(pool)
            .await?
        } else if let Some(pool) = self.postgres_pool() {
            sqlx::query_as(
                "SELECT fingerprint, response FROM idempotency_keys WHERE scope = $1 AND key = $2",
            )
            .bind(scope)
            .bind(key)
            .fetch_optional(pool)
            .await?
        } else {
            None
        };
        match row {
            Some((fingerprint, Some(response))) => Ok(IdempotencyClaim::Completed {
                fingerprint,
                response,
            }),
            Some((fingerprint, None)) => Ok(IdempotencyClaim::Pending { fingerprint }),
            // Released between our insert and our read: the caller may simply try again.
            None => Ok(IdempotencyClaim::Pending {
                fingerprint: fingerprint.to_string(),
            }),
        }
    }

    /// Records the answer of a claimed key; later claims get it back.
    pub async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        response: &str,
    ) -> Result<(), StoreError> {
        if let Some(pool) = self.sqlite_pool() {
            sqlx::query("UPDATE idempotency_keys SET response = ? WHERE scope = ? AND key = ?")
                .bind(response)
                .bind(scope)
                .bind(key)
                .execute(pool)
                .await?;
        } else if let Some(pool) = self.postgres_pool() {
            sqlx::query("UPDATE idempotency_keys SET response = $1 WHERE scope = $2 AND key = $3")
                .bind(response)
                .bind(scope)
                .bind(key)
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Frees a claimed key whose request failed, so that a retry runs it again.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        if let Some(pool) = self.sqlite_pool() {
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND response IS NULL",
            )
            .bind(scope)
            .bind(key)
            .execute(pool)
            .await?;
        } else if let Some(pool) = self.postgres_pool() {
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response IS NULL",
            )
            .bind(scope)
            .bind(key)
            .execute(pool)
            .await?;
        }
        Ok(())
    }
}
