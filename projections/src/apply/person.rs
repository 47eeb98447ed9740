//! How person events change a person's rows within a batch ([`CampaignsBatch::person`]): one small function
//! per family of events (contact points, units, responses, assessments, connections, structure-test steps,
//! forgetting); the one-line ones stay in the match. Each says whether the person's wall-chart cell changed.

use super::batch::{person_cell, person_responses, CampaignsBatch, PersonState};
use super::rows::{
    self, AssessmentRow, ConnectionRecord, ContactPointRecord, OneOnOneRow, PersonHistoryRow,
    PersonRecord, PersonUnitHistoryRow, TestStepHistoryRow, TestStepRecord,
};
use super::BatchEffects;
use crate::codec::{StoredEnum, TargetKind};
use crate::events::Envelope;
use crate::read::PersonStatusView;
use chrono::{DateTime, Utc};
use domain::ids::{ConnectionId, ContactPointId, StructureTestId, UnitId, UserId};
use domain::person::{Connection, ContactPoint, FieldResponseRef, PersonEvent};
use domain::values::{AssessmentLevel, ContactValue, EntityRef, PersonName, StepKind};
use store::sql::{args, Tx};

/// The event being applied to a person: whose, and where it stands in the log and in time.
#[derive(Clone, Copy)]
struct Applying<'a> {
    person: &'a str,
    position: i64,
    at: DateTime<Utc>,
}

/// Whether an event changed the person's wall-chart cell (their figures, units or step).
type CellChanged = bool;

fn level(level: Option<AssessmentLevel>) -> Option<i64> {
    level.map(|level| i64::from(level.get()))
}

/// The family name then the given name, folded: how wall charts order people.
fn sort_name(name: &PersonName) -> String {
    crate::fold::fold(format!("{} {}", name.family(), name.given()).trim_start())
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

impl CampaignsBatch {
    /// Folds a person event into the person's rows. Events older than the person's row are passed over;
    /// events of a person the read model never saw added change nothing.
    pub(super) async fn person(
        &mut self,
        tx: &mut Tx,
        envelope: &Envelope,
        event: &PersonEvent,
        effects: &mut BatchEffects,
    ) -> Result<(), sqlx::Error> {
        let applying = Applying {
            person: envelope.stream_id.as_str(),
            position: envelope.position.position,
            at: envelope.metadata.at,
        };
        let person = applying.person;
        let mut state = match self.people.remove(person) {
            Some(state) if state.row.last_position >= applying.position => {
                self.people.insert(person.to_string(), state);
                return Ok(());
            }
            Some(state) => state,
            None => {
                // Any other event of a person the read model never saw added has nothing to attach to.
                if let PersonEvent::PersonAddedToCampaign {
                    campaign_id,
                    chapter,
                    name,
                    preferred_language,
                    ..
                } = event
                {
                    let row = PersonRecord {
                        campaign_id: campaign_id.to_string(),
                        chapter_id: chapter.to_string(),
                        name: name.value().map(ToString::to_string),
                        level: None,
                        organizer: None,
                        follow_up: false,
                        status: PersonStatusView::Active,
                        merged_into: None,
                        preferred_language: preferred_language
                            .as_ref()
                            .map(|language| language.as_str().to_string()),
                        added_at: applying.at,
                        last_position: applying.position,
                        sort_name: name.value().map(sort_name),
                    };
                    self.add_person(applying, row, effects);
                }
                return Ok(());
            }
        };
        let units_before = state.units.clone();
        let cell_changed = match event {
            PersonEvent::PersonAddedToCampaign { .. } => false,
            PersonEvent::PersonRenamed { name } => {
                state.row.name = name.value().map(ToString::to_string);
                state.row.sort_name = name.value().map(sort_name);
                true
            }
            PersonEvent::PreferredLanguageSet { language } => {
                state.row.preferred_language = language
                    .as_ref()
                    .map(|language| language.as_str().to_string());
                // Not on the wall chart, but `asOf` shows the language as it was: a new history row.
                self.snapshot_person(applying, &state.row);
                false
            }
            PersonEvent::ContactPointAdded(point) => {
                self.add_contact_point(person, point);
                false
            }
            PersonEvent::ContactPointDoNotContactChanged {
                contact_point_id,
                do_not_contact,
            } => {
                self.do_not_contact(tx, *contact_point_id, *do_not_contact)
                    .await?
            }
            PersonEvent::ContactPointRemoved { contact_point_id } => {
                self.remove_contact_point(tx, *contact_point_id).await?
            }
            PersonEvent::PersonJoinedUnit { unit_id } => {
                self.join_unit(applying, &mut state, *unit_id);
                true
            }
            PersonEvent::PersonLeftUnit { unit_id } => {
                self.leave_unit(applying, &mut state, *unit_id)
            }
            PersonEvent::PersonFieldResponseAdded(response) => {
                self.add_response(person, &state.row.campaign_id, response);
                effects.changes.extend(person_responses(
                    &state.row.chapter_id,
                    &state.row.campaign_id,
                    person,
                ));
                false
            }
            PersonEvent::PersonFieldResponseRemoved(response) => {
                effects.changes.extend(person_responses(
                    &state.row.chapter_id,
                    &state.row.campaign_id,
                    person,
                ));
                self.remove_response(tx, person, response).await?
            }
            // Field values are not projected.
            PersonEvent::PersonFieldValueSet(_) | PersonEvent::PersonFieldValueCleared { .. } => {
                false
            }
            PersonEvent::PersonAssessed {
                level,
                previous_level,
                assessed_by,
                at,
                becomes_current,
                ..
            } => self.assess(
                applying,
                &mut state,
                Assessment {
                    level: *level,
                    previous_level: *previous_level,
                    assessed_by: *assessed_by,
                    at: *at,
                    becomes_current: *becomes_current,
                },
            ),
            PersonEvent::OrganizerAssigned { organizer, .. } => {
                state.row.organizer = Some(organizer.to_string());
                true
            }
            PersonEvent::OrganizerUnassigned { .. } => {
                state.row.organizer = None;
                true
            }
            PersonEvent::FollowUpFlagged | PersonEvent::FollowUpCleared => {
                state.row.follow_up = matches!(event, PersonEvent::FollowUpFlagged);
                true
            }
            // Notes are never projected (they are read from the person's sealed stream).
            PersonEvent::NoteAdded { .. } => false,
            PersonEvent::OneOnOneLogged {
                conversation_id,
                organizer,
                held_at,
                assessment,
                logged_by,
                issues,
                ..
            } => {
                self.one_on_ones.push(OneOnOneRow {
                    conversation_id: conversation_id.to_string(),
                    person_id: person.to_string(),
                    campaign_id: state.row.campaign_id.clone(),
                    chapter_id: state.row.chapter_id.clone(),
                    organizer: organizer.to_string(),
                    held_at: *held_at,
                    assessment: level(*assessment),
                    logged_by: logged_by.to_string(),
                    logged_at: applying.at,
                    issues: issues
                        .iter()
                        .map(|issue| format!("{}:{}", issue.field_id, issue.response_id))
                        .collect::<Vec<_>>()
                        .join(","),
                });
                // The cell's last contact may have moved: subscribers read the cell again. Levels and
                // figures are not touched (an assessment given in the 1:1 is an event of its own).
                effects.changes.extend(person_cell(
                    &state.row.chapter_id,
                    &state.row.campaign_id,
                    person,
                ));
                false
            }
            PersonEvent::ConnectionMade(connection) => {
                self.add_connection(applying, &state.row.campaign_id, connection);
                if let EntityRef::Person(target) = connection.target {
                    if crate::read::organizes(connection.kind.as_str()) {
                        self.touch_units_of(tx, &state.row, &target.to_string())
                            .await?;
                    }
                }
                false
            }
            PersonEvent::ConnectionDeactivated { connection_id } => {
                let led = self.led_by_connection(tx, *connection_id).await?;
                if let Some(target) = led {
                    self.touch_units_of(tx, &state.row, &target).await?;
                }
                self.deactivate_connection(tx, applying, *connection_id)
                    .await?
            }
            PersonEvent::StructureTestStepRecorded {
                test_id,
                step,
                recorded_by,
                ..
            } => self.record_step(applying, &state, *test_id, *step, *recorded_by),
            PersonEvent::DuplicateMerged {
                contact_points,
                units,
                field_responses,
                connections,
                ..
            } => {
                for point in contact_points {
                    self.add_contact_point(person, point);
                }
                for unit in units {
                    self.join_unit(applying, &mut state, *unit);
                }
                for response in field_responses {
                    self.add_response(person, &state.row.campaign_id, response);
                }
                for connection in connections {
                    self.add_connection(applying, &state.row.campaign_id, connection);
                }
                true
            }
            PersonEvent::PersonMergedInto { survivor } => {
                state.row.status = PersonStatusView::Merged;
                state.row.merged_into = Some(survivor.to_string());
                self.touch_units_led_by(tx, &state.row, person).await?;
                true
            }
            PersonEvent::PersonRemovedFromCampaign => {
                state.row.status = PersonStatusView::Removed;
                self.touch_units_led_by(tx, &state.row, person).await?;
                true
            }
            PersonEvent::PersonExternalIdSet { system, value } => {
                match value.as_ref().and_then(|value| value.value()) {
                    Some(value) => {
                        tx.execute(
                            "INSERT INTO rm_person_external_ids (person_id, system, campaign_id, value) \
                             VALUES ($1, $2, $3, $4) ON CONFLICT (person_id, system) \
                             DO UPDATE SET value = excluded.value",
                            &args![person, system.as_str(), &state.row.campaign_id, value.as_str()],
                        )
                        .await?;
                    }
                    // Cleared, or sealed with a key that was destroyed since: no id to look up.
                    None => {
                        tx.execute(
                            "DELETE FROM rm_person_external_ids WHERE person_id = $1 AND system = $2",
                            &args![person, system.as_str()],
                        )
                        .await?;
                    }
                }
                false
            }
            PersonEvent::PersonForgotten => {
                self.touch_units_led_by(tx, &state.row, person).await?;
                self.forget(tx, person, &mut state).await?;
                effects.erased = true;
                true
            }
        };
        state.row.last_position = applying.position;
        if cell_changed {
            self.cell_changed(applying, &state, units_before, effects);
        }
        self.people.insert(person.to_string(), state);
        Ok(())
    }

    /// A person new to the read model: their row, their first history row, their cell.
    fn add_person(
        &mut self,
        applying: Applying<'_>,
        row: PersonRecord,
        effects: &mut BatchEffects,
    ) {
        let person = applying.person;
        self.person_history.new_key(vec![person.to_string()]);
        self.snapshot_person(applying, &row);
        effects
            .changes
            .extend(person_cell(&row.chapter_id, &row.campaign_id, person));
        self.people
            .insert(person.to_string(), PersonState::added(row));
    }

    /// The cell changed: a new history row, a `PersonCell` change, and the units (before and after) whose
    /// figures changed.
    fn cell_changed(
        &mut self,
        applying: Applying<'_>,
        state: &PersonState,
        units_before: std::collections::BTreeSet<String>,
        effects: &mut BatchEffects,
    ) {
        let row = &state.row;
        self.snapshot_person(applying, row);
        effects.changes.extend(person_cell(
            &row.chapter_id,
            &row.campaign_id,
            applying.person,
        ));
        let touched = self
            .touched_units
            .entry((row.chapter_id.clone(), row.campaign_id.clone()))
            .or_default();
        touched.extend(units_before);
        touched.extend(state.units.iter().cloned());
    }

    /// Closes the person's open history row and opens one with `row` from now on.
    fn snapshot_person(&mut self, applying: Applying<'_>, row: &PersonRecord) {
        let key = vec![applying.person.to_string()];
        self.person_history.close(&key, applying.at);
        self.person_history.open(
            key,
            PersonHistoryRow {
                person_id: applying.person.to_string(),
                from_position: applying.position,
                campaign_id: row.campaign_id.clone(),
                level: row.level,
                organizer: row.organizer.clone(),
                follow_up: row.follow_up,
                status: row.status,
                valid_from: applying.at,
                valid_to: None,
                name: row.name.clone(),
                preferred_language: row.preferred_language.clone(),
                sort_name: row.sort_name.clone(),
            },
        );
    }

    fn add_contact_point(&mut self, person: &str, point: &ContactPoint) {
        self.contact_points
            .entry(point.contact_point_id.to_string())
            .or_insert_with(|| ContactPointRecord {
                person: person.to_string(),
                kind: point.kind,
                label: point.label,
                value: point.value.value().map(contact_value_text),
                do_not_contact: point.do_not_contact,
            });
    }

    async fn do_not_contact(
        &mut self,
        tx: &mut Tx,
        contact_point: ContactPointId,
        do_not_contact: bool,
    ) -> Result<CellChanged, sqlx::Error> {
        let id = contact_point.to_string();
        if let Some(point) = self.contact_points.get_mut(&id) {
            point.do_not_contact = do_not_contact;
        }
        tx.execute(
            "UPDATE rm_contact_points SET do_not_contact = $2 WHERE contact_point_id = $1",
            &args![id, do_not_contact],
        )
        .await?;
        Ok(false)
    }

    async fn remove_contact_point(
        &mut self,
        tx: &mut Tx,
        contact_point: ContactPointId,
    ) -> Result<CellChanged, sqlx::Error> {
        let id = contact_point.to_string();
        self.contact_points.remove(&id);
        tx.execute(
            "DELETE FROM rm_contact_points WHERE contact_point_id = $1",
            &args![id],
        )
        .await?;
        Ok(false)
    }

    fn join_unit(&mut self, applying: Applying<'_>, state: &mut PersonState, unit: UnitId) {
        let unit = unit.to_string();
        if state.units.insert(unit.clone()) {
            self.membership_history.open(
                vec![applying.person.to_string(), unit.clone()],
                PersonUnitHistoryRow {
                    person_id: applying.person.to_string(),
                    unit_id: unit,
                    from_position: applying.position,
                    campaign_id: state.row.campaign_id.clone(),
                    valid_from: applying.at,
                    valid_to: None,
                },
            );
        }
    }

    fn leave_unit(
        &mut self,
        applying: Applying<'_>,
        state: &mut PersonState,
        unit: UnitId,
    ) -> CellChanged {
        let unit = unit.to_string();
        state.units.remove(&unit);
        self.membership_history
            .close(&vec![applying.person.to_string(), unit], applying.at);
        true
    }

    fn add_response(&mut self, person: &str, campaign: &str, response: &FieldResponseRef) {
        self.responses
            .entry((
                person.to_string(),
                response.field_id.to_string(),
                response.response_id.to_string(),
            ))
            .or_insert_with(|| campaign.to_string());
    }

    async fn remove_response(
        &mut self,
        tx: &mut Tx,
        person: &str,
        response: &FieldResponseRef,
    ) -> Result<CellChanged, sqlx::Error> {
        let key = (
            person.to_string(),
            response.field_id.to_string(),
            response.response_id.to_string(),
        );
        self.responses.remove(&key);
        tx.execute(
            "DELETE FROM rm_person_responses WHERE person_id = $1 AND field_id = $2 AND response_id = $3",
            &args![key.0, key.1, key.2],
        )
        .await?;
        Ok(false)
    }

    /// Every assessment is kept in the history at its own date of record; only one that becomes current
    /// (the domain decided it, ADR 12) changes the person's level and their cell on the wall chart.
    fn assess(
        &mut self,
        applying: Applying<'_>,
        state: &mut PersonState,
        assessment: Assessment,
    ) -> CellChanged {
        if assessment.becomes_current {
            state.row.level = level(assessment.level);
        }
        self.assessments.push(AssessmentRow {
            person_id: applying.person.to_string(),
            position: applying.position,
            campaign_id: state.row.campaign_id.clone(),
            level: level(assessment.level),
            previous_level: level(assessment.previous_level),
            assessed_by: assessment.assessed_by.to_string(),
            assessed_at: assessment.at,
            recorded_at: applying.at,
        });
        assessment.becomes_current
    }

    /// A connection made by the person (or absorbed from a duplicate: then it is the survivor's from now
    /// on in its history, which the wall chart's coverage by leaders reads).
    fn add_connection(&mut self, applying: Applying<'_>, campaign: &str, connection: &Connection) {
        let person = applying.person;
        let (target_kind, target_id) = match connection.target {
            EntityRef::Person(target) => (TargetKind::Person, target.to_string()),
            EntityRef::Unit(target) => (TargetKind::Unit, target.to_string()),
        };
        let key = vec![connection.connection_id.to_string()];
        self.connection_history.close(&key, applying.at);
        self.connection_history.open(
            key,
            rows::ConnectionHistoryRow {
                connection_id: connection.connection_id.to_string(),
                from_position: applying.position,
                person_id: person.to_string(),
                campaign_id: campaign.to_string(),
                target_kind,
                target_id: target_id.clone(),
                kind: connection.kind.as_str().to_string(),
                valid_from: applying.at,
                valid_to: None,
            },
        );
        self.connections
            .entry(connection.connection_id.to_string())
            .or_insert_with(|| ConnectionRecord {
                person: person.to_string(),
                target_kind,
                target_id,
                kind: connection.kind.as_str().to_string(),
                active: true,
            });
    }

    /// The person a connection to a person of an organizing kind leads (`None` for any other connection).
    async fn led_by_connection(
        &self,
        tx: &mut Tx,
        connection: ConnectionId,
    ) -> Result<Option<String>, sqlx::Error> {
        let id = connection.to_string();
        let (target_kind, target_id, kind) = match self.connections.get(&id) {
            Some(record) => (
                record.target_kind,
                record.target_id.clone(),
                record.kind.clone(),
            ),
            None => {
                let Some(row) = tx
                    .fetch_optional(
                        "SELECT target_kind, target_id, kind FROM rm_connections WHERE connection_id = $1",
                        &args![id],
                    )
                    .await?
                else {
                    return Ok(None);
                };
                let target_kind = if row.text("target_kind")? == TargetKind::Person.as_str() {
                    TargetKind::Person
                } else {
                    TargetKind::Unit
                };
                (target_kind, row.text("target_id")?, row.text("kind")?)
            }
        };
        Ok(
            (target_kind == TargetKind::Person && crate::read::organizes(&kind))
                .then_some(target_id),
        )
    }

    /// The figures of `target`'s units change with who leads them (`uncoveredCountingLeaders`): they are
    /// touched like the units of a changed cell, so their `UnitFigures` change is published.
    async fn touch_units_of(
        &mut self,
        tx: &mut Tx,
        leader: &PersonRecord,
        target: &str,
    ) -> Result<(), sqlx::Error> {
        let units: Vec<String> = match self.people.get(target) {
            Some(state) => state.units.iter().cloned().collect(),
            None => tx
                .fetch(
                    "SELECT unit_id FROM rm_person_units WHERE person_id = $1",
                    &args![target],
                )
                .await?
                .iter()
                .map(|row| row.text("unit_id"))
                .collect::<Result<_, _>>()?,
        };
        self.touched_units
            .entry((leader.chapter_id.clone(), leader.campaign_id.clone()))
            .or_default()
            .extend(units);
        Ok(())
    }

    /// A worker-leader who stops being an active person of the campaign (removed, merged or forgotten)
    /// leads no one from then on: the figures of the units of everyone they led change
    /// (`uncoveredCountingLeaders`), so those units are touched and their `UnitFigures` change is published.
    /// The people led are those of the leader's open connections of an organizing kind, stored or made in
    /// this batch; one closed earlier in the batch may be counted too, which only announces figures that
    /// did not change.
    async fn touch_units_led_by(
        &mut self,
        tx: &mut Tx,
        leader: &PersonRecord,
        person: &str,
    ) -> Result<(), sqlx::Error> {
        let mut led: std::collections::BTreeSet<String> = self
            .connections
            .values()
            .filter(|connection| {
                connection.person == person
                    && connection.active
                    && connection.target_kind == TargetKind::Person
                    && crate::read::organizes(&connection.kind)
            })
            .map(|connection| connection.target_id.clone())
            .collect();
        let stored = tx
            .fetch(
                "SELECT target_id, kind FROM rm_connection_history \
                 WHERE person_id = $1 AND valid_to IS NULL AND target_kind = $2",
                &args![person, TargetKind::Person.as_str()],
            )
            .await?;
        for row in stored {
            if crate::read::organizes(&row.text("kind")?) {
                led.insert(row.text("target_id")?);
            }
        }
        led.remove(person);

        for target in led {
            self.touch_units_of(tx, leader, &target).await?;
        }
        Ok(())
    }

    async fn deactivate_connection(
        &mut self,
        tx: &mut Tx,
        applying: Applying<'_>,
        connection: ConnectionId,
    ) -> Result<CellChanged, sqlx::Error> {
        let id = connection.to_string();
        self.connection_history
            .close(&vec![id.clone()], applying.at);
        if let Some(connection) = self.connections.get_mut(&id) {
            connection.active = false;
        }
        tx.execute(
            "UPDATE rm_connections SET active = FALSE WHERE connection_id = $1",
            &args![id],
        )
        .await?;
        Ok(false)
    }

    /// The person's latest step in a test, and its history.
    fn record_step(
        &mut self,
        applying: Applying<'_>,
        state: &PersonState,
        test: StructureTestId,
        step: StepKind,
        recorded_by: UserId,
    ) -> CellChanged {
        let test = test.to_string();
        let person = applying.person;
        let campaign = &state.row.campaign_id;
        self.test_steps.insert(
            (test.clone(), person.to_string()),
            TestStepRecord {
                campaign_id: campaign.clone(),
                step,
                recorded_by: recorded_by.to_string(),
                recorded_at: applying.at,
            },
        );
        let key = vec![test.clone(), person.to_string()];
        self.step_history.close(&key, applying.at);
        self.step_history.open(
            key,
            TestStepHistoryRow {
                test_id: test,
                person_id: person.to_string(),
                from_position: applying.position,
                campaign_id: campaign.clone(),
                step,
                valid_from: applying.at,
                valid_to: None,
            },
        );
        true
    }

    /// Every personal column of the person, in every read model, goes.
    async fn forget(
        &mut self,
        tx: &mut Tx,
        person: &str,
        state: &mut PersonState,
    ) -> Result<(), sqlx::Error> {
        state.row.status = PersonStatusView::Forgotten;
        state.row.name = None;
        state.row.sort_name = None;
        for point in self.contact_points.values_mut() {
            if point.person == person {
                point.value = None;
            }
        }
        tx.execute(
            "UPDATE rm_contact_points SET value = NULL WHERE person_id = $1",
            &args![person],
        )
        .await?;
        tx.execute(
            "DELETE FROM rm_person_external_ids WHERE person_id = $1",
            &args![person],
        )
        .await?;
        // The name through time is personal too: the stored rows and the batch's own.
        tx.execute(
            "UPDATE rm_person_history SET name = NULL, sort_name = NULL WHERE person_id = $1",
            &args![person],
        )
        .await?;
        self.person_history.for_each_row(|row| {
            if row.person_id == person {
                row.name = None;
                row.sort_name = None;
            }
        });
        Ok(())
    }
}

/// One `PersonAssessed` event's content, as the projection needs it.
struct Assessment {
    level: Option<AssessmentLevel>,
    previous_level: Option<AssessmentLevel>,
    assessed_by: UserId,
    at: DateTime<Utc>,
    becomes_current: bool,
}
