//! Everything about one person, live or as of a moment: their wall-chart state, units, steps, assessments,
//! 1:1s, tasks and history, read together.

use super::sql::{
    campaign_id, decode_error, end_of_day, field_id, opt_level, opt_person_id, opt_user_id,
    person_id, response_id, stored, test_id, unit_id, user_id, valid_at, Sql,
};
use super::views::{
    AssessmentView, ConnectionView, ContactPointView, OneOnOneView, PageRequest, PersonDetail,
    PersonStatusView, StepView, TaskFilter, UnitLabel, MAX_PAGE_SIZE,
};
use super::ReadModels;
use crate::error::ProjectionError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{
    ChapterId, ConnectionId, ContactPointId, ConversationId, FieldId, PersonId, ResponseId, UnitId,
};
use store::sql::{args, Arg};

impl ReadModels {
    /// One person of the caller's chapter, live or as of a moment (their name, language, wall-chart state,
    /// units, steps, assessments, 1:1s and history; contact points, responses, connections and tasks are
    /// today's). A moment cuts every part at the time the log recorded it (the event's time), so a 1:1
    /// held earlier but logged after the moment is in none of them.
    pub async fn person(
        &self,
        chapter: ChapterId,
        person: PersonId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<PersonDetail>, ProjectionError> {
        let id = person.to_string();
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT person_id, campaign_id, name, status, merged_into, preferred_language, level, organizer, \
                 follow_up, CASE WHEN EXISTS (SELECT 1 FROM forgotten_people f \
                 WHERE f.person_id = rm_people.person_id) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END \
                 AS forgotten \
                 FROM rm_people WHERE person_id = $1 AND chapter_id = $2",
                &args![id.clone(), chapter.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        // Forgotten in the log, whether or not the read models have caught up (ADR 19).
        let forgotten = row.int("forgotten")? != 0;
        let mut detail = PersonDetail {
            person_id: person,
            campaign_id: campaign_id(&row, "campaign_id")?,
            name: row.opt_text("name")?,
            status: stored(&row, "status")?,
            merged_into: opt_person_id(&row, "merged_into")?,
            preferred_language: row.opt_text("preferred_language")?,
            level: opt_level(&row, "level")?,
            organizer: opt_user_id(&row, "organizer")?,
            follow_up: row.boolean("follow_up")?,
            contact_points: Vec::new(),
            units: Vec::new(),
            responses: Vec::new(),
            assessments: Vec::new(),
            connections: Vec::new(),
            one_on_ones: Vec::new(),
            tasks: Vec::new(),
            steps: Vec::new(),
            history: Vec::new(),
        };
        if let Some(at) = as_of {
            let mut sql = Sql::default();
            let person_arg = sql.arg(id.clone());
            let valid = valid_at(&mut sql, "h", at);
            sql.push(&format!(
                "SELECT h.level, h.organizer, h.follow_up, h.status, h.name, h.preferred_language \
                 FROM rm_person_history h \
                 WHERE h.person_id = {person_arg} AND {valid}"
            ));
            match self.db().fetch_optional(&sql.text, &sql.args).await? {
                Some(row) => {
                    detail.level = opt_level(&row, "level")?;
                    detail.organizer = opt_user_id(&row, "organizer")?;
                    detail.follow_up = row.boolean("follow_up")?;
                    detail.status = stored(&row, "status")?;
                    detail.name = row.opt_text("name")?;
                    detail.preferred_language = row.opt_text("preferred_language")?;
                }
                // Not yet added at that moment.
                None => return Ok(None),
            }
        }
        // The person's parts are independent reads: they go out together (each on its own pooled
        // connection), so a person costs about one round trip after the first instead of ten.
        let contact_points = async {
            self.db()
                .fetch(
                    "SELECT contact_point_id, kind, label, value, do_not_contact FROM rm_contact_points \
                     WHERE person_id = $1 ORDER BY contact_point_id",
                    &args![id.clone()],
                )
                .await?
                .iter()
                .map(|row| {
                    let text = row.text("contact_point_id")?;
                    Ok(ContactPointView {
                        contact_point_id: ContactPointId::parse(&text)
                            .map_err(|_| decode_error("contact point", &text))?,
                        kind: row.text("kind")?,
                        label: row.text("label")?,
                        value: row.opt_text("value")?,
                        do_not_contact: row.boolean("do_not_contact")?,
                    })
                })
                .collect::<Result<Vec<_>, ProjectionError>>()
        };
        let units = async {
            let mut sql = Sql::default();
            let person_arg = sql.arg(id.clone());
            match as_of {
                None => sql.push(&format!(
                    "SELECT m.unit_id FROM rm_person_units m WHERE m.person_id = {person_arg} ORDER BY m.unit_id"
                )),
                Some(at) => {
                    let valid = valid_at(&mut sql, "m", at);
                    sql.push(&format!(
                        "SELECT m.unit_id FROM rm_person_unit_history m WHERE m.person_id = {person_arg} AND {valid} \
                         ORDER BY m.unit_id"
                    ))
                }
            };
            self.db()
                .fetch(&sql.text, &sql.args)
                .await?
                .iter()
                .map(|row| unit_id(row, "unit_id"))
                .collect::<Result<Vec<_>, _>>()
        };
        let responses = async {
            self.db()
                .fetch(
                    "SELECT field_id, response_id FROM rm_person_responses WHERE person_id = $1 \
                     ORDER BY field_id, response_id",
                    &args![id.clone()],
                )
                .await?
                .iter()
                .map(|row| Ok((field_id(row, "field_id")?, response_id(row, "response_id")?)))
                .collect::<Result<Vec<_>, ProjectionError>>()
        };
        // A far but ordinary moment: SQLite compares timestamps as text, and chrono's maximum has a sign.
        let until = as_of.unwrap_or_else(|| {
            end_of_day(NaiveDate::from_ymd_opt(9999, 12, 30).unwrap_or_default())
        });
        let assessments = async {
            self.db()
                .fetch(
                    "SELECT level, previous_level, assessed_by, assessed_at FROM rm_assessments \
                     WHERE person_id = $1 AND recorded_at <= $2 ORDER BY position",
                    &args![id.clone(), until],
                )
                .await?
                .iter()
                .map(|row| {
                    Ok(AssessmentView {
                        level: opt_level(row, "level")?,
                        previous_level: opt_level(row, "previous_level")?,
                        assessed_by: user_id(row, "assessed_by")?,
                        at: row.time("assessed_at")?,
                    })
                })
                .collect::<Result<Vec<_>, ProjectionError>>()
        };
        let connections = async {
            self.db()
                .fetch(
                    "SELECT connection_id, target_kind, target_id, kind, active FROM rm_connections \
                     WHERE person_id = $1 ORDER BY connection_id",
                    &args![id.clone()],
                )
                .await?
                .iter()
                .map(|row| {
                    let text = row.text("connection_id")?;
                    Ok(ConnectionView {
                        connection_id: ConnectionId::parse(&text)
                            .map_err(|_| decode_error("connection", &text))?,
                        target_kind: row.text("target_kind")?,
                        target_id: row.text("target_id")?,
                        kind: row.text("kind")?,
                        active: row.boolean("active")?,
                    })
                })
                .collect::<Result<Vec<_>, ProjectionError>>()
        };
        let one_on_one_args = args![id.clone(), until];
        let one_on_ones = self.one_on_one_rows(
            "SELECT conversation_id, person_id, organizer, held_at, assessment, logged_by, issues FROM rm_one_on_ones \
             WHERE person_id = $1 AND logged_at <= $2 ORDER BY held_at, conversation_id",
            &one_on_one_args,
        );
        let steps = async {
            let mut sql = Sql::default();
            let person_arg = sql.arg(id.clone());
            match as_of {
                None => sql.push(&format!(
                    "SELECT s.test_id, s.step, s.recorded_at AS at FROM rm_test_steps s WHERE s.person_id = {person_arg} \
                     ORDER BY s.test_id"
                )),
                Some(at) => {
                    let valid = valid_at(&mut sql, "s", at);
                    sql.push(&format!(
                        "SELECT s.test_id, s.step, s.valid_from AS at FROM rm_test_step_history s \
                         WHERE s.person_id = {person_arg} AND {valid} ORDER BY s.test_id"
                    ))
                }
            };
            let mut steps = Vec::new();
            for row in self.db().fetch(&sql.text, &sql.args).await? {
                steps.push(StepView {
                    test_id: test_id(&row, "test_id")?,
                    step: stored(&row, "step")?,
                    at: row.time("at")?,
                });
            }
            Ok::<_, ProjectionError>(steps)
        };
        let tasks = async {
            Ok::<_, ProjectionError>(
                self.tasks(
                    chapter,
                    &TaskFilter {
                        subject: Some(person),
                        ..TaskFilter::default()
                    },
                    &PageRequest {
                        after: None,
                        first: MAX_PAGE_SIZE,
                    },
                )
                .await?
                .edges
                .into_iter()
                .map(|edge| edge.node)
                .collect::<Vec<_>>(),
            )
        };
        let history_args = args![id.clone(), chapter.to_string(), until];
        let history = self.activity_rows(
            "SELECT position, tx, chapter_id, campaign_id, actor, at, kind, person_id, task_id, test_id, summary, \
             chapter_position FROM rm_activity WHERE person_id = $1 AND chapter_id = $2 AND at <= $3 ORDER BY tx, position",
            &history_args,
        );
        let (
            contact_points,
            units,
            responses,
            assessments,
            connections,
            one_on_ones,
            steps,
            tasks,
            history,
        ) = tokio::try_join!(
            contact_points,
            units,
            responses,
            assessments,
            connections,
            one_on_ones,
            steps,
            tasks,
            history
        )?;
        detail.contact_points = contact_points;
        detail.units = units;
        detail.responses = responses;
        detail.assessments = assessments;
        detail.connections = connections;
        detail.one_on_ones = one_on_ones;
        detail.steps = steps;
        detail.tasks = tasks;
        detail.history = history;
        if forgotten {
            // The forgetting has committed: nothing personal is shown from that moment on, even while the
            // read models still hold it (the projection clears it when it applies the forgetting).
            detail.name = None;
            detail.status = PersonStatusView::Forgotten;
            for point in &mut detail.contact_points {
                point.value = None;
            }
        }
        Ok(Some(detail))
    }

    /// 1:1s from a query selecting every column of `rm_one_on_ones` but the chapter, campaign and
    /// recording time.
    pub(super) async fn one_on_one_rows(
        &self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Vec<OneOnOneView>, ProjectionError> {
        self.db()
            .fetch(sql, args)
            .await?
            .iter()
            .map(|row| {
                let text = row.text("conversation_id")?;
                Ok(OneOnOneView {
                    conversation_id: ConversationId::parse(&text)
                        .map_err(|_| decode_error("conversation", &text))?,
                    person_id: person_id(row, "person_id")?,
                    organizer: user_id(row, "organizer")?,
                    held_at: row.time("held_at")?,
                    assessment: opt_level(row, "assessment")?,
                    logged_by: user_id(row, "logged_by")?,
                    issues: row
                        .text("issues")?
                        .split(',')
                        .filter(|pair| !pair.is_empty())
                        .map(|pair| {
                            let (field, response) = pair
                                .split_once(':')
                                .ok_or_else(|| decode_error("1:1 issue", pair))?;
                            Ok((
                                FieldId::parse(field).map_err(|_| decode_error("field", field))?,
                                ResponseId::parse(response)
                                    .map_err(|_| decode_error("response", response))?,
                            ))
                        })
                        .collect::<Result<Vec<_>, ProjectionError>>()?,
                })
            })
            .collect()
    }
}

impl ReadModels {
    /// The names of some of the chapter's units, live or as they were at a moment, in the order of `units`
    /// (a unit unknown then is left out): the person page names a person's units without the wall chart.
    pub async fn unit_labels(
        &self,
        chapter: ChapterId,
        units: &[UnitId],
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Vec<UnitLabel>, ProjectionError> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::default();
        let chapter_arg = sql.arg(chapter.to_string());
        let list = sql.list(units.iter().map(ToString::to_string));
        match as_of {
            None => sql.push(&format!(
                "SELECT u.unit_id, u.name, u.kind FROM rm_units u \
                 WHERE u.chapter_id = {chapter_arg} AND u.unit_id IN ({list})"
            )),
            Some(at) => {
                let valid = valid_at(&mut sql, "h", at);
                sql.push(&format!(
                    "SELECT h.unit_id, h.name, h.kind FROM rm_unit_history h \
                     JOIN rm_units u ON u.unit_id = h.unit_id \
                     WHERE u.chapter_id = {chapter_arg} AND h.unit_id IN ({list}) AND {valid}"
                ))
            }
        };
        let mut found = std::collections::HashMap::new();
        for row in self.db().fetch(&sql.text, &sql.args).await? {
            found.insert(
                unit_id(&row, "unit_id")?,
                (row.text("name")?, row.text("kind")?),
            );
        }
        Ok(units
            .iter()
            .filter_map(|unit| {
                found.remove(unit).map(|(name, kind)| UnitLabel {
                    unit_id: *unit,
                    name,
                    kind,
                })
            })
            .collect())
    }
}
