//! What every command handler is told besides the command itself: who acts, for which chapter, when, and the
//! facts from other aggregates the decision needs. The application layer loads those facts; the domain never
//! reads a clock or a database.

use crate::ids::{ChapterId, CorrelationId, PersonId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Who acts, in which chapter, at what moment (supplied by the caller), under which correlation id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: UserId,
    pub chapter: ChapterId,
    pub at: DateTime<Utc>,
    pub correlation: CorrelationId,
}

/// The per-call services of an aggregate: the actor plus facts `F` loaded by the application layer.
#[derive(Debug, Clone)]
pub struct Context<F> {
    pub actor: Actor,
    pub facts: F,
}

/// The ids a command names outside its own aggregate that the application layer found in the actor's chapter:
/// a command may name only members (users with a role in the chapter) and people who exist there. The
/// application layer looks up exactly the ids the command names, so an id missing here does not exist (or
/// belongs to another chapter, which looks the same from inside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    /// Members of the actor's chapter among the users the command names.
    pub members: BTreeSet<UserId>,
    /// People of the command's campaign among the people the command names.
    pub people: BTreeSet<PersonId>,
}

impl References {
    /// Whether `user` holds a role in the actor's chapter.
    pub fn is_member(&self, user: UserId) -> bool {
        self.members.contains(&user)
    }

    /// Whether `person` exists in the command's campaign.
    pub fn has_person(&self, person: PersonId) -> bool {
        self.people.contains(&person)
    }
}

impl<F> Context<F> {
    pub fn new(actor: Actor, facts: F) -> Self {
        Self { actor, facts }
    }
}

/// Every stored event carries this metadata. It travels through cqrs-es as a string map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    pub actor: UserId,
    pub chapter: ChapterId,
    pub at: DateTime<Utc>,
    pub correlation: CorrelationId,
}

const ACTOR: &str = "actor";
/// The metadata key naming the chapter an event belongs to (the store indexes it: a chapter's own head).
pub const CHAPTER: &str = "chapter";
const AT: &str = "at";
const CORRELATION: &str = "correlation";

/// Metadata that could not be read back from its string map.
#[derive(Debug, thiserror::Error)]
#[error("event metadata field `{field}` is missing or malformed")]
pub struct MetadataError {
    pub field: &'static str,
}

impl From<&Actor> for EventMetadata {
    fn from(actor: &Actor) -> Self {
        Self {
            actor: actor.user,
            chapter: actor.chapter,
            at: actor.at,
            correlation: actor.correlation,
        }
    }
}

impl EventMetadata {
    pub fn to_map(&self) -> HashMap<String, String> {
        HashMap::from([
            (ACTOR.to_string(), self.actor.to_string()),
            (CHAPTER.to_string(), self.chapter.to_string()),
            (
                AT.to_string(),
                self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            ),
            (CORRELATION.to_string(), self.correlation.to_string()),
        ])
    }

    pub fn from_map(map: &HashMap<String, String>) -> Result<Self, MetadataError> {
        fn get<'a>(
            map: &'a HashMap<String, String>,
            field: &'static str,
        ) -> Result<&'a str, MetadataError> {
            map.get(field)
                .map(String::as_str)
                .ok_or(MetadataError { field })
        }
        Ok(Self {
            actor: UserId::parse(get(map, ACTOR)?).map_err(|_| MetadataError { field: ACTOR })?,
            chapter: ChapterId::parse(get(map, CHAPTER)?)
                .map_err(|_| MetadataError { field: CHAPTER })?,
            at: DateTime::parse_from_rfc3339(get(map, AT)?)
                .map_err(|_| MetadataError { field: AT })?
                .with_timezone(&Utc),
            correlation: CorrelationId::parse(get(map, CORRELATION)?)
                .map_err(|_| MetadataError { field: CORRELATION })?,
        })
    }
}
