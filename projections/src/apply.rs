//! How each event changes the read models. Two projections share this module: `campaigns` (every table but
//! the activity feed) and `activity` (the change explorer). Every update is idempotent: an aggregate's row
//! remembers the position of the last event applied to it (`last_position`) and older events are passed over;
//! rows keyed by an event's position are inserted with `ON CONFLICT DO NOTHING`.

use crate::db::{args, Arg, Tx};
use crate::events::{Envelope, Payload};
use crate::runner::ReadModelChange;
use domain::campaign::CampaignEvent;
use domain::ids::{CampaignId, ChapterId, PersonId, TaskId, UnitId, UserId};
use domain::person::{Connection, ContactPoint, FieldResponseRef, PersonEvent};
use domain::structure_test::StructureTestEvent;
use domain::task::TaskEvent;
use domain::values::{ContactLabel, ContactValue, EntityRef, StepKind, TaskKind, TaskStatus};
use std::collections::BTreeSet;

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
            "rm_assessments",
            "rm_connections",
            "rm_one_on_ones",
            "rm_tasks",
            "rm_task_subjects",
            "rm_structure_tests",
            "rm_structure_test_units",
            "rm_test_steps",
            "rm_test_step_history",
        ],
        ACTIVITY => &["rm_activity"],
        _ => &[],
    }
}

pub(crate) async fn apply(
    projection: &str,
    tx: &mut Tx,
    envelope: &Envelope,
    effects: &mut BatchEffects,
) -> Result<(), sqlx::Error> {
    match projection {
        CAMPAIGNS => apply_campaigns(tx, envelope, effects).await,
        ACTIVITY => apply_activity(tx, envelope).await,
        _ => Ok(()),
    }
}

pub(crate) fn status_text(step: StepKind) -> &'static str {
    match step {
        StepKind::Asked => "asked",
        StepKind::Committed => "committed",
        StepKind::Participated => "participated",
        StepKind::Declined => "declined",
    }
}

pub(crate) fn task_status_text(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Open => "open",
        TaskStatus::Done => "done",
        TaskStatus::Cancelled => "cancelled",
    }
}

pub(crate) fn task_kind_text(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::OneOnOne => "one_on_one",
        TaskKind::FollowUp => "follow_up",
        TaskKind::StructureTestAsk => "structure_test_ask",
        TaskKind::DataCheck => "data_check",
    }
}

fn contact_label_text(label: ContactLabel) -> &'static str {
    match label {
        ContactLabel::Home => "home",
        ContactLabel::Work => "work",
        ContactLabel::Mobile => "mobile",
        ContactLabel::Other => "other",
    }
}

fn contact_value_text(value: &ContactValue) -> String {
    match value {
        ContactValue::Email(email) => email.as_str().to_string(),
        ContactValue::Phone(phone) => phone.as_str().to_string(),
        ContactValue::Postal(address) => {
            let mut parts: Vec<&str> = address.lines().iter().map(String::as_str).collect();
            parts.push(address.locality());
            parts.extend(address.region());
            parts.extend(address.postal_code());
            parts.push(address.country());
            parts.join(", ")
        }
    }
}

fn level_arg(level: Option<domain::values::AssessmentLevel>) -> Arg {
    Arg::Int(level.map(|level| i64::from(level.get())))
}

async fn last_position(tx: &mut Tx, sql: &str, id: &str) -> Result<Option<i64>, sqlx::Error> {
    match tx.fetch_optional(sql, &args![id]).await? {
        Some(row) => Ok(Some(row.int("last_position")?)),
        None => Ok(None),
    }
}

async fn apply_campaigns(
    tx: &mut Tx,
    envelope: &Envelope,
    effects: &mut BatchEffects,
) -> Result<(), sqlx::Error> {
    match &envelope.payload {
        Payload::Campaign(event) => apply_campaign(tx, envelope, event).await,
        Payload::Person(event) => apply_person(tx, envelope, event, effects).await,
        Payload::Task(event) => apply_task(tx, envelope, event, effects).await,
        Payload::StructureTest(event) => apply_structure_test(tx, envelope, event).await,
        Payload::Chapter(_) => Ok(()),
    }
}

async fn apply_campaign(
    tx: &mut Tx,
    envelope: &Envelope,
    event: &CampaignEvent,
) -> Result<(), sqlx::Error> {
    let campaign = envelope.stream_id.as_str();
    let position = envelope.position.position;
    let at = envelope.metadata.at;
    let applied = last_position(
        tx,
        "SELECT last_position FROM rm_campaigns WHERE campaign_id = $1",
        campaign,
    )
    .await?;
    if applied.is_some_and(|applied| applied >= position) {
        return Ok(());
    }
    let chapter = envelope.metadata.chapter.to_string();
    match event {
        CampaignEvent::CampaignCreated {
            name,
            goal,
            scale,
            chapter,
            ..
        } => {
            tx.execute(
                "INSERT INTO rm_campaigns (campaign_id, chapter_id, name, goal, archived, last_position) \
                 VALUES ($1, $2, $3, $4, FALSE, $5) ON CONFLICT (campaign_id) DO NOTHING",
                &args![campaign, chapter.to_string(), name.as_str(), i64::from(*goal), position],
            )
            .await?;
            for level in scale {
                upsert_level(
                    tx,
                    campaign,
                    level.level,
                    level.label.as_str(),
                    level.colour.as_str(),
                )
                .await?;
            }
        }
        CampaignEvent::CampaignRenamed { name } => {
            tx.execute(
                "UPDATE rm_campaigns SET name = $2 WHERE campaign_id = $1",
                &args![campaign, name.as_str()],
            )
            .await?;
        }
        CampaignEvent::CampaignGoalChanged { goal, .. } => {
            tx.execute(
                "UPDATE rm_campaigns SET goal = $2 WHERE campaign_id = $1",
                &args![campaign, i64::from(*goal)],
            )
            .await?;
        }
        CampaignEvent::CampaignArchived | CampaignEvent::CampaignUnarchived => {
            let archived = matches!(event, CampaignEvent::CampaignArchived);
            tx.execute(
                "UPDATE rm_campaigns SET archived = $2 WHERE campaign_id = $1",
                &args![campaign, archived],
            )
            .await?;
        }
        CampaignEvent::AssessmentLevelRelabelled {
            level,
            label,
            colour,
        }
        | CampaignEvent::AssessmentLevelAdded {
            level,
            label,
            colour,
        } => {
            upsert_level(tx, campaign, *level, label.as_str(), colour.as_str()).await?;
        }
        CampaignEvent::UnitAdded {
            unit_id,
            name,
            kind,
            parent,
        } => {
            tx.execute(
                "INSERT INTO rm_units (unit_id, campaign_id, chapter_id, name, kind, parent_id, retired) \
                 VALUES ($1, $2, $3, $4, $5, $6, FALSE) ON CONFLICT (unit_id) DO NOTHING",
                &args![
                    unit_id.to_string(),
                    campaign,
                    chapter,
                    name.as_str(),
                    kind.as_str(),
                    parent.map(|parent| parent.to_string()),
                ],
            )
            .await?;
            snapshot_unit(tx, *unit_id, position, at).await?;
        }
        CampaignEvent::UnitRenamed { unit_id, name } => {
            tx.execute(
                "UPDATE rm_units SET name = $2 WHERE unit_id = $1",
                &args![unit_id.to_string(), name.as_str()],
            )
            .await?;
            snapshot_unit(tx, *unit_id, position, at).await?;
        }
        CampaignEvent::UnitMoved {
            unit_id, parent, ..
        } => {
            tx.execute(
                "UPDATE rm_units SET parent_id = $2 WHERE unit_id = $1",
                &args![unit_id.to_string(), parent.map(|parent| parent.to_string())],
            )
            .await?;
            snapshot_unit(tx, *unit_id, position, at).await?;
        }
        CampaignEvent::UnitRetired { unit_id } => {
            tx.execute(
                "UPDATE rm_units SET retired = TRUE WHERE unit_id = $1",
                &args![unit_id.to_string()],
            )
            .await?;
            snapshot_unit(tx, *unit_id, position, at).await?;
        }
        // Fields, sections and responses are configuration the people filters address by id.
        _ => {}
    }
    tx.execute(
        "UPDATE rm_campaigns SET last_position = $2 WHERE campaign_id = $1",
        &args![campaign, position],
    )
    .await?;
    Ok(())
}

async fn upsert_level(
    tx: &mut Tx,
    campaign: &str,
    level: domain::values::AssessmentLevel,
    label: &str,
    colour: &str,
) -> Result<(), sqlx::Error> {
    tx.execute(
        "INSERT INTO rm_scale_levels (campaign_id, level, label, colour) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (campaign_id, level) DO UPDATE SET label = excluded.label, colour = excluded.colour",
        &args![campaign, i64::from(level.get()), label, colour],
    )
    .await?;
    Ok(())
}

/// Closes the unit's current history row and opens one with its state now.
async fn snapshot_unit(
    tx: &mut Tx,
    unit: UnitId,
    position: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let unit = unit.to_string();
    tx.execute(
        "UPDATE rm_unit_history SET valid_to = $2 WHERE unit_id = $1 AND valid_to IS NULL",
        &args![unit.clone(), at],
    )
    .await?;
    tx.execute(
        "INSERT INTO rm_unit_history (unit_id, from_position, campaign_id, name, kind, parent_id, retired, \
         valid_from, valid_to) SELECT unit_id, $2, campaign_id, name, kind, parent_id, retired, $3, NULL \
         FROM rm_units WHERE unit_id = $1 ON CONFLICT DO NOTHING",
        &args![unit, position, at],
    )
    .await?;
    Ok(())
}

/// Closes the person's current wall-chart history row and opens one with their state now.
async fn snapshot_person(
    tx: &mut Tx,
    person: &str,
    position: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    tx.execute(
        "UPDATE rm_person_history SET valid_to = $2 WHERE person_id = $1 AND valid_to IS NULL",
        &args![person, at],
    )
    .await?;
    tx.execute(
        "INSERT INTO rm_person_history (person_id, from_position, campaign_id, level, organizer, follow_up, \
         status, valid_from, valid_to) SELECT person_id, $2, campaign_id, level, organizer, follow_up, status, \
         $3, NULL FROM rm_people WHERE person_id = $1 ON CONFLICT DO NOTHING",
        &args![person, position, at],
    )
    .await?;
    Ok(())
}

async fn person_units(tx: &mut Tx, person: &str) -> Result<Vec<UnitId>, sqlx::Error> {
    let rows = tx
        .fetch(
            "SELECT unit_id FROM rm_person_units WHERE person_id = $1 ORDER BY unit_id",
            &args![person],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let text = row.text("unit_id")?;
            UnitId::parse(&text).map_err(|error| sqlx::Error::Decode(Box::new(error)))
        })
        .collect()
}

async fn join_unit(
    tx: &mut Tx,
    person: &str,
    campaign: &str,
    unit: UnitId,
    position: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let inserted = tx
        .execute(
            "INSERT INTO rm_person_units (person_id, unit_id, campaign_id) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            &args![person, unit.to_string(), campaign],
        )
        .await?;
    if inserted > 0 {
        tx.execute(
            "INSERT INTO rm_person_unit_history (person_id, unit_id, from_position, campaign_id, valid_from, \
             valid_to) VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT DO NOTHING",
            &args![person, unit.to_string(), position, campaign, at],
        )
        .await?;
    }
    Ok(())
}

async fn add_contact_point(
    tx: &mut Tx,
    person: &str,
    point: &ContactPoint,
) -> Result<(), sqlx::Error> {
    let kind = match point.kind {
        domain::values::ContactKind::Email => "email",
        domain::values::ContactKind::Phone => "phone",
        domain::values::ContactKind::Postal => "postal",
    };
    tx.execute(
        "INSERT INTO rm_contact_points (contact_point_id, person_id, kind, label, value, do_not_contact) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (contact_point_id) DO NOTHING",
        &args![
            point.contact_point_id.to_string(),
            person,
            kind,
            contact_label_text(point.label),
            point.value.value().map(contact_value_text),
            point.do_not_contact,
        ],
    )
    .await?;
    Ok(())
}

async fn add_response(
    tx: &mut Tx,
    person: &str,
    campaign: &str,
    response: &FieldResponseRef,
) -> Result<(), sqlx::Error> {
    tx.execute(
        "INSERT INTO rm_person_responses (person_id, field_id, response_id, campaign_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
        &args![person, response.field_id.to_string(), response.response_id.to_string(), campaign],
    )
    .await?;
    Ok(())
}

async fn add_connection(
    tx: &mut Tx,
    person: &str,
    connection: &Connection,
) -> Result<(), sqlx::Error> {
    let (target_kind, target_id) = match connection.target {
        EntityRef::Person(target) => ("person", target.to_string()),
        EntityRef::Unit(target) => ("unit", target.to_string()),
    };
    tx.execute(
        "INSERT INTO rm_connections (connection_id, person_id, target_kind, target_id, kind, active) \
         VALUES ($1, $2, $3, $4, $5, TRUE) ON CONFLICT (connection_id) DO NOTHING",
        &args![connection.connection_id.to_string(), person, target_kind, target_id, connection.kind.as_str()],
    )
    .await?;
    Ok(())
}

async fn apply_person(
    tx: &mut Tx,
    envelope: &Envelope,
    event: &PersonEvent,
    effects: &mut BatchEffects,
) -> Result<(), sqlx::Error> {
    let person = envelope.stream_id.as_str();
    let position = envelope.position.position;
    let at = envelope.metadata.at;
    let existing = tx
        .fetch_optional(
            "SELECT campaign_id, chapter_id, last_position FROM rm_people WHERE person_id = $1",
            &args![person],
        )
        .await?;
    let (campaign, chapter) = match (&existing, event) {
        (Some(row), _) => {
            if row.int("last_position")? >= position {
                return Ok(());
            }
            (row.text("campaign_id")?, row.text("chapter_id")?)
        }
        (
            None,
            PersonEvent::PersonAddedToCampaign {
                campaign_id,
                chapter,
                name,
                preferred_language,
                ..
            },
        ) => {
            let name = name.value().map(ToString::to_string);
            tx.execute(
                "INSERT INTO rm_people (person_id, campaign_id, chapter_id, name, name_search, level, organizer, \
                 follow_up, status, merged_into, preferred_language, added_at, last_position) \
                 VALUES ($1, $2, $3, $4, $5, NULL, NULL, FALSE, 'active', NULL, $6, $7, $8)",
                &args![
                    person,
                    campaign_id.to_string(),
                    chapter.to_string(),
                    name.clone(),
                    name.map(|name| name.to_lowercase()),
                    preferred_language.as_ref().map(|language| language.as_str().to_string()),
                    at,
                    position,
                ],
            )
            .await?;
            snapshot_person(tx, person, position, at).await?;
            effects.changes.extend(person_cell(
                &chapter.to_string(),
                &campaign_id.to_string(),
                person,
            ));
            return Ok(());
        }
        // An event of a person the read model never saw added: nothing to attach it to.
        (None, _) => return Ok(()),
    };
    let mut cell_changed = false;
    let mut units_before = person_units(tx, person).await?;
    match event {
        PersonEvent::PersonAddedToCampaign { .. } => {}
        PersonEvent::PersonRenamed { name } => {
            let name = name.value().map(ToString::to_string);
            tx.execute(
                "UPDATE rm_people SET name = $2, name_search = $3 WHERE person_id = $1",
                &args![person, name.clone(), name.map(|name| name.to_lowercase())],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::ContactPointAdded(point) => add_contact_point(tx, person, point).await?,
        PersonEvent::ContactPointDoNotContactChanged {
            contact_point_id,
            do_not_contact,
        } => {
            tx.execute(
                "UPDATE rm_contact_points SET do_not_contact = $2 WHERE contact_point_id = $1",
                &args![contact_point_id.to_string(), *do_not_contact],
            )
            .await?;
        }
        PersonEvent::ContactPointRemoved { contact_point_id } => {
            tx.execute(
                "DELETE FROM rm_contact_points WHERE contact_point_id = $1",
                &args![contact_point_id.to_string()],
            )
            .await?;
        }
        PersonEvent::PreferredLanguageSet { language } => {
            tx.execute(
                "UPDATE rm_people SET preferred_language = $2 WHERE person_id = $1",
                &args![
                    person,
                    language
                        .as_ref()
                        .map(|language| language.as_str().to_string())
                ],
            )
            .await?;
        }
        PersonEvent::PersonJoinedUnit { unit_id } => {
            join_unit(tx, person, &campaign, *unit_id, position, at).await?;
            cell_changed = true;
        }
        PersonEvent::PersonLeftUnit { unit_id } => {
            tx.execute(
                "DELETE FROM rm_person_units WHERE person_id = $1 AND unit_id = $2",
                &args![person, unit_id.to_string()],
            )
            .await?;
            tx.execute(
                "UPDATE rm_person_unit_history SET valid_to = $3 WHERE person_id = $1 AND unit_id = $2 \
                 AND valid_to IS NULL",
                &args![person, unit_id.to_string(), at],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::PersonFieldResponseAdded(response) => {
            add_response(tx, person, &campaign, response).await?
        }
        PersonEvent::PersonFieldResponseRemoved(response) => {
            tx.execute(
                "DELETE FROM rm_person_responses WHERE person_id = $1 AND field_id = $2 AND response_id = $3",
                &args![person, response.field_id.to_string(), response.response_id.to_string()],
            )
            .await?;
        }
        PersonEvent::PersonFieldValueSet(_) | PersonEvent::PersonFieldValueCleared { .. } => {}
        PersonEvent::PersonAssessed {
            level,
            previous_level,
            assessed_by,
            at: assessed_at,
            ..
        } => {
            tx.execute(
                "UPDATE rm_people SET level = $2 WHERE person_id = $1",
                &args![person, level_arg(*level)],
            )
            .await?;
            tx.execute(
                "INSERT INTO rm_assessments (person_id, position, campaign_id, level, previous_level, assessed_by, \
                 assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    Arg::from(person),
                    Arg::from(position),
                    Arg::from(campaign.clone()),
                    level_arg(*level),
                    level_arg(*previous_level),
                    Arg::from(assessed_by.to_string()),
                    Arg::from(*assessed_at),
                ],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::ConnectionMade(connection) => add_connection(tx, person, connection).await?,
        PersonEvent::ConnectionDeactivated { connection_id } => {
            tx.execute(
                "UPDATE rm_connections SET active = FALSE WHERE connection_id = $1",
                &args![connection_id.to_string()],
            )
            .await?;
        }
        PersonEvent::OrganizerAssigned { organizer, .. } => {
            tx.execute(
                "UPDATE rm_people SET organizer = $2 WHERE person_id = $1",
                &args![person, organizer.to_string()],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::OrganizerUnassigned { .. } => {
            tx.execute(
                "UPDATE rm_people SET organizer = NULL WHERE person_id = $1",
                &args![person],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::FollowUpFlagged | PersonEvent::FollowUpCleared => {
            let flagged = matches!(event, PersonEvent::FollowUpFlagged);
            tx.execute(
                "UPDATE rm_people SET follow_up = $2 WHERE person_id = $1",
                &args![person, flagged],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::NoteAdded { .. } => {}
        PersonEvent::OneOnOneLogged {
            conversation_id,
            organizer,
            held_at,
            assessment,
            logged_by,
            ..
        } => {
            tx.execute(
                "INSERT INTO rm_one_on_ones (conversation_id, person_id, campaign_id, chapter_id, organizer, held_at, \
                 assessment, logged_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                &[
                    Arg::from(conversation_id.to_string()),
                    Arg::from(person),
                    Arg::from(campaign.clone()),
                    Arg::from(chapter.clone()),
                    Arg::from(organizer.to_string()),
                    Arg::from(*held_at),
                    level_arg(*assessment),
                    Arg::from(logged_by.to_string()),
                ],
            )
            .await?;
        }
        PersonEvent::StructureTestStepRecorded {
            test_id,
            step,
            recorded_by,
            ..
        } => {
            let test = test_id.to_string();
            tx.execute(
                "INSERT INTO rm_test_steps (test_id, person_id, campaign_id, step, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (test_id, person_id) DO UPDATE SET \
                 step = excluded.step, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                &args![test.clone(), person, campaign.clone(), status_text(*step), recorded_by.to_string(), at],
            )
            .await?;
            tx.execute(
                "UPDATE rm_test_step_history SET valid_to = $3 WHERE test_id = $1 AND person_id = $2 \
                 AND valid_to IS NULL",
                &args![test.clone(), person, at],
            )
            .await?;
            tx.execute(
                "INSERT INTO rm_test_step_history (test_id, person_id, from_position, campaign_id, step, valid_from, \
                 valid_to) VALUES ($1, $2, $3, $4, $5, $6, NULL) ON CONFLICT DO NOTHING",
                &args![test, person, position, campaign.clone(), status_text(*step), at],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::DuplicateMerged {
            contact_points,
            units,
            field_responses,
            connections,
            ..
        } => {
            for point in contact_points {
                add_contact_point(tx, person, point).await?;
            }
            for unit in units {
                join_unit(tx, person, &campaign, *unit, position, at).await?;
            }
            for response in field_responses {
                add_response(tx, person, &campaign, response).await?;
            }
            for connection in connections {
                add_connection(tx, person, connection).await?;
            }
            cell_changed = true;
        }
        PersonEvent::PersonMergedInto { survivor } => {
            tx.execute(
                "UPDATE rm_people SET status = 'merged', merged_into = $2 WHERE person_id = $1",
                &args![person, survivor.to_string()],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::PersonRemovedFromCampaign => {
            tx.execute(
                "UPDATE rm_people SET status = 'removed' WHERE person_id = $1",
                &args![person],
            )
            .await?;
            cell_changed = true;
        }
        PersonEvent::PersonForgotten => {
            // Every personal column of the person, in every read model, goes.
            tx.execute(
                "UPDATE rm_people SET status = 'forgotten', name = NULL, name_search = NULL WHERE person_id = $1",
                &args![person],
            )
            .await?;
            tx.execute(
                "UPDATE rm_contact_points SET value = NULL WHERE person_id = $1",
                &args![person],
            )
            .await?;
            effects.erased = true;
            cell_changed = true;
        }
    }
    tx.execute(
        "UPDATE rm_people SET last_position = $2 WHERE person_id = $1",
        &args![person, position],
    )
    .await?;
    if cell_changed {
        snapshot_person(tx, person, position, at).await?;
        effects
            .changes
            .extend(person_cell(&chapter, &campaign, person));
        units_before.extend(person_units(tx, person).await?);
        // A unit's figures include its sub-units' people, so every ancestor's figures changed too.
        let mut touched: BTreeSet<UnitId> = BTreeSet::new();
        let mut pending = units_before;
        while let Some(unit) = pending.pop() {
            if !touched.insert(unit) {
                continue;
            }
            if let Some(row) = tx
                .fetch_optional(
                    "SELECT parent_id FROM rm_units WHERE unit_id = $1",
                    &args![unit.to_string()],
                )
                .await?
            {
                if let Some(parent) = row
                    .opt_text("parent_id")?
                    .and_then(|parent| UnitId::parse(&parent).ok())
                {
                    pending.push(parent);
                }
            }
        }
        for unit in touched {
            if let (Ok(chapter), Ok(campaign)) =
                (ChapterId::parse(&chapter), CampaignId::parse(&campaign))
            {
                effects.changes.insert(ReadModelChange::UnitFigures {
                    chapter,
                    campaign,
                    unit,
                });
            }
        }
    }
    Ok(())
}

fn person_cell(chapter: &str, campaign: &str, person: &str) -> Option<ReadModelChange> {
    Some(ReadModelChange::PersonCell {
        chapter: ChapterId::parse(chapter).ok()?,
        campaign: CampaignId::parse(campaign).ok()?,
        person: PersonId::parse(person).ok()?,
    })
}

async fn apply_task(
    tx: &mut Tx,
    envelope: &Envelope,
    event: &TaskEvent,
    effects: &mut BatchEffects,
) -> Result<(), sqlx::Error> {
    let task = envelope.stream_id.as_str();
    let position = envelope.position.position;
    let at = envelope.metadata.at;
    let existing = tx
        .fetch_optional(
            "SELECT chapter_id, campaign_id, assignee, last_position FROM rm_tasks WHERE task_id = $1",
            &args![task],
        )
        .await?;
    let mut previous_assignee = None;
    if let Some(row) = &existing {
        if row.int("last_position")? >= position {
            return Ok(());
        }
        previous_assignee = UserId::parse(&row.text("assignee")?).ok();
    }
    match event {
        TaskEvent::TaskAssigned {
            campaign_id,
            chapter,
            kind,
            title,
            assignee,
            subjects,
            due,
            assigned_by,
            ..
        } => {
            tx.execute(
                "INSERT INTO rm_tasks (task_id, campaign_id, chapter_id, kind, title, assignee, assigned_by, due, \
                 status, created_at, updated_at, last_position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9, $10) ON CONFLICT (task_id) DO NOTHING",
                &args![
                    task,
                    campaign_id.to_string(),
                    chapter.to_string(),
                    task_kind_text(*kind),
                    title.as_str(),
                    assignee.to_string(),
                    assigned_by.to_string(),
                    *due,
                    at,
                    position,
                ],
            )
            .await?;
            for subject in subjects {
                tx.execute(
                    "INSERT INTO rm_task_subjects (task_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &args![task, subject.to_string()],
                )
                .await?;
            }
        }
        TaskEvent::TaskReassigned { assignee, .. } => {
            tx.execute(
                "UPDATE rm_tasks SET assignee = $2 WHERE task_id = $1",
                &args![task, assignee.to_string()],
            )
            .await?;
        }
        TaskEvent::TaskDueDateChanged { due, .. } => {
            tx.execute(
                "UPDATE rm_tasks SET due = $2 WHERE task_id = $1",
                &args![task, *due],
            )
            .await?;
        }
        TaskEvent::TaskCompleted { .. }
        | TaskEvent::TaskCancelled { .. }
        | TaskEvent::TaskReopened { .. } => {
            let status = match event {
                TaskEvent::TaskCompleted { .. } => TaskStatus::Done,
                TaskEvent::TaskCancelled { .. } => TaskStatus::Cancelled,
                _ => TaskStatus::Open,
            };
            tx.execute(
                "UPDATE rm_tasks SET status = $2 WHERE task_id = $1",
                &args![task, task_status_text(status)],
            )
            .await?;
        }
    }
    tx.execute(
        "UPDATE rm_tasks SET last_position = $2, updated_at = $3 WHERE task_id = $1",
        &args![task, position, at],
    )
    .await?;
    if let Some(row) = tx
        .fetch_optional(
            "SELECT chapter_id, campaign_id, assignee FROM rm_tasks WHERE task_id = $1",
            &args![task],
        )
        .await?
    {
        let change = (|| -> Result<ReadModelChange, Box<dyn std::error::Error + Send + Sync>> {
            Ok(ReadModelChange::Task {
                chapter: ChapterId::parse(&row.text("chapter_id")?)?,
                campaign: CampaignId::parse(&row.text("campaign_id")?)?,
                task: TaskId::parse(task)?,
                assignee: UserId::parse(&row.text("assignee")?)?,
                previous_assignee,
            })
        })();
        if let Ok(change) = change {
            effects.changes.insert(change);
        }
    }
    Ok(())
}

async fn apply_structure_test(
    tx: &mut Tx,
    envelope: &Envelope,
    event: &StructureTestEvent,
) -> Result<(), sqlx::Error> {
    let test = envelope.stream_id.as_str();
    let position = envelope.position.position;
    let applied = last_position(
        tx,
        "SELECT last_position FROM rm_structure_tests WHERE test_id = $1",
        test,
    )
    .await?;
    if applied.is_some_and(|applied| applied >= position) {
        return Ok(());
    }
    match event {
        StructureTestEvent::StructureTestCreated {
            campaign_id,
            chapter,
            name,
            scope,
            goal,
            deadline,
            ..
        } => {
            tx.execute(
                "INSERT INTO rm_structure_tests (test_id, campaign_id, chapter_id, name, goal_percent, deadline, \
                 closed, created_at, last_position) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8) \
                 ON CONFLICT (test_id) DO NOTHING",
                &args![
                    test,
                    campaign_id.to_string(),
                    chapter.to_string(),
                    name.as_str(),
                    i64::from(goal.percent()),
                    Some(*deadline),
                    envelope.metadata.at,
                    position,
                ],
            )
            .await?;
            for unit in scope {
                tx.execute(
                    "INSERT INTO rm_structure_test_units (test_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &args![test, unit.to_string()],
                )
                .await?;
            }
        }
        StructureTestEvent::StructureTestRenamed { name } => {
            tx.execute(
                "UPDATE rm_structure_tests SET name = $2 WHERE test_id = $1",
                &args![test, name.as_str()],
            )
            .await?;
        }
        StructureTestEvent::StructureTestDeadlineChanged { deadline, .. } => {
            tx.execute(
                "UPDATE rm_structure_tests SET deadline = $2 WHERE test_id = $1",
                &args![test, Some(*deadline)],
            )
            .await?;
        }
        StructureTestEvent::StructureTestClosed => {
            tx.execute(
                "UPDATE rm_structure_tests SET closed = TRUE WHERE test_id = $1",
                &args![test],
            )
            .await?;
        }
    }
    tx.execute(
        "UPDATE rm_structure_tests SET last_position = $2 WHERE test_id = $1",
        &args![test, position],
    )
    .await?;
    Ok(())
}

/// The activity feed: one row per event, found by campaign, actor, kind and time. The campaign of a person,
/// task or test event is looked up in the feed itself (from the event that created the aggregate), so this
/// projection depends on no other.
async fn apply_activity(tx: &mut Tx, envelope: &Envelope) -> Result<(), sqlx::Error> {
    let stream = envelope.stream_id.clone();
    let (campaign, person, task, test): (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = match &envelope.payload {
        Payload::Chapter(_) => (None, None, None, None),
        Payload::Campaign(_) => (Some(stream), None, None, None),
        Payload::Person(event) => {
            let campaign = match event.as_ref() {
                PersonEvent::PersonAddedToCampaign { campaign_id, .. } => {
                    Some(campaign_id.to_string())
                }
                _ => lookup_campaign(tx, "person_id", &stream).await?,
            };
            (campaign, Some(stream), None, None)
        }
        Payload::Task(event) => {
            let campaign = match event {
                TaskEvent::TaskAssigned { campaign_id, .. } => Some(campaign_id.to_string()),
                _ => lookup_campaign(tx, "task_id", &stream).await?,
            };
            (campaign, None, Some(stream), None)
        }
        Payload::StructureTest(event) => {
            let campaign = match event {
                StructureTestEvent::StructureTestCreated { campaign_id, .. } => {
                    Some(campaign_id.to_string())
                }
                _ => lookup_campaign(tx, "test_id", &stream).await?,
            };
            (campaign, None, None, Some(stream))
        }
    };
    tx.execute(
        "INSERT INTO rm_activity (position, tx, chapter_id, campaign_id, actor, at, kind, person_id, task_id, \
         test_id, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
        &args![
            envelope.position.position,
            envelope.position.tx,
            envelope.metadata.chapter.to_string(),
            campaign,
            envelope.metadata.actor.to_string(),
            envelope.metadata.at,
            envelope.event_type.as_str(),
            person,
            task,
            test,
            summary(&envelope.payload),
        ],
    )
    .await?;
    Ok(())
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
                ..
            } => {
                format!(
                    "assessed: {} → {}",
                    level_text(previous_level),
                    level_text(level)
                )
            }
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
                previous_step.map_or("not asked", status_text),
                status_text(*step)
            ),
            PersonEvent::PersonMergedInto { survivor } => format!("merged into {survivor}"),
            PersonEvent::DuplicateMerged { duplicate, .. } => {
                format!("absorbed duplicate {duplicate}")
            }
            PersonEvent::PersonRemovedFromCampaign => "removed from the campaign".to_string(),
            PersonEvent::PersonForgotten => "forgotten".to_string(),
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
