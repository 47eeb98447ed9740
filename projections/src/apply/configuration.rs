//! Campaign and structure-test events: configuration, few and far between, so they are applied one by one
//! as they come, each guarded by its aggregate's `last_position`.

use crate::events::Envelope;
use domain::campaign::CampaignEvent;
use domain::ids::UnitId;
use domain::structure_test::StructureTestEvent;
use store::sql::{args, Tx};

async fn last_position(tx: &mut Tx, sql: &str, id: &str) -> Result<Option<i64>, sqlx::Error> {
    match tx.fetch_optional(sql, &args![id]).await? {
        Some(row) => Ok(Some(row.int("last_position")?)),
        None => Ok(None),
    }
}

pub(super) async fn apply_campaign(
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

pub(super) async fn apply_structure_test(
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
    // The test as it stands from now on, so `structureTest(asOf)` shows its name, deadline and closed
    // state as they were.
    let at = envelope.metadata.at;
    tx.execute(
        "UPDATE rm_structure_test_history SET valid_to = $2 WHERE test_id = $1 AND valid_to IS NULL",
        &args![test, at],
    )
    .await?;
    tx.execute(
        "INSERT INTO rm_structure_test_history (test_id, from_position, name, deadline, closed, valid_from, valid_to) \
         SELECT test_id, $2, name, deadline, closed, $3, NULL FROM rm_structure_tests WHERE test_id = $1 \
         ON CONFLICT DO NOTHING",
        &args![test, position, at],
    )
    .await?;
    Ok(())
}
