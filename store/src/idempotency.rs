//! Idempotency keys: a client may retry a request with the key it used before, and the request applies once.
//! The API claims a key before it runs a command, completes it with the answer afterwards, and releases it
//! when the command failed, so a retry of a failed request runs again.
//!
//! A claim holds its key for a lease only, and names the correlation id its command's events carry. A
//! process that dies between claiming and completing leaves a claim behind; once its lease has run out, a
//! retry finds it `Abandoned`, looks in the log for the command's events, and either completes the key with
//! the answer they give (the command had committed) or takes the key over and runs the command once.
//!
//! On SQLite every write here takes the store's one writer turn, like an append, so they never meet
//! "database is locked".

use crate::error::StoreError;
use crate::sql::args;
use crate::store::Store;
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
    /// The key is held by a request whose lease has not run out yet: it is probably still running.
    Pending { fingerprint: String },
    /// The key is held by a request whose lease ran out without an answer: its process probably died.
    /// `correlation` names its command's events (none for a claim stored before leases existed) and
    /// `pending_answer` is what it meant to answer apart from the version and position.
    Abandoned {
        fingerprint: String,
        correlation: Option<String>,
        pending_answer: Option<String>,
    },
}

/// A claim: the key, what it is for, and how long it holds.
#[derive(Debug, Clone)]
pub struct IdempotencyRequest<'a> {
    pub scope: &'a str,
    pub key: &'a str,
    /// What the key is used for (the mutation and its arguments); reusing it for another is refused.
    pub fingerprint: &'a str,
    /// The caller's time: the claim's stamp and the start of its lease.
    pub at: DateTime<Utc>,
    /// Until when the claim holds the key.
    pub lease_until: DateTime<Utc>,
    /// The correlation id on the command's events.
    pub correlation: &'a str,
    /// The answer apart from its version and position.
    pub pending_answer: &'a str,
}

impl Store {
    /// Claims a key for a request, or reports what holds it.
    pub async fn claim_idempotency_key(
        &self,
        request: &IdempotencyRequest<'_>,
    ) -> Result<IdempotencyClaim, StoreError> {
        let inserted = {
            let _writer = self.writer_turn().await;
            self.db()
                .execute(
                    "INSERT INTO idempotency_keys \
                     (scope, key, fingerprint, created_at, lease_until, correlation, pending_answer) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (scope, key) DO NOTHING",
                    &args![
                        request.scope,
                        request.key,
                        request.fingerprint,
                        request.at,
                        request.lease_until,
                        request.correlation,
                        request.pending_answer
                    ],
                )
                .await?
        };
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let row = self
            .db()
            .fetch_optional(
                "SELECT fingerprint, response, lease_until, correlation, pending_answer \
                 FROM idempotency_keys WHERE scope = $1 AND key = $2",
                &args![request.scope, request.key],
            )
            .await?;
        let Some(row) = row else {
            // Released between our insert and our read: the caller may simply try again.
            return Ok(IdempotencyClaim::Pending {
                fingerprint: request.fingerprint.to_string(),
            });
        };
        let fingerprint = row.text("fingerprint")?;
        if let Some(response) = row.opt_text("response")? {
            return Ok(IdempotencyClaim::Completed {
                fingerprint,
                response,
            });
        }
        // A claim stored before leases existed has none: it is older than any running request.
        let lease_until = row.opt_time("lease_until")?;
        if lease_until.is_some_and(|until| until > request.at) {
            return Ok(IdempotencyClaim::Pending { fingerprint });
        }
        Ok(IdempotencyClaim::Abandoned {
            fingerprint,
            correlation: row.opt_text("correlation")?,
            pending_answer: row.opt_text("pending_answer")?,
        })
    }

    /// Takes over an abandoned claim (one whose command is known not to have committed) for `request`.
    /// Only one retry wins: the claim must still name `abandoned_correlation` and have no answer. Returns
    /// whether this caller now holds the key.
    pub async fn take_over_idempotency_key(
        &self,
        request: &IdempotencyRequest<'_>,
        abandoned_correlation: Option<&str>,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let updated = self
            .db()
            .execute(
                "UPDATE idempotency_keys SET created_at = $1, lease_until = $2, correlation = $3, \
                 pending_answer = $4 \
                 WHERE scope = $5 AND key = $6 AND fingerprint = $7 AND response IS NULL \
                 AND COALESCE(correlation, '') = $8",
                &args![
                    request.at,
                    request.lease_until,
                    request.correlation,
                    request.pending_answer,
                    request.scope,
                    request.key,
                    request.fingerprint,
                    abandoned_correlation.unwrap_or_default()
                ],
            )
            .await?;
        Ok(updated == 1)
    }

    /// Records the answer of a claimed key; later claims get it back. The first answer stays.
    pub async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        response: &str,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "UPDATE idempotency_keys SET response = $1 \
                 WHERE scope = $2 AND key = $3 AND response IS NULL",
                &args![response, scope, key],
            )
            .await?;
        Ok(())
    }

    /// Frees a claimed key whose request failed, so that a retry runs it again. Only the claim that runs
    /// under `correlation` is freed (a retry may have taken an abandoned claim over meanwhile).
    pub async fn release_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        correlation: &str,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response IS NULL \
                 AND correlation = $3",
                &args![scope, key, correlation],
            )
            .await?;
        Ok(())
    }
}
