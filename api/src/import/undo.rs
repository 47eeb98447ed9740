//! Undoing an import with compensating events (docs/adr/0014). For every person the import wrote, the
//! events after it are read: a person it created is removed from the campaign; for a person it updated, each
//! aspect it changed (name, email, unit, a field…) is brought back to what it was before the import. Where
//! someone changed that person (a created one) or that aspect (an updated one) after the import, the change
//! is listed and left alone, unless the undo is told to overwrite. Compensating events carry the import's id
//! as `undo_of` in their metadata; the import's own events stay in the log, as every event does.

use super::run::{self, ImportRecord, ImportState, UNDO_METADATA};
use super::{campaign_directory, IMPORT_METADATA};
use crate::access::Identity;
use crate::error::ApiError;
use crate::service::{decide_and_apply, Groundwork, ServiceError};
use chrono::{DateTime, Utc};
use domain::context::References;
use domain::ids::PersonId;
use domain::person::restore::Aspect;
use domain::person::{Person, PersonFacts};
use domain::{Context, EventMetadata};
use serde::{Deserialize, Serialize};
use store::StreamAppend;

/// A change made after the import to something it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaterChange {
    pub person: String,
    /// What changed, in the words of the import's columns (`email`, `unit`, `the person`…).
    pub aspect: String,
    pub event_type: String,
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    /// Whether the undo overwrote it (told to) or left it alone.
    pub overwritten: bool,
}

/// What an undo did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoReport {
    /// People the undo wrote compensating events for.
    pub people: usize,
    pub events: usize,
    pub later_changes: Vec<LaterChange>,
    /// People the undo could not restore (removed or forgotten since, a unit retired…), with the reason.
    pub refused: Vec<(String, String)>,
}

/// How many people one undo transaction holds.
const UNDO_BATCH: usize = 500;

/// Undoes `record`'s import as described in the module's documentation.
pub async fn undo(
    groundwork: &Groundwork,
    identity: &Identity,
    record: &ImportRecord,
    overwrite: bool,
) -> Result<UndoReport, ApiError> {
    let import_id = record.row.import_id.clone();
    let from = [
        ImportState::Committed.as_str(),
        ImportState::Failed.as_str(),
        ImportState::PartlyUndone.as_str(),
    ];
    if !groundwork
        .store()
        .move_import(
            &import_id,
            &from,
            ImportState::Undoing.as_str(),
            record.row.counts,
        )
        .await
        .map_err(ApiError::store)?
    {
        return Err(ApiError::invalid(
            "importId",
            format!(
                "the import is {}; only a committed import is undone",
                record.state.as_str()
            ),
        ));
    }
    let outcome = undo_people(groundwork, identity, record, overwrite).await;
    let state = match &outcome {
        Ok(report)
            if report.later_changes.iter().all(|change| change.overwritten)
                && report.refused.is_empty() =>
        {
            ImportState::Undone
        }
        Ok(_) => ImportState::PartlyUndone,
        // Nothing or part of it was undone; it can be undone again.
        Err(_) => record.state,
    };
    groundwork
        .store()
        .move_import(
            &import_id,
            &[ImportState::Undoing.as_str()],
            state.as_str(),
            record.row.counts,
        )
        .await
        .map_err(ApiError::store)?;
    let report = outcome?;
    groundwork
        .store()
        .finish_import_undo(
            &import_id,
            groundwork.now(),
            &serde_json::to_string(&report).map_err(ApiError::internal)?,
        )
        .await
        .map_err(ApiError::store)?;
    Ok(report)
}

async fn undo_people(
    groundwork: &Groundwork,
    identity: &Identity,
    record: &ImportRecord,
    overwrite: bool,
) -> Result<UndoReport, ApiError> {
    let import_id = record.row.import_id.as_str();
    let campaign = record.campaign()?;
    let directory = campaign_directory(groundwork, campaign).await?;
    let facts = groundwork.campaign_facts(campaign).await?;
    let mut references = References::default();
    references.members.extend(directory.members.keys().copied());
    references.members.insert(identity.user);
    let context = Context::new(
        run::actor(groundwork, identity),
        PersonFacts::new(facts).with_references(references),
    );
    let mut metadata = EventMetadata::from(&context.actor).to_map();
    metadata.insert(UNDO_METADATA.to_string(), import_id.to_string());
    let streams = groundwork
        .store()
        .streams_of_import(import_id)
        .await
        .map_err(ApiError::store)?;
    let mut report = UndoReport::default();
    let mut batch: Vec<(StreamAppend, String, u64, Person)> = Vec::new();
    for (stream, _) in streams {
        if PersonId::parse(&stream).is_err() {
            continue;
        }
        let envelopes = groundwork
            .people()
            .load_all_events(&stream)
            .await
            .map_err(ApiError::store)?;
        let of_import = |metadata: &std::collections::HashMap<String, String>| {
            metadata.get(IMPORT_METADATA).map(String::as_str) == Some(import_id)
        };
        let of_this_undo = |metadata: &std::collections::HashMap<String, String>| {
            metadata.get(UNDO_METADATA).map(String::as_str) == Some(import_id)
        };
        let Some(first) = envelopes
            .iter()
            .position(|envelope| of_import(&envelope.metadata))
        else {
            continue;
        };
        let created = first == 0;
        let mut state = Person::default();
        let mut before = Person::default();
        let mut touched: Vec<Aspect> = Vec::new();
        let mut later: Vec<(Vec<Aspect>, &cqrs_es::EventEnvelope<Person>)> = Vec::new();
        for (index, envelope) in envelopes.iter().enumerate() {
            if index == first {
                before = state.clone();
            }
            let aspects = Aspect::of(&envelope.payload, &state);
            if of_import(&envelope.metadata) {
                for aspect in aspects {
                    if !touched.contains(&aspect) {
                        touched.push(aspect);
                    }
                }
            } else if index > first && !of_this_undo(&envelope.metadata) {
                later.push((aspects, envelope));
            }
            cqrs_es::Aggregate::apply(&mut state, envelope.payload.clone());
        }
        // What changed since, on what the import wrote: anything at all for a person it created.
        let mut conflicting: Vec<Aspect> = Vec::new();
        for (aspects, envelope) in &later {
            let hit: Vec<&Aspect> = if created {
                aspects.iter().collect()
            } else {
                aspects
                    .iter()
                    .filter(|aspect| touched.contains(aspect))
                    .collect()
            };
            if hit.is_empty() {
                continue;
            }
            let meta = EventMetadata::from_map(&envelope.metadata).ok();
            for aspect in hit {
                report.later_changes.push(LaterChange {
                    person: stream.clone(),
                    aspect: aspect.describe(),
                    event_type: cqrs_es::DomainEvent::event_type(&envelope.payload),
                    changed_by: meta.as_ref().map(|meta| meta.actor.to_string()),
                    changed_at: meta.as_ref().map(|meta| meta.at),
                    overwritten: overwrite,
                });
                conflicting.push(if created {
                    Aspect::Existence
                } else {
                    aspect.clone()
                });
            }
        }
        let restore: Vec<Aspect> = if created {
            vec![Aspect::Existence]
        } else {
            touched
        };
        let mut current = state.clone();
        let mut events = Vec::new();
        let mut refusal = None;
        for aspect in restore
            .iter()
            .filter(|aspect| overwrite || !conflicting.contains(aspect))
        {
            for command in current.restore(&before, aspect) {
                match decide_and_apply(&mut current, command, &context).await {
                    Ok(decided) => events.extend(decided),
                    Err(error @ (ServiceError::Rejected(_) | ServiceError::Missing(_))) => {
                        refusal = Some(format!("{}: {error}", aspect.describe()));
                        break;
                    }
                    Err(other) => return Err(other.into()),
                }
            }
            if refusal.is_some() {
                break;
            }
        }
        if let Some(reason) = refusal {
            report.refused.push((stream.clone(), reason));
            continue;
        }
        if events.is_empty() {
            continue;
        }
        let version = envelopes.len() as u64;
        let append = groundwork
            .people()
            .prepare(&stream, version, &events, &metadata, &current)
            .map_err(ApiError::store)?;
        report.people += 1;
        report.events += events.len();
        batch.push((
            append,
            stream.clone(),
            version + events.len() as u64,
            current,
        ));
        if batch.len() >= UNDO_BATCH {
            append_batch(groundwork, &mut batch).await?;
        }
    }
    append_batch(groundwork, &mut batch).await?;
    Ok(report)
}

async fn append_batch(
    groundwork: &Groundwork,
    batch: &mut Vec<(StreamAppend, String, u64, Person)>,
) -> Result<(), ApiError> {
    if batch.is_empty() {
        return Ok(());
    }
    let appends = batch.iter().map(|(append, ..)| append.clone()).collect();
    groundwork.store().append(appends).await.map_err(|error| {
        if error.is_conflict() {
            ApiError::Conflict {
                message: format!(
                    "a person of this import changed while it was undone ({error}); undo it again"
                ),
                current: 0,
            }
        } else {
            ApiError::store(error)
        }
    })?;
    for (_, stream, version, state) in batch.drain(..) {
        // Like the import, its undo keeps states this process already holds up to date and adds none.
        groundwork.people().refresh(&stream, version, &state);
    }
    Ok(())
}
