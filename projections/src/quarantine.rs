//! Quarantine (ADR 13): a projection is never stopped by one event. An event the projection cannot read,
//! decode or apply is recorded in `projection_quarantine` and passed over, and every later event of the same
//! stream is held behind it (recorded too, not applied), so that stream's read model stays as it stood before
//! the bad event while every other stream — every other chapter — goes on. Quarantined events are logged,
//! counted in `/metrics` and listed to a chapter's admins in GraphQL (`projectionStatus { quarantined }`).
//! A rebuild empties the projection's quarantine and tries every event again (after the fix is deployed).
//!
//! Only a failure the event itself causes quarantines it: an undecodable payload or metadata, a stored value
//! the read models cannot hold (a data exception or constraint violation of the database). A lost
//! connection, a deadlock or an interrupted batch is retried as before.

use crate::error::ProjectionError;
use crate::events::{self, Envelope};
use chrono::{DateTime, Utc};
use domain::ids::ChapterId;
use std::collections::HashMap;
use store::sql::{args, Tx};
use store::{Position, RecordedEvent, StoreError, UnopenedEvent};

/// A quarantined event as an operator or a chapter's admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarantinedEvent {
    pub projection: String,
    pub position: Position,
    pub stream_type: String,
    pub stream_id: String,
    pub event_type: String,
    /// The event's chapter, when its metadata could be read.
    pub chapter: Option<ChapterId>,
    /// Why it was not applied.
    pub reason: String,
    /// For an event held behind its stream's first quarantined event: that event's position.
    pub held_behind: Option<i64>,
    pub quarantined_at: DateTime<Utc>,
    /// The event's number in its chapter (ADR 19), what the chapter's admins are shown.
    pub chapter_position: Option<u64>,
    /// The number in the chapter of the event it is held behind.
    pub held_behind_chapter_position: Option<u64>,
}

/// An event about to be quarantined.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    position: Position,
    stream_type: String,
    stream_id: String,
    event_type: String,
    chapter: Option<String>,
    reason: String,
    held_behind: Option<i64>,
}

impl Entry {
    pub(crate) fn recorded(
        event: &RecordedEvent,
        reason: String,
        held_behind: Option<i64>,
    ) -> Self {
        Self {
            position: event.position,
            stream_type: event.stream_type.clone(),
            stream_id: event.stream_id.clone(),
            event_type: event.event_type.clone(),
            chapter: chapter_of(&event.metadata),
            reason,
            held_behind,
        }
    }

    pub(crate) fn unopened(event: &UnopenedEvent, reason: String) -> Self {
        Self {
            position: event.position,
            stream_type: event.stream_type.clone(),
            stream_id: event.stream_id.clone(),
            event_type: event.event_type.clone(),
            chapter: event.metadata.as_ref().and_then(chapter_of),
            reason,
            held_behind: None,
        }
    }

    fn stream(&self) -> (String, String) {
        (self.stream_type.clone(), self.stream_id.clone())
    }
}

fn chapter_of(metadata: &HashMap<String, String>) -> Option<String> {
    domain::EventMetadata::from_map(metadata)
        .ok()
        .map(|metadata| metadata.chapter.to_string())
}

/// Whether the failure lies in the event itself (it would fail the same way every time), so the event is
/// quarantined rather than retried.
pub(crate) fn is_poison(error: &ProjectionError) -> bool {
    match error {
        ProjectionError::Undecodable { .. } | ProjectionError::Decode { .. } => true,
        ProjectionError::Store(error) => store_poison(error),
        ProjectionError::Database(error) => database_poison(error),
        ProjectionError::UnknownProjection(_)
        | ProjectionError::Interrupted(_)
        | ProjectionError::InvalidCursor(_) => false,
    }
}

fn store_poison(error: &StoreError) -> bool {
    match error {
        StoreError::Deserialize { .. }
        | StoreError::CorruptSealedData { .. }
        | StoreError::Upcast(_) => true,
        StoreError::Database(error) => database_poison(error),
        _ => false,
    }
}

fn database_poison(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(error) => {
            // PostgreSQL: class 22 is a data exception (text with a NUL, a number out of range), class 23 an
            // integrity constraint violation. SQLite reports constraint violations by kind.
            let code = error.code().unwrap_or_default();
            !matches!(error.kind(), sqlx::error::ErrorKind::Other)
                || code.starts_with("22")
                || code.starts_with("23")
        }
        _ => false,
    }
}

/// The streams with a quarantined event in this projection, and the position of each one's first.
pub(crate) async fn held_streams(
    tx: &mut Tx,
    projection: &str,
) -> Result<HashMap<(String, String), i64>, ProjectionError> {
    let rows = tx
        .fetch(
            "SELECT stream_type, stream_id, MIN(position) AS first FROM projection_quarantine \
             WHERE projection = $1 GROUP BY stream_type, stream_id",
            &args![projection],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                (row.text("stream_type")?, row.text("stream_id")?),
                row.int("first")?,
            ))
        })
        .collect()
}

/// Sorts a batch into the envelopes to apply and the events to quarantine: those of a held stream, and
/// those that do not decode (whose stream is held from then on).
pub(crate) fn sort_out(
    recorded: &[RecordedEvent],
    held: &mut HashMap<(String, String), i64>,
) -> (Vec<Envelope>, Vec<Entry>) {
    let mut envelopes = Vec::with_capacity(recorded.len());
    let mut entries = Vec::new();
    for event in recorded {
        let stream = (event.stream_type.clone(), event.stream_id.clone());
        if let Some(first) = held.get(&stream) {
            entries.push(Entry::recorded(
                event,
                format!("held: an earlier event of its stream (at {first}) is quarantined"),
                Some(*first),
            ));
            continue;
        }
        match events::decode(event) {
            Ok(Some(envelope)) => envelopes.push(envelope),
            Ok(None) => {}
            Err(error) => {
                held.insert(stream, event.position.position);
                entries.push(Entry::recorded(event, error.to_string(), None));
            }
        }
    }
    (envelopes, entries)
}

/// Records quarantined events inside the batch's transaction (so they commit with the checkpoint that
/// passes them) and marks each one's stream as held.
pub(crate) async fn record(
    tx: &mut Tx,
    projection: &str,
    entries: &[Entry],
    held: &mut HashMap<(String, String), i64>,
) -> Result<(), ProjectionError> {
    let now = Utc::now();
    for entry in entries {
        tx.execute(
            "INSERT INTO projection_quarantine (projection, tx, position, stream_type, stream_id, \
             event_type, chapter_id, reason, held_behind, quarantined_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (projection, position) DO NOTHING",
            &args![
                projection,
                entry.position.tx,
                entry.position.position,
                &entry.stream_type,
                &entry.stream_id,
                &entry.event_type,
                entry.chapter.clone(),
                &entry.reason,
                entry.held_behind,
                now
            ],
        )
        .await?;
        held.entry(entry.stream())
            .or_insert(entry.held_behind.unwrap_or(entry.position.position));
    }
    Ok(())
}

/// Tells the logs about quarantined events once they are committed.
pub(crate) fn report(projection: &str, entries: &[Entry]) {
    for entry in entries {
        match entry.held_behind {
            None => tracing::error!(
                projection,
                position = entry.position.position,
                stream = %format!("{}/{}", entry.stream_type, entry.stream_id),
                event_type = %entry.event_type,
                reason = %entry.reason,
                "an event cannot be projected: quarantined, and its stream held; other streams go on"
            ),
            Some(first) => tracing::warn!(
                projection,
                position = entry.position.position,
                stream = %format!("{}/{}", entry.stream_type, entry.stream_id),
                held_behind = first,
                "an event is held behind a quarantined event of its stream"
            ),
        }
    }
}

/// Moves the checkpoint past an event that is quarantined rather than applied.
pub(crate) async fn pass(
    tx: &mut Tx,
    projection: &str,
    position: Position,
) -> Result<(), ProjectionError> {
    tx.execute(
        "UPDATE projection_checkpoints SET tx = $2, position = $3, updated_at = $4 WHERE name = $1",
        &args![projection, position.tx, position.position, Utc::now()],
    )
    .await?;
    Ok(())
}

/// Reads quarantined events: of one chapter, or (`None`) all of them (the operator's view).
pub(crate) async fn list(
    db: &store::sql::Db,
    chapter: Option<ChapterId>,
) -> Result<Vec<QuarantinedEvent>, ProjectionError> {
    // With each event's number in its chapter, and that of the event it is held behind.
    let columns = "q.projection, q.tx, q.position, q.stream_type, q.stream_id, q.event_type, \
                   q.chapter_id, q.reason, q.held_behind, q.quarantined_at, \
                   e.chapter_position, h.chapter_position AS held_behind_chapter_position \
                   FROM projection_quarantine q LEFT JOIN events e ON e.position = q.position \
                   LEFT JOIN events h ON h.position = q.held_behind";
    let rows = match chapter {
        Some(chapter) => {
            db.fetch(
                &format!(
                    "SELECT {columns} WHERE q.chapter_id = $1 \
                     ORDER BY q.projection, q.tx, q.position"
                ),
                &args![chapter.to_string()],
            )
            .await?
        }
        None => {
            db.fetch(
                &format!("SELECT {columns} ORDER BY q.projection, q.tx, q.position"),
                &[],
            )
            .await?
        }
    };
    rows.iter()
        .map(|row| {
            let chapter = row.opt_text("chapter_id")?;
            Ok(QuarantinedEvent {
                projection: row.text("projection")?,
                position: Position {
                    tx: row.int("tx")?,
                    position: row.int("position")?,
                },
                stream_type: row.text("stream_type")?,
                stream_id: row.text("stream_id")?,
                event_type: row.text("event_type")?,
                chapter: chapter.as_deref().and_then(|id| ChapterId::parse(id).ok()),
                reason: row.text("reason")?,
                held_behind: row.opt_int("held_behind")?,
                quarantined_at: row.time("quarantined_at")?,
                chapter_position: row
                    .opt_int("chapter_position")?
                    .and_then(|number| u64::try_from(number).ok()),
                held_behind_chapter_position: row
                    .opt_int("held_behind_chapter_position")?
                    .and_then(|number| u64::try_from(number).ok()),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ProjectionError::from)
}

/// How many events each projection has quarantined.
pub(crate) async fn counts(db: &store::sql::Db) -> Result<HashMap<String, i64>, ProjectionError> {
    let rows = db
        .fetch(
            "SELECT projection, COUNT(*) AS quarantined FROM projection_quarantine GROUP BY projection",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| Ok((row.text("projection")?, row.int("quarantined")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ProjectionError::from)
}
