//! Everything about one person, live or as of a moment: their wall-chart state, units, steps, assessments,
//! 1:1s, tasks and history, read together.

use super::sql::{
    campaign_id, decode_error, end_of_day, field_id, opt_campaign_id, opt_level, opt_person_id,
    opt_task_id, opt_test_id, opt_user_id, person_id, response_id, stored, test_id, unit_id,
    user_id, valid_at, Sql,
};
use super::views::{
    ActivityItem, AssessmentView, ConnectionView, ContactPointView, OneOnOneView, PageRequest,
    PersonDetail, PersonStatusView, StepView, TaskFilter, UnitLabel, MAX_PAGE_SIZE,
};
use super::ReadModels;
use crate::error::ProjectionError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{
    ChapterId, ConnectionId, ContactPointId, ConversationId, FieldId, PersonId, ResponseId, UnitId,
};
use store::sql::{args, AnyRow, Arg};
use store::Position;

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
        // A far but ordinary moment: SQLite compares timestamps as text, and chrono's maximum has a sign.
        let until = as_of.unwrap_or_else(|| {
            end_of_day(NaiveDate::from_ymd_opt(9999, 12, 30).unwrap_or_default())
        });
        // The person's parts are independent reads: they go out together (each on its own pooled
        // connection), so a person costs about one round trip: the person's row and seven tables in one
        // statement, their tasks in another; as of a moment, the row (and its history) in a third.
        // Someone of another chapter, or not yet added at `as_of`, has no row, and what the others read of
        // them is dropped.
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
        let own = self.person_own_rows(chapter, person, as_of, until);
        let (head, own, tasks) = match as_of {
            // Today's row comes with the parts.
            None => {
                let (mut own, tasks) = tokio::try_join!(own, tasks)?;
                (own.head.take(), own, tasks)
            }
            Some(_) => tokio::try_join!(self.person_head(chapter, person, as_of), own, tasks)?,
        };
        let Some((mut detail, forgotten)) = head else {
            return Ok(None);
        };
        detail.contact_points = own.contact_points;
        detail.units = own.units;
        detail.responses = own.responses;
        detail.assessments = own.assessments;
        detail.connections = own.connections;
        detail.steps = own.steps;
        detail.one_on_ones = own.one_on_ones;
        detail.tasks = tasks;
        detail.history = own.history;
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

    /// The person's own row (with whether the log has forgotten them), live or as of a moment; `None` for
    /// someone not of `chapter` or not yet added at `as_of`. The parts are left empty.
    async fn person_head(
        &self,
        chapter: ChapterId,
        person: PersonId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<(PersonDetail, bool)>, ProjectionError> {
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
        let mut detail = person_detail(
            person,
            &row,
            [
                "campaign_id",
                "name",
                "status",
                "merged_into",
                "preferred_language",
                "level",
                "organizer",
                "follow_up",
            ],
        )?;
        if let Some(at) = as_of {
            let mut sql = Sql::default();
            let person_arg = sql.arg(id);
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
        Ok(Some((detail, forgotten)))
    }

    /// The person's rows in eight tables (contact points, units, responses, assessments, connections, 1:1s,
    /// structure-test steps and the activity feed, as of `until`), in one statement: each table's rows are
    /// one part of a `UNION ALL` whose columns are shared slots ([`OWN_ROW_SLOTS`]). A statement for each
    /// was a round trip's work on both sides for a few rows each (docs/performance.md, round 14).
    async fn person_own_rows(
        &self,
        chapter: ChapterId,
        id: PersonId,
        as_of: Option<DateTime<Utc>>,
        until: DateTime<Utc>,
    ) -> Result<OwnRows, ProjectionError> {
        let mut sql = Sql::default();
        let person = sql.arg(id.to_string());
        let units = match as_of {
            None => own_part(
                "unit",
                &[("t1", "m.unit_id")],
                &format!("FROM rm_person_units m WHERE m.person_id = {person}"),
            ),
            Some(at) => {
                let valid = valid_at(&mut sql, "m", at);
                own_part(
                    "unit",
                    &[("t1", "m.unit_id")],
                    &format!(
                        "FROM rm_person_unit_history m WHERE m.person_id = {person} AND {valid}"
                    ),
                )
            }
        };
        let steps = match as_of {
            None => own_part(
                "step",
                &[
                    ("t1", "s.test_id"),
                    ("t2", "s.step"),
                    ("ts1", "s.recorded_at"),
                ],
                &format!("FROM rm_test_steps s WHERE s.person_id = {person}"),
            ),
            Some(at) => {
                let valid = valid_at(&mut sql, "s", at);
                own_part(
                    "step",
                    &[
                        ("t1", "s.test_id"),
                        ("t2", "s.step"),
                        ("ts1", "s.valid_from"),
                    ],
                    &format!(
                        "FROM rm_test_step_history s WHERE s.person_id = {person} AND {valid}"
                    ),
                )
            }
        };
        let until = sql.arg(until);
        let chapter_arg = sql.arg(chapter.to_string());
        let mut parts = vec![
            own_part(
                "contact",
                &[
                    ("t1", "c.contact_point_id"),
                    ("t2", "c.kind"),
                    ("t3", "c.label"),
                    ("t4", "c.value"),
                    ("b1", "c.do_not_contact"),
                ],
                &format!("FROM rm_contact_points c WHERE c.person_id = {person}"),
            ),
            units,
            own_part(
                "response",
                &[("t1", "r.field_id"), ("t2", "r.response_id")],
                &format!("FROM rm_person_responses r WHERE r.person_id = {person}"),
            ),
            own_part(
                "assessment",
                &[
                    ("s_int", "a.position"),
                    ("t1", "a.assessed_by"),
                    ("i1", "a.level"),
                    ("i2", "a.previous_level"),
                    ("ts1", "a.assessed_at"),
                ],
                &format!(
                    "FROM rm_assessments a WHERE a.person_id = {person} AND a.recorded_at <= {until}"
                ),
            ),
            own_part(
                "connection",
                &[
                    ("t1", "n.connection_id"),
                    ("t2", "n.target_kind"),
                    ("t3", "n.target_id"),
                    ("t4", "n.kind"),
                    ("b1", "n.active"),
                ],
                &format!("FROM rm_connections n WHERE n.person_id = {person}"),
            ),
            own_part(
                "one_on_one",
                &[
                    ("t1", "o.conversation_id"),
                    ("t2", "o.organizer"),
                    ("t3", "o.logged_by"),
                    ("t4", "o.issues"),
                    ("i1", "o.assessment"),
                    ("ts1", "o.held_at"),
                ],
                &format!(
                    "FROM rm_one_on_ones o WHERE o.person_id = {person} AND o.logged_at <= {until}"
                ),
            ),
            steps,
            own_part(
                "history",
                &[
                    ("s_int", "h.tx"),
                    ("i1", "h.position"),
                    ("i2", "h.chapter_position"),
                    ("t1", "h.campaign_id"),
                    ("t2", "h.actor"),
                    ("t3", "h.kind"),
                    ("t4", "h.task_id"),
                    ("t5", "h.test_id"),
                    ("t6", "h.summary"),
                    ("ts1", "h.at"),
                ],
                &format!(
                    "FROM rm_activity h WHERE h.person_id = {person} AND h.chapter_id = {chapter_arg} \
                     AND h.at <= {until}"
                ),
            ),
        ];
        if as_of.is_none() {
            // The person's own row, with whether the log has forgotten them ([`Self::person_head`]).
            parts.push(own_part(
                "head",
                &[
                    ("t1", "p.campaign_id"),
                    ("t2", "p.name"),
                    ("t3", "p.status"),
                    ("t4", "p.merged_into"),
                    ("t5", "p.preferred_language"),
                    ("t6", "p.organizer"),
                    ("i1", "p.level"),
                    ("b1", "p.follow_up"),
                    (
                        "i2",
                        "CASE WHEN EXISTS (SELECT 1 FROM forgotten_people f WHERE f.person_id = p.person_id) \
                         THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END",
                    ),
                ],
                &format!("FROM rm_people p WHERE p.person_id = {person} AND p.chapter_id = {chapter_arg}"),
            ));
        }
        sql.push(&format!(
            "{} ORDER BY part, s_int, t1, t2",
            parts.join(" UNION ALL ")
        ));
        let mut own = OwnRows::default();
        for row in self.db().fetch(&sql.text, &sql.args).await? {
            match row.text("part")?.as_str() {
                "contact" => {
                    let text = row.text("t1")?;
                    own.contact_points.push(ContactPointView {
                        contact_point_id: ContactPointId::parse(&text)
                            .map_err(|_| decode_error("contact point", &text))?,
                        kind: row.text("t2")?,
                        label: row.text("t3")?,
                        value: row.opt_text("t4")?,
                        do_not_contact: row.boolean("b1")?,
                    });
                }
                "unit" => own.units.push(unit_id(&row, "t1")?),
                "response" => own
                    .responses
                    .push((field_id(&row, "t1")?, response_id(&row, "t2")?)),
                "assessment" => own.assessments.push(AssessmentView {
                    level: opt_level(&row, "i1")?,
                    previous_level: opt_level(&row, "i2")?,
                    assessed_by: user_id(&row, "t1")?,
                    at: row.time("ts1")?,
                }),
                "connection" => {
                    let text = row.text("t1")?;
                    own.connections.push(ConnectionView {
                        connection_id: ConnectionId::parse(&text)
                            .map_err(|_| decode_error("connection", &text))?,
                        target_kind: row.text("t2")?,
                        target_id: row.text("t3")?,
                        kind: row.text("t4")?,
                        active: row.boolean("b1")?,
                    });
                }
                "one_on_one" => own.one_on_ones.push(one_on_one(
                    &row,
                    id,
                    ["t1", "t2", "ts1", "i1", "t3", "t4"],
                )?),
                "head" => {
                    let detail =
                        person_detail(id, &row, ["t1", "t2", "t3", "t4", "t5", "i1", "t6", "b1"])?;
                    own.head = Some((detail, row.int("i2")? != 0));
                }
                "history" => own.history.push(ActivityItem {
                    position: Position {
                        tx: row.int("s_int")?,
                        position: row.int("i1")?,
                    },
                    chapter_position: row
                        .opt_int("i2")?
                        .and_then(|number| u64::try_from(number).ok())
                        .unwrap_or(0),
                    chapter_id: chapter,
                    campaign_id: opt_campaign_id(&row, "t1")?,
                    actor: user_id(&row, "t2")?,
                    at: row.time("ts1")?,
                    kind: row.text("t3")?,
                    person_id: Some(id),
                    task_id: opt_task_id(&row, "t4")?,
                    test_id: opt_test_id(&row, "t5")?,
                    summary: row.text("t6")?,
                }),
                "step" => own.steps.push(StepView {
                    test_id: test_id(&row, "t1")?,
                    step: stored(&row, "t2")?,
                    at: row.time("ts1")?,
                }),
                other => return Err(decode_error("part of a person", other)),
            }
        }
        // By when they were held: the part's rows came in the order of their ids.
        own.one_on_ones
            .sort_by_key(|talk| (talk.held_at, talk.conversation_id));
        // In the log's order (the part's rows came ordered by transaction alone).
        own.history.sort_by_key(|item| item.position);
        Ok(own)
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
                one_on_one(
                    row,
                    person_id(row, "person_id")?,
                    [
                        "conversation_id",
                        "organizer",
                        "held_at",
                        "assessment",
                        "logged_by",
                        "issues",
                    ],
                )
            })
            .collect()
    }
}

/// `person`'s detail from their own row, whose columns `[campaign, name, status, merged into, preferred
/// language, level, organizer, follow-up]` are named in `columns`; the parts are left empty.
fn person_detail(
    person: PersonId,
    row: &AnyRow,
    columns: [&str; 8],
) -> Result<PersonDetail, ProjectionError> {
    let [campaign, name, status, merged_into, language, level, organizer, follow_up] = columns;
    Ok(PersonDetail {
        person_id: person,
        campaign_id: campaign_id(row, campaign)?,
        name: row.opt_text(name)?,
        status: stored(row, status)?,
        merged_into: opt_person_id(row, merged_into)?,
        preferred_language: row.opt_text(language)?,
        level: opt_level(row, level)?,
        organizer: opt_user_id(row, organizer)?,
        follow_up: row.boolean(follow_up)?,
        contact_points: Vec::new(),
        units: Vec::new(),
        responses: Vec::new(),
        assessments: Vec::new(),
        connections: Vec::new(),
        one_on_ones: Vec::new(),
        tasks: Vec::new(),
        steps: Vec::new(),
        history: Vec::new(),
    })
}

/// A 1:1 of `person` from a row whose columns `[conversation, organizer, held at, assessment, logged by,
/// issues]` are named in `columns`.
fn one_on_one(
    row: &AnyRow,
    person: PersonId,
    columns: [&str; 6],
) -> Result<OneOnOneView, ProjectionError> {
    let [conversation, organizer, held_at, assessment, logged_by, issues] = columns;
    let text = row.text(conversation)?;
    Ok(OneOnOneView {
        conversation_id: ConversationId::parse(&text)
            .map_err(|_| decode_error("conversation", &text))?,
        person_id: person,
        organizer: user_id(row, organizer)?,
        held_at: row.time(held_at)?,
        assessment: opt_level(row, assessment)?,
        logged_by: user_id(row, logged_by)?,
        issues: row
            .text(issues)?
            .split(',')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (field, response) = pair
                    .split_once(':')
                    .ok_or_else(|| decode_error("1:1 issue", pair))?;
                Ok((
                    FieldId::parse(field).map_err(|_| decode_error("field", field))?,
                    ResponseId::parse(response).map_err(|_| decode_error("response", response))?,
                ))
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?,
    })
}

/// A person's rows in eight tables ([`ReadModels::person_own_rows`]), each in its table's
/// order.
#[derive(Default)]
struct OwnRows {
    contact_points: Vec<ContactPointView>,
    units: Vec<UnitId>,
    responses: Vec<(FieldId, ResponseId)>,
    assessments: Vec<AssessmentView>,
    connections: Vec<ConnectionView>,
    one_on_ones: Vec<OneOnOneView>,
    steps: Vec<StepView>,
    history: Vec<ActivityItem>,
    /// The person's own row and whether the log has forgotten them (read with the parts only when live).
    head: Option<(PersonDetail, bool)>,
}

/// The shared columns of [`ReadModels::person_own_rows`] and their types: `s_int` orders a part whose
/// order is not its ids' (assessments, by position); a part leaves the slots it does not use NULL.
const OWN_ROW_SLOTS: [(&str, &str); 11] = [
    ("s_int", "BIGINT"),
    ("t1", "TEXT"),
    ("t2", "TEXT"),
    ("t3", "TEXT"),
    ("t4", "TEXT"),
    ("t5", "TEXT"),
    ("t6", "TEXT"),
    ("i1", "BIGINT"),
    ("i2", "BIGINT"),
    ("b1", "BOOLEAN"),
    ("ts1", "TIMESTAMPTZ"),
];

/// One part of [`ReadModels::person_own_rows`]: `SELECT '<part>' AS part, <every slot> <from>`, the slots
/// named in `filled` from their expressions and the others NULL of the slot's type.
fn own_part(part: &str, filled: &[(&str, &str)], from: &str) -> String {
    let columns: Vec<String> = OWN_ROW_SLOTS
        .iter()
        .map(
            |(slot, kind)| match filled.iter().find(|(name, _)| name == slot) {
                Some((_, expression)) => format!("{expression} AS {slot}"),
                None => format!("CAST(NULL AS {kind}) AS {slot}"),
            },
        )
        .collect();
    format!("SELECT '{part}' AS part, {} {from}", columns.join(", "))
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
