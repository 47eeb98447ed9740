//! Single sign-on and sign-in throttling: the SQL only. Which user an identity provider's answer stands for,
//! and how many failures are too many, is decided by the API; this module keeps sign-ins in flight, links
//! users to the provider's subjects, provisions users in one transaction, and counts failed sign-ins where
//! every server process sees them.

use crate::accounts::{MembershipRow, UserRow, USER_COLUMNS};
use crate::error::StoreError;
use crate::sql::{args, AnyRow};
use crate::store::Store;

/// A sign-in through the identity provider that has started and not come back yet.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSignInRow {
    /// SHA-256 of the `state` parameter the browser carries to the provider and back.
    pub state_hash: String,
    /// SHA-256 of the secret in the browser's short-lived cookie, binding the sign-in to that browser.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Unix time in seconds.
    pub expires_at: i64,
}

impl std::fmt::Debug for OidcSignInRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSignInRow")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl OidcSignInRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            state_hash: row.text("state_hash")?,
            browser_hash: row.text("browser_hash")?,
            nonce: row.text("nonce")?,
            pkce_verifier: row.text("pkce_verifier")?,
            expires_at: row.int("expires_at")?,
        })
    }
}

impl Store {
    /// Keeps a started sign-in, and forgets those that expired before `now` (Unix seconds).
    pub async fn start_oidc_sign_in(
        &self,
        row: &OidcSignInRow,
        now: i64,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "DELETE FROM oidc_sign_ins WHERE expires_at < $1",
            &args![now],
        )
        .await?;
        tx.execute(
            "INSERT INTO oidc_sign_ins (state_hash, browser_hash, nonce, pkce_verifier, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
            &args![
                &row.state_hash,
                &row.browser_hash,
                &row.nonce,
                &row.pkce_verifier,
                row.expires_at,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes the sign-in with this state digest out of the table: whoever asks first gets it, so a state
    /// is good for one answer only.
    pub async fn take_oidc_sign_in(
        &self,
        state_hash: &str,
    ) -> Result<Option<OidcSignInRow>, StoreError> {
        let _writer = self.writer_turn().await;
        let row = self
            .db()
            .fetch_optional(
                "DELETE FROM oidc_sign_ins WHERE state_hash = $1 \
                 RETURNING state_hash, browser_hash, nonce, pkce_verifier, expires_at",
                &args![state_hash],
            )
            .await?;
        Ok(row.as_ref().map(OidcSignInRow::read).transpose()?)
    }

    /// The user linked to this subject of this identity provider.
    pub async fn user_by_oidc_subject(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<UserRow>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2"
        );
        let row = self
            .db()
            .fetch_optional(&sql, &args![issuer, subject])
            .await?;
        Ok(row.as_ref().map(UserRow::read).transpose()?)
    }

    /// Links a user to the provider's subject, unless they are linked to another subject of the same
    /// provider already (a link to another issuer is replaced: subjects mean nothing across providers);
    /// `false` when nothing was linked.
    pub async fn link_oidc_subject(
        &self,
        user: &str,
        issuer: &str,
        subject: &str,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        let taken = tx
            .fetch_optional(
                "SELECT id FROM users WHERE oidc_subject = $1",
                &args![subject],
            )
            .await?;
        if taken.is_some() {
            tx.rollback().await?;
            return Ok(false);
        }
        let updated = tx
            .execute(
                "UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3 \
                 AND (oidc_subject IS NULL OR oidc_issuer IS NULL OR oidc_issuer <> $1)",
                &args![issuer, subject, user],
            )
            .await?;
        tx.commit().await?;
        Ok(updated == 1)
    }

    /// Creates a user linked to the provider's subject together with their memberships, all or nothing;
    /// `false` (and nothing written) when the email address or the subject is taken already.
    pub async fn provision_oidc_user(
        &self,
        user: &UserRow,
        issuer: &str,
        memberships: &[MembershipRow],
    ) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        let inserted = tx
            .execute(
                "INSERT INTO users (id, email, password_hash, oidc_subject, oidc_issuer, disabled_at, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &args![
                    &user.id,
                    &user.email,
                    &user.password_hash,
                    &user.oidc_subject,
                    issuer,
                    user.disabled_at,
                    user.created_at,
                ],
            )
            .await?;
        if inserted != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        for membership in memberships {
            tx.execute(
                "INSERT INTO memberships (user_id, chapter_id, role, personal_data, can_export, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &args![
                    &membership.user_id,
                    &membership.chapter_id,
                    &membership.role,
                    membership.personal_data,
                    membership.can_export,
                    membership.created_at,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// How many failures each key has had since `since_ms` (Unix milliseconds), in the order given.
    pub async fn sign_in_failures_since(
        &self,
        key_hashes: &[String],
        since_ms: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let mut counts = Vec::with_capacity(key_hashes.len());
        for key in key_hashes {
            let count = self
                .db()
                .fetch_one(
                    "SELECT COUNT(*) AS failures FROM sign_in_failures \
                     WHERE key_hash = $1 AND failed_at > $2",
                    &args![key, since_ms],
                )
                .await?
                .int("failures")?;
            counts.push(count);
        }
        Ok(counts)
    }

    /// Records one failure for each key at `at_ms`, and deletes every failure older than `forget_before_ms`
    /// (they no longer count), so guessing at many addresses cannot grow the table without bound.
    pub async fn record_sign_in_failure(
        &self,
        key_hashes: &[String],
        at_ms: i64,
        forget_before_ms: i64,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "DELETE FROM sign_in_failures WHERE failed_at < $1",
            &args![forget_before_ms],
        )
        .await?;
        for key in key_hashes {
            tx.execute(
                "INSERT INTO sign_in_failures (key_hash, failed_at) VALUES ($1, $2)",
                &args![key, at_ms],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the failures of one key (an account after its right password).
    pub async fn clear_sign_in_failures(&self, key_hash: &str) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "DELETE FROM sign_in_failures WHERE key_hash = $1",
                &args![key_hash],
            )
            .await?;
        Ok(())
    }
}
