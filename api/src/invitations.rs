//! Invitations to a chapter (ADR 16): membership needs the consent of the account holder. An admin invites an
//! address with a role; the answer is the same whether or not the address has an account (an invitation
//! and its code, shown once). The holder of the code accepts at `POST /auth/invitation`: a new person
//! chooses a password, the holder of an existing account gives theirs. Only then is the membership written.
//!
//! A code is `gwi_<id>_<secret>`; only SHA-256(secret) is kept, compared in constant time. It expires after
//! [`INVITATION_LIFETIME_DAYS`], works once, and an admin can withdraw it. Accepting is throttled like
//! signing in, counted against the invitation, the invited account and the address.

use crate::access::{Identity, Role};
use crate::accounts::{
    digest, digest_matches, fresh_secret, hash_password, normalize_email, verify_password,
    AccountError, Accounts, IssuedSecret,
};
use chrono::{DateTime, Duration, Utc};
use domain::ids::ChapterId;
use secrecy::{ExposeSecret as _, SecretString};
use std::net::IpAddr;
use store::{Acceptance, InvitationRow, Invitee, UserRow};

/// How long an invitation's code can be accepted.
pub const INVITATION_LIFETIME_DAYS: i64 = 7;
/// Invitation codes start with this, so secret scanners and people recognise them.
pub const CODE_PREFIX: &str = "gwi_";
/// Where the browser app accepts an invitation: this path, with the code as `?code=`.
pub const ACCEPT_PATH: &str = "/invitation";

/// The access log's actions for invitations.
pub const INVITED: &str = "INVITE_USER";
pub const WITHDRAWN: &str = "REVOKE_INVITATION";
pub const ACCEPTED: &str = "ACCEPT_INVITATION";

/// The refusals of an acceptance, each naming its field. The English text is the catalog's key
/// (`crate::messages`).
pub const WRONG_CODE: &str =
    "this invitation code is not valid; check the link or ask your chapter's admin for a new invitation";
pub const EXPIRED: &str = "this invitation has expired; ask your chapter's admin for a new one";
pub const USED: &str = "this invitation has been accepted already; sign in instead";
pub const WITHDRAWN_MESSAGE: &str =
    "this invitation was withdrawn; ask your chapter's admin for a new one";
pub const WRONG_PASSWORD: &str =
    "this address has a Groundwork account already; give that account's password to accept";
pub const ALREADY_MEMBER: &str =
    "this address is a member of the chapter already; change their role instead";

/// What an admin offers: a role (and grants) in their chapter, to an address.
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: Role,
    pub personal_data: bool,
    pub can_export: bool,
}

/// An invitation just made, with its code (shown this once).
pub struct IssuedInvitation {
    pub invitation: InvitationRow,
    pub code: SecretString,
}

impl IssuedInvitation {
    /// The browser app's address for accepting, relative to the server (`/invitation?code=…`).
    pub fn path(&self) -> String {
        format!("{ACCEPT_PATH}?code={}", self.code.expose_secret())
    }
}

/// An accepted invitation: the session it opened in the invitation's chapter.
pub struct Accepted {
    pub session: IssuedSecret,
    pub identity: Identity,
}

fn refused(field: &'static str, message: &str) -> AccountError {
    AccountError::InvalidField {
        field,
        message: message.to_string(),
    }
}

/// Whether an open invitation has expired at `now`.
pub fn expired(invitation: &InvitationRow, now: DateTime<Utc>) -> bool {
    invitation.expires_at <= now
}

impl Accounts {
    /// Invites `new.email` to `inviter`'s chapter. Nothing about the address's account shows in the answer:
    /// every address gets an invitation of the same shape. An address already a member of this chapter is
    /// refused (the admin sees the chapter's members anyway). A newer invitation of the same address
    /// replaces an open one.
    pub async fn invite(
        &self,
        inviter: &Identity,
        new: NewInvitation<'_>,
        now: DateTime<Utc>,
    ) -> Result<IssuedInvitation, AccountError> {
        let email = normalize_email(new.email).map_err(|error| match error {
            AccountError::Invalid(message) => AccountError::InvalidField {
                field: "input.email",
                message,
            },
            other => other,
        })?;
        let chapter = inviter.chapter.to_string();
        if let Some(user) = self.store().user_by_email(&email).await? {
            if self.store().membership(&user.id, &chapter).await?.is_some() {
                return Err(refused("input.email", ALREADY_MEMBER));
            }
        }
        let (id, secret) = fresh_secret();
        let invitation = InvitationRow {
            id: id.clone(),
            chapter_id: chapter,
            email,
            role: new.role.as_str().to_string(),
            personal_data: new.personal_data,
            can_export: new.can_export,
            code_hash: digest(&secret),
            invited_by: inviter.user.to_string(),
            created_at: now,
            expires_at: now + Duration::days(INVITATION_LIFETIME_DAYS),
            accepted_at: None,
            accepted_by: None,
            revoked_at: None,
            revoked_by: None,
        };
        self.store().create_invitation(&invitation).await?;
        let code = SecretString::from(format!("{CODE_PREFIX}{id}_{}", secret.expose_secret()));
        Ok(IssuedInvitation { invitation, code })
    }

    /// Accepts an invitation with its code. For an address without an account, `password` becomes the new
    /// account's password; for one with an account, it must be that account's password (the holder's
    /// consent). Opens a session in the invitation's chapter. Every refusal names its field: `code`
    /// (not valid, expired, accepted already, withdrawn) or `password` (too short for a new account, not the
    /// existing account's).
    pub async fn accept_invitation(
        &self,
        code: &str,
        password: &SecretString,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Accepted, AccountError> {
        let Some((id, secret)) = code
            .trim()
            .strip_prefix(CODE_PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .filter(|(id, _)| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        else {
            return Err(refused("code", WRONG_CODE));
        };
        let invitation = self.store().invitation(id).await?;
        // The attempt counts before the code or the password is checked, as a sign-in's does.
        let email = invitation.as_ref().map(|row| row.email.as_str());
        if !self
            .throttle
            .claim_invitation(id, email, address, now)
            .await?
        {
            return Err(AccountError::Throttled);
        }
        let invitation = match invitation {
            Some(row) if digest_matches(secret, &row.code_hash) => row,
            _ => return Err(refused("code", WRONG_CODE)),
        };
        if invitation.revoked_at.is_some() {
            return Err(refused("code", WITHDRAWN_MESSAGE));
        }
        if invitation.accepted_at.is_some() {
            return Err(refused("code", USED));
        }
        if expired(&invitation, now) {
            return Err(refused("code", EXPIRED));
        }
        let existing = self.store().user_by_email(&invitation.email).await?;
        let (user, new_account) = match existing {
            Some(user) => {
                if !verify_password(password, user.password_hash.as_deref()) {
                    return Err(refused("password", WRONG_PASSWORD));
                }
                if user.disabled_at.is_some() {
                    return Err(AccountError::Disabled);
                }
                (user, false)
            }
            None => {
                let hash = hash_password(password).map_err(|error| match error {
                    AccountError::Invalid(message) => AccountError::InvalidField {
                        field: "password",
                        message,
                    },
                    other => other,
                })?;
                let user = UserRow {
                    id: domain::ids::UserId::new_random().to_string(),
                    email: invitation.email.clone(),
                    password_hash: Some(hash),
                    oidc_subject: None,
                    disabled_at: None,
                    created_at: now,
                };
                (user, true)
            }
        };
        let invitee = if new_account {
            Invitee::New(&user)
        } else {
            Invitee::Existing(&user.id)
        };
        match self
            .store()
            .accept_invitation(&invitation, invitee, now)
            .await?
        {
            Acceptance::Accepted => {}
            // Accepted or withdrawn by another request in the meantime: re-read to say which.
            Acceptance::NotOpen => {
                let again = self.store().invitation(id).await?;
                let message = match again {
                    Some(row) if row.revoked_at.is_some() => WITHDRAWN_MESSAGE,
                    _ => USED,
                };
                return Err(refused("code", message));
            }
            // The address got an account between the check and the write: the same request again takes
            // the existing account's path.
            Acceptance::AddressTaken => return Err(refused("password", WRONG_PASSWORD)),
        }
        self.throttle
            .invitation_succeeded(id, &invitation.email, address, now)
            .await?;
        let chapter = ChapterId::parse(&invitation.chapter_id)
            .map_err(|_| AccountError::Invalid("stored chapter id".to_string()))?;
        let (session, identity) = self.open_session(&user, Some(chapter)).await?;
        self.store()
            .record_access(&store::AccessLogRow {
                id: uuid::Uuid::new_v4().to_string(),
                at: now,
                user_id: identity.user.to_string(),
                chapter_id: identity.chapter.to_string(),
                action: ACCEPTED.to_string(),
                subject_id: Some(invitation.id.clone()),
            })
            .await?;
        Ok(Accepted { session, identity })
    }
}
