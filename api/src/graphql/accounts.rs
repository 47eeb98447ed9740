//! Users, roles and personal API tokens of the caller's chapter. Managing users needs `ManageUsers`
//! (admins); one's own tokens need only `ReadOwn`. A user of another chapter looks exactly like no user.

use super::authz::{AccountsAccess, Policy, Role};
use crate::access::Permission;
use crate::error::ApiError;
use crate::invitations::{self, NewInvitation};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use domain::ids::UserId;
use secrecy::{ExposeSecret as _, SecretString};
use store::{ApiTokenRow, MembershipRow, UserRow};

/// A user of the caller's chapter.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ChapterUser {
    pub id: ID,
    pub email: String,
    pub role: Role,
    /// Whether personal fields are shown unmasked to this user when they are an analyst.
    pub personal_data: bool,
    pub can_export: bool,
    /// Whether the member is disabled in this chapter (or their whole account is).
    pub disabled: bool,
}

/// A role as the accounts tables store it; text that names no role is an internal error.
fn stored_role(text: &str) -> Result<Role, ApiError> {
    crate::access::Role::parse(text)
        .map(Role::from)
        .ok_or_else(|| ApiError::internal(format!("stored role `{text}`")))
}

impl ChapterUser {
    fn from_rows(membership: &MembershipRow, user: &UserRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: ID(user.id.clone()),
            email: user.email.clone(),
            role: stored_role(&membership.role)?,
            personal_data: membership.personal_data,
            can_export: membership.can_export,
            disabled: membership.disabled_at.is_some() || user.disabled_at.is_some(),
        })
    }
}

#[async_graphql::ComplexObject]
impl ChapterUser {
    /// The campaigns this member is narrowed to; null when they work in every campaign of the chapter
    /// (admins always do).
    async fn campaign_ids(&self, ctx: &Context<'_>) -> Result<Option<Vec<ID>>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        if self.role == Role::Admin {
            return Ok(None);
        }
        let campaigns = access
            .accounts()
            .store()
            .membership_campaigns(self.id.as_str(), &access.identity.chapter.to_string())
            .await?;
        Ok((!campaigns.is_empty()).then(|| campaigns.into_iter().map(ID).collect()))
    }

    /// The units assigned to this member as turf (their sub-units belong to it too).
    async fn turf_units(&self, ctx: &Context<'_>) -> Result<Vec<TurfUnit>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        let rows = access
            .accounts()
            .store()
            .turf_units(self.id.as_str(), &access.identity.chapter.to_string())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| TurfUnit {
                campaign_id: ID(row.campaign_id),
                unit_id: ID(row.unit_id),
                assigned_by_id: ID(row.assigned_by),
                assigned_at: row.assigned_at,
            })
            .collect())
    }
}

/// A unit assigned to a member as turf.
#[derive(SimpleObject)]
pub struct TurfUnit {
    pub campaign_id: ID,
    pub unit_id: ID,
    pub assigned_by_id: ID,
    pub assigned_at: DateTime<Utc>,
}

#[derive(InputObject)]
pub struct SetUserCampaignsInput {
    pub user_id: ID,
    /// The campaigns the member may work in; empty: every campaign of the chapter.
    pub campaign_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct TurfUnitInput {
    pub user_id: ID,
    pub campaign_id: ID,
    /// The unit (with all its sub-units) whose people join the member's turf.
    pub unit_id: ID,
}

/// The campaign's facts if it is a campaign of `chapter`, else NOT_FOUND (another chapter's campaigns look
/// like none).
async fn campaign_of_chapter(
    store: &store::Store,
    chapter: domain::ids::ChapterId,
    campaign_id: &ID,
    field: &str,
) -> Result<domain::campaign::CampaignFacts, ApiError> {
    let not_found = || {
        ApiError::not_found(format!(
            "{field}: no campaign {} in this chapter",
            campaign_id.as_str()
        ))
    };
    let campaign: domain::ids::CampaignId =
        super::parse::id(field, campaign_id).map_err(|_| not_found())?;
    store::AggregateStore::<domain::campaign::Campaign>::new(store.clone())
        .load(&campaign.to_string())
        .await?
        .aggregate()
        .facts()
        .filter(|facts| facts.chapter == chapter)
        .ok_or_else(not_found)
}

/// A personal API token, without its secret (which is shown only once, when it is created).
#[derive(SimpleObject)]
pub struct ApiToken {
    pub id: ID,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// When the token was last used, to the minute (it is written at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<&ApiTokenRow> for ApiToken {
    type Error = ApiError;

    fn try_from(row: &ApiTokenRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: ID(row.id.clone()),
            name: row.name.clone(),
            role: stored_role(&row.role)?,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
    }
}

/// A new token: `token` is the secret to put in `Authorization: Bearer …`. It is shown this once.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    pub token: String,
    pub api_token: ApiToken,
}

/// An invitation to the caller's chapter (ADR 16). Whoever holds its code becomes a member by accepting it
/// (`POST /auth/invitation`): a new person with a password they choose, the holder of an existing account
/// with that account's password. Nothing here says whether the address has an account.
#[derive(SimpleObject)]
pub struct Invitation {
    pub id: ID,
    pub email: String,
    pub role: Role,
    pub personal_data: bool,
    pub can_export: bool,
    pub invited_by_id: ID,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Whether the code can no longer be accepted because its time ran out.
    pub expired: bool,
}

impl Invitation {
    fn from_row(row: &store::InvitationRow, now: DateTime<Utc>) -> Result<Self, ApiError> {
        Ok(Self {
            id: ID(row.id.clone()),
            email: row.email.clone(),
            role: stored_role(&row.role)?,
            personal_data: row.personal_data,
            can_export: row.can_export,
            invited_by_id: ID(row.invited_by.clone()),
            created_at: row.created_at,
            expires_at: row.expires_at,
            expired: invitations::expired(row, now),
        })
    }
}

/// The answer to `addUser`: the invitation and its code, shown this once (only a digest is kept). Pass
/// `path` (on this server's address) or the code to the person invited. The answer has the same shape and
/// content whether or not the address has an account.
#[derive(SimpleObject)]
pub struct AddedUser {
    pub invitation: Invitation,
    /// The secret code (`gwi_…`); whoever holds it can accept the invitation.
    pub code: String,
    /// The browser app's page for accepting, relative to this server: `/invitation?code=…`.
    pub path: String,
}

#[derive(InputObject)]
pub struct AddUserInput {
    pub email: String,
    pub role: Role,
    #[graphql(default)]
    pub personal_data: bool,
    #[graphql(default)]
    pub can_export: bool,
}

#[derive(InputObject)]
pub struct SetUserRoleInput {
    pub user_id: ID,
    pub role: Role,
    #[graphql(default)]
    pub personal_data: bool,
    #[graphql(default)]
    pub can_export: bool,
}

#[derive(InputObject)]
pub struct CreateApiTokenInput {
    pub name: String,
    /// The token's role: at most the caller's own.
    pub role: Role,
}

/// One entry of the access log: who saw or did what sensitive thing, when.
#[derive(SimpleObject)]
pub struct AccessLogEntry {
    pub at: DateTime<Utc>,
    pub user_id: ID,
    /// `READ_CONTACT_POINTS`, `READ_NOTES`, `EXPORT`, `FORGET_PERSON`, `INVITE_USER`, `REVOKE_INVITATION` or
    /// `ACCEPT_INVITATION` (the subject is the invitation; the user, who accepted it).
    pub action: String,
    pub subject_id: Option<ID>,
    /// More about the entry: an export's row count.
    pub detail: Option<String>,
}

/// The longest language tag kept for a user (BCP 47 tags in use are far shorter).
const MAX_LANGUAGE_TAG: usize = 35;

/// A BCP 47 language tag as the app sends it (`en`, `es`, `es-MX`): a 2–3 letter language, then
/// subtags of 2–8 letters or digits. VALIDATION naming `field` otherwise.
fn language_tag(field: &str, tag: &str) -> Result<String, ApiError> {
    let tag = tag.trim();
    let mut parts = tag.split('-');
    let language_ok = parts.next().is_some_and(|first| {
        (2..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_alphabetic())
    });
    let rest_ok = parts.all(|part| {
        (2..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if tag.len() > MAX_LANGUAGE_TAG || !language_ok || !rest_ok {
        return Err(ApiError::invalid(
            field,
            "give a language tag such as `en` or `es`",
        ));
    }
    let mut parts = tag.split('-');
    let mut normalized = parts.next().unwrap_or_default().to_ascii_lowercase();
    for part in parts {
        normalized.push('-');
        normalized.push_str(part);
    }
    Ok(normalized)
}

#[async_graphql::ComplexObject]
impl super::authz::Me {
    /// The language the caller chose for the app (a BCP 47 tag such as `en` or `es`); null when they chose
    /// none, and the app follows the browser's language.
    async fn language(&self, ctx: &Context<'_>) -> Result<Option<String>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        Ok(access
            .accounts()
            .store()
            .user_language(&access.identity.user.to_string())
            .await?)
    }
}

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The chapter's users and their roles (admins only).
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<ChapterUser>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let members = access
            .accounts()
            .store()
            .members_of_chapter(&access.identity.chapter.to_string())
            .await?;
        members
            .iter()
            .map(|(membership, user)| ChapterUser::from_rows(membership, user))
            .collect()
    }

    /// The chapter's invitations that are neither accepted nor withdrawn, newest first (admins only);
    /// expired ones are listed with `expired: true` until withdrawn.
    async fn invitations(&self, ctx: &Context<'_>) -> Result<Vec<Invitation>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let now = Utc::now();
        access
            .accounts()
            .store()
            .open_invitations(&access.identity.chapter.to_string())
            .await?
            .iter()
            .map(|row| Invitation::from_row(row, now))
            .collect()
    }

    /// The chapter's access log, newest first (admins only; `first` at most 500). `offset` skips that many
    /// of the newest entries: the page after one of `first` entries starts at `offset + first`.
    async fn access_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: i32,
        #[graphql(default = 0)] offset: i32,
    ) -> Result<Vec<AccessLogEntry>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        if !(1..=500).contains(&first) {
            return Err(ApiError::invalid("first", "give 1 to 500"));
        }
        if offset < 0 {
            return Err(ApiError::invalid("offset", "give 0 or more"));
        }
        let rows = access
            .accounts()
            .store()
            .access_log_with_details(
                &access.identity.chapter.to_string(),
                i64::from(first),
                i64::from(offset),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| AccessLogEntry {
                at: row.at,
                user_id: ID(row.user_id),
                action: row.action,
                subject_id: row.subject_id.map(ID),
                detail: row.detail,
            })
            .collect())
    }

    /// The caller's own API tokens in this chapter, revoked ones included.
    async fn my_api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        let rows = access
            .accounts()
            .store()
            .api_tokens_of_user(
                &access.identity.user.to_string(),
                &access.identity.chapter.to_string(),
            )
            .await?;
        rows.iter().map(ApiToken::try_from).collect()
    }
}

/// The member `user_id` of the caller's chapter, or NOT_FOUND (also for members of other chapters).
/// A campaign of the caller's chapter that the caller's own scope reaches; any other is NOT_FOUND, as another
/// chapter's is.
async fn reached_campaign(
    access: &AccountsAccess<'_>,
    campaign_id: &ID,
    field: &str,
) -> Result<domain::campaign::CampaignFacts, ApiError> {
    let store = access.accounts().store();
    let facts = campaign_of_chapter(store, access.identity.chapter, campaign_id, field).await?;
    let scope = crate::access::Scope::load(store, access.identity).await?;
    if !scope.reaches(facts.campaign_id) {
        return Err(ApiError::not_found(format!(
            "{field}: no campaign {} in this chapter",
            campaign_id.as_str()
        )));
    }
    Ok(facts)
}

async fn member(
    access: &AccountsAccess<'_>,
    user_id: &ID,
) -> Result<(UserId, ChapterUser), ApiError> {
    let not_found = || ApiError::not_found(format!("no user {} in this chapter", user_id.as_str()));
    let user = UserId::parse(user_id.as_str()).map_err(|_| not_found())?;
    let store = access.accounts().store();
    let membership = store
        .membership(&user.to_string(), &access.identity.chapter.to_string())
        .await?
        .ok_or_else(not_found)?;
    let row = store
        .user_by_id(&user.to_string())
        .await?
        .ok_or_else(not_found)?;
    Ok((user, ChapterUser::from_rows(&membership, &row)?))
}

fn temporary_password() -> SecretString {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0_u8; 18];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    SecretString::from(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Invites an address to the caller's chapter with a role (ADR 16). Nobody becomes a member until the
    /// holder of the address accepts with the code (`POST /auth/invitation`); the answer is the same whether
    /// or not the address has an account. A newer invitation of the same address replaces an open one. An
    /// address that is a member of this chapter already is refused (VALIDATION on `input.email`).
    async fn add_user(
        &self,
        ctx: &Context<'_>,
        input: AddUserInput,
    ) -> Result<AddedUser, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let now = Utc::now();
        let issued = access
            .accounts()
            .invite(
                access.identity,
                NewInvitation {
                    email: &input.email,
                    role: input.role.into(),
                    personal_data: input.personal_data,
                    can_export: input.can_export,
                },
                now,
            )
            .await?;
        crate::access::record_access_detail(
            access.accounts().store(),
            access.identity,
            invitations::INVITED,
            Some(issued.invitation.id.clone()),
            &issued.invitation.role,
        )
        .await?;
        tracing::info!(by = %access.identity.user, invitation = %issued.invitation.id, role = %issued.invitation.role, "invitation made");
        Ok(AddedUser {
            invitation: Invitation::from_row(&issued.invitation, now)?,
            code: issued.code.expose_secret().to_string(),
            path: issued.path(),
        })
    }

    /// Withdraws an open invitation of the caller's chapter: its code stops working at once. NOT_FOUND for
    /// an invitation that is not open (accepted, withdrawn) or not this chapter's.
    async fn revoke_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<Invitation, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let store = access.accounts().store();
        let chapter = access.identity.chapter.to_string();
        let not_found = || {
            ApiError::not_found(format!(
                "no open invitation {} in this chapter",
                id.as_str()
            ))
        };
        let row = store
            .invitation(id.as_str())
            .await?
            .filter(|row| row.chapter_id == chapter && row.is_open())
            .ok_or_else(not_found)?;
        let now = Utc::now();
        if !store
            .revoke_invitation(&row.id, &chapter, &access.identity.user.to_string(), now)
            .await?
        {
            return Err(not_found());
        }
        crate::access::record_access(
            store,
            access.identity,
            invitations::WITHDRAWN,
            Some(row.id.clone()),
        )
        .await?;
        tracing::info!(by = %access.identity.user, invitation = %row.id, "invitation withdrawn");
        Invitation::from_row(&row, now)
    }

    /// Changes a member's role (and their personal-data and export grants). Takes effect on their next
    /// request; their tokens never exceed the new role.
    async fn set_user_role(
        &self,
        ctx: &Context<'_>,
        input: SetUserRoleInput,
    ) -> Result<ChapterUser, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let (user, _) = member(&access, &input.user_id).await?;
        if crate::access::Role::from(input.role) != crate::access::Role::Admin {
            keep_an_admin(&access, user, "input.role").await?;
        }
        access
            .accounts()
            .put_membership(
                user,
                access.identity.chapter,
                input.role.into(),
                input.personal_data,
                input.can_export,
            )
            .await?;
        Ok(member(&access, &input.user_id).await?.1)
    }

    /// Removes a member from the chapter, ending their sessions and tokens here.
    async fn remove_user(&self, ctx: &Context<'_>, user_id: ID) -> Result<bool, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let (user, _) = member(&access, &user_id).await?;
        keep_an_admin(&access, user, "userId").await?;
        let store = access.accounts().store();
        let chapter = access.identity.chapter.to_string();
        store.delete_membership(&user.to_string(), &chapter).await?;
        Ok(true)
    }

    /// Gives a member a new temporary password (shown once), ends all their sessions and revokes their API
    /// tokens. Only for users who belong to no other chapter.
    async fn reset_user_password(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> Result<String, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let (user, _) = member(&access, &user_id).await?;
        // A new password would sign in to every chapter of the user: an admin of one has no say over another.
        if belongs_elsewhere(&access, user).await? {
            return Err(ApiError::forbidden(
                "this user belongs to other chapters too; they reset their password themselves",
            ));
        }
        let password = temporary_password();
        access.accounts().set_password(user, &password).await?;
        tracing::info!(by = %access.identity.user, %user, "password reset by an admin");
        Ok(password.expose_secret().to_string())
    }

    /// Disables a member in this chapter: every session and token of theirs here stops working at once, and
    /// they cannot sign in to this chapter. An account that belongs to other chapters too keeps them (an
    /// admin of one chapter has no say over another, ADR 16).
    async fn disable_user(&self, ctx: &Context<'_>, user_id: ID) -> Result<ChapterUser, ApiError> {
        set_disabled(ctx, user_id, true).await
    }

    /// Enables a disabled member in this chapter again (their revoked tokens stay revoked).
    async fn enable_user(&self, ctx: &Context<'_>, user_id: ID) -> Result<ChapterUser, ApiError> {
        set_disabled(ctx, user_id, false).await
    }

    /// Narrows a member to some campaigns of the chapter (admins only): they then see and change nothing of
    /// the other campaigns. An empty list gives them the whole chapter again. Admins cannot be narrowed.
    async fn set_user_campaigns(
        &self,
        ctx: &Context<'_>,
        input: SetUserCampaignsInput,
    ) -> Result<ChapterUser, ApiError> {
        let access = Policy::accounts(ctx, Permission::ManageUsers)?;
        let (user, member_now) = member(&access, &input.user_id).await?;
        if member_now.role == Role::Admin && !input.campaign_ids.is_empty() {
            return Err(ApiError::invalid(
                "input.userId",
                "an admin works in the whole chapter and cannot be narrowed to campaigns",
            ));
        }
        let store = access.accounts().store();
        let mut campaigns = std::collections::BTreeSet::new();
        for (index, campaign) in input.campaign_ids.iter().enumerate() {
            let facts = campaign_of_chapter(
                store,
                access.identity.chapter,
                campaign,
                &format!("input.campaignIds[{index}]"),
            )
            .await?;
            campaigns.insert(facts.campaign_id.to_string());
        }
        let campaigns: Vec<String> = campaigns.into_iter().collect();
        store
            .set_membership_campaigns(
                &user.to_string(),
                &access.identity.chapter.to_string(),
                &campaigns,
                Utc::now(),
            )
            .await?;
        tracing::info!(by = %access.identity.user, %user, campaigns = campaigns.len(), "member's campaigns set");
        Ok(member(&access, &input.user_id).await?.1)
    }

    /// Adds a unit (with its sub-units) to a member's turf (admins and leads; a lead narrowed to some
    /// campaigns only in those).
    async fn assign_turf_unit(
        &self,
        ctx: &Context<'_>,
        input: TurfUnitInput,
    ) -> Result<ChapterUser, ApiError> {
        let access = Policy::accounts(ctx, Permission::AssignWork)?;
        let (user, _) = member(&access, &input.user_id).await?;
        let store = access.accounts().store();
        let facts = reached_campaign(&access, &input.campaign_id, "input.campaignId").await?;
        let unit: domain::ids::UnitId = super::parse::id("input.unitId", &input.unit_id)?;
        if !facts.is_active_unit(unit) {
            return Err(ApiError::not_found(format!(
                "input.unitId: no unit {} in this campaign",
                input.unit_id.as_str()
            )));
        }
        store
            .assign_turf_unit(&store::TurfUnitRow {
                user_id: user.to_string(),
                chapter_id: access.identity.chapter.to_string(),
                campaign_id: facts.campaign_id.to_string(),
                unit_id: unit.to_string(),
                assigned_by: access.identity.user.to_string(),
                assigned_at: Utc::now(),
            })
            .await?;
        Ok(member(&access, &input.user_id).await?.1)
    }

    /// Takes a unit out of a member's turf (admins and leads).
    async fn unassign_turf_unit(
        &self,
        ctx: &Context<'_>,
        input: TurfUnitInput,
    ) -> Result<ChapterUser, ApiError> {
        let access = Policy::accounts(ctx, Permission::AssignWork)?;
        let (user, _) = member(&access, &input.user_id).await?;
        let store = access.accounts().store();
        let facts = reached_campaign(&access, &input.campaign_id, "input.campaignId").await?;
        let chapter = access.identity.chapter.to_string();
        let held = store
            .turf_units(&user.to_string(), &chapter)
            .await?
            .into_iter()
            .any(|row| {
                row.unit_id == input.unit_id.as_str()
                    && row.campaign_id == facts.campaign_id.to_string()
            });
        let removed = held
            && store
                .unassign_turf_unit(&user.to_string(), &chapter, input.unit_id.as_str())
                .await?;
        if !removed {
            return Err(ApiError::not_found(format!(
                "input.unitId: unit {} is not in this member's turf",
                input.unit_id.as_str()
            )));
        }
        Ok(member(&access, &input.user_id).await?.1)
    }

    /// Creates a personal API token for the caller in this chapter, with a role no higher than theirs.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> Result<CreatedApiToken, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        super::parse::single_line("input.name", "the token's name", input.name.trim())?;
        let (row, token) = access
            .accounts()
            .create_token(access.identity, &input.name, input.role.into())
            .await?;
        Ok(CreatedApiToken {
            token: token.expose_secret().to_string(),
            api_token: ApiToken::try_from(&row)?,
        })
    }

    /// Keeps the language the caller chose for the app, for every browser they sign in from; null goes back
    /// to following the browser's language. VALIDATION naming `language` for anything but a language tag.
    async fn set_my_language(
        &self,
        ctx: &Context<'_>,
        language: Option<String>,
    ) -> Result<super::authz::Me, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        let language = language
            .as_deref()
            .map(|tag| language_tag("language", tag))
            .transpose()?;
        access
            .accounts()
            .store()
            .set_user_language(&access.identity.user.to_string(), language.as_deref())
            .await?;
        Ok(super::authz::Me::from(access.identity))
    }

    /// Revokes one of the caller's tokens; it stops working at once.
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ApiToken, ApiError> {
        let access = Policy::accounts(ctx, Permission::ReadOwn)?;
        let store = access.accounts().store();
        let not_found = || ApiError::not_found(format!("no token {} of yours", id.as_str()));
        let row = store.api_token(id.as_str()).await?.ok_or_else(not_found)?;
        if row.user_id != access.identity.user.to_string()
            || row.chapter_id != access.identity.chapter.to_string()
        {
            return Err(not_found());
        }
        store
            .revoke_api_token(&row.id, &row.user_id, Utc::now())
            .await?;
        let row = store.api_token(&row.id).await?.ok_or_else(not_found)?;
        ApiToken::try_from(&row)
    }
}

/// Refuses a change that would take the chapter's last enabled admin away (demoting, disabling or removing
/// `user`): nobody could manage its users any more. VALIDATION naming `field`.
async fn keep_an_admin(
    access: &AccountsAccess<'_>,
    user: UserId,
    field: &str,
) -> Result<(), ApiError> {
    let members = access
        .accounts()
        .store()
        .members_of_chapter(&access.identity.chapter.to_string())
        .await?;
    let is_enabled_admin = |membership: &MembershipRow, row: &UserRow| {
        row.disabled_at.is_none()
            && membership.disabled_at.is_none()
            && crate::access::Role::parse(&membership.role) == Some(crate::access::Role::Admin)
    };
    let user = user.to_string();
    let target_is_admin = members
        .iter()
        .any(|(membership, row)| row.id == user && is_enabled_admin(membership, row));
    let other_admins = members
        .iter()
        .filter(|(membership, row)| row.id != user && is_enabled_admin(membership, row))
        .count();
    if target_is_admin && other_admins == 0 {
        return Err(ApiError::invalid(
            field,
            "this is the chapter's only admin; make another member admin first",
        ));
    }
    Ok(())
}

/// Whether `user` is a member of another chapter too.
async fn belongs_elsewhere(access: &AccountsAccess<'_>, user: UserId) -> Result<bool, ApiError> {
    let chapters = access
        .accounts()
        .store()
        .memberships_of_user(&user.to_string())
        .await?;
    Ok(chapters
        .iter()
        .any(|membership| membership.chapter_id != access.identity.chapter.to_string()))
}

async fn set_disabled(
    ctx: &Context<'_>,
    user_id: ID,
    disabled: bool,
) -> Result<ChapterUser, ApiError> {
    let access = Policy::accounts(ctx, Permission::ManageUsers)?;
    let (user, _) = member(&access, &user_id).await?;
    if disabled {
        keep_an_admin(&access, user, "userId").await?;
    }
    if user == access.identity.user {
        return Err(ApiError::forbidden("you cannot disable your own account"));
    }
    // Disabling is per chapter: the account's other chapters are not this admin's to close (ADR 16).
    access
        .accounts()
        .set_member_disabled(user, access.identity.chapter, disabled)
        .await?;
    // An account disabled as a whole (by an operator, or before disabling was per chapter) is enabled again
    // only by an admin of its only chapter.
    if !disabled && !belongs_elsewhere(&access, user).await? {
        access.accounts().set_disabled(user, false).await?;
    }
    tracing::info!(by = %access.identity.user, %user, disabled, "user disabled or enabled");
    Ok(member(&access, &user_id).await?.1)
}

#[cfg(test)]
mod tests {
    use super::language_tag;

    #[test]
    fn language_tags_are_checked_and_lower_cased_in_the_language_part() {
        assert_eq!(language_tag("language", "es").unwrap(), "es");
        assert_eq!(language_tag("language", " EN ").unwrap(), "en");
        assert_eq!(language_tag("language", "ES-MX").unwrap(), "es-MX");
        assert_eq!(
            language_tag("language", "zh-Hant-TW").unwrap(),
            "zh-Hant-TW"
        );
        for bad in [
            "",
            "e",
            "engl",
            "en_GB",
            "en-",
            "-en",
            "en-x",
            "e1",
            "<b>",
            "en-abcdefghi",
        ] {
            assert!(language_tag("language", bad).is_err(), "{bad}");
        }
    }
}
