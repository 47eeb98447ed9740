//! Invitations to a chapter (ADR 16): the SQL only. The code's secret never reaches this module, only its
//! SHA-256 digest; deciding whether a code is right, expired or used, and checking passwords, belong to the
//! API. Accepting is one transaction: the invitation is marked used only if it still was open, and the
//! account (when a new one) and the membership are written with it, so a code works once even when two
//! acceptances race.

use crate::accounts::{read_all, MembershipRow, UserRow, PUT_MEMBERSHIP};
use crate::error::StoreError;
use crate::sql::{args, AnyRow};
use crate::store::Store;
use chrono::{DateTime, Utc};

/// An invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: String,
    pub chapter_id: String,
    /// Lower-cased.
    pub email: String,
    pub role: String,
    pub personal_data: bool,
    pub can_export: bool,
    /// SHA-256 (hex) of the code's secret part.
    pub code_hash: String,
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
}

const INVITATION_COLUMNS: &str =
    "id, chapter_id, email, role, personal_data, can_export, code_hash, \
     invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at, revoked_by";

impl InvitationRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            chapter_id: row.text("chapter_id")?,
            email: row.text("email")?,
            role: row.text("role")?,
            personal_data: row.boolean("personal_data")?,
            can_export: row.boolean("can_export")?,
            code_hash: row.text("code_hash")?,
            invited_by: row.text("invited_by")?,
            created_at: row.time("created_at")?,
            expires_at: row.time("expires_at")?,
            accepted_at: row.opt_time("accepted_at")?,
            accepted_by: row.opt_text("accepted_by")?,
            revoked_at: row.opt_time("revoked_at")?,
            revoked_by: row.opt_text("revoked_by")?,
        })
    }

    /// Neither accepted nor withdrawn (it may still have expired).
    pub fn is_open(&self) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none()
    }
}

/// Who accepts an invitation: an account that exists (its password was checked), or a new one.
#[derive(Debug, Clone)]
pub enum Invitee<'a> {
    Existing(&'a str),
    New(&'a UserRow),
}

/// How an acceptance ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptance {
    /// The invitation was open and is now used; the account is a member of the chapter.
    Accepted,
    /// The invitation was no longer open (accepted or withdrawn in the meantime): nothing was written.
    NotOpen,
    /// A new account was to be created, but the address has one now: nothing was written.
    AddressTaken,
}

impl Store {
    /// Records an invitation. An open invitation of the same address to the same chapter is withdrawn in the
    /// same transaction (by the new one's inviter), so only the newest code works.
    pub async fn create_invitation(&self, invitation: &InvitationRow) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "UPDATE invitations SET revoked_at = $1, revoked_by = $2 WHERE chapter_id = $3 \
             AND email = $4 AND accepted_at IS NULL AND revoked_at IS NULL",
            &args![
                invitation.created_at,
                &invitation.invited_by,
                &invitation.chapter_id,
                &invitation.email,
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO invitations (id, chapter_id, email, role, personal_data, can_export, code_hash, \
             invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at, revoked_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, NULL, NULL)",
            &args![
                &invitation.id,
                &invitation.chapter_id,
                &invitation.email,
                &invitation.role,
                invitation.personal_data,
                invitation.can_export,
                &invitation.code_hash,
                &invitation.invited_by,
                invitation.created_at,
                invitation.expires_at,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn invitation(&self, id: &str) -> Result<Option<InvitationRow>, StoreError> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1");
        let row = self.db().fetch_optional(&sql, &args![id]).await?;
        Ok(row.as_ref().map(InvitationRow::read).transpose()?)
    }

    /// A chapter's invitations that are neither accepted nor withdrawn (expired ones included), newest
    /// first.
    pub async fn open_invitations(&self, chapter: &str) -> Result<Vec<InvitationRow>, StoreError> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE chapter_id = $1 \
             AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC, id"
        );
        read_all(
            self.db().fetch(&sql, &args![chapter]).await?,
            InvitationRow::read,
        )
    }

    /// Withdraws an open invitation of `chapter`; `false` when there is no such open invitation.
    pub async fn revoke_invitation(
        &self,
        id: &str,
        chapter: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer_turn().await;
        let revoked = self
            .db()
            .execute(
                "UPDATE invitations SET revoked_at = $1, revoked_by = $2 WHERE id = $3 \
                 AND chapter_id = $4 AND accepted_at IS NULL AND revoked_at IS NULL",
                &args![at, by, id, chapter],
            )
            .await?;
        Ok(revoked == 1)
    }

    /// Accepts an open invitation for `invitee`: in one transaction the invitation is marked used (only if
    /// it still is open), the new account is created if there is one, and the membership the invitation
    /// offers is written. Nothing is written unless all of it is.
    pub async fn accept_invitation(
        &self,
        invitation: &InvitationRow,
        invitee: Invitee<'_>,
        at: DateTime<Utc>,
    ) -> Result<Acceptance, StoreError> {
        let user_id = match invitee {
            Invitee::Existing(id) => id,
            Invitee::New(user) => user.id.as_str(),
        };
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        let claimed = tx
            .execute(
                "UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3 \
                 AND accepted_at IS NULL AND revoked_at IS NULL",
                &args![at, user_id, &invitation.id],
            )
            .await?;
        if claimed != 1 {
            tx.rollback().await?;
            return Ok(Acceptance::NotOpen);
        }
        if let Invitee::New(user) = invitee {
            let inserted = tx
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
            if inserted != 1 {
                tx.rollback().await?;
                return Ok(Acceptance::AddressTaken);
            }
        }
        let membership = MembershipRow {
            user_id: user_id.to_string(),
            chapter_id: invitation.chapter_id.clone(),
            role: invitation.role.clone(),
            personal_data: invitation.personal_data,
            can_export: invitation.can_export,
            created_at: at,
            disabled_at: None,
        };
        // A member already (through single sign-on, say): the invitation's role replaces theirs, and a
        // disabling by this chapter stays.
        tx.execute(PUT_MEMBERSHIP, &membership.put_args()).await?;
        tx.commit().await?;
        Ok(Acceptance::Accepted)
    }
}
