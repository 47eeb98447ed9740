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

/// A place in the caller's chapter's own sequence of events (docs/adr/0019): the chapter's first event is
/// 1, its next 2, and so on; other chapters' events never count.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct LogPosition {
    /// Always "0": positions are numbered per chapter, so no transaction number is shown.
    #[graphql(deprecation = "positions are numbered per chapter; compare `position` alone")]
    pub tx: String,
    /// The event's number in the chapter's own sequence (a 64-bit number as a string; "0" before the
    /// chapter's first event).
    pub position: String,
}

impl LogPosition {
    /// The chapter's event number `number`.
    pub fn of_chapter(number: u64) -> Self {
        // 64-bit numbers travel as strings: GraphQL's Int has 32 bits.
        Self {
            tx: "0".to_string(),
            position: number.to_string(),
        }
    }
}

#[derive(Default)]
pub struct StatusQuery;

#[Object]
impl StatusQuery {
    /// Where the caller's chapter stands in the log: the number, in the chapter's own sequence, of its
    /// newest committed event (by any server). It moves only when the chapter's own events commit, by one
    /// per event, never with another chapter's; compare it with `projectionStatus.position` and
    /// `Activity.position`, which count the same way.
    async fn log_head(&self, ctx: &Context<'_>) -> Result<LogPosition, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let chapter = access.chapter().to_string();
        Ok(LogPosition::of_chapter(
            access.store().chapter_head(&chapter).await?,
        ))
    }
}
