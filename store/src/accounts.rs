//! Accounts: users, their roles per chapter, browser sessions and personal API tokens. This is the SQL only;
//! hashing passwords and tokens, and deciding who may do what, belong to the API. Secrets never reach this
//! module: it stores and returns argon2id strings and SHA-256 digests.

use crate::error::StoreError;
use crate::store::Store;
use chrono::{DateTime, Utc};

/// Runs the same query text on whichever backend the store has (SQLite accepts PostgreSQL's `$n`
/// placeholders), so each statement is written once.
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

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    /// The argon2id PHC string, if the user has a password.
    pub password_hash: Option<String>,
    pub oidc_subject: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A user's role in one chapter.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MembershipRow {
    pub user_id: String,
    pub chapter_id: String,
    pub role: String,
    pub personal_data: bool,
    pub can_export: bool,
    pub created_at: DateTime<Utc>,
}

/// A browser session as stored: the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub token_hash: String,
    pub user_id: String,
    pub chapter_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A personal API token as stored: the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: String,
    pub user_id: String,
    pub chapter_id: String,
    pub name: String,
    pub role: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "id, email, password_hash, oidc_subject, disabled_at, created_at";
const MEMBERSHIP_COLUMNS: &str = "user_id, chapter_id, role, personal_data, can_export, created_at";
const SESSION_COLUMNS: &str = "id, token_hash, user_id, chapter_id, created_at, expires_at";
const TOKEN_COLUMNS: &str =
    "id, user_id, chapter_id, name, role, token_hash, created_at, last_used_at, revoked_at";

impl Store {
    /// Adds a user; `false` when the email address is taken already.
    pub async fn create_user(&self, user: &UserRow) -> Result<bool, StoreError> {
        let inserted = on_backend!(self, |pool| {
            sqlx::query(
            "INSERT INTO users (id, email, password_hash, oidc_subject, disabled_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(&user.oidc_subject)
        .bind(user.disabled_at)
        .bind(user.created_at)
        .execute(pool)
        .await?
        .rows_affected()
        });
        Ok(inserted == 1)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(email)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?))
    }

    /// Replaces a user's password hash.
    pub async fn set_password_hash(&self, user: &str, hash: &str) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE id = $2"
        )
        .bind(hash)
        .bind(user)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Disables a user (or enables one again with `None`). Disabling ends every session and revokes every
    /// token in the same transaction, so nothing the user held keeps working.
    pub async fn set_user_disabled(
        &self,
        user: &str,
        disabled_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(disabled_at)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            if let Some(at) = disabled_at {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Gives a user a role in a chapter, replacing the one they had there.
    pub async fn put_membership(&self, membership: &MembershipRow) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            sqlx::query(
            "INSERT INTO memberships (user_id, chapter_id, role, personal_data, can_export, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (user_id, chapter_id) DO UPDATE SET role = excluded.role, \
             personal_data = excluded.personal_data, can_export = excluded.can_export"
        )
        .bind(&membership.user_id)
        .bind(&membership.chapter_id)
        .bind(&membership.role)
        .bind(membership.personal_data)
        .bind(membership.can_export)
        .bind(membership.created_at)
        .execute(pool)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    /// Removes a user from a chapter, with their sessions and tokens there and their campaign narrowing and
    /// turf units (a member added again later starts without them), in one transaction.
    pub async fn delete_membership(&self, user: &str, chapter: &str) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            for sql in [
                "DELETE FROM memberships WHERE user_id = $1 AND chapter_id = $2",
                "DELETE FROM sessions WHERE user_id = $1 AND chapter_id = $2",
                "DELETE FROM api_tokens WHERE user_id = $1 AND chapter_id = $2",
                "DELETE FROM membership_campaigns WHERE user_id = $1 AND chapter_id = $2",
                "DELETE FROM turf_units WHERE user_id = $1 AND chapter_id = $2",
            ] {
                sqlx::query(sql)
                    .bind(user)
                    .bind(chapter)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn membership(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Option<MembershipRow>, StoreError> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE user_id = $1 AND chapter_id = $2"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(user)
            .bind(chapter)
            .fetch_optional(pool)
            .await?))
    }

    /// A user's memberships, oldest first (the first is where a sign-in lands by default).
    pub async fn memberships_of_user(&self, user: &str) -> Result<Vec<MembershipRow>, StoreError> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE user_id = $1 \
             ORDER BY created_at, chapter_id"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(user)
            .fetch_all(pool)
            .await?))
    }

    /// The members of a chapter with their accounts.
    pub async fn members_of_chapter(
        &self,
        chapter: &str,
    ) -> Result<Vec<(MembershipRow, UserRow)>, StoreError> {
        let memberships: Vec<MembershipRow> = {
            let sql = format!(
                "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE chapter_id = $1 ORDER BY user_id"
            );
            on_backend!(self, |pool| sqlx::query_as(&sql)
                .bind(chapter)
                .fetch_all(pool)
                .await?)
        };
        let mut members = Vec::with_capacity(memberships.len());
        for membership in memberships {
            if let Some(user) = self.user_by_id(&membership.user_id).await? {
                members.push((membership, user));
            }
        }
        Ok(members)
    }

    pub async fn create_session(&self, session: &SessionRow) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, chapter_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(&session.id)
        .bind(&session.token_hash)
        .bind(&session.user_id)
        .bind(&session.chapter_id)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE id = $1"
        )
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Ends every session of a user ("sign out everywhere", a password change or reset).
    pub async fn delete_sessions_of_user(&self, user: &str) -> Result<u64, StoreError> {
        Ok(on_backend!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1"
        )
        .bind(user)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    pub async fn create_api_token(&self, token: &ApiTokenRow) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "INSERT INTO api_tokens (id, user_id, chapter_id, name, role, token_hash, created_at, \
             last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(&token.id)
        .bind(&token.user_id)
        .bind(&token.chapter_id)
        .bind(&token.name)
        .bind(&token.role)
        .bind(&token.token_hash)
        .bind(token.created_at)
        .bind(token.last_used_at)
        .bind(token.revoked_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn api_token(&self, id: &str) -> Result<Option<ApiTokenRow>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?))
    }

    /// A user's tokens in one chapter, newest first.
    pub async fn api_tokens_of_user(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Vec<ApiTokenRow>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 AND chapter_id = $2 \
             ORDER BY created_at DESC, id"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(user)
            .bind(chapter)
            .fetch_all(pool)
            .await?))
    }

    /// Records that a token was used.
    pub async fn touch_api_token(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
        )
        .bind(at)
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Revokes one token of a user; `false` when the user has no such live token.
    pub async fn revoke_api_token(
        &self,
        id: &str,
        user: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let revoked = on_backend!(self, |pool| {
            sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL"
        )
        .bind(at)
        .bind(id)
        .bind(user)
        .execute(pool)
        .await?
        .rows_affected()
        });
        Ok(revoked == 1)
    }
}

/// One entry of the access log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessLogRow {
    pub id: String,
    pub at: DateTime<Utc>,
    pub user_id: String,
    pub chapter_id: String,
    pub action: String,
    pub subject_id: Option<String>,
}

impl Store {
    /// Records a sensitive read or action.
    pub async fn record_access(&self, entry: &AccessLogRow) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "INSERT INTO access_log (id, at, user_id, chapter_id, action, subject_id) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(&entry.id)
        .bind(entry.at)
        .bind(&entry.user_id)
        .bind(&entry.chapter_id)
        .bind(&entry.action)
        .bind(&entry.subject_id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// A chapter's access log, newest first, at most `limit` entries.
    pub async fn access_log(
        &self,
        chapter: &str,
        limit: i64,
    ) -> Result<Vec<AccessLogRow>, StoreError> {
        Ok(on_backend!(self, |pool| sqlx::query_as(
            "SELECT id, at, user_id, chapter_id, action, subject_id FROM access_log \
             WHERE chapter_id = $1 ORDER BY at DESC, id LIMIT $2"
        )
        .bind(chapter)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }
}

/// A unit assigned to a member as part of their turf.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TurfUnitRow {
    pub user_id: String,
    pub chapter_id: String,
    pub campaign_id: String,
    pub unit_id: String,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// One entry of the access log with its detail (an export's row count).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessLogDetailRow {
    pub id: String,
    pub at: DateTime<Utc>,
    pub user_id: String,
    pub chapter_id: String,
    pub action: String,
    pub subject_id: Option<String>,
    pub detail: Option<String>,
}

/// Campaign narrowing and turf units of memberships (migration `20260601000000_campaign_roles_and_turf`).
impl Store {
    /// The campaigns a member is narrowed to in a chapter; empty when they work in every campaign.
    pub async fn membership_campaigns(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = on_backend!(self, |pool| {
            sqlx::query_as(
            "SELECT campaign_id FROM membership_campaigns WHERE user_id = $1 AND chapter_id = $2 \
             ORDER BY campaign_id"
        )
        .bind(user)
        .bind(chapter)
        .fetch_all(pool)
        .await?
        });
        Ok(rows.into_iter().map(|(campaign,)| campaign).collect())
    }

    /// Replaces the campaigns a member is narrowed to (none: every campaign), in one transaction.
    pub async fn set_membership_campaigns(
        &self,
        user: &str,
        chapter: &str,
        campaigns: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM membership_campaigns WHERE user_id = $1 AND chapter_id = $2")
                .bind(user)
                .bind(chapter)
                .execute(&mut *tx)
                .await?;
            for campaign in campaigns {
                sqlx::query(
                    "INSERT INTO membership_campaigns (user_id, chapter_id, campaign_id, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(user)
                .bind(chapter)
                .bind(campaign)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The units assigned to a member in a chapter as turf.
    pub async fn turf_units(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Vec<TurfUnitRow>, StoreError> {
        Ok(on_backend!(self, |pool| {
            sqlx::query_as(
            "SELECT user_id, chapter_id, campaign_id, unit_id, assigned_by, assigned_at FROM turf_units \
             WHERE user_id = $1 AND chapter_id = $2 ORDER BY campaign_id, unit_id"
        )
        .bind(user)
        .bind(chapter)
        .fetch_all(pool)
        .await?
        }))
    }

    /// Assigns a unit to a member's turf (again: nothing changes).
    pub async fn assign_turf_unit(&self, row: &TurfUnitRow) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            sqlx::query(
            "INSERT INTO turf_units (user_id, chapter_id, campaign_id, unit_id, assigned_by, assigned_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
        )
        .bind(&row.user_id)
        .bind(&row.chapter_id)
        .bind(&row.campaign_id)
        .bind(&row.unit_id)
        .bind(&row.assigned_by)
        .bind(row.assigned_at)
        .execute(pool)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    /// Takes a unit out of a member's turf; `false` when it was not in it.
    pub async fn unassign_turf_unit(
        &self,
        user: &str,
        chapter: &str,
        unit: &str,
    ) -> Result<bool, StoreError> {
        let removed = on_backend!(self, |pool| sqlx::query(
            "DELETE FROM turf_units WHERE user_id = $1 AND chapter_id = $2 AND unit_id = $3"
        )
        .bind(user)
        .bind(chapter)
        .bind(unit)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(removed == 1)
    }

    /// Records a sensitive read or action with a detail (an export's row count).
    pub async fn record_access_detail(
        &self,
        entry: &AccessLogRow,
        detail: &str,
    ) -> Result<(), StoreError> {
        on_backend!(self, |pool| sqlx::query(
            "INSERT INTO access_log (id, at, user_id, chapter_id, action, subject_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(&entry.id)
        .bind(entry.at)
        .bind(&entry.user_id)
        .bind(&entry.chapter_id)
        .bind(&entry.action)
        .bind(&entry.subject_id)
        .bind(detail)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// A chapter's access log with details, newest first, at most `limit` entries.
    pub async fn access_log_with_details(
        &self,
        chapter: &str,
        limit: i64,
    ) -> Result<Vec<AccessLogDetailRow>, StoreError> {
        Ok(on_backend!(self, |pool| sqlx::query_as(
            "SELECT id, at, user_id, chapter_id, action, subject_id, detail FROM access_log \
             WHERE chapter_id = $1 ORDER BY at DESC, id LIMIT $2"
        )
        .bind(chapter)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }
}
