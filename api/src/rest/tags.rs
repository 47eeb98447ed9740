//! Tags: Action Builder's name for a response of a campaign's custom field (`action_builder:section` /
//! `action_builder:field` / `name`). Listed and created per campaign; their taggings are the people who hold
//! the response, listed and removed through the same commands GraphQL runs.

use super::campaigns::{require_people, visible_campaign};
use super::filter::Filter;
use super::shape::{self, href, identifier, ListQuery, Paging};
use super::{run, Caller, JsonBody, QueryParams, RestError, RestState};
use crate::access::{self, Identity, Permission, Scope, Turf};
use crate::command::Command;
use crate::error::ApiError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::campaign::{Campaign, CampaignCommand, ResponseEntry};
use domain::ids::{CampaignId, FieldId, PersonId, ResponseId, SectionId};
use domain::person::PersonCommand;
use domain::values::{FieldType, Label};
use projections::read::{PageRequest, PeopleFilter, PeopleSort};
use serde::Deserialize;
use serde_json::{json, Value};
use store::AggregateStore;

/// The campaign's tags as its stored state holds them (the read models do not project field names).
pub async fn catalogue(state: &RestState, campaign: CampaignId) -> Result<Campaign, ApiError> {
    let loaded = AggregateStore::<Campaign>::new(state.groundwork.store().clone())
        .load(&campaign.to_string())
        .await?;
    Ok(loaded.aggregate().clone())
}

/// The tag named by section, field and name (compared as written, ignoring case), if the campaign has it.
pub fn find<'a>(
    tags: &'a [ResponseEntry],
    section: &str,
    field: &str,
    name: &str,
) -> Option<&'a ResponseEntry> {
    tags.iter().find(|tag| {
        !tag.retired
            && tag.section.as_str().eq_ignore_ascii_case(section.trim())
            && tag.field.as_str().eq_ignore_ascii_case(field.trim())
            && tag.name.as_str().eq_ignore_ascii_case(name.trim())
    })
}

/// `GET campaigns/{id}/tags`: the campaign's tags (retired responses left out), by section, field, name.
pub async fn list(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path(campaign): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Value>, RestError> {
    access::require(&identity, Permission::ReadTurf)?;
    let paging = Paging::from_query(&query)?;
    let filter = Filter::parse(query.filter.as_deref())?;
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let mut tags: Vec<ResponseEntry> = catalogue(&state, campaign)
        .await?
        .responses()
        .into_iter()
        .filter(|tag| !tag.retired)
        .collect();
    match filter {
        None => {}
        Some(Filter::NameIs(name)) => tags.retain(|tag| tag.name.as_str() == name),
        Some(Filter::ModifiedAfter(_)) => {
            return Err(
                ApiError::invalid("filter", "tags are filtered by `name eq '…'` only").into(),
            )
        }
    }
    tags.sort_by(|a, b| {
        (a.section.as_str(), a.field.as_str(), a.name.as_str()).cmp(&(
            b.section.as_str(),
            b.field.as_str(),
            b.name.as_str(),
        ))
    });
    let total = tags.len() as u64;
    let items = paging
        .slice(tags)
        .iter()
        .map(|tag| tag_json(campaign, tag))
        .collect();
    Ok(Json(shape::page(
        &format!("campaigns/{campaign}/tags"),
        "tags",
        paging,
        total,
        items,
    )))
}

/// The body of `POST campaigns/{id}/tags`.
#[derive(Debug, Deserialize)]
pub struct NewTag {
    pub name: String,
    #[serde(rename = "action_builder:field")]
    pub field: String,
    #[serde(rename = "action_builder:section")]
    pub section: String,
}

/// `POST campaigns/{id}/tags`: adds the response, with its field and section when they are new (201); a tag
/// that already exists is answered as it is (200).
pub async fn create(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path(campaign): Path<String>,
    JsonBody(tag): JsonBody<NewTag>,
) -> Result<(StatusCode, Json<Value>), RestError> {
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let current = catalogue(&state, campaign).await?;
    if let Some(existing) = find(&current.responses(), &tag.section, &tag.field, &tag.name) {
        return Ok((StatusCode::OK, Json(tag_json(campaign, existing))));
    }
    let section_name = label("action_builder:section", &tag.section)?;
    let field_name = label("action_builder:field", &tag.field)?;
    let name = label("name", &tag.name)?;
    let section_id = match current.sections().into_iter().find(|(_, existing)| {
        existing
            .as_str()
            .eq_ignore_ascii_case(section_name.as_str())
    }) {
        Some((id, _)) => id,
        None => {
            let section_id = SectionId::new_random();
            let command = CampaignCommand::AddSection {
                section_id,
                name: section_name,
            };
            run(&state, &identity, Command::Campaign(campaign, command)).await?;
            section_id
        }
    };
    let field_id = match current.fields().into_iter().find(|(_, section, existing)| {
        *section == section_id && existing.as_str().eq_ignore_ascii_case(field_name.as_str())
    }) {
        Some((id, _, _)) => id,
        None => {
            let field_id = FieldId::new_random();
            let command = CampaignCommand::AddField {
                field_id,
                section_id,
                name: field_name,
                field_type: FieldType::Standard,
                allows_multiple: true,
            };
            run(&state, &identity, Command::Campaign(campaign, command)).await?;
            field_id
        }
    };
    let response_id = ResponseId::new_random();
    let command = CampaignCommand::AddResponse {
        field_id,
        response_id,
        name,
    };
    run(&state, &identity, Command::Campaign(campaign, command)).await?;
    let created = catalogue(&state, campaign)
        .await?
        .responses()
        .into_iter()
        .find(|tag| tag.response_id == response_id)
        .ok_or_else(|| ApiError::internal("a tag just added is not in its campaign"))?;
    Ok((StatusCode::CREATED, Json(tag_json(campaign, &created))))
}

/// `GET campaigns/{id}/tags/{tag}/taggings`: the people (the caller may read) who hold the tag.
pub async fn taggings(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path((campaign, tag)): Path<(String, String)>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Value>, RestError> {
    require_people(&identity)?;
    let paging = Paging::from_query(&query)?;
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let tag = tag_of(&state, campaign, &tag).await?;
    let mut filter = PeopleFilter {
        responses_all: vec![tag.response_id],
        ..PeopleFilter::default()
    };
    if identity.role.turf_bound() {
        filter.turf = Some(turf(&state, &identity, campaign).await?);
    }
    let after = paging
        .offset()
        .checked_sub(1)
        .map(|before| format!("o{before}"));
    let page = state
        .read_models
        .people(
            identity.chapter,
            campaign,
            &filter,
            PeopleSort::NameAsc,
            &PageRequest {
                after,
                first: paging.per_page,
            },
        )
        .await?;
    let total = u64::try_from(page.total_count).unwrap_or_default();
    let items = page
        .edges
        .iter()
        .map(|edge| tagging_json(campaign, &tag, edge.node.person_id))
        .collect();
    let mut answer = shape::page(
        &format!("campaigns/{campaign}/tags/{}/taggings", tag.response_id),
        "taggings",
        paging,
        total,
        items,
    );
    // Parsons 6.1.0 pages through taggings reading `_embedded` under its path's own name
    // (`osdi:tags/<id>/taggings`, see `ActionBuilder.remove_tagging`); the same items under that name too
    // keep the reference client working.
    let alias = format!("osdi:tags/{}/taggings", tag.response_id);
    if let Some(embedded) = answer["_embedded"].as_object_mut() {
        let items = embedded.get("osdi:taggings").cloned().unwrap_or_default();
        embedded.insert(alias, items);
    }
    Ok(Json(answer))
}

/// `DELETE campaigns/{id}/tags/{tag}/taggings/{tagging}`: takes the tag off the person.
pub async fn delete_tagging(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path((campaign, tag, tagging)): Path<(String, String, String)>,
) -> Result<Json<Value>, RestError> {
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let tag = tag_of(&state, campaign, &tag).await?;
    let person = shape::id_of(&tagging)
        .and_then(|id| PersonId::parse(id).ok())
        .ok_or_else(|| ApiError::not_found(format!("no tagging {tagging}")))?;
    let command = PersonCommand::RemoveFieldResponse {
        field_id: tag.field_id,
        response_id: tag.response_id,
    };
    run(&state, &identity, Command::Person(person, command)).await?;
    Ok(Json(
        json!({"message": "Tag has been removed from Taggable Logbook"}),
    ))
}

/// The tag `text` names in the campaign.
async fn tag_of(
    state: &RestState,
    campaign: CampaignId,
    text: &str,
) -> Result<ResponseEntry, ApiError> {
    let absent = || ApiError::not_found(format!("no tag {text} in this campaign"));
    let id = shape::id_of(text)
        .and_then(|id| ResponseId::parse(id).ok())
        .ok_or_else(absent)?;
    catalogue(state, campaign)
        .await?
        .responses()
        .into_iter()
        .find(|tag| tag.response_id == id)
        .ok_or_else(absent)
}

/// The turf filter of a turf-bound caller in `campaign`.
pub async fn turf(
    state: &RestState,
    identity: &Identity,
    campaign: CampaignId,
) -> Result<(domain::ids::UserId, Vec<domain::ids::UnitId>), ApiError> {
    let store = state.read_models.store();
    let scope = Scope::load(store, identity).await?;
    let turf = Turf::expand(store, identity.user, &scope, campaign).await?;
    Ok((turf.organizer, turf.units.into_iter().collect()))
}

fn label(field: &str, text: &str) -> Result<Label, ApiError> {
    Label::parse(text).map_err(|error| ApiError::value(field, error))
}

/// A tag as Action Builder shows one.
pub fn tag_json(campaign: CampaignId, tag: &ResponseEntry) -> Value {
    let id = tag.response_id;
    json!({
        "identifiers": [identifier(id)],
        "origin_system": "Groundwork",
        "name": tag.name.as_str(),
        "action_builder:section": tag.section.as_str(),
        "action_builder:field": tag.field.as_str(),
        "action_builder:field_type": "standard",
        "_links": {
            "self": href(&format!("campaigns/{campaign}/tags/{id}")),
            "osdi:taggings": href(&format!("campaigns/{campaign}/tags/{id}/taggings")),
        },
    })
}

/// A tagging: the tag on one person (its id is the person's).
fn tagging_json(campaign: CampaignId, tag: &ResponseEntry, person: PersonId) -> Value {
    let tag_id = tag.response_id;
    let person_link = href(&format!("campaigns/{campaign}/people/{person}"));
    json!({
        "identifiers": [identifier(person)],
        "item_type": "person",
        "osdi:person": person_link,
        "_links": {
            "self": href(&format!("campaigns/{campaign}/tags/{tag_id}/taggings/{person}")),
            "osdi:tag": href(&format!("campaigns/{campaign}/tags/{tag_id}")),
            "osdi:person": person_link,
        },
    })
}
