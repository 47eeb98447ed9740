//! Accounts: users, their roles per chapter, browser sessions and personal API tokens. This is the SQL only;
//! hashing passwords and tokens, and deciding who may do what, belong to the API. Secrets never reach this
//! module: it stores and returns argon2id strings and SHA-256 digests.

use crate::error::StoreError;
use crate::sql::{args, AnyRow, Arg};
use crate::store::Store;
use chrono::{DateTime, Utc};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRow {
    pub user_id: String,
    pub chapter_id: String,
    pub role: String,
    pub personal_data: bool,
    pub can_export: bool,
    pub created_at: DateTime<Utc>,
    /// Set when an admin of this chapter disabled the member here (ADR 16): the account's other chapters
    /// are untouched.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// Inserts a membership, or gives an existing one the row's role and grants; a disabling by the chapter
/// stays. Its arguments are [`MembershipRow::put_args`].
pub(crate) const PUT_MEMBERSHIP: &str =
    "INSERT INTO memberships (user_id, chapter_id, role, personal_data, can_export, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (user_id, chapter_id) DO UPDATE SET role = excluded.role, \
     personal_data = excluded.personal_data, can_export = excluded.can_export";

impl MembershipRow {
    /// The arguments of [`PUT_MEMBERSHIP`].
    pub(crate) fn put_args(&self) -> [Arg; 6] {
        args![
            &self.user_id,
            &self.chapter_id,
            &self.role,
            self.personal_data,
            self.can_export,
            self.created_at,
        ]
    }
}

/// A browser session as stored: the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub token_hash: String,
    pub user_id: String,
    pub chapter_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A personal API token as stored: the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
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

pub(crate) const USER_COLUMNS: &str =
    "id, email, password_hash, oidc_subject, disabled_at, created_at";
const MEMBERSHIP_COLUMNS: &str =
    "user_id, chapter_id, role, personal_data, can_export, created_at, disabled_at";
const SESSION_COLUMNS: &str = "id, token_hash, user_id, chapter_id, created_at, expires_at";
const TOKEN_COLUMNS: &str =
    "id, user_id, chapter_id, name, role, token_hash, created_at, last_used_at, revoked_at";

impl UserRow {
    /// A row selected with [`USER_COLUMNS`].
    pub(crate) fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            email: row.text("email")?,
            password_hash: row.opt_text("password_hash")?,
            oidc_subject: row.opt_text("oidc_subject")?,
            disabled_at: row.opt_time("disabled_at")?,
            created_at: row.time("created_at")?,
        })
    }
}

impl MembershipRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            user_id: row.text("user_id")?,
            chapter_id: row.text("chapter_id")?,
            role: row.text("role")?,
            personal_data: row.boolean("personal_data")?,
            can_export: row.boolean("can_export")?,
            created_at: row.time("created_at")?,
            disabled_at: row.opt_time("disabled_at")?,
        })
    }
}

impl SessionRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            token_hash: row.text("token_hash")?,
            user_id: row.text("user_id")?,
            chapter_id: row.text("chapter_id")?,
            created_at: row.time("created_at")?,
            expires_at: row.time("expires_at")?,
        })
    }
}

impl ApiTokenRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            user_id: row.text("user_id")?,
            chapter_id: row.text("chapter_id")?,
            name: row.text("name")?,
            role: row.text("role")?,
            token_hash: row.text("token_hash")?,
            created_at: row.time("created_at")?,
            last_used_at: row.opt_time("last_used_at")?,
            revoked_at: row.opt_time("revoked_at")?,
        })
    }
}

/// Reads every row with `read`.
pub(crate) fn read_all<T>(
    rows: Vec<AnyRow>,
    read: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, StoreError> {
    Ok(rows.iter().map(read).collect::<Result<_, _>>()?)
}

impl Store {
    /// Adds a user; `false` when the email address is taken already.
    pub async fn create_user(&self, user: &UserRow) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let inserted = self
            .db()
            .execute(
                "INSERT INTO users (id, email, password_hash, oidc_subject, disabled_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &args![
                    &user.id,
                    &user.email,
                    &user.password_hash,
                    &user.oidc_subject,
                    user.disabled_at,
                    user.created_at,
                ],
            )
            .await?;
        Ok(inserted == 1)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        let row = self.db().fetch_optional(&sql, &args![email]).await?;
        Ok(row.as_ref().map(UserRow::read).transpose()?)
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = self.db().fetch_optional(&sql, &args![id]).await?;
        Ok(row.as_ref().map(UserRow::read).transpose()?)
    }

    /// Replaces a user's password hash.
    /// Replaces a user's password hash and ends every credential the old password may have handed out: their
    /// sessions are deleted and their API tokens revoked (at `at`), in one transaction, so a password change
    /// never leaves a thief who signed in with the old one a way back in.
    pub async fn set_password_hash(
        &self,
        user: &str,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<PasswordChanged, StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            &args![hash, user],
        )
        .await?;
        let ended_sessions = tx
            .execute("DELETE FROM sessions WHERE user_id = $1", &args![user])
            .await?;
        let revoked_tokens = tx
            .execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                &args![at, user],
            )
            .await?;
        tx.commit().await?;
        Ok(PasswordChanged {
            ended_sessions,
            revoked_tokens,
        })
    }

    /// The language a user chose for the app, if any.
    pub async fn user_language(&self, user: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .db()
            .fetch_optional("SELECT language FROM users WHERE id = $1", &args![user])
            .await?;
        Ok(match row {
            Some(row) => row.opt_text("language")?,
            None => None,
        })
    }

    /// Keeps the language a user chose for the app (`None`: follow the browser's language again).
    pub async fn set_user_language(
        &self,
        user: &str,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE users SET language = $1 WHERE id = $2",
                &args![language, user],
            )
            .await?;
        Ok(())
    }

    /// Disables a user (or enables one again with `None`). Disabling ends every session and revokes every
    /// token in the same transaction, so nothing the user held keeps working.
    pub async fn set_user_disabled(
        &self,
        user: &str,
        disabled_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "UPDATE users SET disabled_at = $1 WHERE id = $2",
            &args![disabled_at, user],
        )
        .await?;
        if let Some(at) = disabled_at {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![user])
                .await?;
            tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                &args![at, user],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Disables a member in one chapter (or enables them there again with `None`). Disabling ends their
    /// sessions in that chapter and revokes their tokens there in the same transaction; the account's other
    /// chapters are untouched (ADR 16).
    pub async fn set_membership_disabled(
        &self,
        user: &str,
        chapter: &str,
        disabled_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "UPDATE memberships SET disabled_at = $1 WHERE user_id = $2 AND chapter_id = $3",
            &args![disabled_at, user, chapter],
        )
        .await?;
        if let Some(at) = disabled_at {
            tx.execute(
                "DELETE FROM sessions WHERE user_id = $1 AND chapter_id = $2",
                &args![user, chapter],
            )
            .await?;
            tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND chapter_id = $3 \
                 AND revoked_at IS NULL",
                &args![at, user, chapter],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Gives a user a role in a chapter, replacing the one they had there.
    pub async fn put_membership(&self, membership: &MembershipRow) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(PUT_MEMBERSHIP, &membership.put_args())
            .await?;
        Ok(())
    }

    /// Removes a user from a chapter, with their sessions and tokens there and their campaign narrowing and
    /// turf units (a member added again later starts without them), in one transaction.
    pub async fn delete_membership(&self, user: &str, chapter: &str) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        for sql in [
            "DELETE FROM memberships WHERE user_id = $1 AND chapter_id = $2",
            "DELETE FROM sessions WHERE user_id = $1 AND chapter_id = $2",
            "DELETE FROM api_tokens WHERE user_id = $1 AND chapter_id = $2",
            "DELETE FROM membership_campaigns WHERE user_id = $1 AND chapter_id = $2",
            "DELETE FROM turf_units WHERE user_id = $1 AND chapter_id = $2",
        ] {
            tx.execute(sql, &args![user, chapter]).await?;
        }
        tx.commit().await?;
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
        let row = self
            .db()
            .fetch_optional(&sql, &args![user, chapter])
            .await?;
        Ok(row.as_ref().map(MembershipRow::read).transpose()?)
    }

    /// A user's memberships, oldest first (the first is where a sign-in lands by default).
    pub async fn memberships_of_user(&self, user: &str) -> Result<Vec<MembershipRow>, StoreError> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE user_id = $1 \
             ORDER BY created_at, chapter_id"
        );
        read_all(
            self.db().fetch(&sql, &args![user]).await?,
            MembershipRow::read,
        )
    }

    /// The members of a chapter with their accounts.
    pub async fn members_of_chapter(
        &self,
        chapter: &str,
    ) -> Result<Vec<(MembershipRow, UserRow)>, StoreError> {
        // One statement (a person's history names its actors through this, on every read); the user's
        // columns that share a name with the membership's are renamed.
        let rows = self
            .db()
            .fetch(
                "SELECT m.user_id, m.chapter_id, m.role, m.personal_data, m.can_export, m.created_at, \
                 m.disabled_at, u.id, u.email, u.password_hash, u.oidc_subject, \
                 u.disabled_at AS user_disabled_at, u.created_at AS user_created_at \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.chapter_id = $1 ORDER BY m.user_id",
                &args![chapter],
            )
            .await?;
        read_all(rows, |row| {
            Ok((
                MembershipRow::read(row)?,
                UserRow {
                    id: row.text("id")?,
                    email: row.text("email")?,
                    password_hash: row.opt_text("password_hash")?,
                    oidc_subject: row.opt_text("oidc_subject")?,
                    disabled_at: row.opt_time("user_disabled_at")?,
                    created_at: row.time("user_created_at")?,
                },
            ))
        })
    }

    pub async fn create_session(&self, session: &SessionRow) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "INSERT INTO sessions (id, token_hash, user_id, chapter_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &args![
                    &session.id,
                    &session.token_hash,
                    &session.user_id,
                    &session.chapter_id,
                    session.created_at,
                    session.expires_at,
                ],
            )
            .await?;
        Ok(())
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
        let row = self.db().fetch_optional(&sql, &args![id]).await?;
        Ok(row.as_ref().map(SessionRow::read).transpose()?)
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute("DELETE FROM sessions WHERE id = $1", &args![id])
            .await?;
        Ok(())
    }

    /// Ends every session of a user ("sign out everywhere", a password change or reset).
    pub async fn delete_sessions_of_user(&self, user: &str) -> Result<u64, StoreError> {
        let _writer = self.writer_turn().await;
        Ok(self
            .db()
            .execute("DELETE FROM sessions WHERE user_id = $1", &args![user])
            .await?)
    }

    pub async fn create_api_token(&self, token: &ApiTokenRow) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "INSERT INTO api_tokens (id, user_id, chapter_id, name, role, token_hash, created_at, \
                 last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &args![
                    &token.id,
                    &token.user_id,
                    &token.chapter_id,
                    &token.name,
                    &token.role,
                    &token.token_hash,
                    token.created_at,
                    token.last_used_at,
                    token.revoked_at,
                ],
            )
            .await?;
        Ok(())
    }

    pub async fn api_token(&self, id: &str) -> Result<Option<ApiTokenRow>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1");
        let row = self.db().fetch_optional(&sql, &args![id]).await?;
        Ok(row.as_ref().map(ApiTokenRow::read).transpose()?)
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
        read_all(
            self.db().fetch(&sql, &args![user, chapter]).await?,
            ApiTokenRow::read,
        )
    }

    /// Records that a token was used.
    pub async fn touch_api_token(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                &args![at, id],
            )
            .await?;
        Ok(())
    }

    /// Revokes one token of a user; `false` when the user has no such live token.
    pub async fn revoke_api_token(
        &self,
        id: &str,
        user: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let revoked = self
            .db()
            .execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
                 AND revoked_at IS NULL",
                &args![at, id, user],
            )
            .await?;
        Ok(revoked == 1)
    }
}

/// What a password change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordChanged {
    pub ended_sessions: u64,
    pub revoked_tokens: u64,
}

/// One entry of the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogRow {
    pub id: String,
    pub at: DateTime<Utc>,
    pub user_id: String,
    pub chapter_id: String,
    pub action: String,
    pub subject_id: Option<String>,
}
impl AccessLogRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            at: row.time("at")?,
            user_id: row.text("user_id")?,
            chapter_id: row.text("chapter_id")?,
            action: row.text("action")?,
            subject_id: row.opt_text("subject_id")?,
        })
    }
}

impl Store {
    /// Records a sensitive read or action.
    pub async fn record_access(&self, entry: &AccessLogRow) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "INSERT INTO access_log (id, at, user_id, chapter_id, action, subject_id) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &args![
                    &entry.id,
                    entry.at,
                    &entry.user_id,
                    &entry.chapter_id,
                    &entry.action,
                    &entry.subject_id,
                ],
            )
            .await?;
        Ok(())
    }

    /// A chapter's access log, newest first, at most `limit` entries.
    pub async fn access_log(
        &self,
        chapter: &str,
        limit: i64,
    ) -> Result<Vec<AccessLogRow>, StoreError> {
        read_all(
            self.db()
                .fetch(
                    "SELECT id, at, user_id, chapter_id, action, subject_id FROM access_log \
                     WHERE chapter_id = $1 ORDER BY at DESC, id LIMIT $2",
                    &args![chapter, limit],
                )
                .await?,
            AccessLogRow::read,
        )
    }
}

/// A unit assigned to a member as part of their turf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurfUnitRow {
    pub user_id: String,
    pub chapter_id: String,
    pub campaign_id: String,
    pub unit_id: String,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// One entry of the access log with its detail (an export's row count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogDetailRow {
    pub id: String,
    pub at: DateTime<Utc>,
    pub user_id: String,
    pub chapter_id: String,
    pub action: String,
    pub subject_id: Option<String>,
    pub detail: Option<String>,
}
impl TurfUnitRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            user_id: row.text("user_id")?,
            chapter_id: row.text("chapter_id")?,
            campaign_id: row.text("campaign_id")?,
            unit_id: row.text("unit_id")?,
            assigned_by: row.text("assigned_by")?,
            assigned_at: row.time("assigned_at")?,
        })
    }
}

impl AccessLogDetailRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            at: row.time("at")?,
            user_id: row.text("user_id")?,
            chapter_id: row.text("chapter_id")?,
            action: row.text("action")?,
            subject_id: row.opt_text("subject_id")?,
            detail: row.opt_text("detail")?,
        })
    }
}

/// Campaign narrowing and turf units of memberships (migration `20260601000000_campaign_roles_and_turf`).
impl Store {
    /// The campaigns a member is narrowed to in a chapter; empty when they work in every campaign.
    pub async fn membership_campaigns(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Vec<String>, StoreError> {
        read_all(
            self.db()
                .fetch(
                    "SELECT campaign_id FROM membership_campaigns WHERE user_id = $1 AND chapter_id = $2 \
                     ORDER BY campaign_id",
                    &args![user, chapter],
                )
                .await?,
            |row| row.text("campaign_id"),
        )
    }

    /// Replaces the campaigns a member is narrowed to (none: every campaign), in one transaction.
    pub async fn set_membership_campaigns(
        &self,
        user: &str,
        chapter: &str,
        campaigns: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "DELETE FROM membership_campaigns WHERE user_id = $1 AND chapter_id = $2",
            &args![user, chapter],
        )
        .await?;
        for campaign in campaigns {
            tx.execute(
                "INSERT INTO membership_campaigns (user_id, chapter_id, campaign_id, created_at) \
                 VALUES ($1, $2, $3, $4)",
                &args![user, chapter, campaign, at],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The units assigned to a member in a chapter as turf.
    pub async fn turf_units(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Vec<TurfUnitRow>, StoreError> {
        read_all(
            self.db()
                .fetch(
                    "SELECT user_id, chapter_id, campaign_id, unit_id, assigned_by, assigned_at \
                     FROM turf_units WHERE user_id = $1 AND chapter_id = $2 \
                     ORDER BY campaign_id, unit_id",
                    &args![user, chapter],
                )
                .await?,
            TurfUnitRow::read,
        )
    }

    /// Assigns a unit to a member's turf (again: nothing changes).
    pub async fn assign_turf_unit(&self, row: &TurfUnitRow) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "INSERT INTO turf_units (user_id, chapter_id, campaign_id, unit_id, assigned_by, \
                 assigned_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &args![
                    &row.user_id,
                    &row.chapter_id,
                    &row.campaign_id,
                    &row.unit_id,
                    &row.assigned_by,
                    row.assigned_at,
                ],
            )
            .await?;
        Ok(())
    }

    /// Takes a unit out of a member's turf; `false` when it was not in it.
    pub async fn unassign_turf_unit(
        &self,
        user: &str,
        chapter: &str,
        unit: &str,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let removed = self
            .db()
            .execute(
                "DELETE FROM turf_units WHERE user_id = $1 AND chapter_id = $2 AND unit_id = $3",
                &args![user, chapter, unit],
            )
            .await?;
        Ok(removed == 1)
    }

    /// Records a sensitive read or action with a detail (an export's row count).
    pub async fn record_access_detail(
        &self,
        entry: &AccessLogRow,
        detail: &str,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        self.db()
            .execute(
                "INSERT INTO access_log (id, at, user_id, chapter_id, action, subject_id, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &args![
                    &entry.id,
                    entry.at,
                    &entry.user_id,
                    &entry.chapter_id,
                    &entry.action,
                    &entry.subject_id,
                    detail,
                ],
            )
            .await?;
        Ok(())
    }

    /// A chapter's access log with details, newest first, at most `limit` entries after skipping the
    /// newest `offset` (a page of the log).
    pub async fn access_log_with_details(
        &self,
        chapter: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AccessLogDetailRow>, StoreError> {
        read_all(
            self.db()
                .fetch(
                    "SELECT id, at, user_id, chapter_id, action, subject_id, detail FROM access_log \
                     WHERE chapter_id = $1 ORDER BY at DESC, id LIMIT $2 OFFSET $3",
                    &args![chapter, limit, offset],
                )
                .await?,
            AccessLogDetailRow::read,
        )
    }
}
