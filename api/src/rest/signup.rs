//! The person signup helper, `POST campaigns/{id}/people`: updates the person whose `action_builder:`
//! identifier the body names, or adds a new one to the campaign; then `add_tags` and `remove_tags`. Every
//! change is a command through `crate::access` and the command service, as GraphQL's mutations are.

use super::campaigns::{person_detail, person_json, visible_campaign};
use super::shape;
use super::tags::{catalogue, find};
use super::{run, Caller, JsonBody, RestError, RestState};
use crate::command::Command;
use crate::error::ApiError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::ids::{CampaignId, PersonId};
use domain::person::PersonCommand;
use domain::values::PersonName;
use projections::read::{PersonDetail, PersonStatusView};
use serde::Deserialize;
use serde_json::Value;

/// The signup helper's body.
#[derive(Debug, Deserialize)]
pub struct Signup {
    pub person: PersonInput,
    #[serde(default)]
    pub add_tags: Vec<TagRef>,
    #[serde(default)]
    pub remove_tags: Vec<TagRef>,
}

/// The person part: identifiers to match, and names.
#[derive(Debug, Default, Deserialize)]
pub struct PersonInput {
    #[serde(default)]
    pub identifiers: Vec<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "action_builder:name")]
    pub full_name: Option<String>,
    #[serde(rename = "action_builder:entity_type")]
    pub entity_type: Option<String>,
}

/// A tag named by section, field and name.
#[derive(Debug, Deserialize)]
pub struct TagRef {
    #[serde(rename = "action_builder:section")]
    pub section: String,
    #[serde(rename = "action_builder:field")]
    pub field: String,
    #[serde(rename = "action_builder:name", alias = "name")]
    pub name: String,
}

/// `POST campaigns/{id}/people`: 201 with the new person, or 200 with the updated one.
pub async fn signup(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path(campaign): Path<String>,
    JsonBody(body): JsonBody<Signup>,
) -> Result<(StatusCode, Json<Value>), RestError> {
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    if let Some(kind) = &body.person.entity_type {
        if !kind.eq_ignore_ascii_case("person") {
            return Err(ApiError::invalid(
                "person.action_builder:entity_type",
                "Groundwork keeps people only (entity type Person)",
            )
            .into());
        }
    }
    // Every tag is looked up before anything is written, so an unknown tag changes nothing.
    let (add, remove) = if body.add_tags.is_empty() && body.remove_tags.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let tags = catalogue(&state, campaign).await?.responses();
        let lookup = |refs: &[TagRef], field: &str| {
            refs.iter()
                .map(|tag| {
                    find(&tags, &tag.section, &tag.field, &tag.name)
                        .map(|found| (found.field_id, found.response_id))
                        .ok_or_else(|| {
                            ApiError::invalid(
                                field,
                                format!(
                                    "no tag {} / {} / {} in this campaign (create it first)",
                                    tag.section, tag.field, tag.name
                                ),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        (
            lookup(&body.add_tags, "add_tags")?,
            lookup(&body.remove_tags, "remove_tags")?,
        )
    };
    let name = name(&body.person)?;
    let existing = existing(&state, &identity, campaign, &body.person.identifiers).await?;
    let (status, person, mut detail) = match existing {
        Some(detail) => {
            let person = detail.person_id;
            if let Some(name) = name {
                let command = PersonCommand::ChangeName { name };
                run(&state, &identity, Command::Person(person, command)).await?;
            }
            (StatusCode::OK, person, detail)
        }
        None => {
            let name = name.ok_or_else(|| {
                ApiError::invalid(
                    "person",
                    "a new person needs given_name (and family_name) or name",
                )
            })?;
            let person = PersonId::new_random();
            let command = PersonCommand::AddToCampaign {
                person_id: person,
                campaign_id: campaign,
                name,
                preferred_language: None,
            };
            run(&state, &identity, Command::Person(person, command)).await?;
            let detail = current(&state, &identity, person).await?;
            (StatusCode::CREATED, person, detail)
        }
    };
    for (field_id, response_id) in add {
        if !detail.responses.contains(&(field_id, response_id)) {
            let command = PersonCommand::AddFieldResponse {
                field_id,
                response_id,
            };
            run(&state, &identity, Command::Person(person, command)).await?;
        }
    }
    for (field_id, response_id) in remove {
        if detail.responses.contains(&(field_id, response_id)) {
            let command = PersonCommand::RemoveFieldResponse {
                field_id,
                response_id,
            };
            run(&state, &identity, Command::Person(person, command)).await?;
        }
    }
    detail = current(&state, &identity, person).await?;
    Ok((
        status,
        Json(person_json(&detail, identity.masks_personal_data())),
    ))
}

/// The name the body gives: `given_name`/`family_name`, else `name` (or `action_builder:name`) split at its
/// first space. `None` when it gives none.
fn name(person: &PersonInput) -> Result<Option<PersonName>, ApiError> {
    let (given, family, field) = match (&person.given_name, &person.family_name) {
        (Some(given), family) => (
            given.clone(),
            family.clone().unwrap_or_default(),
            "person.given_name",
        ),
        (None, Some(family)) => (String::new(), family.clone(), "person.given_name"),
        (None, None) => match person.name.as_ref().or(person.full_name.as_ref()) {
            Some(full) => {
                let full = full.trim();
                let (given, family) = full.split_once(' ').unwrap_or((full, ""));
                (given.to_string(), family.trim().to_string(), "person.name")
            }
            None => return Ok(None),
        },
    };
    PersonName::parse(&given, &family)
        .map(Some)
        .map_err(|error| ApiError::value(field, error))
}

/// The active person of this campaign one of `identifiers` names, if any.
async fn existing(
    state: &RestState,
    identity: &crate::access::Identity,
    campaign: CampaignId,
    identifiers: &[String],
) -> Result<Option<PersonDetail>, ApiError> {
    for text in identifiers {
        let Some(id) = shape::id_of(text).and_then(|id| PersonId::parse(id).ok()) else {
            continue;
        };
        if let Some(detail) = person_detail(state, identity, id).await? {
            if detail.campaign_id == campaign && detail.status == PersonStatusView::Active {
                return Ok(Some(detail));
            }
        }
    }
    Ok(None)
}

/// The person as the read models hold them now (the writes before were waited for).
async fn current(
    state: &RestState,
    identity: &crate::access::Identity,
    person: PersonId,
) -> Result<PersonDetail, ApiError> {
    person_detail(state, identity, person)
        .await?
        .ok_or_else(|| ApiError::internal("a person just written is not in the read models"))
}
