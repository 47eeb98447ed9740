//! The commands the application runs, each with the stream of the aggregate it is for. Every transport
//! (GraphQL today, REST and webhooks next) parses its input into a [`Command`]; the policy derives what the
//! command needs from it (`crate::access::demand`) and the command service runs it
//! (`crate::service::Groundwork::execute`).

use cqrs_es::Aggregate;
use domain::campaign::{Campaign, CampaignCommand};
use domain::chapter::{Chapter, ChapterCommand};
use domain::ids::{CampaignId, ChapterId, PersonId, StructureTestId, TaskId};
use domain::person::{Person, PersonCommand};
use domain::structure_test::{StructureTest, StructureTestCommand};
use domain::task::{Task, TaskCommand};
use serde::{Deserialize, Serialize};

/// A parsed command and the aggregate it is for.
#[derive(Debug, Clone)]
pub enum Command {
    Chapter(ChapterId, ChapterCommand),
    Campaign(CampaignId, CampaignCommand),
    Person(PersonId, PersonCommand),
    Task(TaskId, TaskCommand),
    StructureTest(StructureTestId, StructureTestCommand),
}

impl Command {
    /// The stream the command appends to.
    pub fn stream(&self) -> StreamId {
        match self {
            Self::Chapter(id, _) => StreamId::new(StreamKind::Chapter, id),
            Self::Campaign(id, _) => StreamId::new(StreamKind::Campaign, id),
            Self::Person(id, _) => StreamId::new(StreamKind::Person, id),
            Self::Task(id, _) => StreamId::new(StreamKind::Task, id),
            Self::StructureTest(id, _) => StreamId::new(StreamKind::StructureTest, id),
        }
    }

    /// The id of the part a command adds inside its aggregate (a unit, field, contact point, 1:1, …).
    pub fn created_part(&self) -> Option<String> {
        use CampaignCommand as C;
        use PersonCommand as P;
        match self {
            Self::Campaign(_, command) => match command {
                C::AddUnit { unit_id, .. } => Some(unit_id.to_string()),
                C::AddSection { section_id, .. } => Some(section_id.to_string()),
                C::AddField { field_id, .. } => Some(field_id.to_string()),
                C::AddResponse { response_id, .. } => Some(response_id.to_string()),
                _ => None,
            },
            Self::Person(_, command) => match command {
                P::AddContactPoint {
                    contact_point_id, ..
                } => Some(contact_point_id.to_string()),
                P::AddNote { note_id, .. } => Some(note_id.to_string()),
                P::Connect { connection_id, .. } => Some(connection_id.to_string()),
                P::LogOneOnOne(one_on_one) => Some(one_on_one.conversation_id.to_string()),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The kind of aggregate a stream holds. Serialized by its variant name (stored in idempotency answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StreamKind {
    Chapter,
    Campaign,
    Person,
    Task,
    StructureTest,
}

impl StreamKind {
    pub const ALL: [StreamKind; 5] = [
        StreamKind::Chapter,
        StreamKind::Campaign,
        StreamKind::Person,
        StreamKind::Task,
        StreamKind::StructureTest,
    ];

    /// The stream type the store files this kind's events under (the aggregate's `TYPE`).
    pub fn stream_type(self) -> &'static str {
        match self {
            Self::Chapter => Chapter::TYPE,
            Self::Campaign => Campaign::TYPE,
            Self::Person => Person::TYPE,
            Self::Task => Task::TYPE,
            Self::StructureTest => StructureTest::TYPE,
        }
    }

    /// The kind with this stream type, if any.
    pub fn from_stream_type(stream_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.stream_type() == stream_type)
    }

    /// The kind as messages name it ("structure test").
    pub fn noun(self) -> &'static str {
        match self {
            Self::Chapter => "chapter",
            Self::Campaign => "campaign",
            Self::Person => "person",
            Self::Task => "task",
            Self::StructureTest => "structure test",
        }
    }
}

/// One aggregate's stream: its kind and id. Formatted as the store names streams, `<type>/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamId {
    pub kind: StreamKind,
    pub id: String,
}

impl StreamId {
    pub fn new(kind: StreamKind, id: impl std::fmt::Display) -> Self {
        Self {
            kind,
            id: id.to_string(),
        }
    }

    /// Parses a stream name as the store reports it (`Campaign/…`); `None` for a name that is not
    /// `<type>/<id>` of a known aggregate type.
    pub fn parse(name: &str) -> Option<Self> {
        let (stream_type, id) = name.split_once('/')?;
        let kind = StreamKind::from_stream_type(stream_type)?;
        (!id.is_empty()).then(|| Self::new(kind, id))
    }
}

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind.stream_type(), self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_id_reads_back_what_it_formats() {
        for kind in StreamKind::ALL {
            let stream = StreamId::new(kind, "7f1c");
            assert_eq!(StreamId::parse(&stream.to_string()), Some(stream));
        }
    }

    #[test]
    fn names_that_are_not_streams_of_known_aggregates_do_not_parse() {
        assert_eq!(StreamId::parse("Campaign"), None);
        assert_eq!(StreamId::parse("Campaign/"), None);
        assert_eq!(StreamId::parse("counter/a"), None);
    }

    #[test]
    fn the_stream_type_is_the_aggregate_type() {
        assert_eq!(
            StreamId::new(StreamKind::StructureTest, "x").to_string(),
            format!("{}/x", StructureTest::TYPE)
        );
    }
}
