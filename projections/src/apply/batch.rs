//! People and tasks, set-wise: a batch loads the current rows of the people and tasks it touches (one query
//! per table), folds its events into them in memory, and writes the final rows back with multi-row upserts.
//! History tables get exact validity ranges: rows opened in the batch are closed in memory, and the rows open
//! before the batch are closed by one statement per table, before the batch's rows are inserted.

use super::rows::{
    self, AssessmentRow, ConnectionRecord, ConnectionRow, ContactPointRecord, ContactPointRow,
    HistoryRow, OneOnOneRow, PersonHistoryRow, PersonRecord, PersonResponseRow, PersonRow,
    PersonUnitHistoryRow, PersonUnitRow, TaskRecord, TaskRow, TaskSubjectRow, TestStepHistoryRow,
    TestStepRecord, TestStepRow,
};
use super::BatchEffects;
use crate::codec::StoredEnum;
use crate::error::ProjectionError;
use crate::events::{Envelope, Payload};
use crate::read::PersonStatusView;
use crate::runner::ReadModelChange;
use chrono::{DateTime, Utc};
use domain::ids::{CampaignId, ChapterId, PersonId, TaskId, UnitId, UserId};
use domain::task::TaskEvent;
use domain::values::{TaskKind, TaskStatus};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use store::sql::{args, Arg, Tx};

/// A key of a history table (its key columns' values, without `from_position`).
pub(super) type HistoryKey = Vec<String>;

/// The rows a batch adds to one history table, and the rows open before the batch it closes.
pub(super) struct History<R> {
    rows: Vec<R>,
    /// Rows of `rows` still open, by key.
    open: HashMap<HistoryKey, Vec<usize>>,
    /// Keys whose rows open before the batch are already closed (or known not to exist).
    closed_before: HashSet<HistoryKey>,
    /// (key values…, moment) of the rows open before the batch to close.
    closes: Vec<Vec<Arg>>,
}

impl<R> Default for History<R> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            open: HashMap::new(),
            closed_before: HashSet::new(),
            closes: Vec::new(),
        }
    }
}

impl<R: HistoryRow> History<R> {
    /// Closes every open row of `key` at `at`, as `UPDATE … SET valid_to = at WHERE … AND valid_to IS NULL`.
    pub(super) fn close(&mut self, key: &HistoryKey, at: DateTime<Utc>) {
        if let Some(open) = self.open.remove(key) {
            for index in open {
                self.rows[index].close(at);
            }
        }
        if self.closed_before.insert(key.clone()) {
            let mut close: Vec<Arg> = key.iter().map(|value| Arg::from(value.as_str())).collect();
            close.push(Arg::from(at));
            self.closes.push(close);
        }
    }

    /// Adds an open row under `key` (the values of `R::KEY`).
    pub(super) fn open(&mut self, key: HistoryKey, row: R) {
        self.open.entry(key).or_default().push(self.rows.len());
        self.rows.push(row);
    }

    /// Changes every row the batch adds (forgetting erases their personal columns).
    pub(super) fn for_each_row(&mut self, change: impl FnMut(&mut R)) {
        self.rows.iter_mut().for_each(change);
    }

    /// A key nothing was ever recorded for (its aggregate is new in this batch): nothing to close before.
    pub(super) fn new_key(&mut self, key: HistoryKey) {
        self.closed_before.insert(key);
    }

    async fn write(self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        tx.close_open_rows(R::TABLE, R::KEY, self.closes).await?;
        rows::insert(tx, self.rows, "ON CONFLICT DO NOTHING").await
    }
}

pub(super) struct PersonState {
    pub(super) row: PersonRecord,
    /// The row as stored before the batch (`None`: added in this batch).
    stored: Option<PersonRecord>,
    pub(super) units: BTreeSet<String>,
    stored_units: BTreeSet<String>,
}

impl PersonState {
    /// A person added in this batch.
    pub(super) fn added(row: PersonRecord) -> Self {
        Self {
            row,
            stored: None,
            units: BTreeSet::new(),
            stored_units: BTreeSet::new(),
        }
    }
}

struct TaskState {
    row: Option<TaskRecord>,
    changed: bool,
}

/// The `campaigns` projection's pending writes for people and tasks in one batch.
#[derive(Default)]
pub(super) struct CampaignsBatch {
    pub(super) people: HashMap<String, PersonState>,
    tasks: HashMap<String, TaskState>,
    pub(super) person_history: History<PersonHistoryRow>,
    pub(super) membership_history: History<PersonUnitHistoryRow>,
    pub(super) step_history: History<TestStepHistoryRow>,
    pub(super) connection_history: History<rows::ConnectionHistoryRow>,
    /// (person, field, response) → campaign; inserted if absent.
    pub(super) responses: BTreeMap<(String, String, String), String>,
    pub(super) contact_points: BTreeMap<String, ContactPointRecord>,
    pub(super) assessments: Vec<AssessmentRow>,
    pub(super) connections: BTreeMap<String, ConnectionRecord>,
    pub(super) one_on_ones: Vec<OneOnOneRow>,
    /// (test, person) → the latest step, which wins.
    pub(super) test_steps: BTreeMap<(String, String), TestStepRecord>,
    task_subjects: BTreeSet<(String, String)>,
    /// Units whose figures changed (ancestors are added when the batch is written), per (chapter, campaign).
    pub(super) touched_units: BTreeMap<(String, String), BTreeSet<String>>,
}

impl CampaignsBatch {
    /// Loads the stored rows of every person and task the batch's events touch.
    pub(super) async fn load(tx: &mut Tx, envelopes: &[Envelope]) -> Result<Self, ProjectionError> {
        let mut batch = Self::default();
        let mut person_ids = BTreeSet::new();
        let mut task_ids = BTreeSet::new();
        for envelope in envelopes {
            match &envelope.payload {
                Payload::Person(_) => {
                    person_ids.insert(envelope.stream_id.clone());
                }
                Payload::Task(_) => {
                    task_ids.insert(envelope.stream_id.clone());
                }
                _ => {}
            }
        }
        let person_ids: Vec<String> = person_ids.into_iter().collect();
        let task_ids: Vec<String> = task_ids.into_iter().collect();
        for row in tx
            .fetch_by_ids(
                "SELECT person_id, campaign_id, chapter_id, name, level, organizer, follow_up, status, \
                 merged_into, preferred_language, added_at, last_position, sort_name FROM rm_people",
                "person_id",
                &person_ids,
            )
            .await?
        {
            let record = PersonRecord {
                campaign_id: row.text("campaign_id")?,
                chapter_id: row.text("chapter_id")?,
                name: row.opt_text("name")?,
                level: row.opt_int("level")?,
                organizer: row.opt_text("organizer")?,
                follow_up: row.boolean("follow_up")?,
                status: PersonStatusView::parse(&row.text("status")?)?,
                merged_into: row.opt_text("merged_into")?,
                preferred_language: row.opt_text("preferred_language")?,
                added_at: row.time("added_at")?,
                last_position: row.int("last_position")?,
                sort_name: row.opt_text("sort_name")?,
            };
            batch.people.insert(
                row.text("person_id")?,
                PersonState {
                    row: record.clone(),
                    stored: Some(record),
                    units: BTreeSet::new(),
                    stored_units: BTreeSet::new(),
                },
            );
        }
        let known: Vec<String> = batch.people.keys().cloned().collect();
        for row in tx
            .fetch_by_ids(
                "SELECT person_id, unit_id FROM rm_person_units",
                "person_id",
                &known,
            )
            .await?
        {
            if let Some(state) = batch.people.get_mut(&row.text("person_id")?) {
                let unit = row.text("unit_id")?;
                state.units.insert(unit.clone());
                state.stored_units.insert(unit);
            }
        }
        for row in tx
            .fetch_by_ids(
                "SELECT task_id, campaign_id, chapter_id, kind, title, assignee, assigned_by, due, status, \
                 created_at, updated_at, last_position FROM rm_tasks",
                "task_id",
                &task_ids,
            )
            .await?
        {
            batch.tasks.insert(
                row.text("task_id")?,
                TaskState {
                    row: Some(TaskRecord {
                        campaign_id: row.text("campaign_id")?,
                        chapter_id: row.text("chapter_id")?,
                        kind: TaskKind::parse(&row.text("kind")?)?,
                        title: row.text("title")?,
                        assignee: row.text("assignee")?,
                        assigned_by: row.text("assigned_by")?,
                        due: row.opt_date("due")?,
                        status: TaskStatus::parse(&row.text("status")?)?,
                        created_at: row.time("created_at")?,
                        updated_at: row.time("updated_at")?,
                        last_position: row.int("last_position")?,
                    }),
                    changed: false,
                },
            );
        }
        Ok(batch)
    }

    /// Folds a task event into the task's row.
    pub(super) fn task(
        &mut self,
        envelope: &Envelope,
        event: &TaskEvent,
        effects: &mut BatchEffects,
    ) {
        let task = envelope.stream_id.as_str();
        let position = envelope.position.position;
        let at = envelope.metadata.at;
        let state = self.tasks.entry(task.to_string()).or_insert(TaskState {
            row: None,
            changed: false,
        });
        let mut previous_assignee = None;
        if let Some(row) = &state.row {
            if row.last_position >= position {
                return;
            }
            previous_assignee = UserId::parse(&row.assignee).ok();
        }
        if let TaskEvent::TaskAssigned {
            campaign_id,
            chapter,
            kind,
            title,
            assignee,
            subjects,
            due,
            assigned_by,
            ..
        } = event
        {
            if state.row.is_none() {
                state.row = Some(TaskRecord {
                    campaign_id: campaign_id.to_string(),
                    chapter_id: chapter.to_string(),
                    kind: *kind,
                    title: title.as_str().to_string(),
                    assignee: assignee.to_string(),
                    assigned_by: assigned_by.to_string(),
                    due: *due,
                    status: TaskStatus::Open,
                    created_at: at,
                    updated_at: at,
                    last_position: position,
                });
            }
            for subject in subjects {
                self.task_subjects
                    .insert((task.to_string(), subject.to_string()));
            }
        }
        // Events of a task the read model never saw assigned change nothing.
        let Some(row) = state.row.as_mut() else {
            return;
        };
        match event {
            TaskEvent::TaskAssigned { .. } => {}
            TaskEvent::TaskReassigned { assignee, .. } => row.assignee = assignee.to_string(),
            TaskEvent::TaskDueDateChanged { due, .. } => row.due = *due,
            TaskEvent::TaskCompleted { .. } => row.status = TaskStatus::Done,
            TaskEvent::TaskCancelled { .. } => row.status = TaskStatus::Cancelled,
            TaskEvent::TaskReopened { .. } => row.status = TaskStatus::Open,
        }
        row.last_position = position;
        row.updated_at = at;
        state.changed = true;
        let change = (|| -> Result<ReadModelChange, Box<dyn std::error::Error + Send + Sync>> {
            Ok(ReadModelChange::Task {
                chapter: ChapterId::parse(&row.chapter_id)?,
                campaign: CampaignId::parse(&row.campaign_id)?,
                task: TaskId::parse(task)?,
                assignee: UserId::parse(&row.assignee)?,
                previous_assignee,
            })
        })();
        if let Ok(change) = change {
            effects.changes.insert(change);
        }
    }

    /// Writes everything the batch folded, a statement or two per table.
    pub(super) async fn write(
        self,
        tx: &mut Tx,
        effects: &mut BatchEffects,
    ) -> Result<(), sqlx::Error> {
        let mut people_rows = Vec::new();
        let mut joined = Vec::new();
        let mut left = Vec::new();
        for (person, state) in &self.people {
            if state.stored.as_ref() != Some(&state.row) {
                people_rows.push(PersonRow {
                    person_id: person,
                    record: &state.row,
                });
            }
            for unit in state.units.difference(&state.stored_units) {
                joined.push(PersonUnitRow {
                    person_id: person,
                    unit_id: unit,
                    campaign_id: &state.row.campaign_id,
                });
            }
            for unit in state.stored_units.difference(&state.units) {
                left.push((person.clone(), unit.clone()));
            }
        }
        rows::insert(
            tx,
            people_rows,
            &rows::upsert_clause::<PersonRow>("person_id"),
        )
        .await?;
        self.person_history.write(tx).await?;
        for (person, unit) in left {
            tx.execute(
                "DELETE FROM rm_person_units WHERE person_id = $1 AND unit_id = $2",
                &args![person, unit],
            )
            .await?;
        }
        rows::insert(tx, joined, "ON CONFLICT DO NOTHING").await?;
        self.membership_history.write(tx).await?;
        rows::insert(
            tx,
            self.responses
                .into_iter()
                .map(
                    |((person_id, field_id, response_id), campaign_id)| PersonResponseRow {
                        person_id,
                        field_id,
                        response_id,
                        campaign_id,
                    },
                ),
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        rows::insert(
            tx,
            self.contact_points
                .into_iter()
                .map(|(contact_point_id, record)| ContactPointRow {
                    contact_point_id,
                    record,
                }),
            "ON CONFLICT (contact_point_id) DO NOTHING",
        )
        .await?;
        rows::insert(tx, self.assessments, "ON CONFLICT DO NOTHING").await?;
        rows::insert(
            tx,
            self.connections
                .into_iter()
                .map(|(connection_id, record)| ConnectionRow {
                    connection_id,
                    record,
                }),
            "ON CONFLICT (connection_id) DO NOTHING",
        )
        .await?;
        rows::insert(tx, self.one_on_ones, "ON CONFLICT DO NOTHING").await?;
        rows::insert(
            tx,
            self.test_steps
                .into_iter()
                .map(|((test_id, person_id), record)| TestStepRow {
                    test_id,
                    person_id,
                    record,
                }),
            "ON CONFLICT (test_id, person_id) DO UPDATE SET step = excluded.step, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .await?;
        self.step_history.write(tx).await?;
        self.connection_history.write(tx).await?;
        let task_rows = self
            .tasks
            .into_iter()
            .filter(|(_, state)| state.changed)
            .filter_map(|(task_id, state)| {
                Some(TaskRow {
                    task_id,
                    record: state.row?,
                })
            });
        rows::insert(tx, task_rows, &rows::upsert_clause::<TaskRow>("task_id")).await?;
        rows::insert(
            tx,
            self.task_subjects
                .into_iter()
                .map(|(task_id, person_id)| TaskSubjectRow { task_id, person_id }),
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        unit_figure_changes(tx, self.touched_units, effects).await
    }
}

/// A unit's figures include its sub-units' people, so every ancestor of a touched unit changed too.
async fn unit_figure_changes(
    tx: &mut Tx,
    touched: BTreeMap<(String, String), BTreeSet<String>>,
    effects: &mut BatchEffects,
) -> Result<(), sqlx::Error> {
    let all: BTreeSet<&String> = touched.values().flatten().collect();
    let mut parents: HashMap<String, Option<String>> = HashMap::new();
    let all: Vec<&String> = all.into_iter().collect();
    for chunk in all.chunks(5_000) {
        let placeholders = store::sql::placeholders(tx.kind(), chunk.len());
        let sql = format!(
            "WITH RECURSIVE up(unit_id, parent_id) AS (\
             SELECT unit_id, parent_id FROM rm_units WHERE unit_id IN ({}) \
             UNION SELECT u.unit_id, u.parent_id FROM rm_units u JOIN up ON u.unit_id = up.parent_id) \
             SELECT unit_id, parent_id FROM up",
            placeholders.join(", ")
        );
        let ids: Vec<Arg> = chunk.iter().map(|id| Arg::from(id.as_str())).collect();
        for row in tx.fetch(&sql, &ids).await? {
            parents.insert(row.text("unit_id")?, row.opt_text("parent_id")?);
        }
    }
    for ((chapter, campaign), units) in touched {
        let (Ok(chapter), Ok(campaign)) =
            (ChapterId::parse(&chapter), CampaignId::parse(&campaign))
        else {
            continue;
        };
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut pending: Vec<String> = units.into_iter().collect();
        while let Some(unit) = pending.pop() {
            if !seen.insert(unit.clone()) {
                continue;
            }
            if let Some(Some(parent)) = parents.get(&unit) {
                if UnitId::parse(parent).is_ok() {
                    pending.push(parent.clone());
                }
            }
        }
        for unit in seen {
            if let Ok(unit) = UnitId::parse(&unit) {
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

/// The change of a person's field responses (a chart narrowed to responses may gain or lose them).
pub(super) fn person_responses(
    chapter: &str,
    campaign: &str,
    person: &str,
) -> Option<ReadModelChange> {
    Some(ReadModelChange::PersonResponses {
        chapter: ChapterId::parse(chapter).ok()?,
        campaign: CampaignId::parse(campaign).ok()?,
        person: PersonId::parse(person).ok()?,
    })
}

/// The change of a person's wall-chart cell.
pub(super) fn person_cell(chapter: &str, campaign: &str, person: &str) -> Option<ReadModelChange> {
    Some(ReadModelChange::PersonCell {
        chapter: ChapterId::parse(chapter).ok()?,
        campaign: CampaignId::parse(campaign).ok()?,
        person: PersonId::parse(person).ok()?,
    })
}
