//! Accounts: passwords (argon2id), browser sessions and personal API tokens, and the identities they stand
//! for. Secrets are generated here, shown once, and stored only as SHA-256 digests (sessions, tokens) or
//! argon2id strings (passwords); a presented secret is compared with the stored digest in constant time.
//!
//! Every authentication re-reads the user and their membership, so disabling a user, removing them from a
//! chapter or lowering their role takes effect on their very next request.

use crate::access::{Identity, Role, Via};
use crate::error::ApiError;
use crate::throttle::Throttle;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Argon2, PasswordHash};
use base64::Engine as _;
use chrono::{Duration, Utc};
use domain::ids::{ChapterId, UserId};
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};
use std::net::IpAddr;
use store::{ApiTokenRow, MembershipRow, PasswordChanged, SessionRow, Store, StoreError, UserRow};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

/// How long a browser session lasts without signing in again.
pub const SESSION_LIFETIME_DAYS: i64 = 14;
/// The shortest password accepted.
pub const MIN_PASSWORD_LENGTH: usize = 12;
/// Personal API tokens start with this, so secret scanners and people recognise them.
pub const TOKEN_PREFIX: &str = "gwt_";

/// Why an account operation was refused. Messages are safe to show.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Wrong email or password, unknown or disabled user, expired or revoked credential: deliberately one
    /// answer, so a caller cannot tell which.
    #[error("the email address or password is wrong, or the account is disabled")]
    BadCredentials,
    /// Too many failed sign-ins for this account or address; try again later.
    #[error("too many failed sign-ins; wait a few minutes and try again")]
    Throttled,
    /// The password was right but the account is disabled. Said only to someone who gave the right
    /// password, so it tells nothing about which addresses have accounts to anyone else.
    #[error("this account is disabled; ask your chapter's admin to enable it")]
    Disabled,
    #[error("{0}")]
    Invalid(String),
    /// A refusal that names the request's field it is about (`code`, `password`, `input.email`).
    #[error("{field}: {message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed")]
    Hashing,
}

/// How precisely a token's `lastUsedAt` is kept: it is written at most once per this interval.
pub const TOKEN_USE_RESOLUTION: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// How an account refusal reaches a client: bad credentials and throttling are FORBIDDEN like a missing role.
impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        use AccountError as E;
        use ApiError as Api;
        match error {
            E::BadCredentials | E::Throttled | E::Disabled | E::Forbidden(_) => {
                Api::forbidden(error.to_string())
            }
            E::Invalid(message) => Api::Validation {
                message,
                field: None,
            },
            E::InvalidField { field, message } => Api::invalid(field, message),
            E::NotFound(message) => Api::not_found(message),
            E::Store(cause) => Api::store(cause),
            E::Hashing => Api::internal("password hashing failed"),
        }
    }
}

/// A secret handed to its owner once (a session cookie's value, an API token).
pub struct IssuedSecret {
    pub id: String,
    pub secret: SecretString,
}

impl std::fmt::Debug for IssuedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSecret")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A new user's account as an admin (or the CLI) asks for it.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password: Option<&'a SecretString>,
    pub chapter: ChapterId,
    pub role: Role,
    pub personal_data: bool,
    pub can_export: bool,
}

/// The account service over the store.
pub struct Accounts {
    store: Store,
    pub(crate) throttle: Throttle,
}

impl Accounts {
    pub fn new(store: Store) -> Self {
        Self {
            throttle: Throttle::new(store.clone()),
            store,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Creates a user with a role in `chapter`; returns the new user's id.
    pub async fn create_user(&self, account: NewAccount<'_>) -> Result<UserId, AccountError> {
        let email = normalize_email(account.email)?;
        let password_hash = match account.password {
            Some(password) => Some(hash_password(password)?),
            None => None,
        };
        let user = UserId::new_random();
        let now = Utc::now();
        let created = self
            .store
            .create_user(&UserRow {
                id: user.to_string(),
                email: email.clone(),
                password_hash,
                oidc_subject: None,
                disabled_at: None,
                created_at: now,
            })
            .await?;
        if !created {
            return Err(AccountError::Invalid(format!(
                "an account for {email} exists already"
            )));
        }
        self.put_membership(
            user,
            account.chapter,
            account.role,
            account.personal_data,
            account.can_export,
        )
        .await?;
        Ok(user)
    }

    /// Gives `user` a role in `chapter` (replacing the one they had there).
    pub async fn put_membership(
        &self,
        user: UserId,
        chapter: ChapterId,
        role: Role,
        personal_data: bool,
        can_export: bool,
    ) -> Result<(), AccountError> {
        self.store
            .put_membership(&MembershipRow {
                user_id: user.to_string(),
                chapter_id: chapter.to_string(),
                role: role.as_str().to_string(),
                personal_data,
                can_export,
                created_at: Utc::now(),
                disabled_at: None,
            })
            .await?;
        Ok(())
    }

    /// Checks an email and password and opens a session in `chapter` (or the user's first chapter).
    /// Failed attempts count against the account and the address; past the limit even a right password
    /// is refused for a while.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &SecretString,
        chapter: Option<ChapterId>,
        address: Option<IpAddr>,
    ) -> Result<(IssuedSecret, Identity), AccountError> {
        let email = email.trim().to_lowercase();
        // The address is written to the throttle's table before anything else; PostgreSQL's text cannot hold
        // U+0000. The HTTP handler answers this with 400 before calling.
        refuse_control_characters(&email)?;
        let now = Utc::now();
        // The attempt is counted before the password is checked, atomically in the database: parallel
        // guesses cannot all pass a check that none of them has been counted in yet.
        if !self.throttle.claim(&email, address, now).await? {
            return Err(AccountError::Throttled);
        }
        let user = self.store.user_by_email(&email).await?;
        // Unknown users cost as much as known ones, so timing does not tell which addresses have accounts.
        let stored_hash = user.as_ref().and_then(|user| user.password_hash.clone());
        let verified = verify_password(password, stored_hash.as_deref());
        let user = match user {
            Some(user) if verified && user.disabled_at.is_none() => user,
            // Only the right password learns that the account is disabled; the attempt stays counted as a
            // failure, so a disabled account cannot be tried without limit either.
            Some(_) if verified => return Err(AccountError::Disabled),
            // The claimed attempt stays counted as a failure.
            _ => return Err(AccountError::BadCredentials),
        };
        self.throttle.succeeded(&email, address, now).await?;
        self.open_session(&user, chapter).await
    }

    /// Opens a session for an already authenticated user (after a password or the identity provider).
    pub async fn open_session(
        &self,
        user: &UserRow,
        chapter: Option<ChapterId>,
    ) -> Result<(IssuedSecret, Identity), AccountError> {
        let membership = self.membership_for(&user.id, chapter).await?;
        let identity = identity_from(&membership, None, Via::Session(String::new()))?;
        let now = Utc::now();
        let (id, secret) = fresh_secret();
        self.store
            .create_session(&SessionRow {
                id: id.clone(),
                token_hash: digest(&secret),
                user_id: user.id.clone(),
                chapter_id: membership.chapter_id.clone(),
                created_at: now,
                expires_at: now + Duration::days(SESSION_LIFETIME_DAYS),
            })
            .await?;
        let cookie = IssuedSecret {
            id: id.clone(),
            secret: SecretString::from(format!("{id}.{}", secret.expose_secret())),
        };
        Ok((
            cookie,
            Identity {
                via: Via::Session(id),
                ..identity
            },
        ))
    }

    /// The membership a session of an authenticated `user` opens: in `chapter`, or the user's first chapter
    /// that has not disabled them. A chapter that disabled them answers [`AccountError::Disabled`] (said only
    /// to someone who authenticated); no membership at all is [`AccountError::BadCredentials`].
    async fn membership_for(
        &self,
        user: &str,
        chapter: Option<ChapterId>,
    ) -> Result<MembershipRow, AccountError> {
        let memberships = match chapter {
            Some(chapter) => self
                .store
                .membership(user, &chapter.to_string())
                .await?
                .into_iter()
                .collect(),
            None => self.store.memberships_of_user(user).await?,
        };
        if memberships.is_empty() {
            return Err(AccountError::BadCredentials);
        }
        memberships
            .into_iter()
            .find(|membership| membership.disabled_at.is_none())
            .ok_or(AccountError::Disabled)
    }

    /// The identity a session cookie's value stands for, if it is live.
    pub async fn authenticate_session(
        &self,
        cookie: &str,
    ) -> Result<Option<Identity>, AccountError> {
        let Some((id, secret)) = cookie.split_once('.') else {
            return Ok(None);
        };
        let Some(session) = self.store.session(id).await? else {
            return Ok(None);
        };
        if !digest_matches(secret, &session.token_hash) || session.expires_at <= Utc::now() {
            return Ok(None);
        }
        let Some(membership) = self
            .live_membership(&session.user_id, &session.chapter_id)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(identity_from(
            &membership,
            None,
            Via::Session(session.id),
        )?))
    }

    /// The identity a bearer token stands for, if it is live; records its use.
    pub async fn authenticate_token(&self, token: &str) -> Result<Option<Identity>, AccountError> {
        let Some(rest) = token.strip_prefix(TOKEN_PREFIX) else {
            return Ok(None);
        };
        let Some((id, secret)) = rest.split_once('_') else {
            return Ok(None);
        };
        let Some(row) = self.store.api_token(id).await? else {
            return Ok(None);
        };
        if !digest_matches(secret, &row.token_hash) || row.revoked_at.is_some() {
            return Ok(None);
        }
        let Some(membership) = self.live_membership(&row.user_id, &row.chapter_id).await? else {
            return Ok(None);
        };
        let token_role = Role::parse(&row.role)
            .ok_or_else(|| AccountError::Invalid(format!("stored role `{}`", row.role)))?;
        // A token granted under a role its owner has since lost is no credential (401), like a revoked one;
        // the owner creates a new one within their current role.
        let identity =
            match identity_from(&membership, Some(token_role), Via::Token(row.id.clone())) {
                Ok(identity) => identity,
                Err(AccountError::BadCredentials) => return Ok(None),
                Err(error) => return Err(error),
            };
        // When a token was last used matters to the minute: writing it on every request would make every
        // read a write (and on SQLite every request would queue for the one writer).
        let now = Utc::now();
        if row
            .last_used_at
            .is_none_or(|last| now - last >= TOKEN_USE_RESOLUTION)
        {
            self.store.touch_api_token(&row.id, now).await?;
        }
        Ok(Some(identity))
    }

    /// The identity `identity` stands for now: the same session or token re-read, with the user's current
    /// membership. `None` once the session ended, the token was revoked, the user was disabled or removed.
    /// Long-lived connections (subscriptions) ask this before each delivery.
    pub async fn current_identity(
        &self,
        identity: &Identity,
    ) -> Result<Option<Identity>, AccountError> {
        let chapter = identity.chapter.to_string();
        match &identity.via {
            Via::Development => Ok(Some(identity.clone())),
            Via::Operator => {
                let user = identity.user.to_string();
                match self.live_membership(&user, &chapter).await? {
                    Some(membership) => Ok(Some(identity_from(&membership, None, Via::Operator)?)),
                    None => Ok(None),
                }
            }
            Via::Session(id) => {
                let Some(session) = self.store.session(id).await? else {
                    return Ok(None);
                };
                if session.expires_at <= Utc::now() || session.chapter_id != chapter {
                    return Ok(None);
                }
                let Some(membership) = self.live_membership(&session.user_id, &chapter).await?
                else {
                    return Ok(None);
                };
                Ok(Some(identity_from(
                    &membership,
                    None,
                    Via::Session(session.id),
                )?))
            }
            Via::Token(id) => {
                let Some(row) = self.store.api_token(id).await? else {
                    return Ok(None);
                };
                if row.revoked_at.is_some() || row.chapter_id != chapter {
                    return Ok(None);
                }
                let Some(membership) = self.live_membership(&row.user_id, &chapter).await? else {
                    return Ok(None);
                };
                let token_role = Role::parse(&row.role)
                    .ok_or_else(|| AccountError::Invalid(format!("stored role `{}`", row.role)))?;
                match identity_from(&membership, Some(token_role), Via::Token(row.id)) {
                    Ok(current) => Ok(Some(current)),
                    Err(AccountError::BadCredentials) => Ok(None),
                    Err(error) => Err(error),
                }
            }
        }
    }

    /// The identity a command-line operator acts as: the enabled account with `email` and its role in
    /// `chapter`. The command line goes through the same authorization layer as GraphQL with it, so an
    /// operator can do there only what that account may do.
    pub async fn operator_identity(
        &self,
        email: &str,
        chapter: ChapterId,
    ) -> Result<Identity, AccountError> {
        let email = normalize_email(email)?;
        let refused = || {
            AccountError::Forbidden(format!(
                "{email} is not an enabled account with a role in chapter {chapter}"
            ))
        };
        let user = self
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(refused)?;
        let membership = self
            .live_membership(&user.id, &chapter.to_string())
            .await?
            .ok_or_else(refused)?;
        identity_from(&membership, None, Via::Operator)
    }

    /// The membership of an enabled user in a chapter that has not disabled them, or nothing.
    async fn live_membership(
        &self,
        user: &str,
        chapter: &str,
    ) -> Result<Option<MembershipRow>, AccountError> {
        match self.store.user_by_id(user).await? {
            Some(user) if user.disabled_at.is_none() => {}
            _ => return Ok(None),
        }
        Ok(self
            .store
            .membership(user, chapter)
            .await?
            .filter(|membership| membership.disabled_at.is_none()))
    }

    pub async fn sign_out(&self, session: &str) -> Result<(), AccountError> {
        Ok(self.store.delete_session(session).await?)
    }

    /// Ends every session of a user, on every device.
    pub async fn sign_out_everywhere(&self, user: UserId) -> Result<u64, AccountError> {
        Ok(self
            .store
            .delete_sessions_of_user(&user.to_string())
            .await?)
    }

    /// Changes the caller's own password after checking the current one; ends every session and revokes
    /// every API token of theirs, so a thief holding an old cookie or a token minted with the old password is
    /// out too (integrations get a new token).
    pub async fn change_password(
        &self,
        user: UserId,
        current: &SecretString,
        new: &SecretString,
    ) -> Result<PasswordChanged, AccountError> {
        let row = self
            .store
            .user_by_id(&user.to_string())
            .await?
            .ok_or(AccountError::BadCredentials)?;
        if !verify_password(current, row.password_hash.as_deref()) {
            return Err(AccountError::BadCredentials);
        }
        self.set_password(user, new).await
    }

    /// Sets a user's password (an admin's reset, or the user's own change) and, in the same transaction, ends
    /// all their sessions and revokes all their API tokens.
    pub async fn set_password(
        &self,
        user: UserId,
        password: &SecretString,
    ) -> Result<PasswordChanged, AccountError> {
        let hash = hash_password(password)?;
        Ok(self
            .store
            .set_password_hash(&user.to_string(), &hash, Utc::now())
            .await?)
    }

    /// Disables (or enables) a whole account, in every chapter (an operator's switch). Disabling ends their
    /// sessions and revokes their tokens at once.
    pub async fn set_disabled(&self, user: UserId, disabled: bool) -> Result<(), AccountError> {
        let at = disabled.then(Utc::now);
        Ok(self.store.set_user_disabled(&user.to_string(), at).await?)
    }

    /// Disables (or enables) a member in one chapter (an admin's switch, ADR 16): their sessions and tokens
    /// in that chapter end at once; the account's other chapters are untouched.
    pub async fn set_member_disabled(
        &self,
        user: UserId,
        chapter: ChapterId,
        disabled: bool,
    ) -> Result<(), AccountError> {
        let at = disabled.then(Utc::now);
        Ok(self
            .store
            .set_membership_disabled(&user.to_string(), &chapter.to_string(), at)
            .await?)
    }

    /// Issues a personal API token for `owner` in their chapter with `role`, which may grant nothing the
    /// owner's own role does not. The token is returned once and never stored.
    pub async fn create_token(
        &self,
        owner: &Identity,
        name: &str,
        role: Role,
    ) -> Result<(ApiTokenRow, SecretString), AccountError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AccountError::Invalid(
                "a token needs a name of 1 to 100 characters".to_string(),
            ));
        }
        if !role.within(owner.role) {
            return Err(AccountError::Forbidden(format!(
                "a token cannot have more rights than your own role ({})",
                owner.role.as_str()
            )));
        }
        let (id, secret) = fresh_secret();
        let row = ApiTokenRow {
            id: id.clone(),
            user_id: owner.user.to_string(),
            chapter_id: owner.chapter.to_string(),
            name: name.to_string(),
            role: role.as_str().to_string(),
            token_hash: digest(&secret),
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        };
        self.store.create_api_token(&row).await?;
        let token = SecretString::from(format!("{TOKEN_PREFIX}{id}_{}", secret.expose_secret()));
        Ok((row, token))
    }
}

/// Creates a chapter (through its command, acting as the new admin) and its first admin's account, as
/// `groundwork admin create` does. Returns the admin's user id and the chapter's id.
pub async fn create_chapter_with_admin(
    groundwork: &crate::service::Groundwork,
    email: &str,
    chapter_name: &str,
    password: &SecretString,
) -> anyhow::Result<(UserId, ChapterId)> {
    let name = domain::values::Label::parse(chapter_name)
        .map_err(|error| anyhow::anyhow!("the chapter name is not valid: {error}"))?;
    let accounts = Accounts::new(groundwork.store().clone());
    let chapter = ChapterId::new_random();
    let user = accounts
        .create_user(NewAccount {
            email,
            password: Some(password),
            chapter,
            role: Role::Admin,
            personal_data: true,
            can_export: true,
        })
        .await?;
    let actor = domain::Actor {
        user,
        chapter,
        at: Utc::now(),
        correlation: domain::ids::CorrelationId::new_random(),
    };
    groundwork
        .execute_chapter(
            &actor,
            chapter,
            Some(0),
            domain::chapter::ChapterCommand::CreateChapter {
                chapter_id: chapter,
                name,
            },
        )
        .await
        .map_err(|error| anyhow::anyhow!("cannot create the chapter: {error}"))?;
    Ok((user, chapter))
}

/// Gives a chapter that exists in the log — one restored with `groundwork events import`, whose export
/// carries no accounts (ADR 6) — an admin account, as `groundwork admin create --chapter` does. With
/// `user`, the account takes the id the log already knows that person by (the actor of their events, the
/// organizer and assignee the log names), so their history, people and tasks are theirs again. Refuses a
/// chapter the log does not hold and a user id or email that already has an account.
pub async fn add_admin_to_chapter(
    groundwork: &crate::service::Groundwork,
    email: &str,
    chapter: ChapterId,
    user: Option<UserId>,
    password: &SecretString,
) -> anyhow::Result<UserId> {
    let store = groundwork.store();
    let version = store
        .stream_version(
            crate::command::StreamKind::Chapter.stream_type(),
            &chapter.to_string(),
        )
        .await?;
    if version == 0 {
        anyhow::bail!(
            "chapter {chapter} is not in the log; `--chapter` names a chapter that exists (after `events import`)"
        );
    }
    let email = normalize_email(email)?;
    let user = user.unwrap_or_else(UserId::new_random);
    if store.user_by_id(&user.to_string()).await?.is_some() {
        anyhow::bail!("user {user} has an account already");
    }
    let created = store
        .create_user(&UserRow {
            id: user.to_string(),
            email: email.clone(),
            password_hash: Some(hash_password(password)?),
            oidc_subject: None,
            disabled_at: None,
            created_at: Utc::now(),
        })
        .await?;
    if !created {
        anyhow::bail!("an account for {email} exists already");
    }
    Accounts::new(store.clone())
        .put_membership(user, chapter, Role::Admin, true, true)
        .await?;
    Ok(user)
}

/// Refuses an email address holding a control character, with the domain's rule and message.
pub fn refuse_control_characters(email: &str) -> Result<(), AccountError> {
    domain::values::Lines::Single
        .check("the email address", email)
        .map_err(|error| AccountError::Invalid(error.to_string()))
}

/// Lower-cases and checks an email address.
pub fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    refuse_control_characters(&email)?;
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !email.contains(char::is_whitespace) =>
        {
            Ok(email)
        }
        _ => Err(AccountError::Invalid(format!(
            "`{email}` is not an email address"
        ))),
    }
}

/// Hashes a password with argon2id and a fresh salt, after checking its length.
pub fn hash_password(password: &SecretString) -> Result<String, AccountError> {
    if password.expose_secret().chars().count() < MIN_PASSWORD_LENGTH {
        return Err(AccountError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_LENGTH} characters"
        )));
    }
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| AccountError::Hashing)
}

/// A fixed argon2id hash verified against when the user is unknown, so both paths cost the same.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(b"not a password anyone has", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches the stored argon2id string; without one, spends the same time and says no.
pub(crate) fn verify_password(password: &SecretString, stored: Option<&str>) -> bool {
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (dummy_hash(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok();
    real && matches
}

/// A new random id and a 256-bit secret (URL-safe base64).
pub(crate) fn fresh_secret() -> (String, SecretString) {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    (
        Uuid::new_v4().simple().to_string(),
        SecretString::from(secret),
    )
}

/// The SHA-256 of a secret, in hex: what the database keeps.
pub(crate) fn digest(secret: &SecretString) -> String {
    hex_digest(secret.expose_secret())
}

fn hex_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Compares a presented secret with a stored digest in constant time.
pub(crate) fn digest_matches(presented: &str, stored: &str) -> bool {
    let presented = hex_digest(presented);
    presented.as_bytes().ct_eq(stored.as_bytes()).into()
}

fn identity_from(
    membership: &MembershipRow,
    narrowed_to: Option<Role>,
    via: Via,
) -> Result<Identity, AccountError> {
    let stored_role = Role::parse(&membership.role)
        .ok_or_else(|| AccountError::Invalid(format!("stored role `{}`", membership.role)))?;
    let user = UserId::parse(&membership.user_id)
        .map_err(|_| AccountError::Invalid("stored user id".to_string()))?;
    let chapter = ChapterId::parse(&membership.chapter_id)
        .map_err(|_| AccountError::Invalid("stored chapter id".to_string()))?;
    // A token's role may have been granted under a higher role the owner has since lost: the lower wins.
    let role = match narrowed_to {
        Some(token_role) if token_role.within(stored_role) => token_role,
        Some(_) => return Err(AccountError::BadCredentials),
        None => stored_role,
    };
    let narrowed = narrowed_to.is_some() && role != stored_role;
    Ok(Identity {
        user,
        chapter,
        role,
        personal_data: membership.personal_data && !narrowed,
        can_export: membership.can_export && !narrowed,
        via,
    })
}

// The sign-in throttle's limits, defined with the throttle; named here too, where sign-in is.
pub use crate::throttle::{FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, THROTTLE_WINDOW_MINUTES};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let password = SecretString::from("correct horse battery staple");
        let hash = hash_password(&password).expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&password, Some(&hash)));
        assert!(!verify_password(
            &SecretString::from("wrong horse battery staple"),
            Some(&hash)
        ));
        assert!(!verify_password(&password, None));
    }

    #[test]
    fn email_addresses_with_control_characters_are_refused() {
        assert!(normalize_email(" Ana@Example.org ").is_ok());
        for bad in [
            "ana\u{0}@example.org",
            "ana@exa\u{1b}mple.org",
            "ana@example.org\u{85}x",
        ] {
            match normalize_email(bad) {
                Err(AccountError::Invalid(message)) => {
                    assert!(message.contains("control character"), "{message}")
                }
                other => panic!("{bad:?} should be refused, got {other:?}"),
            }
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(
            hash_password(&SecretString::from("short")),
            Err(AccountError::Invalid(_))
        ));
    }

    #[test]
    fn digests_compare_equal_only_for_the_same_secret() {
        let (_, secret) = fresh_secret();
        let stored = digest(&secret);
        assert!(digest_matches(secret.expose_secret(), &stored));
        assert!(!digest_matches("something else", &stored));
    }
}
