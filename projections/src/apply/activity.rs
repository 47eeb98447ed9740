//! The `activity` projection: the change explorer's feed, one row per event, with a one-line summary that
//! never includes personal data.

use super::rows::{self, ActivityRow};
use crate::codec::StoredEnum;
use crate::events::{Envelope, Payload};
use domain::campaign::CampaignEvent;
use domain::person::PersonEvent;
use domain::structure_test::StructureTestEvent;
use domain::task::TaskEvent;
use std::collections::HashMap;
use std::sync::Mutex;
use store::sql::{args, Tx};
use uuid::Uuid;

/// The campaign of each person, task and structure test the activity projection has seen. It never changes,
/// so it is kept for the life of the process (a batch that rolls back is replayed from the same events) and
/// looked up in the feed only for aggregates created before this process started.
#[derive(Default)]
pub(crate) struct CampaignOf {
    known: Mutex<HashMap<Uuid, Uuid>>,
}

impl CampaignOf {
    fn get(&self, aggregate: &str) -> Option<String> {
        let aggregate = Uuid::parse_str(aggregate).ok()?;
        let known = self
            .known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        known.get(&aggregate).map(ToString::to_string)
    }

    fn remember(&self, aggregate: &str, campaign: &str) {
        if let (Ok(aggregate), Ok(campaign)) =
            (Uuid::parse_str(aggregate), Uuid::parse_str(campaign))
        {
            let mut known = self
                .known
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            known.insert(aggregate, campaign);
        }
    }

    /// The aggregate's campaign: remembered, or from its first activity row with one.
    async fn find(
        &self,
        tx: &mut Tx,
        column: &str,
        aggregate: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        if let Some(campaign) = self.get(aggregate) {
            return Ok(Some(campaign));
        }
        let found = lookup_campaign(tx, column, aggregate).await?;
        if let Some(campaign) = &found {
            self.remember(aggregate, campaign);
        }
        Ok(found)
    }
}

/// The activity feed: one row per event, found by campaign, actor, kind and time. The campaign of a person,
/// task or test event comes from the event that created the aggregate (remembered, or looked up in the feed
/// itself), so this projection depends on no other. A batch's rows are written with one statement.
pub(super) async fn apply_activity(
    tx: &mut Tx,
    envelopes: &[Envelope],
    campaign_of: &CampaignOf,
) -> Result<(), sqlx::Error> {
    let mut rows = Vec::with_capacity(envelopes.len());
    for envelope in envelopes {
        let stream = envelope.stream_id.as_str();
        let (campaign, person, task, test): (
            Option<String>,
            Option<&str>,
            Option<&str>,
            Option<&str>,
        ) = match &envelope.payload {
            Payload::Chapter(_) => (None, None, None, None),
            Payload::Campaign(_) => (Some(stream.to_string()), None, None, None),
            Payload::Person(event) => {
                let campaign = match event.as_ref() {
                    PersonEvent::PersonAddedToCampaign { campaign_id, .. } => {
                        let campaign = campaign_id.to_string();
                        campaign_of.remember(stream, &campaign);
                        Some(campaign)
                    }
                    _ => campaign_of.find(tx, "person_id", stream).await?,
                };
                (campaign, Some(stream), None, None)
            }
            Payload::Task(event) => {
                let campaign = match event {
                    TaskEvent::TaskAssigned { campaign_id, .. } => {
                        let campaign = campaign_id.to_string();
                        campaign_of.remember(stream, &campaign);
                        Some(campaign)
                    }
                    _ => campaign_of.find(tx, "task_id", stream).await?,
                };
                (campaign, None, Some(stream), None)
            }
            Payload::StructureTest(event) => {
                let campaign = match event {
                    StructureTestEvent::StructureTestCreated { campaign_id, .. } => {
                        let campaign = campaign_id.to_string();
                        campaign_of.remember(stream, &campaign);
                        Some(campaign)
                    }
                    _ => campaign_of.find(tx, "test_id", stream).await?,
                };
                (campaign, None, None, Some(stream))
            }
        };
        rows.push(ActivityRow {
            position: envelope.position.position,
            tx: envelope.position.tx,
            chapter_id: envelope.metadata.chapter.to_string(),
            campaign_id: campaign,
            actor: envelope.metadata.actor.to_string(),
            at: envelope.metadata.at,
            kind: envelope.event_type.clone(),
            person_id: person.map(ToString::to_string),
            task_id: task.map(ToString::to_string),
            test_id: test.map(ToString::to_string),
            summary: summary(&envelope.payload),
            chapter_position: envelope
                .chapter_position
                .and_then(|number| i64::try_from(number).ok()),
        });
    }
    rows::insert(tx, rows, "ON CONFLICT DO NOTHING").await
}

async fn lookup_campaign(
    tx: &mut Tx,
    column: &str,
    id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sql = format!(
        "SELECT campaign_id FROM rm_activity WHERE {column} = $1 AND campaign_id IS NOT NULL \
         ORDER BY tx, position LIMIT 1"
    );
    match tx.fetch_optional(&sql, &args![id]).await? {
        Some(row) => row.opt_text("campaign_id"),
        None => Ok(None),
    }
}

fn level_text(level: &Option<domain::values::AssessmentLevel>) -> String {
    level.map_or_else(
        || "unassessed".to_string(),
        |level| format!("level {level}"),
    )
}

/// A one-line description of an event that never includes personal data (names, contact values, notes,
/// field values): only ids, levels, steps and labels of the campaign's own configuration.
fn summary(payload: &Payload) -> String {
    match payload {
        Payload::Chapter(event) => match event {
            domain::chapter::ChapterEvent::ChapterCreated { name, .. } => {
                format!("chapter \"{}\" created", name.as_str())
            }
            domain::chapter::ChapterEvent::ChapterRenamed { name, .. } => {
                format!("chapter renamed to \"{}\"", name.as_str())
            }
        },
        Payload::Campaign(event) => match event {
            CampaignEvent::CampaignCreated { name, .. } => {
                format!("campaign \"{}\" created", name.as_str())
            }
            CampaignEvent::CampaignRenamed { name } => {
                format!("campaign renamed to \"{}\"", name.as_str())
            }
            CampaignEvent::CampaignGoalChanged {
                goal,
                previous_goal,
            } => {
                format!("goal changed from {previous_goal} to {goal}")
            }
            CampaignEvent::UnitAdded { unit_id, name, .. } => {
                format!("unit \"{}\" ({unit_id}) added", name.as_str())
            }
            CampaignEvent::UnitRenamed { unit_id, name } => {
                format!("unit {unit_id} renamed to \"{}\"", name.as_str())
            }
            CampaignEvent::UnitMoved { unit_id, .. } => format!("unit {unit_id} moved"),
            CampaignEvent::UnitRetired { unit_id } => format!("unit {unit_id} retired"),
            other => {
                use cqrs_es_event::event_type;
                event_type(other)
            }
        },
        Payload::Person(event) => match event.as_ref() {
            PersonEvent::PersonAddedToCampaign { .. } => "person added to the campaign".to_string(),
            PersonEvent::PersonRenamed { .. } => "name changed".to_string(),
            PersonEvent::ContactPointAdded(point) => {
                format!("contact point {} added", point.contact_point_id)
            }
            PersonEvent::PersonJoinedUnit { unit_id } => format!("joined unit {unit_id}"),
            PersonEvent::PersonLeftUnit { unit_id } => format!("left unit {unit_id}"),
            PersonEvent::PersonFieldResponseAdded(response) => {
                format!("response {} added", response.response_id)
            }
            PersonEvent::PersonFieldResponseRemoved(response) => {
                format!("response {} removed", response.response_id)
            }
            PersonEvent::PersonAssessed {
                level,
                previous_level,
                becomes_current: true,
                ..
            } => {
                format!(
                    "assessed: {} → {}",
                    level_text(previous_level),
                    level_text(level)
                )
            }
            PersonEvent::PersonAssessed {
                level,
                previous_level,
                at,
                ..
            } => format!(
                "assessed {} as of {}; {}, given later, stays current",
                level_text(level),
                at.format("%Y-%m-%d %H:%M UTC"),
                level_text(previous_level)
            ),
            PersonEvent::OrganizerAssigned {
                organizer,
                previous_organizer,
            } => match previous_organizer {
                Some(previous) => format!("organizer changed from {previous} to {organizer}"),
                None => format!("organizer set to {organizer}"),
            },
            PersonEvent::OrganizerUnassigned { previous_organizer } => {
                format!("organizer {previous_organizer} unassigned")
            }
            PersonEvent::FollowUpFlagged => "flagged for follow-up".to_string(),
            PersonEvent::FollowUpCleared => "follow-up cleared".to_string(),
            PersonEvent::OneOnOneLogged {
                organizer,
                assessment,
                ..
            } => match assessment {
                Some(level) => format!("1:1 with organizer {organizer}, assessed at level {level}"),
                None => format!("1:1 with organizer {organizer}"),
            },
            PersonEvent::StructureTestStepRecorded {
                test_id,
                step,
                previous_step,
                ..
            } => format!(
                "structure test {test_id}: {} → {}",
                previous_step.map_or("not asked", StoredEnum::as_str),
                step.as_str()
            ),
            PersonEvent::PersonMergedInto { survivor } => format!("merged into {survivor}"),
            PersonEvent::DuplicateMerged { duplicate, .. } => {
                format!("absorbed duplicate {duplicate}")
            }
            PersonEvent::PersonRemovedFromCampaign => "removed from the campaign".to_string(),
            PersonEvent::PersonForgotten => "forgotten".to_string(),
            PersonEvent::PersonExternalIdSet {
                system,
                value: Some(_),
            } => {
                format!("id in {system} recorded")
            }
            PersonEvent::PersonExternalIdSet {
                system,
                value: None,
            } => {
                format!("id in {system} cleared")
            }
            other => {
                use cqrs_es_event::event_type;
                event_type(other)
            }
        },
        Payload::Task(event) => match event {
            TaskEvent::TaskAssigned {
                title, assignee, ..
            } => {
                format!("task \"{}\" assigned to {assignee}", title.as_str())
            }
            TaskEvent::TaskReassigned {
                assignee,
                previous_assignee,
                ..
            } => {
                format!("task reassigned from {previous_assignee} to {assignee}")
            }
            TaskEvent::TaskDueDateChanged { due, .. } => match due {
                Some(due) => format!("task due {due}"),
                None => "task due date cleared".to_string(),
            },
            TaskEvent::TaskCompleted { .. } => "task done".to_string(),
            TaskEvent::TaskCancelled { .. } => "task cancelled".to_string(),
            TaskEvent::TaskReopened { .. } => "task reopened".to_string(),
        },
        Payload::StructureTest(event) => match event {
            StructureTestEvent::StructureTestCreated {
                name,
                goal,
                deadline,
                ..
            } => format!(
                "structure test \"{}\" created (goal {}%, deadline {deadline})",
                name.as_str(),
                goal.percent()
            ),
            StructureTestEvent::StructureTestRenamed { name } => {
                format!("structure test renamed to \"{}\"", name.as_str())
            }
            StructureTestEvent::StructureTestDeadlineChanged { deadline, .. } => {
                format!("deadline moved to {deadline}")
            }
            StructureTestEvent::StructureTestClosed => "structure test closed".to_string(),
        },
    }
}

mod cqrs_es_event {
    /// The event's type name, used as the summary of events with nothing more to say.
    pub(super) fn event_type<E: serde::Serialize>(event: &E) -> String {
        match serde_json::to_value(event) {
            Ok(serde_json::Value::Object(map)) => map.keys().next().cloned().unwrap_or_default(),
            Ok(serde_json::Value::String(name)) => name,
            _ => String::new(),
        }
    }
}
