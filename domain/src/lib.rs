//! Groundwork's domain: chapters, campaigns, people, one-on-ones, tasks and structure tests as cqrs-es
//! aggregates. Handling a command returns events or a domain error, nothing else: no I/O, no clock reads.

pub mod campaign;
pub mod chapter;
pub mod context;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod ids;
pub mod person;
pub mod rejection;
pub mod schema;
pub mod sensitive;
pub mod structure_test;
pub mod task;
pub mod values;

pub use context::{Actor, Context, EventMetadata, References};
pub use rejection::Rejection;
pub use schema::{StoredAggregate, UpcastError};
pub use sensitive::Sensitive;

pub use campaign::{Campaign, CampaignFacts};
pub use chapter::Chapter;
pub use person::{DuplicateFacts, Person, PersonFacts};
pub use structure_test::{StructureTest, StructureTestFacts};
pub use task::Task;

/// Writes decided events to the sink one by one; the sink applies each to the aggregate as it goes.
pub(crate) async fn write_all<A: cqrs_es::Aggregate>(
    aggregate: &mut A,
    sink: &cqrs_es::event_sink::EventSink<A>,
    events: Vec<A::Event>,
) {
    for event in events {
        sink.write(event, aggregate).await;
    }
}
