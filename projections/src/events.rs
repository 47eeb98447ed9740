//! Recorded events decoded into domain events (upcast on the way) with their metadata.

use crate::error::ProjectionError;
use domain::campaign::{Campaign, CampaignEvent};
use domain::chapter::{Chapter, ChapterEvent};
use domain::person::{Person, PersonEvent};
use domain::structure_test::{StructureTest, StructureTestEvent};
use domain::task::{Task, TaskEvent};
use domain::EventMetadata;
use store::{AggregateStore, Position, RecordedEvent};

/// A domain event of any aggregate.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    Chapter(ChapterEvent),
    Campaign(CampaignEvent),
    Person(Box<PersonEvent>),
    Task(TaskEvent),
    StructureTest(StructureTestEvent),
}

/// One event ready to project.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub position: Position,
    /// The event's number in its chapter's own sequence (ADR 19), what the chapter's callers are shown.
    pub chapter_position: Option<u64>,
    pub stream_id: String,
    pub event_type: String,
    pub metadata: EventMetadata,
    pub payload: Payload,
}

/// Decodes a recorded event; events of streams no projection knows (or without application metadata)
/// give `None` and are passed over.
pub(crate) fn decode(recorded: &RecordedEvent) -> Result<Option<Envelope>, ProjectionError> {
    use cqrs_es_type::type_of;
    let undecodable = |reason: String| ProjectionError::Undecodable {
        position: recorded.position,
        reason,
    };
    let payload = match recorded.stream_type.as_str() {
        t if t == type_of::<Chapter>() => {
            Payload::Chapter(AggregateStore::<Chapter>::decode_event(recorded)?)
        }
        t if t == type_of::<Campaign>() => {
            Payload::Campaign(AggregateStore::<Campaign>::decode_event(recorded)?)
        }
        t if t == type_of::<Person>() => {
            Payload::Person(Box::new(AggregateStore::<Person>::decode_event(recorded)?))
        }
        t if t == type_of::<Task>() => {
            Payload::Task(AggregateStore::<Task>::decode_event(recorded)?)
        }
        t if t == type_of::<StructureTest>() => {
            Payload::StructureTest(AggregateStore::<StructureTest>::decode_event(recorded)?)
        }
        _ => return Ok(None),
    };
    let metadata = EventMetadata::from_map(&recorded.metadata)
        .map_err(|error| undecodable(error.to_string()))?;
    Ok(Some(Envelope {
        position: recorded.position,
        chapter_position: recorded.chapter_position,
        stream_id: recorded.stream_id.clone(),
        event_type: recorded.event_type.clone(),
        metadata,
        payload,
    }))
}

mod cqrs_es_type {
    /// The stream type an aggregate is stored under.
    pub(crate) fn type_of<A: domain::StoredAggregate>() -> &'static str {
        A::TYPE
    }
}
