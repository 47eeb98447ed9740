//! `campaigns`, `campaigns/{id}` and the people of a campaign (`campaigns/{id}/people`), read through the
//! same permissions, campaign narrowing and turf as GraphQL's `campaigns` and `people`.

use super::filter::Filter;
use super::shape::{self, href, identifier, ListQuery, Paging};
use super::{Caller, QueryParams, RestError, RestState};
use crate::access::{self, Identity, Permission, Scope, Turf};
use crate::error::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use domain::ids::{CampaignId, PersonId};
use projections::read::{
    CampaignView, PageRequest, PeopleFilter, PeopleSort, PersonDetail, PersonRow, MAX_PAGE_SIZE,
};
use serde_json::{json, Value};

/// `GET campaigns`: the campaigns the caller works in, by name.
pub async fn list(
    State(state): State<RestState>,
    Caller(identity): Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Value>, RestError> {
    access::require(&identity, Permission::ReadTurf)?;
    let paging = Paging::from_query(&query)?;
    let filter = Filter::parse(query.filter.as_deref())?;
    let scope = Scope::load(state.read_models.store(), &identity).await?;
    let mut campaigns: Vec<CampaignView> = state
        .read_models
        .campaigns(identity.chapter)
        .await?
        .into_iter()
        .filter(|campaign| scope.reaches(campaign.campaign_id))
        .collect();
    match filter {
        None => {}
        Some(Filter::NameIs(name)) => campaigns.retain(|campaign| campaign.name == name),
        Some(Filter::ModifiedAfter(_)) => {
            return Err(
                ApiError::invalid("filter", "campaigns are filtered by `name eq '…'` only").into(),
            )
        }
    }
    let total = campaigns.len() as u64;
    let items = paging.slice(campaigns).iter().map(campaign_json).collect();
    Ok(Json(shape::page(
        "campaigns",
        "campaigns",
        paging,
        total,
        items,
    )))
}

/// `GET campaigns/{id}`.
pub async fn one(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path(campaign): Path<String>,
) -> Result<Json<Value>, RestError> {
    access::require(&identity, Permission::ReadTurf)?;
    let campaign = visible_campaign(&state, &identity, &campaign).await?;
    Ok(Json(campaign_json(&campaign)))
}

/// `GET campaigns/{id}/people`: the campaign's active people the caller may read (their turf for an
/// activist), by name; each with its dates from the person's history.
pub async fn people(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path(campaign): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Value>, RestError> {
    require_people(&identity)?;
    let paging = Paging::from_query(&query)?;
    let filter = Filter::parse(query.filter.as_deref())?;
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let mut people_filter = PeopleFilter::default();
    if identity.role.turf_bound() {
        let store = state.read_models.store();
        let scope = Scope::load(store, &identity).await?;
        let turf = Turf::expand(store, identity.user, &scope, campaign).await?;
        people_filter.turf = Some((turf.organizer, turf.units.into_iter().collect()));
    }
    let path = format!("campaigns/{campaign}/people");
    let (total, details) = match filter {
        None => {
            // The read models' cursors are offsets: the item before this page's first.
            let after = paging
                .offset()
                .checked_sub(1)
                .map(|before| format!("o{before}"));
            let page = state
                .read_models
                .people(
                    identity.chapter,
                    campaign,
                    &people_filter,
                    PeopleSort::NameAsc,
                    &PageRequest {
                        after,
                        first: paging.per_page,
                    },
                )
                .await?;
            let rows = page.edges.into_iter().map(|edge| edge.node).collect();
            let total = u64::try_from(page.total_count).unwrap_or_default();
            (total, details(&state, &identity, rows).await?)
        }
        Some(Filter::NameIs(name)) => {
            if identity.masks_personal_data() {
                return Err(ApiError::forbidden(
                    "your role sees people's names masked, so it cannot filter by them",
                )
                .into());
            }
            people_filter.name_search = Some(name.clone());
            let mut rows = all_people(&state, &identity, campaign, &people_filter).await?;
            rows.retain(|row| row.name.as_deref() == Some(name.as_str()));
            let total = rows.len() as u64;
            (total, details(&state, &identity, paging.slice(rows)).await?)
        }
        Some(Filter::ModifiedAfter(after)) => {
            let rows = all_people(&state, &identity, campaign, &people_filter).await?;
            let mut changed = details(&state, &identity, rows).await?;
            changed.retain(|detail| modified(detail).is_some_and(|at| at > after));
            let total = changed.len() as u64;
            (total, paging.slice(changed))
        }
    };
    let masked = identity.masks_personal_data();
    let items = details
        .iter()
        .map(|detail| person_json(detail, masked))
        .collect();
    Ok(Json(shape::page(&path, "people", paging, total, items)))
}

/// Checks that `identity` may read people: the whole chapter's, or (activists) their turf's.
pub fn require_people(identity: &Identity) -> Result<(), ApiError> {
    if Permission::Read.granted_to(identity.role) {
        access::require(identity, Permission::Read)
    } else {
        access::require(identity, Permission::ReadTurf)
    }
}

/// The campaign `text` names, if the caller's chapter has it and their membership reaches it; a campaign
/// outside a narrowed membership looks like one of another chapter: absent.
pub async fn visible_campaign(
    state: &RestState,
    identity: &Identity,
    text: &str,
) -> Result<CampaignView, ApiError> {
    let absent = || ApiError::not_found(format!("no campaign {text} in this chapter"));
    let id = shape::id_of(text)
        .and_then(|id| CampaignId::parse(id).ok())
        .ok_or_else(absent)?;
    let scope = Scope::load(state.read_models.store(), identity).await?;
    if !scope.reaches(id) {
        return Err(absent());
    }
    state
        .read_models
        .campaign(identity.chapter, id)
        .await?
        .ok_or_else(absent)
}

/// Every person of the campaign that `filter` keeps, in name order.
async fn all_people(
    state: &RestState,
    identity: &Identity,
    campaign: CampaignId,
    filter: &PeopleFilter,
) -> Result<Vec<PersonRow>, ApiError> {
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .read_models
            .people(
                identity.chapter,
                campaign,
                filter,
                PeopleSort::NameAsc,
                &PageRequest {
                    after: after.take(),
                    first: MAX_PAGE_SIZE,
                },
            )
            .await?;
        after = page.edges.last().map(|edge| edge.cursor.clone());
        rows.extend(page.edges.into_iter().map(|edge| edge.node));
        if !page.has_next_page || after.is_none() {
            return Ok(rows);
        }
    }
}

/// The details of `rows`, in their order (a person forgotten meanwhile is left out).
async fn details(
    state: &RestState,
    identity: &Identity,
    rows: Vec<PersonRow>,
) -> Result<Vec<PersonDetail>, ApiError> {
    let mut details = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(detail) = person_detail(state, identity, row.person_id).await? {
            details.push(detail);
        }
    }
    Ok(details)
}

/// A person of the caller's chapter as the read models hold them now.
pub async fn person_detail(
    state: &RestState,
    identity: &Identity,
    person: PersonId,
) -> Result<Option<PersonDetail>, ApiError> {
    Ok(state
        .read_models
        .person(identity.chapter, person, None)
        .await?)
}

/// When the person last changed: their newest history entry.
fn modified(detail: &PersonDetail) -> Option<chrono::DateTime<chrono::Utc>> {
    detail.history.iter().map(|item| item.at).max()
}

/// A campaign as Action Builder shows one.
pub fn campaign_json(campaign: &CampaignView) -> Value {
    let id = campaign.campaign_id;
    json!({
        "identifiers": [identifier(id)],
        "origin_system": "Groundwork",
        "name": campaign.name,
        "action_builder:goal": campaign.goal,
        "action_builder:archived": campaign.archived,
        "_links": {
            "self": href(&format!("campaigns/{id}")),
            "action_builder:people": href(&format!("campaigns/{id}/people")),
            "action_builder:tags": href(&format!("campaigns/{id}/tags")),
        },
    })
}

/// A person as Action Builder shows an entity of type Person; `masked` hides personal fields (an analyst
/// without the personal-data grant).
pub fn person_json(detail: &PersonDetail, masked: bool) -> Value {
    let id = detail.person_id;
    let campaign = detail.campaign_id;
    let contacts = |kind: &str| -> Vec<Value> {
        detail
            .contact_points
            .iter()
            .filter(|point| point.kind.eq_ignore_ascii_case(kind))
            .map(|point| {
                let value = if masked { None } else { point.value.clone() };
                json!({
                    "identifiers": [identifier(point.contact_point_id)],
                    if kind == "email" { "address" } else { "number" }: value,
                    "action_builder:label": point.label,
                    "status": if point.do_not_contact { "unsubscribed" } else { "subscribed" },
                })
            })
            .collect()
    };
    json!({
        "identifiers": [identifier(id)],
        "origin_system": "Groundwork",
        "action_builder:entity_type": "Person",
        "name": if masked { None } else { detail.name.clone() },
        "action_builder:level": detail.level,
        "created_date": detail.history.iter().map(|item| item.at).min(),
        "modified_date": modified(detail),
        "email_addresses": contacts("email"),
        "phone_numbers": contacts("phone"),
        "_links": {
            "self": href(&format!("campaigns/{campaign}/people/{id}")),
            "osdi:taggings": href(&format!("campaigns/{campaign}/people/{id}/taggings")),
            "action_builder:campaign": href(&format!("campaigns/{campaign}")),
        },
    })
}
