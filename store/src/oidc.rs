//! Single sign-on and sign-in throttling: the SQL only. Which user an identity provider's answer stands for,
//! and how many failures are too many, is decided by the API; this module keeps sign-ins in flight, links
//! users to the provider's subjects, provisions users in one transaction, and counts failed sign-ins where
//! every server process sees them.

use crate::accounts::{MembershipRow, UserRow};
use crate::error::StoreError;
use crate::store::Store;

/// Runs the same query text on whichever backend the store has (SQLite accepts PostgreSQL's `$n`
/// placeholders).
macro_rules! on_backend {
    ($store:expr, |$pool:ident| $body:expr) => {{
        if let Some($pool) = $store.sqlite_pool() {
            $body
        } else if let Some($pool) = $store.postgres_pool() {
            $body
        } else {
            unreachable!("a store always has a backend")
        }
    }};
}

/// A sign-in through the identity provider that has started and not come back yet.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
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

const USER_COLUMNS: &str = "id, email, password_hash, oidc_subject, disabled_at, created_at";

impl Store {
    /// Keeps a started sign-in, and forgets those that expired before `now` (Unix seconds).
    pub async fn start_oidc_sign_in(
        &self,
        row: &OidcSignInRow,
        now: i64,
    ) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM oidc_sign_ins WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO oidc_sign_ins (state_hash, browser_hash, nonce, pkce_verifier, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&row.state_hash)
            .bind(&row.browser_hash)
            .bind(&row.nonce)
            .bind(&row.pkce_verifier)
            .bind(row.expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Takes the sign-in with this state digest out of the table: whoever asks first gets it, so a state
    /// is good for one answer only.
    pub async fn take_oidc_sign_in(
        &self,
        state_hash: &str,
    ) -> Result<Option<OidcSignInRow>, StoreError> {
        Ok(on_backend!(self, |pool| sqlx::query_as(
            "DELETE FROM oidc_sign_ins WHERE state_hash = $1 \
             RETURNING state_hash, browser_hash, nonce, pkce_verifier, expires_at"
        )
        .bind(state_hash)
        .fetch_optional(pool)
        .await?))
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
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(issuer)
            .bind(subject)
            .fetch_optional(pool)
            .await?))
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
        let linked = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let taken: Option<(String,)> =
                sqlx::query_as("SELECT id FROM users WHERE oidc_subject = $1")
                    .bind(subject)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                0
            } else {
                let updated = sqlx::query(
                    "UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3 \
                     AND (oidc_subject IS NULL OR oidc_issuer IS NULL OR oidc_issuer <> $1)",
                )
                .bind(issuer)
                .bind(subject)
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                updated
            }
        });
        Ok(linked == 1)
    }

    /// Creates a user linked to the provider's subject together with their memberships, all or nothing;
    /// `false` (and nothing written) when the email address or the subject is taken already.
    pub async fn provision_oidc_user(
        &self,
        user: &UserRow,
        issuer: &str,
        memberships: &[MembershipRow],
    ) -> Result<bool, StoreError> {
        let created = on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO users (id, email, password_hash, oidc_subject, oidc_issuer, disabled_at, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            )
            .bind(&user.id)
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(&user.oidc_subject)
            .bind(issuer)
            .bind(user.disabled_at)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                for membership in memberships {
                    sqlx::query(
                        "INSERT INTO memberships (user_id, chapter_id, role, personal_data, \
                         can_export, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&membership.user_id)
                    .bind(&membership.chapter_id)
                    .bind(&membership.role)
                    .bind(membership.personal_data)
                    .bind(membership.can_export)
                    .bind(membership.created_at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
            inserted
        });
        Ok(created == 1)
    }

    /// How many failures each key has had since `since_ms` (Unix milliseconds), in the order given.
    pub async fn sign_in_failures_since(
        &self,
        key_hashes: &[String],
        since_ms: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let mut counts = Vec::with_capacity(key_hashes.len());
        for key in key_hashes {
            let (count,): (i64,) = on_backend!(self, |pool| sqlx::query_as(
                "SELECT COUNT(*) FROM sign_in_failures WHERE key_hash = $1 AND failed_at > $2"
            )
            .bind(key)
            .bind(since_ms)
            .fetch_one(pool)
            .await?);
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
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
                .bind(forget_before_ms)
                .execute(&mut *tx)
                .await?;
            for key in key_hashes {
                sqlx::query("INSERT INTO sign_in_failures (key_hash, failed_at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Forgets the failures of one key (an account after its right password).
    pub async fn clear_sign_in_failures(&self, key_hash: &str) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "DELETE FROM sign_in_failures WHERE key_hash = $1"
        )
        .bind(key_hash)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
