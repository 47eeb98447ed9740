//! The store's vocabulary: global positions, events to append, and events as recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// A place in the global order of the log. Events are ordered by `(tx, position)`: `tx` identifies the
/// writing transaction and only grows in commit-visibility order, `position` orders events inside it.
/// A projection checkpoint is one `Position`; `read_all(after)` returns what comes strictly after it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Position {
    pub tx: i64,
    pub position: i64,
}

impl Position {
    /// Before the first event.
    pub const START: Position = Position { tx: 0, position: 0 };
}

/// One event to append. `payload` is the serialized domain event with `{"$personal": v}` markers still
/// in clear; the store seals them.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_type: String,
    pub schema_version: u32,
    pub payload: Value,
    pub metadata: HashMap<String, String>,
}

/// A snapshot to write together with an append: the state after the append's last event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSnapshot {
    pub snapshot_version: u32,
    pub state: Value,
}

/// Events for one stream, appended only if the stream is at `expected_version` (0 for a new stream).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamAppend {
    pub stream_type: String,
    pub stream_id: String,
    /// The person whose key seals the stream's personal values; `None` forbids personal values.
    pub data_subject: Option<Uuid>,
    pub expected_version: u64,
    pub events: Vec<NewEvent>,
    pub snapshot: Option<NewSnapshot>,
    /// The append forgets `data_subject`: their key and snapshots are destroyed and they are recorded as
    /// forgotten in the same transaction as the events, so a crash cannot leave one without the other.
    pub forgets_subject: bool,
}

impl StreamAppend {
    /// The `type/id` name used in errors and logs.
    pub fn stream_name(&self) -> String {
        stream_name(&self.stream_type, &self.stream_id)
    }
}

pub(crate) fn stream_name(stream_type: &str, stream_id: &str) -> String {
    format!("{stream_type}/{stream_id}")
}

/// Where an appended event landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendedEvent {
    pub stream_type: String,
    pub stream_id: String,
    pub stream_version: u64,
    pub position: Position,
    /// The event's number in its chapter's own sequence (1, 2, 3, … per chapter, ADR 19); `None` when its
    /// metadata names no chapter.
    pub chapter_position: Option<u64>,
}

/// An event as stored, in both forms: `stored_payload`/`stored_metadata` are the exact stored text (sealed),
/// `payload` is the opened JSON (`{"$personal": v}` again, or `{"$personal": null}` once the person was
/// forgotten) at the schema version it was written with — upcasting is the aggregate's business.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub position: Position,
    pub stream_type: String,
    pub stream_id: String,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub data_subject: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    pub stored_payload: String,
    pub stored_metadata: String,
    pub payload: Value,
    pub metadata: HashMap<String, String>,
    /// The event's number in its chapter's own sequence (ADR 19); `None` when its metadata names no chapter.
    pub chapter_position: Option<u64>,
}

/// Where an event sits and what it is, without its payload (see `Store::peek_after`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnopenedEvent {
    pub position: Position,
    pub stream_type: String,
    pub stream_id: String,
    pub event_type: String,
    /// The metadata, when it is readable JSON.
    pub metadata: Option<HashMap<String, String>>,
}
