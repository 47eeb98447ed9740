//! How a batch of events changes the read models. Two projections share this module: `campaigns` (every
//! table but the activity feed) and `activity` (the change explorer). Every update is idempotent: an
//! aggregate's row remembers the position of the last event applied to it (`last_position`) and older events
//! are passed over; rows keyed by an event's position are inserted with `ON CONFLICT DO NOTHING`.
//!
//! Batches are applied set-wise: the rows a batch touches are read once, its events are folded into them in
//! memory, and the results are written with one multi-row statement per table (see `CampaignsBatch`), so a
//! batch costs a few round trips whatever its size.
//!
//! - `configuration`: campaign and structure-test events, applied one by one;
//! - `batch`: people and tasks, folded in memory and written set-wise; `person`: how each family of person
//!   events changes a person's rows;
//! - `rows`: one struct per written table, its column list declared once;
//! - `activity`: the change explorer's feed.

mod activity;
mod batch;
mod configuration;
mod person;
mod rows;

pub(crate) use activity::CampaignOf;

use crate::error::ProjectionError;
use crate::events::{Envelope, Payload};
use crate::runner::ReadModelChange;
use batch::CampaignsBatch;
use std::collections::BTreeSet;
use store::sql::Tx;

/// What applying a batch produced besides table writes.
#[derive(Debug, Default)]
pub(crate) struct BatchEffects {
    pub changes: BTreeSet<ReadModelChange>,
    /// A person was forgotten: the database files must be scrubbed once the batch is committed.
    pub erased: bool,
}

pub(crate) const CAMPAIGNS: &str = "campaigns";
pub(crate) const ACTIVITY: &str = "activity";

/// The tables each projection owns, emptied by a rebuild.
pub(crate) fn tables(projection: &str) -> &'static [&'static str] {
    match projection {
        CAMPAIGNS => &[
            "rm_campaigns",
            "rm_scale_levels",
            "rm_units",
            "rm_unit_history",
            "rm_people",
            "rm_person_history",
            "rm_person_units",
            "rm_person_unit_history",
            "rm_person_responses",
            "rm_contact_points",
            "rm_person_external_ids",
            "rm_assessments",
            "rm_connections",
            "rm_one_on_ones",
            "rm_tasks",
            "rm_task_subjects",
            "rm_structure_tests",
            "rm_structure_test_units",
            "rm_test_steps",
            "rm_test_step_history",
            "rm_structure_test_history",
            "rm_connection_history",
        ],
        ACTIVITY => &["rm_activity"],
        _ => &[],
    }
}

/// Applies a batch of events (in log order) to the projection's tables, inside the batch's transaction.
pub(crate) async fn apply_batch(
    projection: &str,
    tx: &mut Tx,
    envelopes: &[Envelope],
    effects: &mut BatchEffects,
    campaign_of: &CampaignOf,
) -> Result<(), ProjectionError> {
    match projection {
        CAMPAIGNS => apply_campaigns(tx, envelopes, effects).await,
        ACTIVITY => Ok(activity::apply_activity(tx, envelopes, campaign_of).await?),
        _ => Ok(()),
    }
}

/// Campaign and structure-test events are few (configuration): they are applied one by one, as they come.
/// People and tasks are folded in memory and written once per batch ([`CampaignsBatch`]); the two sets of
/// tables are disjoint, so the order between them within a batch does not matter.
async fn apply_campaigns(
    tx: &mut Tx,
    envelopes: &[Envelope],
    effects: &mut BatchEffects,
) -> Result<(), ProjectionError> {
    let mut batch = CampaignsBatch::load(tx, envelopes).await?;
    for envelope in envelopes {
        match &envelope.payload {
            Payload::Campaign(event) => configuration::apply_campaign(tx, envelope, event).await?,
            Payload::Person(event) => batch.person(tx, envelope, event, effects).await?,
            Payload::Task(event) => batch.task(envelope, event, effects),
            Payload::StructureTest(event) => {
                configuration::apply_structure_test(tx, envelope, event).await?
            }
            Payload::Chapter(_) => {}
        }
    }
    Ok(batch.write(tx, effects).await?)
}
