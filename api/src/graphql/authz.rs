//! GraphQL's adapters to the authorization of `crate::access`. Resolvers never hold the command service or
//! the read models directly: the schema keeps them inside a [`Gate`] whose fields only this module can reach,
//! and the only ways through are [`Policy::write`] (which derives the permission from the command itself, so
//! no mutation can ask for the wrong one) and [`Policy::read`] (which hands out read access only).
//!
//! The [`Identity`] of a request comes from its session cookie or its personal API token (see
//! `crate::accounts` and `crate::http`); a fixed development identity is used only when the server was
//! explicitly started with `GROUNDWORK_DEV_IDENTITY=true`.

use crate::access::{self, Identity, Masked, Permission, Scope, Turf};
use crate::accounts::Accounts;
use crate::command::Command;
use crate::error::ApiError;
use crate::service::Groundwork;
use async_graphql::{Context, Enum, SimpleObject, ID};
use domain::ids::{CampaignId, ChapterId, UnitId, UserId};
use projections::ReadModels;
use std::sync::Arc;

/// A role decides what an identity may do in one chapter.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Role", remote = "crate::access::Role")]
pub enum Role {
    /// Works their turf: the people they organize and the people of the units assigned to them. Reads
    /// only those people and their own tasks; logs 1:1s, adds notes and records structure-test steps for
    /// them, and completes or reopens their own tasks.
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
    /// The caller's campaign narrowing and turf, loaded on first use.
    scope: tokio::sync::OnceCell<Scope>,
}

impl ReadAccess<'_> {
    fn new<'a>(identity: &'a Identity, read_models: &'a ReadModels) -> ReadAccess<'a> {
        ReadAccess {
            identity,
            read_models,
            scope: tokio::sync::OnceCell::new(),
        }
    }

    /// The caller's scope: the campaigns they work in, and their turf units.
    pub async fn scope(&self) -> Result<&Scope, ApiError> {
        self.scope
            .get_or_try_init(|| Scope::load(self.read_models.store(), self.identity))
            .await
    }

    /// Whether the caller works in `campaign` (a campaign outside a narrowed membership looks like one of
    /// another chapter: absent).
    pub async fn reaches(&self, campaign: CampaignId) -> Result<bool, ApiError> {
        Ok(self.scope().await?.reaches(campaign))
    }

    /// Whether the caller reads only their turf (activists).
    pub fn turf_bound(&self) -> bool {
        self.identity.role.turf_bound()
    }

    /// The caller's turf in `campaign` when they read only their turf; `None` when they read every person of
    /// the campaign.
    pub async fn turf(&self, campaign: CampaignId) -> Result<Option<Turf>, ApiError> {
        if !self.turf_bound() {
            return Ok(None);
        }
        let scope = self.scope().await?;
        Ok(Some(
            Turf::expand(
                self.read_models.store(),
                self.identity.user,
                scope,
                campaign,
            )
            .await?,
        ))
    }

    /// Whether the caller may see a person of `campaign` with this organizer and these units: the campaign is
    /// in their scope and, for turf-bound roles, the person is in their turf.
    pub async fn sees_person(
        &self,
        campaign: CampaignId,
        organizer: Option<UserId>,
        units: &[UnitId],
    ) -> Result<bool, ApiError> {
        if !self.reaches(campaign).await? {
            return Ok(false);
        }
        Ok(match self.turf(campaign).await? {
            None => true,
            Some(turf) => turf.holds(organizer, units.iter().copied()),
        })
    }

    /// Whether personal fields must be hidden from this caller: an analyst without the personal-data grant.
    pub fn masks_personal_data(&self) -> bool {
        self.identity.masks_personal_data()
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

/// Leave to use the import service. Every import call authorizes itself like any write of people
/// (`crate::import::run::authorize`): this only hands the service its dependencies.
pub struct ImportAccess<'a> {
    pub identity: &'a Identity,
    groundwork: &'a Groundwork,
    read_models: &'a ReadModels,
}

impl ImportAccess<'_> {
    pub fn groundwork(&self) -> &Groundwork {
        self.groundwork
    }

    pub fn read_models(&self) -> &ReadModels {
        self.read_models
    }
}

/// The single place where GraphQL requests are authorized.
pub struct Policy;

impl Policy {
    /// The calling identity, for resolvers that only describe the caller.
    pub fn identity<'a>(ctx: &Context<'a>) -> Result<&'a Identity, ApiError> {
        ctx.data::<Identity>()
            .map_err(|_| ApiError::internal("the schema was built without an identity"))
    }

    /// Checks that the caller holds `permission`.
    pub fn require(identity: &Identity, permission: Permission) -> Result<(), ApiError> {
        access::require(identity, permission)
    }

    /// Leave to run `command`: what it needs follows from the command itself ([`access::demand`]) and is
    /// checked by [`access::authorize_write`].
    pub(super) async fn write<'a>(
        ctx: &Context<'a>,
        command: &Command,
    ) -> Result<WriteAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        let gate = gate(ctx)?;
        access::authorize_write(gate.groundwork.store(), identity, &access::demand(command))
            .await?;
        Ok(WriteAccess {
            identity,
            groundwork: &gate.groundwork,
        })
    }

    /// The time a request acts at (the service's clock): what a mutation's omitted time defaults to.
    pub fn now(ctx: &Context<'_>) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
        Ok(gate(ctx)?.groundwork.now())
    }

    /// The names of the campaign of `person` (fields and responses), to turn names a client gives into
    /// ids before the command is built. A person outside the caller's chapter is NOT_FOUND, as the command
    /// would be, so the names of another chapter's campaign never show.
    pub async fn campaign_names_of(
        ctx: &Context<'_>,
        person: domain::ids::PersonId,
    ) -> Result<crate::import::CampaignDirectory, ApiError> {
        let identity = Self::identity(ctx)?;
        let groundwork = &gate(ctx)?.groundwork;
        let not_found = || ApiError::not_found(format!("person {person} was not found"));
        match groundwork.person_chapter(person).await {
            Ok(chapter) if chapter == identity.chapter => {}
            Ok(_) | Err(crate::service::ServiceError::NotFound { .. }) => return Err(not_found()),
            Err(error) => return Err(error.into()),
        }
        let campaign = groundwork.person_campaign(person).await?;
        Ok(crate::import::campaign_directory(groundwork, campaign).await?)
    }

    /// Leave to import people: at least `EditPeople` (each call checks the campaign too).
    pub fn imports<'a>(ctx: &Context<'a>) -> Result<ImportAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, Permission::EditPeople)?;
        let gate = gate(ctx)?;
        Ok(ImportAccess {
            identity,
            groundwork: &gate.groundwork,
            read_models: &gate.read_models,
        })
    }

    /// Leave to read people: the whole chapter with `Read`, or only one's turf with `ReadTurf` (then
    /// [`ReadAccess::turf`] narrows every answer).
    pub fn read_people<'a>(ctx: &Context<'a>) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        if Permission::Read.granted_to(identity.role) {
            Self::read(ctx, Permission::Read)
        } else {
            Self::read(ctx, Permission::ReadTurf)
        }
    }

    /// Leave to read with `permission` (`Read` or `Analyze`).
    pub fn read<'a>(ctx: &Context<'a>, permission: Permission) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, permission)?;
        let gate = gate(ctx)?;
        Ok(ReadAccess::new(identity, &gate.read_models))
    }

    /// Leave to export people: only with the export grant (`canExport`, whatever the role), and only what
    /// the caller may read (their campaigns, their turf, masked for analysts without personal data).
    pub fn export<'a>(ctx: &Context<'a>) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        if !identity.can_export {
            return Err(ApiError::forbidden(
                "exporting needs the export permission (an admin grants canExport)",
            ));
        }
        Self::read_people(ctx)
    }
}

impl Policy {
    /// Leave to manage the chapter's webhooks (`ManageWebhooks`).
    pub fn webhooks<'a>(ctx: &Context<'a>) -> Result<crate::webhooks::Webhooks<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        let allowed = ctx
            .data::<super::WebhookAddresses>()
            .map(|addresses| addresses.0)
            .unwrap_or_default();
        crate::webhooks::Webhooks::authorize(identity, gate(ctx)?.groundwork.store(), allowed)
    }

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
/// Its campaign narrowing and turf units are re-read too: a subscription ends when they change.
#[derive(Clone)]
pub struct Revalidation {
    accounts: Arc<Accounts>,
    identity: Identity,
    scope: Scope,
}

impl Revalidation {
    pub async fn still_allowed(&self) -> bool {
        match self.accounts.current_identity(&self.identity).await {
            Ok(Some(current)) if current == self.identity => {}
            Ok(_) => return false,
            Err(error) => {
                tracing::warn!(error = %error, "a subscription could not re-check its caller; ending it");
                return false;
            }
        }
        match Scope::load(self.accounts.store(), &self.identity).await {
            Ok(scope) => scope == self.scope,
            Err(error) => {
                tracing::warn!(error = %error, "a subscription could not re-check its scope; ending it");
                false
            }
        }
    }

    /// The caller's scope when the subscription started.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Policy {
    /// The re-check a subscription runs before each delivery (see [`Revalidation`]).
    pub async fn revalidation(ctx: &Context<'_>) -> Result<Revalidation, ApiError> {
        let accounts = gate(ctx)?.accounts.clone();
        let identity = Self::identity(ctx)?.clone();
        let scope = Scope::load(accounts.store(), &identity).await?;
        Ok(Revalidation {
            accounts,
            identity,
            scope,
        })
    }
}

fn gate<'a>(ctx: &Context<'a>) -> Result<&'a Gate, ApiError> {
    ctx.data::<Gate>()
        .map_err(|_| ApiError::internal("the schema was built without its gate"))
}

/// The caller as GraphQL shows it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Me {
    pub user_id: ID,
    pub chapter_id: ID,
    pub role: Role,
    /// Whether the caller may export people (`exportPeople`), so the app offers it only to them.
    pub can_export: bool,
}

impl From<&Identity> for Me {
    fn from(identity: &Identity) -> Self {
        Self {
            user_id: ID(identity.user.to_string()),
            chapter_id: ID(identity.chapter.to_string()),
            role: identity.role.into(),
            can_export: identity.can_export,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_maps_to_its_graphql_enum_and_back() {
        for role in access::Role::ALL {
            let shown = Role::from(role);
            assert_eq!(access::Role::from(shown), role);
            // The schema shows each role by its stored name in capitals (`schema.graphql` is checked too).
            assert_eq!(
                async_graphql::InputType::to_value(&shown),
                async_graphql::Value::Enum(async_graphql::Name::new(
                    role.as_str().to_ascii_uppercase()
                ))
            );
        }
    }
}
