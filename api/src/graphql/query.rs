//! Query roots that need no read model: the caller, the chapter's member directory, and the chapter's place
//! in the log.

use super::authz::{Me, Policy};
use crate::access::Permission;
use crate::error::ApiError;
use async_graphql::{Context, Object, SimpleObject, ID};

#[derive(Default)]
pub struct CallerQuery;

#[Object]
impl CallerQuery {
    /// Who the API takes the caller to be.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me, ApiError> {
        Ok(Me::from(Policy::identity(ctx)?))
    }
}

/// A member of the chapter as the directory shows them: whom `assignOrganizer`, `logOneOnOne`, `assignTask`
/// and the CSV `organizer` column may name. No secrets, tokens or grants.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The user id to pass as `organizerId` or `assigneeId`.
    pub user_id: ID,
    /// The member's email address (accounts have no other name).
    pub email: String,
    pub role: super::authz::Role,
    /// Whether the account is disabled (it can still be named, but its holder cannot sign in).
    pub disabled: bool,
}

#[derive(Default)]
pub struct MembersQuery;

#[Object]
impl MembersQuery {
    /// The chapter's members, by email address: for those who assign or take on work (organizers, leads,
    /// admins).
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Member>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ListMembers)?;
        let mut members = access
            .accounts()
            .store()
            .members_of_chapter(&access.identity.chapter.to_string())
            .await?
            .into_iter()
            .map(|(membership, user)| {
                let role = crate::access::Role::parse(&membership.role).ok_or_else(|| {
                    ApiError::internal(format!("stored role `{}`", membership.role))
                })?;
                Ok(Member {
                    user_id: ID(user.id),
                    email: user.email,
                    role: role.into(),
                    disabled: membership.disabled_at.is_some() || user.disabled_at.is_some(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        members.sort_by(|a, b| a.email.cmp(&b.email));
        Ok(members)
    }
}

/// A place in the global order of the event log.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct LogPosition {
    /// The writing transaction's number.
    pub tx: String,
    /// The event's position inside the log.
    pub position: String,
}

impl From<store::Position> for LogPosition {
    fn from(position: store::Position) -> Self {
        // 64-bit numbers travel as strings: GraphQL's Int has 32 bits.
        Self {
            tx: position.tx.to_string(),
            position: position.position.to_string(),
        }
    }
}

#[derive(Default)]
pub struct StatusQuery;

#[Object]
impl StatusQuery {
    /// Where the caller's chapter stands in the log: the position of its newest committed event (by any
    /// server). It moves only when the chapter's own events commit, never with another chapter's; compare
    /// it with `projectionStatus.position` and `Activity.position`.
    async fn log_head(&self, ctx: &Context<'_>) -> Result<LogPosition, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let chapter = access.chapter().to_string();
        Ok(access.store().chapter_head(&chapter).await?.into())
    }
}
