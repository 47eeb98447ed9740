//! A person's connections (`POST campaigns/{id}/people/{person}/connections`, `PUT …/connections/{id}` with
//! `inactive`) and removing a person from the campaign (`DELETE campaigns/{id}/people/{person}`), as
//! commands through `crate::access` and the command service.

use super::campaigns::{person_detail, visible_campaign};
use super::shape::{self, href, identifier};
use super::{run, Caller, JsonBody, RestError, RestState};
use crate::access::Identity;
use crate::command::Command;
use crate::error::ApiError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::ids::{CampaignId, ConnectionId, PersonId};
use domain::person::PersonCommand;
use domain::values::{ConnectionKind, EntityRef};
use projections::read::{ConnectionView, PersonDetail, PersonStatusView};
use serde::Deserialize;
use serde_json::{json, Value};

/// The kind a connection made through this API gets (Action Builder's connections carry no kind).
const CONNECTION_KIND: &str = "connection";

/// The body of `POST …/connections`.
#[derive(Debug, Deserialize)]
pub struct NewConnection {
    pub connection: ConnectionInput,
    #[serde(default)]
    pub add_tags: Vec<Value>,
}

/// The connection part: the other person, and whether it is inactive.
#[derive(Debug, Default, Deserialize)]
pub struct ConnectionInput {
    pub person_id: Option<String>,
    pub inactive: Option<bool>,
}

/// The body of `PUT …/connections/{id}` (Parsons sends it without the outer `connection`).
#[derive(Debug, Deserialize)]
pub struct ConnectionChange {
    pub inactive: Option<bool>,
    pub connection: Option<ConnectionInput>,
}

/// `POST campaigns/{id}/people/{person}/connections`: connects the person to another (201), or updates the
/// active connection between them (200): `inactive: true` deactivates it. A pair whose connection is
/// inactive is connected anew unless `inactive` is true.
pub async fn upsert(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path((campaign, person)): Path<(String, String)>,
    JsonBody(body): JsonBody<NewConnection>,
) -> Result<(StatusCode, Json<Value>), RestError> {
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let detail = person_in(&state, &identity, campaign, &person).await?;
    if !body.add_tags.is_empty() {
        return Err(ApiError::invalid(
            "add_tags",
            "Groundwork's connections carry no tags; tag the people instead",
        )
        .into());
    }
    let other = body
        .connection
        .person_id
        .as_deref()
        .and_then(shape::id_of)
        .and_then(|id| PersonId::parse(id).ok())
        .ok_or_else(|| {
            ApiError::invalid(
                "connection.person_id",
                "name the other person as action_builder:<id>",
            )
        })?;
    let target = other.to_string();
    let inactive = body.connection.inactive.unwrap_or(false);
    let existing = detail
        .connections
        .iter()
        .find(|connection| {
            connection.active
                && connection.target_kind == "person"
                && connection.target_id == target
        })
        .cloned();
    let person = detail.person_id;
    let (status, connection_id) = match (existing, inactive) {
        (Some(existing), true) => {
            let command = PersonCommand::DeactivateConnection {
                connection_id: existing.connection_id,
            };
            run(&state, &identity, Command::Person(person, command)).await?;
            (StatusCode::OK, existing.connection_id)
        }
        (Some(existing), false) => (StatusCode::OK, existing.connection_id),
        (None, true) => {
            return Err(ApiError::not_found(format!(
                "no active connection between {person} and {other} to deactivate"
            ))
            .into())
        }
        (None, false) => {
            let connection_id = ConnectionId::new_random();
            let command = PersonCommand::Connect {
                connection_id,
                target: EntityRef::Person(other),
                kind: ConnectionKind::parse(CONNECTION_KIND).map_err(ApiError::internal)?,
            };
            run(&state, &identity, Command::Person(person, command)).await?;
            (StatusCode::CREATED, connection_id)
        }
    };
    let connection = connection_now(&state, &identity, person, connection_id).await?;
    Ok((status, Json(connection_json(campaign, person, &connection))))
}

/// `PUT campaigns/{id}/people/{person}/connections/{connection}`: `inactive: true` deactivates it.
pub async fn update(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path((campaign, person, connection)): Path<(String, String, String)>,
    JsonBody(body): JsonBody<ConnectionChange>,
) -> Result<Json<Value>, RestError> {
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let detail = person_in(&state, &identity, campaign, &person).await?;
    let person = detail.person_id;
    let existing = shape::id_of(&connection)
        .and_then(|id| ConnectionId::parse(id).ok())
        .and_then(|id| {
            detail
                .connections
                .iter()
                .find(|connection| connection.connection_id == id)
        })
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("no connection {connection} of {person}")))?;
    let inactive = body
        .inactive
        .or(body.connection.and_then(|connection| connection.inactive));
    match (inactive, existing.active) {
        (Some(true), true) => {
            let command = PersonCommand::DeactivateConnection {
                connection_id: existing.connection_id,
            };
            run(&state, &identity, Command::Person(person, command)).await?;
        }
        (Some(false), false) => return Err(ApiError::invalid(
            "inactive",
            "a deactivated connection stays so; POST the connection again to connect the pair anew",
        )
        .into()),
        _ => {}
    }
    let connection = connection_now(&state, &identity, person, existing.connection_id).await?;
    Ok(Json(connection_json(campaign, person, &connection)))
}

/// `DELETE campaigns/{id}/people/{person}`: removes the person from the campaign (their history stays).
pub async fn remove(
    State(state): State<RestState>,
    Caller(identity): Caller,
    Path((campaign, person)): Path<(String, String)>,
) -> Result<Json<Value>, RestError> {
    let campaign = visible_campaign(&state, &identity, &campaign)
        .await?
        .campaign_id;
    let detail = person_in(&state, &identity, campaign, &person).await?;
    run(
        &state,
        &identity,
        Command::Person(detail.person_id, PersonCommand::RemoveFromCampaign),
    )
    .await?;
    Ok(Json(json!({
        "message": "The entity has been removed from the campaign",
        "identifiers": [identifier(detail.person_id)],
    })))
}

/// The active person of `campaign` that `text` names.
async fn person_in(
    state: &RestState,
    identity: &Identity,
    campaign: CampaignId,
    text: &str,
) -> Result<PersonDetail, ApiError> {
    let absent = || ApiError::not_found(format!("no person {text} in this campaign"));
    let id = shape::id_of(text)
        .and_then(|id| PersonId::parse(id).ok())
        .ok_or_else(absent)?;
    match person_detail(state, identity, id).await? {
        Some(detail)
            if detail.campaign_id == campaign && detail.status == PersonStatusView::Active =>
        {
            Ok(detail)
        }
        _ => Err(absent()),
    }
}

/// The connection as the read models hold it after the writes (which were waited for).
async fn connection_now(
    state: &RestState,
    identity: &Identity,
    person: PersonId,
    connection: ConnectionId,
) -> Result<ConnectionView, ApiError> {
    person_detail(state, identity, person)
        .await?
        .and_then(|detail| {
            detail
                .connections
                .into_iter()
                .find(|view| view.connection_id == connection)
        })
        .ok_or_else(|| ApiError::internal("a connection just written is not in the read models"))
}

/// A connection as Action Builder shows one.
fn connection_json(campaign: CampaignId, person: PersonId, connection: &ConnectionView) -> Value {
    let id = connection.connection_id;
    json!({
        "identifiers": [identifier(id)],
        "origin_system": "Groundwork",
        "connection_type": connection.kind,
        "inactive": !connection.active,
        "person_id": identifier(&connection.target_id),
        "_links": {
            "self": href(&format!("campaigns/{campaign}/people/{person}/connections/{id}")),
            "osdi:person": href(&format!("campaigns/{campaign}/people/{}", connection.target_id)),
        },
    })
}
