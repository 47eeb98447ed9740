//! How an aggregate's events and state are stored durably: snapshot format version, upcasting of events
//! stored at older schema versions, and whose personal data a stream holds.

use cqrs_es::Aggregate;
use serde_json::Value;

/// An event payload that could not be brought to the current schema.
#[derive(Debug, thiserror::Error)]
#[error("cannot upcast event `{event_type}` from schema version {version}: {reason}")]
pub struct UpcastError {
    pub event_type: String,
    pub version: u32,
    pub reason: String,
}

/// Implemented by every aggregate that the event store persists. `Clone` because the store keeps recently
/// used states in memory and hands out copies.
pub trait StoredAggregate: Aggregate + Clone + 'static {
    /// Bumped whenever the serialized shape of the aggregate's state changes; snapshots taken at another
    /// version are ignored and rebuilt from events.
    const SNAPSHOT_VERSION: u32;

    /// The current schema version of an event type. Stored with each event.
    fn event_schema_version(event_type: &str) -> u32;

    /// Brings a payload stored at `version` of `event_type` to the current version. Payloads are the
    /// externally tagged serde form of the aggregate's event enum: `{"EventType": {...}}`.
    /// The default accepts only current versions.
    fn upcast(event_type: &str, version: u32, payload: Value) -> Result<Value, UpcastError> {
        if version == Self::event_schema_version(event_type) {
            Ok(payload)
        } else {
            Err(UpcastError {
                event_type: event_type.to_string(),
                version,
                reason: "no upcaster for this version".to_string(),
            })
        }
    }

    /// Whose personal data the stream `aggregate_id` holds: the store seals every `Sensitive` value in its
    /// events and snapshots with that person's key. `None` means the stream must hold no personal data.
    fn data_subject(aggregate_id: &str) -> Option<uuid::Uuid> {
        let _ = aggregate_id;
        None
    }

    /// Whether the event forgets the stream's data subject: the store destroys their key (and their
    /// snapshots) in the same transaction that appends it, so the log never says "forgotten" while the key
    /// still opens their data (ADR 3).
    fn forgets_data_subject(event: &Self::Event) -> bool {
        let _ = event;
        false
    }
}
