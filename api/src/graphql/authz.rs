//! The one authorization layer. Resolvers never hold the command service or the read models directly: the
//! schema keeps them inside a [`Gate`] whose fields only this module can reach, and the only ways through are
//! [`Policy::write`] (which derives the permission from the command itself, so no mutation can ask for the
//! wrong one) and [`Policy::read`] (which hands out read access only).
//!
//! The [`Identity`] of a request comes from its session cookie or its personal API token (see
//! `crate::accounts` and `crate::http`); a fixed development identity is used only when the server was
//! explicitly started with `GROUNDWORK_DEV_IDENTITY=true`.

use crate::accounts::Accounts;
use crate::config::Environment;
use crate::error::ApiError;
use crate::service::Groundwork;
use async_graphql::{Context, Enum, SimpleObject, ID};
use domain::ids::{ChapterId, CorrelationId, UserId};
use domain::Actor;
use projections::ReadModels;
use std::sync::Arc;

/// A role decides what an identity may do in one chapter.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works the tasks assigned to them; sees nothing of the chapter beyond their own work until turf-scoped
    /// reads exist.
    Activist,
    /// Logs 1:1s, assesses people and works their own tasks.
    Organizer,
    /// Reads everything of the chapter and the analyst queries; writes nothing.
    Analyst,
    /// Sets up campaigns, assigns people and tasks, runs structure tests.
    Lead,
    /// Everything, including forgetting a person.
    Admin,
}

impl Role {
    /// Every role, for listings and tests.
    pub const ALL: [Role; 5] = [
        Role::Activist,
        Role::Organizer,
        Role::Analyst,
        Role::Lead,
        Role::Admin,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "activist" => Some(Self::Activist),
            "organizer" => Some(Self::Organizer),
            "analyst" => Some(Self::Analyst),
            "lead" => Some(Self::Lead),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// The role's name as stored and configured.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activist => "activist",
            Self::Organizer => "organizer",
            Self::Analyst => "analyst",
            Self::Lead => "lead",
            Self::Admin => "admin",
        }
    }

    /// Whether this role grants nothing that `other` does not (a token's role must be within its owner's).
    pub fn within(self, other: Role) -> bool {
        Permission::ALL
            .iter()
            .all(|permission| !permission.granted_to(self) || permission.granted_to(other))
    }
}

/// How a request proved its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session (its id, not its secret).
    Session(String),
    /// A personal API token (its id, not its secret).
    Token(String),
    /// The development identity, configured explicitly for local demos.
    Development,
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
    /// The identity every request runs as until accounts exist: `GROUNDWORK_DEV_USER`,
    /// `GROUNDWORK_DEV_CHAPTER` (UUIDs) and `GROUNDWORK_DEV_ROLE` (organizer, analyst, lead, admin), each
    /// defaulting to the fixed development identity (an admin of the development chapter).
    pub fn from_environment(env: &dyn Environment) -> anyhow::Result<Self> {
        let user = match env.var("GROUNDWORK_DEV_USER") {
            Some(text) => UserId::parse(&text).map_err(|_| {
                anyhow::anyhow!("GROUNDWORK_DEV_USER `{text}` is not a user id (a UUID)")
            })?,
            None => DEV_USER,
        };
        let chapter = match env.var("GROUNDWORK_DEV_CHAPTER") {
            Some(text) => ChapterId::parse(&text).map_err(|_| {
                anyhow::anyhow!("GROUNDWORK_DEV_CHAPTER `{text}` is not a chapter id (a UUID)")
            })?,
            None => DEV_CHAPTER,
        };
        let role = match env.var("GROUNDWORK_DEV_ROLE") {
            Some(text) => Role::parse(&text).ok_or_else(|| {
                anyhow::anyhow!(
                    "GROUNDWORK_DEV_ROLE `{text}` is not one of organizer, analyst, lead, admin"
                )
            })?,
            None => Role::Admin,
        };
        Ok(Self {
            user,
            chapter,
            role,
            ..Self::development()
        })
    }

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
}

/// Everything a request may ask to do. Each command and query maps to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the chapter's campaigns, people, tasks and structure tests.
    Read,
    /// Run the analyst queries.
    Analyze,
    /// Create and rename the chapter.
    ManageChapter,
    /// Set up campaigns: scale, units, fields, structure tests.
    ManageCampaigns,
    /// Add and edit people: contact points, units, fields, assessments, notes, 1:1s, structure-test steps.
    EditPeople,
    /// Assign organizers to people and tasks to organizers.
    AssignWork,
    /// Complete, cancel and reopen tasks.
    WorkTasks,
    /// Merge duplicate people.
    MergePeople,
    /// Forget a person for good.
    ForgetPeople,
    /// Read one's own tasks and one's own account.
    ReadOwn,
    /// Add users to the chapter, change their roles, reset passwords, disable them.
    ManageUsers,
    /// Read the campaigns, and the people of one's own turf (those one is the organizer of).
    ReadTurf,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::Read,
        Permission::Analyze,
        Permission::ManageChapter,
        Permission::ManageCampaigns,
        Permission::EditPeople,
        Permission::AssignWork,
        Permission::WorkTasks,
        Permission::MergePeople,
        Permission::ForgetPeople,
        Permission::ReadOwn,
        Permission::ManageUsers,
        Permission::ReadTurf,
    ];

    /// The policy: which roles hold which permissions.
    pub fn granted_to(self, role: Role) -> bool {
        use Permission as P;
        match role {
            Role::Admin => true,
            Role::Lead => !matches!(self, P::ManageChapter | P::ForgetPeople | P::ManageUsers),
            Role::Organizer => matches!(
                self,
                P::Read | P::ReadTurf | P::EditPeople | P::WorkTasks | P::ReadOwn
            ),
            Role::Analyst => matches!(self, P::Read | P::ReadTurf | P::Analyze | P::ReadOwn),
            // An activist reads the people of their turf and their own tasks; writes come with turf-checked
            // commands.
            Role::Activist => matches!(self, P::ReadTurf | P::ReadOwn),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Read => "read the chapter's data",
            Self::Analyze => "run analyst queries",
            Self::ManageChapter => "manage the chapter",
            Self::ManageCampaigns => "set up campaigns and structure tests",
            Self::EditPeople => "edit people",
            Self::AssignWork => "assign organizers and tasks",
            Self::WorkTasks => "work on tasks",
            Self::MergePeople => "merge people",
            Self::ForgetPeople => "forget people",
            Self::ReadOwn => "read their own tasks",
            Self::ManageUsers => "manage the chapter's users",
            Self::ReadTurf => "read the people of their turf",
        }
    }
}

/// Schema data that holds what resolvers must not touch without the policy's leave.
pub struct Gate {
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    accounts: Arc<Accounts>,
}

impl Gate {
    pub fn new(
        groundwork: Arc<Groundwork>,
        read_models: ReadModels,
        accounts: Arc<Accounts>,
    ) -> Self {
        Self {
            groundwork,
            read_models,
            accounts,
        }
    }
}

/// Leave to use the account service for the caller's chapter, granted for one permission (`ReadOwn` for
/// one's own tokens, `ManageUsers` for the chapter's users).
pub struct AccountsAccess<'a> {
    pub identity: &'a Identity,
    accounts: &'a Accounts,
}

impl AccountsAccess<'_> {
    pub fn accounts(&self) -> &Accounts {
        self.accounts
    }
}

/// Leave to run commands, granted for one permission.
pub struct WriteAccess<'a> {
    pub identity: &'a Identity,
    groundwork: &'a Groundwork,
}

impl WriteAccess<'_> {
    pub fn groundwork(&self) -> &Groundwork {
        self.groundwork
    }
}

/// Leave to read. It carries no command service, so a resolver holding it cannot write.
pub struct ReadAccess<'a> {
    pub identity: &'a Identity,
    read_models: &'a ReadModels,
}

impl ReadAccess<'_> {
    /// Whether personal fields must be hidden from this caller: an analyst without the personal-data grant.
    pub fn masks_personal_data(&self) -> bool {
        self.identity.role == Role::Analyst && !self.identity.personal_data
    }

    /// `value`, with its personal fields hidden when this caller may not see them.
    pub fn masked<T: Masked>(&self, value: T) -> T {
        if self.masks_personal_data() {
            value.mask()
        } else {
            value
        }
    }
    /// The read API; every call takes [`ReadAccess::chapter`], so nothing of another chapter is visible.
    pub fn read_models(&self) -> &ReadModels {
        self.read_models
    }

    /// The caller's chapter, the scope of every read.
    pub fn chapter(&self) -> ChapterId {
        self.identity.chapter
    }

    /// The store, for the log's head (read only).
    pub fn store(&self) -> &store::Store {
        self.read_models.store()
    }
}

/// Records in the access log that `identity` did `action` (a sensitive read, an erasure) on `subject`.
/// A read whose record cannot be written fails: nothing sensitive is shown unlogged.
pub async fn record_access(
    store: &store::Store,
    identity: &Identity,
    action: &str,
    subject: Option<String>,
) -> Result<(), ApiError> {
    store
        .record_access(&store::AccessLogRow {
            id: uuid::Uuid::new_v4().to_string(),
            at: chrono::Utc::now(),
            user_id: identity.user.to_string(),
            chapter_id: identity.chapter.to_string(),
            action: action.to_string(),
            subject_id: subject,
        })
        .await?;
    Ok(())
}

/// A read-model answer that carries personal fields, and can hide them.
pub trait Masked {
    /// The same answer without personal fields (names, contact values, per-person change summaries).
    fn mask(self) -> Self;
}

/// The single place where requests are authorized.
pub struct Policy;

impl Policy {
    /// The calling identity, for resolvers that only describe the caller.
    pub fn identity<'a>(ctx: &Context<'a>) -> Result<&'a Identity, ApiError> {
        ctx.data::<Identity>()
            .map_err(|_| ApiError::internal("the schema was built without an identity"))
    }

    /// Checks that the caller holds `permission`.
    pub fn require(identity: &Identity, permission: Permission) -> Result<(), ApiError> {
        if permission.granted_to(identity.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "your role ({}) may not {}",
                identity.role.as_str(),
                permission.describe()
            )))
        }
    }

    /// Leave to run a command needing `permission` (which the write module derives from the command).
    pub(super) fn write<'a>(
        ctx: &Context<'a>,
        permission: Permission,
    ) -> Result<WriteAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, permission)?;
        let gate = gate(ctx)?;
        Ok(WriteAccess {
            identity,
            groundwork: &gate.groundwork,
        })
    }

    /// Leave to read people: the whole chapter with `Read`, or only one's turf with `ReadTurf` (then the
    /// returned user is the organizer every answer must be narrowed to).
    pub fn read_turf<'a>(ctx: &Context<'a>) -> Result<(ReadAccess<'a>, Option<UserId>), ApiError> {
        let identity = Self::identity(ctx)?;
        if Permission::Read.granted_to(identity.role) {
            Ok((Self::read(ctx, Permission::Read)?, None))
        } else {
            Ok((Self::read(ctx, Permission::ReadTurf)?, Some(identity.user)))
        }
    }

    /// Leave to read with `permission` (`Read` or `Analyze`).
    pub fn read<'a>(ctx: &Context<'a>, permission: Permission) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, permission)?;
        let gate = gate(ctx)?;
        Ok(ReadAccess {
            identity,
            read_models: &gate.read_models,
        })
    }
}

impl Policy {
    /// Leave to use the account service with `permission`.
    pub fn accounts<'a>(
        ctx: &Context<'a>,
        permission: Permission,
    ) -> Result<AccountsAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, permission)?;
        let gate = gate(ctx)?;
        Ok(AccountsAccess {
            identity,
            accounts: &gate.accounts,
        })
    }
}

/// What a long-lived subscription re-checks before each delivery: that the caller's session or token is
/// still live and their role, chapter and grants are unchanged. When they are not, the subscription ends.
#[derive(Clone)]
pub struct Revalidation {
    accounts: Arc<Accounts>,
    identity: Identity,
}

impl Revalidation {
    pub async fn still_allowed(&self) -> bool {
        match self.accounts.current_identity(&self.identity).await {
            Ok(Some(current)) => current == self.identity,
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(error = %error, "a subscription could not re-check its caller; ending it");
                false
            }
        }
    }
}

impl Policy {
    /// The re-check a subscription runs before each delivery (see [`Revalidation`]).
    pub fn revalidation(ctx: &Context<'_>) -> Result<Revalidation, ApiError> {
        Ok(Revalidation {
            accounts: gate(ctx)?.accounts.clone(),
            identity: Self::identity(ctx)?.clone(),
        })
    }
}

fn gate<'a>(ctx: &Context<'a>) -> Result<&'a Gate, ApiError> {
    ctx.data::<Gate>()
        .map_err(|_| ApiError::internal("the schema was built without its gate"))
}

/// The caller as GraphQL shows it.
#[derive(SimpleObject)]
pub struct Me {
    pub user_id: ID,
    pub chapter_id: ID,
    pub role: Role,
}

impl From<&Identity> for Me {
    fn from(identity: &Identity) -> Self {
        Self {
            user_id: ID(identity.user.to_string()),
            chapter_id: ID(identity.chapter.to_string()),
            role: identity.role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_read_but_never_write() {
        let analyst = Identity {
            role: Role::Analyst,
            ..Identity::development()
        };
        assert!(Policy::require(&analyst, Permission::Read).is_ok());
        assert!(Policy::require(&analyst, Permission::EditPeople).is_err());
    }

    #[test]
    fn only_admins_forget_people() {
        let lead = Identity {
            role: Role::Lead,
            ..Identity::development()
        };
        assert!(Policy::require(&lead, Permission::ForgetPeople).is_err());
        assert!(Policy::require(&Identity::development(), Permission::ForgetPeople).is_ok());
    }
}
