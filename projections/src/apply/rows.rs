//! The rows the `campaigns` and `activity` projections write set-wise, one struct per table: each declares
//! its table and column list once ([`Row::COLUMNS`]) and gives its values in that order ([`Row::into_args`]),
//! so the INSERT text and the bound values cannot drift apart.

use crate::codec::{StoredEnum, TargetKind};
use crate::read::PersonStatusView;
use chrono::{DateTime, NaiveDate, Utc};
use domain::values::{ContactKind, ContactLabel, StepKind, TaskKind, TaskStatus};
use store::sql::{Arg, Tx};

/// A row of a read-model table.
pub(super) trait Row {
    const TABLE: &'static str;
    /// Every column the row sets, in the order of [`Row::into_args`].
    const COLUMNS: &'static [&'static str];

    /// The row's values, one per column of [`Row::COLUMNS`].
    fn into_args(self) -> Vec<Arg>;
}

/// A row of a history table: valid over `[valid_from, valid_to)`, found by its key columns.
pub(super) trait HistoryRow: Row {
    /// The columns that say whose history a row is (without `from_position`).
    const KEY: &'static [&'static str];

    fn close(&mut self, at: DateTime<Utc>);
}

/// Writes `rows` with one multi-row statement (see [`Tx::insert_rows`]); `conflict` is the `ON CONFLICT`
/// clause.
pub(super) async fn insert<R: Row>(
    tx: &mut Tx,
    rows: impl IntoIterator<Item = R>,
    conflict: &str,
) -> Result<(), sqlx::Error> {
    let rows: Vec<Vec<Arg>> = rows.into_iter().map(Row::into_args).collect();
    tx.insert_rows(R::TABLE, R::COLUMNS, rows, conflict).await
}

/// `ON CONFLICT (key) DO UPDATE SET` every other column of `R` to the new row's value.
pub(super) fn upsert_clause<R: Row>(key: &str) -> String {
    let sets: Vec<String> = R::COLUMNS
        .iter()
        .filter(|column| **column != key)
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    format!("ON CONFLICT ({key}) DO UPDATE SET {}", sets.join(", "))
}

fn level(level: Option<i64>) -> Arg {
    Arg::Int(level)
}

/// A person's `rm_people` row (without its key, which the batch holds).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PersonRecord {
    pub campaign_id: String,
    pub chapter_id: String,
    pub name: Option<String>,
    pub level: Option<i64>,
    pub organizer: Option<String>,
    pub follow_up: bool,
    pub status: PersonStatusView,
    pub merged_into: Option<String>,
    pub preferred_language: Option<String>,
    pub added_at: DateTime<Utc>,
    pub last_position: i64,
    /// Family name then given name, folded (`crate::fold`): the default order of the people list.
    /// Personal: NULL once the person is forgotten.
    pub sort_name: Option<String>,
}

/// `rm_people`: a person's current wall-chart state.
pub(super) struct PersonRow<'a> {
    pub person_id: &'a str,
    pub record: &'a PersonRecord,
}

impl Row for PersonRow<'_> {
    const TABLE: &'static str = "rm_people";
    const COLUMNS: &'static [&'static str] = &[
        "person_id",
        "campaign_id",
        "chapter_id",
        "name",
        "name_search",
        "level",
        "organizer",
        "follow_up",
        "status",
        "merged_into",
        "preferred_language",
        "added_at",
        "last_position",
        "sort_name",
    ];

    fn into_args(self) -> Vec<Arg> {
        let row = self.record;
        vec![
            Arg::from(self.person_id),
            Arg::from(row.campaign_id.clone()),
            Arg::from(row.chapter_id.clone()),
            Arg::from(row.name.clone()),
            Arg::from(row.name.as_deref().map(crate::fold::fold)),
            level(row.level),
            Arg::from(row.organizer.clone()),
            Arg::from(row.follow_up),
            Arg::from(row.status.as_str()),
            Arg::from(row.merged_into.clone()),
            Arg::from(row.preferred_language.clone()),
            Arg::from(row.added_at),
            Arg::from(row.last_position),
            Arg::from(row.sort_name.clone()),
        ]
    }
}

/// `rm_person_history`: a person's wall-chart state over a range of time.
pub(super) struct PersonHistoryRow {
    pub person_id: String,
    pub from_position: i64,
    pub campaign_id: String,
    pub level: Option<i64>,
    pub organizer: Option<String>,
    pub follow_up: bool,
    pub status: PersonStatusView,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    /// Personal: NULL once the person is forgotten.
    pub name: Option<String>,
    pub preferred_language: Option<String>,
    /// The wall chart's order as it was (see [`PersonRecord::sort_name`]). Personal: NULL once forgotten.
    pub sort_name: Option<String>,
}

impl Row for PersonHistoryRow {
    const TABLE: &'static str = "rm_person_history";
    const COLUMNS: &'static [&'static str] = &[
        "person_id",
        "from_position",
        "campaign_id",
        "level",
        "organizer",
        "follow_up",
        "status",
        "valid_from",
        "valid_to",
        "name",
        "preferred_language",
        "sort_name",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.person_id),
            Arg::from(self.from_position),
            Arg::from(self.campaign_id),
            level(self.level),
            Arg::from(self.organizer),
            Arg::from(self.follow_up),
            Arg::from(self.status.as_str()),
            Arg::from(self.valid_from),
            Arg::from(self.valid_to),
            Arg::from(self.name),
            Arg::from(self.preferred_language),
            Arg::from(self.sort_name),
        ]
    }
}

impl HistoryRow for PersonHistoryRow {
    const KEY: &'static [&'static str] = &["person_id"];

    fn close(&mut self, at: DateTime<Utc>) {
        self.valid_to = Some(at);
    }
}

/// `rm_person_units`: a person is in a unit now.
pub(super) struct PersonUnitRow<'a> {
    pub person_id: &'a str,
    pub unit_id: &'a str,
    pub campaign_id: &'a str,
}

impl Row for PersonUnitRow<'_> {
    const TABLE: &'static str = "rm_person_units";
    const COLUMNS: &'static [&'static str] = &["person_id", "unit_id", "campaign_id"];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.person_id),
            Arg::from(self.unit_id),
            Arg::from(self.campaign_id),
        ]
    }
}

/// `rm_person_unit_history`: a person was in a unit over a range of time.
pub(super) struct PersonUnitHistoryRow {
    pub person_id: String,
    pub unit_id: String,
    pub from_position: i64,
    pub campaign_id: String,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
}

impl Row for PersonUnitHistoryRow {
    const TABLE: &'static str = "rm_person_unit_history";
    const COLUMNS: &'static [&'static str] = &[
        "person_id",
        "unit_id",
        "from_position",
        "campaign_id",
        "valid_from",
        "valid_to",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.person_id),
            Arg::from(self.unit_id),
            Arg::from(self.from_position),
            Arg::from(self.campaign_id),
            Arg::from(self.valid_from),
            Arg::from(self.valid_to),
        ]
    }
}

impl HistoryRow for PersonUnitHistoryRow {
    const KEY: &'static [&'static str] = &["person_id", "unit_id"];

    fn close(&mut self, at: DateTime<Utc>) {
        self.valid_to = Some(at);
    }
}

/// `rm_person_responses`: a person gave a response to a field.
pub(super) struct PersonResponseRow {
    pub person_id: String,
    pub field_id: String,
    pub response_id: String,
    pub campaign_id: String,
}

impl Row for PersonResponseRow {
    const TABLE: &'static str = "rm_person_responses";
    const COLUMNS: &'static [&'static str] =
        &["person_id", "field_id", "response_id", "campaign_id"];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.person_id),
            Arg::from(self.field_id),
            Arg::from(self.response_id),
            Arg::from(self.campaign_id),
        ]
    }
}

/// `rm_contact_points` (without its key, which the batch holds).
pub(super) struct ContactPointRecord {
    pub person: String,
    pub kind: ContactKind,
    pub label: ContactLabel,
    pub value: Option<String>,
    pub do_not_contact: bool,
}

pub(super) struct ContactPointRow {
    pub contact_point_id: String,
    pub record: ContactPointRecord,
}

impl Row for ContactPointRow {
    const TABLE: &'static str = "rm_contact_points";
    const COLUMNS: &'static [&'static str] = &[
        "contact_point_id",
        "person_id",
        "kind",
        "label",
        "value",
        "do_not_contact",
    ];

    fn into_args(self) -> Vec<Arg> {
        let point = self.record;
        vec![
            Arg::from(self.contact_point_id),
            Arg::from(point.person),
            Arg::from(point.kind.as_str()),
            Arg::from(point.label.as_str()),
            Arg::from(point.value),
            Arg::from(point.do_not_contact),
        ]
    }
}

/// `rm_assessments`: one assessment, keyed by the event's position.
pub(super) struct AssessmentRow {
    pub person_id: String,
    pub position: i64,
    pub campaign_id: String,
    pub level: Option<i64>,
    pub previous_level: Option<i64>,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
    /// When the log recorded it (the event's time): what `asOf` cuts at.
    pub recorded_at: DateTime<Utc>,
}

impl Row for AssessmentRow {
    const TABLE: &'static str = "rm_assessments";
    const COLUMNS: &'static [&'static str] = &[
        "person_id",
        "position",
        "campaign_id",
        "level",
        "previous_level",
        "assessed_by",
        "assessed_at",
        "recorded_at",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.person_id),
            Arg::from(self.position),
            Arg::from(self.campaign_id),
            level(self.level),
            level(self.previous_level),
            Arg::from(self.assessed_by),
            Arg::from(self.assessed_at),
            Arg::from(self.recorded_at),
        ]
    }
}

/// `rm_connections` (without its key, which the batch holds).
pub(super) struct ConnectionRecord {
    pub person: String,
    pub target_kind: TargetKind,
    pub target_id: String,
    pub kind: String,
    pub active: bool,
}

pub(super) struct ConnectionRow {
    pub connection_id: String,
    pub record: ConnectionRecord,
}

impl Row for ConnectionRow {
    const TABLE: &'static str = "rm_connections";
    const COLUMNS: &'static [&'static str] = &[
        "connection_id",
        "person_id",
        "target_kind",
        "target_id",
        "kind",
        "active",
    ];

    fn into_args(self) -> Vec<Arg> {
        let connection = self.record;
        vec![
            Arg::from(self.connection_id),
            Arg::from(connection.person),
            Arg::from(connection.target_kind.as_str()),
            Arg::from(connection.target_id),
            Arg::from(connection.kind),
            Arg::from(connection.active),
        ]
    }
}

/// `rm_connection_history`: a connection was active over a range of time (the wall chart's coverage by
/// worker-leaders reads it, live and as of a moment).
pub(super) struct ConnectionHistoryRow {
    pub connection_id: String,
    pub from_position: i64,
    pub person_id: String,
    pub campaign_id: String,
    pub target_kind: TargetKind,
    pub target_id: String,
    pub kind: String,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
}

impl Row for ConnectionHistoryRow {
    const TABLE: &'static str = "rm_connection_history";
    const COLUMNS: &'static [&'static str] = &[
        "connection_id",
        "from_position",
        "person_id",
        "campaign_id",
        "target_kind",
        "target_id",
        "kind",
        "valid_from",
        "valid_to",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.connection_id),
            Arg::from(self.from_position),
            Arg::from(self.person_id),
            Arg::from(self.campaign_id),
            Arg::from(self.target_kind.as_str()),
            Arg::from(self.target_id),
            Arg::from(self.kind),
            Arg::from(self.valid_from),
            Arg::from(self.valid_to),
        ]
    }
}

impl HistoryRow for ConnectionHistoryRow {
    const KEY: &'static [&'static str] = &["connection_id"];

    fn close(&mut self, at: DateTime<Utc>) {
        self.valid_to = Some(at);
    }
}

/// `rm_one_on_ones`: a logged 1:1.
pub(super) struct OneOnOneRow {
    pub conversation_id: String,
    pub person_id: String,
    pub campaign_id: String,
    pub chapter_id: String,
    pub organizer: String,
    pub held_at: DateTime<Utc>,
    pub assessment: Option<i64>,
    pub logged_by: String,
    /// When the log recorded it (the event's time): what `asOf` cuts at.
    pub logged_at: DateTime<Utc>,
    /// The issues raised, as `field_id:response_id` pairs separated by commas.
    pub issues: String,
}

impl Row for OneOnOneRow {
    const TABLE: &'static str = "rm_one_on_ones";
    const COLUMNS: &'static [&'static str] = &[
        "conversation_id",
        "person_id",
        "campaign_id",
        "chapter_id",
        "organizer",
        "held_at",
        "assessment",
        "logged_by",
        "logged_at",
        "issues",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.conversation_id),
            Arg::from(self.person_id),
            Arg::from(self.campaign_id),
            Arg::from(self.chapter_id),
            Arg::from(self.organizer),
            Arg::from(self.held_at),
            level(self.assessment),
            Arg::from(self.logged_by),
            Arg::from(self.logged_at),
            Arg::from(self.issues),
        ]
    }
}

/// `rm_test_steps` (without its key, which the batch holds): a person's latest step in a structure test.
pub(super) struct TestStepRecord {
    pub campaign_id: String,
    pub step: StepKind,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub(super) struct TestStepRow {
    pub test_id: String,
    pub person_id: String,
    pub record: TestStepRecord,
}

impl Row for TestStepRow {
    const TABLE: &'static str = "rm_test_steps";
    const COLUMNS: &'static [&'static str] = &[
        "test_id",
        "person_id",
        "campaign_id",
        "step",
        "recorded_by",
        "recorded_at",
    ];

    fn into_args(self) -> Vec<Arg> {
        let step = self.record;
        vec![
            Arg::from(self.test_id),
            Arg::from(self.person_id),
            Arg::from(step.campaign_id),
            Arg::from(step.step.as_str()),
            Arg::from(step.recorded_by),
            Arg::from(step.recorded_at),
        ]
    }
}

/// `rm_test_step_history`: a person's step in a structure test over a range of time.
pub(super) struct TestStepHistoryRow {
    pub test_id: String,
    pub person_id: String,
    pub from_position: i64,
    pub campaign_id: String,
    pub step: StepKind,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
}

impl Row for TestStepHistoryRow {
    const TABLE: &'static str = "rm_test_step_history";
    const COLUMNS: &'static [&'static str] = &[
        "test_id",
        "person_id",
        "from_position",
        "campaign_id",
        "step",
        "valid_from",
        "valid_to",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.test_id),
            Arg::from(self.person_id),
            Arg::from(self.from_position),
            Arg::from(self.campaign_id),
            Arg::from(self.step.as_str()),
            Arg::from(self.valid_from),
            Arg::from(self.valid_to),
        ]
    }
}

impl HistoryRow for TestStepHistoryRow {
    const KEY: &'static [&'static str] = &["test_id", "person_id"];

    fn close(&mut self, at: DateTime<Utc>) {
        self.valid_to = Some(at);
    }
}

/// A task's `rm_tasks` row (without its key, which the batch holds).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TaskRecord {
    pub campaign_id: String,
    pub chapter_id: String,
    pub kind: TaskKind,
    pub title: String,
    pub assignee: String,
    pub assigned_by: String,
    pub due: Option<NaiveDate>,
    pub status: TaskStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_position: i64,
}

pub(super) struct TaskRow {
    pub task_id: String,
    pub record: TaskRecord,
}

impl Row for TaskRow {
    const TABLE: &'static str = "rm_tasks";
    const COLUMNS: &'static [&'static str] = &[
        "task_id",
        "campaign_id",
        "chapter_id",
        "kind",
        "title",
        "assignee",
        "assigned_by",
        "due",
        "status",
        "created_at",
        "updated_at",
        "last_position",
    ];

    fn into_args(self) -> Vec<Arg> {
        let row = self.record;
        vec![
            Arg::from(self.task_id),
            Arg::from(row.campaign_id),
            Arg::from(row.chapter_id),
            Arg::from(row.kind.as_str()),
            Arg::from(row.title),
            Arg::from(row.assignee),
            Arg::from(row.assigned_by),
            Arg::Date(row.due),
            Arg::from(row.status.as_str()),
            Arg::from(row.created_at),
            Arg::from(row.updated_at),
            Arg::from(row.last_position),
        ]
    }
}

/// `rm_task_subjects`: a person a task is about.
pub(super) struct TaskSubjectRow {
    pub task_id: String,
    pub person_id: String,
}

impl Row for TaskSubjectRow {
    const TABLE: &'static str = "rm_task_subjects";
    const COLUMNS: &'static [&'static str] = &["task_id", "person_id"];

    fn into_args(self) -> Vec<Arg> {
        vec![Arg::from(self.task_id), Arg::from(self.person_id)]
    }
}

/// `rm_activity`: one event in the change explorer.
pub(super) struct ActivityRow {
    pub position: i64,
    pub tx: i64,
    pub chapter_id: String,
    pub campaign_id: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub person_id: Option<String>,
    pub task_id: Option<String>,
    pub test_id: Option<String>,
    pub summary: String,
    /// The event's number in its chapter (ADR 19): the position the chapter's callers are shown.
    pub chapter_position: Option<i64>,
}

impl Row for ActivityRow {
    const TABLE: &'static str = "rm_activity";
    const COLUMNS: &'static [&'static str] = &[
        "position",
        "tx",
        "chapter_id",
        "campaign_id",
        "actor",
        "at",
        "kind",
        "person_id",
        "task_id",
        "test_id",
        "summary",
        "chapter_position",
    ];

    fn into_args(self) -> Vec<Arg> {
        vec![
            Arg::from(self.position),
            Arg::from(self.tx),
            Arg::from(self.chapter_id),
            Arg::from(self.campaign_id),
            Arg::from(self.actor),
            Arg::from(self.at),
            Arg::from(self.kind),
            Arg::from(self.person_id),
            Arg::from(self.task_id),
            Arg::from(self.test_id),
            Arg::from(self.summary),
            Arg::from(self.chapter_position),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn width<R: Row>(row: R) -> (usize, usize) {
        (row.into_args().len(), R::COLUMNS.len())
    }

    /// Every row gives exactly one value per declared column.
    #[test]
    fn every_row_gives_one_value_per_column() {
        let person = PersonRecord {
            campaign_id: "c".into(),
            chapter_id: "ch".into(),
            name: Some("Ana Rivera".into()),
            level: Some(2),
            organizer: None,
            follow_up: false,
            status: PersonStatusView::Active,
            merged_into: None,
            preferred_language: None,
            added_at: at(),
            last_position: 7,
            sort_name: Some("rivera ana".into()),
        };
        let task = TaskRecord {
            campaign_id: "c".into(),
            chapter_id: "ch".into(),
            kind: TaskKind::FollowUp,
            title: "Call back".into(),
            assignee: "u".into(),
            assigned_by: "u".into(),
            due: None,
            status: TaskStatus::Open,
            created_at: at(),
            updated_at: at(),
            last_position: 3,
        };
        let widths = [
            width(PersonRow {
                person_id: "p",
                record: &person,
            }),
            width(PersonHistoryRow {
                person_id: "p".into(),
                from_position: 1,
                campaign_id: "c".into(),
                level: None,
                organizer: None,
                follow_up: true,
                status: PersonStatusView::Removed,
                valid_from: at(),
                valid_to: None,
                name: Some("Ana Rivera".into()),
                preferred_language: Some("es".into()),
                sort_name: Some("rivera ana".into()),
            }),
            width(PersonUnitRow {
                person_id: "p",
                unit_id: "u",
                campaign_id: "c",
            }),
            width(PersonUnitHistoryRow {
                person_id: "p".into(),
                unit_id: "u".into(),
                from_position: 1,
                campaign_id: "c".into(),
                valid_from: at(),
                valid_to: Some(at()),
            }),
            width(PersonResponseRow {
                person_id: "p".into(),
                field_id: "f".into(),
                response_id: "r".into(),
                campaign_id: "c".into(),
            }),
            width(ContactPointRow {
                contact_point_id: "cp".into(),
                record: ContactPointRecord {
                    person: "p".into(),
                    kind: ContactKind::Email,
                    label: ContactLabel::Home,
                    value: None,
                    do_not_contact: false,
                },
            }),
            width(AssessmentRow {
                person_id: "p".into(),
                position: 1,
                campaign_id: "c".into(),
                level: Some(1),
                previous_level: None,
                assessed_by: "u".into(),
                assessed_at: at(),
                recorded_at: at(),
            }),
            width(ConnectionHistoryRow {
                connection_id: "k".into(),
                from_position: 1,
                person_id: "p".into(),
                campaign_id: "c".into(),
                target_kind: TargetKind::Person,
                target_id: "q".into(),
                kind: "organizer of".into(),
                valid_from: at(),
                valid_to: None,
            }),
            width(ConnectionRow {
                connection_id: "k".into(),
                record: ConnectionRecord {
                    person: "p".into(),
                    target_kind: TargetKind::Unit,
                    target_id: "u".into(),
                    kind: "member".into(),
                    active: true,
                },
            }),
            width(OneOnOneRow {
                conversation_id: "o".into(),
                person_id: "p".into(),
                campaign_id: "c".into(),
                chapter_id: "ch".into(),
                organizer: "u".into(),
                held_at: at(),
                assessment: None,
                logged_by: "u".into(),
                logged_at: at(),
                issues: String::new(),
            }),
            width(TestStepRow {
                test_id: "t".into(),
                person_id: "p".into(),
                record: TestStepRecord {
                    campaign_id: "c".into(),
                    step: StepKind::Asked,
                    recorded_by: "u".into(),
                    recorded_at: at(),
                },
            }),
            width(TestStepHistoryRow {
                test_id: "t".into(),
                person_id: "p".into(),
                from_position: 1,
                campaign_id: "c".into(),
                step: StepKind::Declined,
                valid_from: at(),
                valid_to: None,
            }),
            width(TaskRow {
                task_id: "t".into(),
                record: task,
            }),
            width(TaskSubjectRow {
                task_id: "t".into(),
                person_id: "p".into(),
            }),
            width(ActivityRow {
                position: 1,
                tx: 1,
                chapter_id: "ch".into(),
                campaign_id: None,
                actor: "u".into(),
                at: at(),
                kind: "PersonAssessed".into(),
                person_id: None,
                task_id: None,
                test_id: None,
                summary: "assessed".into(),
                chapter_position: Some(1),
            }),
        ];
        for (index, (values, columns)) in widths.into_iter().enumerate() {
            assert_eq!(values, columns, "row type #{index}");
        }
    }

    /// Stored words go through the codecs, and a history row closes where it is told.
    #[test]
    fn words_come_from_the_codecs() {
        let mut row = TestStepHistoryRow {
            test_id: "t".into(),
            person_id: "p".into(),
            from_position: 1,
            campaign_id: "c".into(),
            step: StepKind::Participated,
            valid_from: at(),
            valid_to: None,
        };
        row.close(at());
        let args = row.into_args();
        assert_eq!(args[4], Arg::from("participated"));
        assert_eq!(args[6], Arg::from(Some(at())));
        assert_eq!(
            upsert_clause::<TaskSubjectRow>("task_id"),
            "ON CONFLICT (task_id) DO UPDATE SET person_id = excluded.person_id"
        );
    }
}
