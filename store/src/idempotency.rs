//! Idempotency keys: a client may retry a request with the key it used before, and the request applies once.
//! The API claims a key before it runs a command, completes it with the answer afterwards, and releases it
//! when the command failed, so a retry of a failed request runs again.

use crate::error::StoreError;
use crate::sql::args;
use crate::store::{now, Store};
use chrono::{DateTime, Utc};

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
    /// Claims `key` in `scope` for a request described by `fingerprint`, or reports what holds it; a new
    /// claim is stamped with the current time.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<IdempotencyClaim, StoreError> {
        self.claim_idempotency_key_at(scope, key, fingerprint, now())
            .await
    }

    /// As [`Store::claim_idempotency_key`], stamping a new claim with `at` (the caller's clock).
    pub async fn claim_idempotency_key_at(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> Result<IdempotencyClaim, StoreError> {
        let inserted = self
            .db()
            .execute(
                "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING",
                &args![scope, key, fingerprint, at],
            )
            .await?;
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let row = self
            .db()
            .fetch_optional(
                "SELECT fingerprint, response FROM idempotency_keys WHERE scope = $1 AND key = $2",
                &args![scope, key],
            )
            .await?;
        let Some(row) = row else {
            // Released between our insert and our read: the caller may simply try again.
            return Ok(IdempotencyClaim::Pending {
                fingerprint: fingerprint.to_string(),
            });
        };
        let fingerprint = row.text("fingerprint")?;
        Ok(match row.opt_text("response")? {
            Some(response) => IdempotencyClaim::Completed {
                fingerprint,
                response,
            },
            None => IdempotencyClaim::Pending { fingerprint },
        })
    }

    /// Records the answer of a claimed key; later claims get it back.
    pub async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        response: &str,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE idempotency_keys SET response = $1 WHERE scope = $2 AND key = $3",
                &args![response, scope, key],
            )
            .await?;
        Ok(())
    }

    /// Frees a claimed key whose request failed, so that a retry runs it again.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        self.db()
            .execute(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response IS NULL",
                &args![scope, key],
            )
            .await?;
        Ok(())
    }
}
