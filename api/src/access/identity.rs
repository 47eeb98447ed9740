//! Who is calling: the [`Identity`] a request authenticated as (a session, a token, the development
//! identity or the command line), whatever transport it came through.

use super::Role;
use domain::ids::{ChapterId, CorrelationId, UserId};
use domain::Actor;

/// How a request proved its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session (its id, not its secret).
    Session(String),
    /// A personal API token (its id, not its secret).
    Token(String),
    /// The development identity, configured explicitly for local demos.
    Development,
    /// The command line, acting as the account its operator named with `--as`.
    Operator,
}

/// Who is calling: a user acting in one chapter with one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: UserId,
    pub chapter: ChapterId,
    pub role: Role,
    /// Whether personal fields are shown to an analyst unmasked.
    pub personal_data: bool,
    /// Whether the user may export data (a permission of its own, whatever the role).
    pub can_export: bool,
    /// The session or token the request came with.
    pub via: Via,
}

/// The user id of the development identity when none is configured.
pub const DEV_USER: UserId = UserId::from_uuid(uuid::Uuid::from_u128(
    0x6772_6f75_6e64_776f_726b_0000_0000_0001,
));
/// The chapter id of the development identity when none is configured.
pub const DEV_CHAPTER: ChapterId = ChapterId::from_uuid(uuid::Uuid::from_u128(
    0x6772_6f75_6e64_776f_726b_0000_0000_0002,
));

impl Identity {
    /// The fixed development identity: an admin of the development chapter.
    pub fn development() -> Self {
        Self {
            user: DEV_USER,
            chapter: DEV_CHAPTER,
            role: Role::Admin,
            personal_data: true,
            can_export: true,
            via: Via::Development,
        }
    }

    /// The domain's view of this identity acting now.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user,
            chapter: self.chapter,
            at: chrono::Utc::now(),
            correlation: CorrelationId::new_random(),
        }
    }

    /// Whether personal fields must be hidden from this caller: an analyst without the personal-data grant.
    pub fn masks_personal_data(&self) -> bool {
        self.role == Role::Analyst && !self.personal_data
    }
}

/// A read-model answer that carries personal fields, and can hide them.
pub trait Masked {
    /// The same answer without personal fields (names, contact values, per-person change summaries).
    fn mask(self) -> Self;
}
