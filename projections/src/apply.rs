//! How a batch of events changes the read models. Two projections share this module: `campaigns` (every
//! table but the activity feed) and `activity` (the change explorer). Every update is idempotent: an
//! aggregate's row remembers the position of the last event applied to it (`last_position`) and older events
//! are passed over; rows keyed by an event's position are inserted with `ON CONFLICT DO NOTHING`.
//!
//! Batches are applied set-wise: the rows a batch touches are read once, its events are folded into them in
//! memory, and the results are written with one multi-row statement per table (see `CampaignsBatch`), so a
//! batch costs a few round trips whatever its size.

use crate::db::{args, Arg, Tx};
use crate::events::{Envelope, Payload};
use crate::runner::ReadModelChange;
use chrono::{DateTime, NaiveDate, Utc};
use domain::campaign::CampaignEvent;
use domain::ids::{CampaignId, ChapterId, PersonId, TaskId, UnitId, UserId};
use domain::person::{Connection, ContactPoint, FieldResponseRef, PersonEvent};
use domain::structure_test::StructureTestEvent;
use domain::task::TaskEvent;
use domain::values::{ContactLabel, ContactValue, EntityRef, StepKind, TaskKind, TaskStatus};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;
use uuid::Uuid;

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

/// Applies a batch of events (in log order) to the projection's tables, inside the batch's transaction.
pub(crate) async fn apply_batch(
    projection: &str,
    tx: &mut Tx,
    envelopes: &[Envelope],
    effects: &mut BatchEffects,
    campaign_of: &CampaignOf,
) -> Result<(), sqlx::Error> {
    match projection {
        CAMPAIGNS => apply_campaigns(tx, envelopes, effects).await,
        ACTIVITY => apply_activity(tx, envelopes, campaign_of).await,
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

/// Campaign and structure-test events are few (configuration): they are applied one by one, as they come.
/// People and tasks are folded in memory and written once per batch ([`CampaignsBatch`]); the two sets of
/// tables are disjoint, so the order between them within a batch does not matter.
async fn apply_campaigns(
    tx: &mut Tx,
    envelopes: &[Envelope],
    effects: &mut BatchEffects,
) -> Result<(), sqlx::Error> {
    let mut batch = CampaignsBatch::load(tx, envelopes).await?;
    for envelope in envelopes {
        match &envelope.payload {
            Payload::Campaign(event) => apply_campaign(tx, envelope, event).await?,
            Payload::Person(event) => batch.person(tx, envelope, event, effects).await?,
            Payload::Task(event) => batch.task(envelope, event, effects),
            Payload::StructureTest(event) => apply_structure_test(tx, envelope, event).await?,
            Payload::Chapter(_) => {}
        }
    }
    batch.write(tx, effects).await
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

fn person_cell(chapter: &str, campaign: &str, person: &str) -> Option<ReadModelChange> {
    Some(ReadModelChange::PersonCell {
        chapter: ChapterId::parse(chapter).ok()?,
        campaign: CampaignId::parse(campaign).ok()?,
        person: PersonId::parse(person).ok()?,
    })
}

// ---------------------------------------------------------------------------------------------------------
// People and tasks, set-wise: a batch loads the current rows of the people and tasks it touches (one query
// per table), folds its events into them in memory, and writes the final rows back with multi-row upserts.
// History tables get exact validity ranges: rows opened in the batch are closed in memory, and the rows open
// before the batch are closed by one statement per table, before the batch's rows are inserted.

/// A key of a history table (its key columns' values, without `from_position`).
type HistoryKey = Vec<String>;

/// The rows a batch adds to one history table, and the rows open before the batch it closes.
#[derive(Default)]
struct History {
    /// Every column but `valid_to`, then `valid_to`.
    rows: Vec<(Vec<Arg>, Option<DateTime<Utc>>)>,
    /// Rows of `rows` still open, by key.
    open: HashMap<HistoryKey, Vec<usize>>,
    /// Keys whose rows open before the batch are already closed (or known not to exist).
    closed_before: HashSet<HistoryKey>,
    /// (key values…, moment) of the rows open before the batch to close.
    closes: Vec<Vec<Arg>>,
}

impl History {
    /// Closes every open row of `key` at `at`, as `UPDATE … SET valid_to = at WHERE … AND valid_to IS NULL`.
    fn close(&mut self, key: &HistoryKey, at: DateTime<Utc>) {
        if let Some(open) = self.open.remove(key) {
            for index in open {
                self.rows[index].1 = Some(at);
            }
        }
        if self.closed_before.insert(key.clone()) {
            let mut close: Vec<Arg> = key.iter().map(|value| Arg::from(value.as_str())).collect();
            close.push(Arg::from(at));
            self.closes.push(close);
        }
    }

    /// Adds an open row (`columns` are every column but `valid_to`).
    fn open(&mut self, key: HistoryKey, columns: Vec<Arg>) {
        self.open.entry(key).or_default().push(self.rows.len());
        self.rows.push((columns, None));
    }

    /// A key nothing was ever recorded for (its aggregate is new in this batch): nothing to close before.
    fn new_key(&mut self, key: HistoryKey) {
        self.closed_before.insert(key);
    }

    async fn write(
        self,
        tx: &mut Tx,
        table: &str,
        key_columns: &[&str],
        columns: &[&str],
    ) -> Result<(), sqlx::Error> {
        tx.close_open_rows(table, key_columns, self.closes).await?;
        let rows = self
            .rows
            .into_iter()
            .map(|(mut row, valid_to)| {
                row.push(Arg::from(valid_to));
                row
            })
            .collect();
        tx.insert_rows(table, columns, rows, "ON CONFLICT DO NOTHING")
            .await
    }
}

/// A person's `rm_people` row.
#[derive(Debug, Clone, PartialEq)]
struct PersonRecord {
    campaign_id: String,
    chapter_id: String,
    name: Option<String>,
    level: Option<i64>,
    organizer: Option<String>,
    follow_up: bool,
    status: String,
    merged_into: Option<String>,
    preferred_language: Option<String>,
    added_at: DateTime<Utc>,
    last_position: i64,
}

struct PersonState {
    row: PersonRecord,
    /// The row as stored before the batch (`None`: added in this batch).
    stored: Option<PersonRecord>,
    units: BTreeSet<String>,
    stored_units: BTreeSet<String>,
}

/// A task's `rm_tasks` row.
#[derive(Debug, Clone, PartialEq)]
struct TaskRecord {
    campaign_id: String,
    chapter_id: String,
    kind: String,
    title: String,
    assignee: String,
    assigned_by: String,
    due: Option<NaiveDate>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_position: i64,
}

struct TaskState {
    row: Option<TaskRecord>,
    changed: bool,
}

struct ContactPointRecord {
    person: String,
    kind: &'static str,
    label: &'static str,
    value: Option<String>,
    do_not_contact: bool,
}

struct ConnectionRecord {
    person: String,
    target_kind: &'static str,
    target_id: String,
    kind: String,
    active: bool,
}

/// The `campaigns` projection's pending writes for people and tasks in one batch.
#[derive(Default)]
struct CampaignsBatch {
    people: HashMap<String, PersonState>,
    tasks: HashMap<String, TaskState>,
    person_history: History,
    membership_history: History,
    step_history: History,
    /// (person, field, response) → campaign; inserted if absent.
    responses: BTreeMap<(String, String, String), String>,
    contact_points: BTreeMap<String, ContactPointRecord>,
    assessments: Vec<Vec<Arg>>,
    connections: BTreeMap<String, ConnectionRecord>,
    one_on_ones: Vec<Vec<Arg>>,
    /// (test, person) → [campaign, step, recorded_by, recorded_at]; the latest step wins.
    test_steps: BTreeMap<(String, String), [Arg; 4]>,
    task_subjects: BTreeSet<(String, String)>,
    /// Units whose figures changed (ancestors are added when the batch is written), per (chapter, campaign).
    touched_units: BTreeMap<(String, String), BTreeSet<String>>,
}

const PEOPLE_COLUMNS: &[&str] = &[
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
];

const TASK_COLUMNS: &[&str] = &[
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

/// `ON CONFLICT (key) DO UPDATE SET` every other column to the new row's value.
fn upsert_clause(key: &str, columns: &[&str]) -> String {
    let sets: Vec<String> = columns
        .iter()
        .filter(|column| **column != key)
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    format!("ON CONFLICT ({key}) DO UPDATE SET {}", sets.join(", "))
}

fn contact_kind_text(kind: domain::values::ContactKind) -> &'static str {
    match kind {
        domain::values::ContactKind::Email => "email",
        domain::values::ContactKind::Phone => "phone",
        domain::values::ContactKind::Postal => "postal",
    }
}

impl CampaignsBatch {
    /// Loads the stored rows of every person and task the batch's events touch.
    async fn load(tx: &mut Tx, envelopes: &[Envelope]) -> Result<Self, sqlx::Error> {
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
                 merged_into, preferred_language, added_at, last_position FROM rm_people",
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
                status: row.text("status")?,
                merged_into: row.opt_text("merged_into")?,
                preferred_language: row.opt_text("preferred_language")?,
                added_at: row.time("added_at")?,
                last_position: row.int("last_position")?,
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
                        kind: row.text("kind")?,
                        title: row.text("title")?,
                        assignee: row.text("assignee")?,
                        assigned_by: row.text("assigned_by")?,
                        due: row.opt_date("due")?,
                        status: row.text("status")?,
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

    fn snapshot_person(
        &mut self,
        person: &str,
        row: &PersonRecord,
        position: i64,
        at: DateTime<Utc>,
    ) {
        let key = vec![person.to_string()];
        self.person_history.close(&key, at);
        self.person_history.open(
            key,
            vec![
                Arg::from(person),
                Arg::from(position),
                Arg::from(row.campaign_id.clone()),
                Arg::from(row.level),
                Arg::from(row.organizer.clone()),
                Arg::from(row.follow_up),
                Arg::from(row.status.clone()),
                Arg::from(at),
            ],
        );
    }

    fn join_unit(
        &mut self,
        person: &str,
        state: &mut PersonState,
        unit: UnitId,
        position: i64,
        at: DateTime<Utc>,
    ) {
        let unit = unit.to_string();
        if state.units.insert(unit.clone()) {
            self.membership_history.open(
                vec![person.to_string(), unit.clone()],
                vec![
                    Arg::from(person),
                    Arg::from(unit),
                    Arg::from(position),
                    Arg::from(state.row.campaign_id.clone()),
                    Arg::from(at),
                ],
            );
        }
    }

    fn add_contact_point(&mut self, person: &str, point: &ContactPoint) {
        self.contact_points
            .entry(point.contact_point_id.to_string())
            .or_insert_with(|| ContactPointRecord {
                person: person.to_string(),
                kind: contact_kind_text(point.kind),
                label: contact_label_text(point.label),
                value: point.value.value().map(contact_value_text),
                do_not_contact: point.do_not_contact,
            });
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

    fn add_connection(&mut self, person: &str, connection: &Connection) {
        let (target_kind, target_id) = match connection.target {
            EntityRef::Person(target) => ("person", target.to_string()),
            EntityRef::Unit(target) => ("unit", target.to_string()),
        };
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

    async fn person(
        &mut self,
        tx: &mut Tx,
        envelope: &Envelope,
        event: &PersonEvent,
        effects: &mut BatchEffects,
    ) -> Result<(), sqlx::Error> {
        let person = envelope.stream_id.as_str();
        let position = envelope.position.position;
        let at = envelope.metadata.at;
        let mut state = match (self.people.remove(person), event) {
            (Some(state), _) => {
                if state.row.last_position >= position {
                    self.people.insert(person.to_string(), state);
                    return Ok(());
                }
                state
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
                let row = PersonRecord {
                    campaign_id: campaign_id.to_string(),
                    chapter_id: chapter.to_string(),
                    name: name.value().map(ToString::to_string),
                    level: None,
                    organizer: None,
                    follow_up: false,
                    status: "active".to_string(),
                    merged_into: None,
                    preferred_language: preferred_language
                        .as_ref()
                        .map(|language| language.as_str().to_string()),
                    added_at: at,
                    last_position: position,
                };
                self.person_history.new_key(vec![person.to_string()]);
                self.snapshot_person(person, &row, position, at);
                effects
                    .changes
                    .extend(person_cell(&row.chapter_id, &row.campaign_id, person));
                self.people.insert(
                    person.to_string(),
                    PersonState {
                        row,
                        stored: None,
                        units: BTreeSet::new(),
                        stored_units: BTreeSet::new(),
                    },
                );
                return Ok(());
            }
            // An event of a person the read model never saw added: nothing to attach it to.
            (None, _) => return Ok(()),
        };
        let campaign = state.row.campaign_id.clone();
        let chapter = state.row.chapter_id.clone();
        let units_before = state.units.clone();
        let mut cell_changed = false;
        match event {
            PersonEvent::PersonAddedToCampaign { .. } => {}
            PersonEvent::PersonRenamed { name } => {
                state.row.name = name.value().map(ToString::to_string);
                cell_changed = true;
            }
            PersonEvent::ContactPointAdded(point) => self.add_contact_point(person, point),
            PersonEvent::ContactPointDoNotContactChanged {
                contact_point_id,
                do_not_contact,
            } => {
                let id = contact_point_id.to_string();
                if let Some(point) = self.contact_points.get_mut(&id) {
                    point.do_not_contact = *do_not_contact;
                }
                tx.execute(
                    "UPDATE rm_contact_points SET do_not_contact = $2 WHERE contact_point_id = $1",
                    &args![id, *do_not_contact],
                )
                .await?;
            }
            PersonEvent::ContactPointRemoved { contact_point_id } => {
                let id = contact_point_id.to_string();
                self.contact_points.remove(&id);
                tx.execute(
                    "DELETE FROM rm_contact_points WHERE contact_point_id = $1",
                    &args![id],
                )
                .await?;
            }
            PersonEvent::PreferredLanguageSet { language } => {
                state.row.preferred_language = language
                    .as_ref()
                    .map(|language| language.as_str().to_string());
            }
            PersonEvent::PersonJoinedUnit { unit_id } => {
                self.join_unit(person, &mut state, *unit_id, position, at);
                cell_changed = true;
            }
            PersonEvent::PersonLeftUnit { unit_id } => {
                let unit = unit_id.to_string();
                state.units.remove(&unit);
                self.membership_history
                    .close(&vec![person.to_string(), unit], at);
                cell_changed = true;
            }
            PersonEvent::PersonFieldResponseAdded(response) => {
                self.add_response(person, &campaign, response)
            }
            PersonEvent::PersonFieldResponseRemoved(response) => {
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
            }
            PersonEvent::PersonFieldValueSet(_) | PersonEvent::PersonFieldValueCleared { .. } => {}
            PersonEvent::PersonAssessed {
                level,
                previous_level,
                assessed_by,
                at: assessed_at,
                ..
            } => {
                state.row.level = level.map(|level| i64::from(level.get()));
                self.assessments.push(vec![
                    Arg::from(person),
                    Arg::from(position),
                    Arg::from(campaign.clone()),
                    level_arg(*level),
                    level_arg(*previous_level),
                    Arg::from(assessed_by.to_string()),
                    Arg::from(*assessed_at),
                ]);
                cell_changed = true;
            }
            PersonEvent::ConnectionMade(connection) => self.add_connection(person, connection),
            PersonEvent::ConnectionDeactivated { connection_id } => {
                let id = connection_id.to_string();
                if let Some(connection) = self.connections.get_mut(&id) {
                    connection.active = false;
                }
                tx.execute(
                    "UPDATE rm_connections SET active = FALSE WHERE connection_id = $1",
                    &args![id],
                )
                .await?;
            }
            PersonEvent::OrganizerAssigned { organizer, .. } => {
                state.row.organizer = Some(organizer.to_string());
                cell_changed = true;
            }
            PersonEvent::OrganizerUnassigned { .. } => {
                state.row.organizer = None;
                cell_changed = true;
            }
            PersonEvent::FollowUpFlagged | PersonEvent::FollowUpCleared => {
                state.row.follow_up = matches!(event, PersonEvent::FollowUpFlagged);
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
                self.one_on_ones.push(vec![
                    Arg::from(conversation_id.to_string()),
                    Arg::from(person),
                    Arg::from(campaign.clone()),
                    Arg::from(chapter.clone()),
                    Arg::from(organizer.to_string()),
                    Arg::from(*held_at),
                    level_arg(*assessment),
                    Arg::from(logged_by.to_string()),
                ]);
            }
            PersonEvent::StructureTestStepRecorded {
                test_id,
                step,
                recorded_by,
                ..
            } => {
                let test = test_id.to_string();
                self.test_steps.insert(
                    (test.clone(), person.to_string()),
                    [
                        Arg::from(campaign.clone()),
                        Arg::from(status_text(*step)),
                        Arg::from(recorded_by.to_string()),
                        Arg::from(at),
                    ],
                );
                let key = vec![test.clone(), person.to_string()];
                self.step_history.close(&key, at);
                self.step_history.open(
                    key,
                    vec![
                        Arg::from(test),
                        Arg::from(person),
                        Arg::from(position),
                        Arg::from(campaign.clone()),
                        Arg::from(status_text(*step)),
                        Arg::from(at),
                    ],
                );
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
                    self.add_contact_point(person, point);
                }
                for unit in units {
                    self.join_unit(person, &mut state, *unit, position, at);
                }
                for response in field_responses {
                    self.add_response(person, &campaign, response);
                }
                for connection in connections {
                    self.add_connection(person, connection);
                }
                cell_changed = true;
            }
            PersonEvent::PersonMergedInto { survivor } => {
                state.row.status = "merged".to_string();
                state.row.merged_into = Some(survivor.to_string());
                cell_changed = true;
            }
            PersonEvent::PersonRemovedFromCampaign => {
                state.row.status = "removed".to_string();
                cell_changed = true;
            }
            PersonEvent::PersonForgotten => {
                // Every personal column of the person, in every read model, goes.
                state.row.status = "forgotten".to_string();
                state.row.name = None;
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
                effects.erased = true;
                cell_changed = true;
            }
        }
        state.row.last_position = position;
        if cell_changed {
            let row = state.row.clone();
            self.snapshot_person(person, &row, position, at);
            effects
                .changes
                .extend(person_cell(&chapter, &campaign, person));
            let touched = self.touched_units.entry((chapter, campaign)).or_default();
            touched.extend(units_before);
            touched.extend(state.units.iter().cloned());
        }
        self.people.insert(person.to_string(), state);
        Ok(())
    }

    fn task(&mut self, envelope: &Envelope, event: &TaskEvent, effects: &mut BatchEffects) {
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
                    kind: task_kind_text(*kind).to_string(),
                    title: title.as_str().to_string(),
                    assignee: assignee.to_string(),
                    assigned_by: assigned_by.to_string(),
                    due: *due,
                    status: "open".to_string(),
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
            TaskEvent::TaskCompleted { .. } => {
                row.status = task_status_text(TaskStatus::Done).to_string()
            }
            TaskEvent::TaskCancelled { .. } => {
                row.status = task_status_text(TaskStatus::Cancelled).to_string()
            }
            TaskEvent::TaskReopened { .. } => {
                row.status = task_status_text(TaskStatus::Open).to_string()
            }
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
    async fn write(self, tx: &mut Tx, effects: &mut BatchEffects) -> Result<(), sqlx::Error> {
        let mut people_rows = Vec::new();
        let mut joined = Vec::new();
        let mut left = Vec::new();
        for (person, state) in &self.people {
            if state.stored.as_ref() != Some(&state.row) {
                let row = &state.row;
                people_rows.push(vec![
                    Arg::from(person.as_str()),
                    Arg::from(row.campaign_id.clone()),
                    Arg::from(row.chapter_id.clone()),
                    Arg::from(row.name.clone()),
                    Arg::from(row.name.as_ref().map(|name| name.to_lowercase())),
                    Arg::from(row.level),
                    Arg::from(row.organizer.clone()),
                    Arg::from(row.follow_up),
                    Arg::from(row.status.clone()),
                    Arg::from(row.merged_into.clone()),
                    Arg::from(row.preferred_language.clone()),
                    Arg::from(row.added_at),
                    Arg::from(row.last_position),
                ]);
            }
            for unit in state.units.difference(&state.stored_units) {
                joined.push(vec![
                    Arg::from(person.as_str()),
                    Arg::from(unit.as_str()),
                    Arg::from(state.row.campaign_id.clone()),
                ]);
            }
            for unit in state.stored_units.difference(&state.units) {
                left.push((person.clone(), unit.clone()));
            }
        }
        tx.insert_rows(
            "rm_people",
            PEOPLE_COLUMNS,
            people_rows,
            &upsert_clause("person_id", PEOPLE_COLUMNS),
        )
        .await?;
        self.person_history
            .write(
                tx,
                "rm_person_history",
                &["person_id"],
                &[
                    "person_id",
                    "from_position",
                    "campaign_id",
                    "level",
                    "organizer",
                    "follow_up",
                    "status",
                    "valid_from",
                    "valid_to",
                ],
            )
            .await?;
        for (person, unit) in left {
            tx.execute(
                "DELETE FROM rm_person_units WHERE person_id = $1 AND unit_id = $2",
                &args![person, unit],
            )
            .await?;
        }
        tx.insert_rows(
            "rm_person_units",
            &["person_id", "unit_id", "campaign_id"],
            joined,
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        self.membership_history
            .write(
                tx,
                "rm_person_unit_history",
                &["person_id", "unit_id"],
                &[
                    "person_id",
                    "unit_id",
                    "from_position",
                    "campaign_id",
                    "valid_from",
                    "valid_to",
                ],
            )
            .await?;
        tx.insert_rows(
            "rm_person_responses",
            &["person_id", "field_id", "response_id", "campaign_id"],
            self.responses
                .into_iter()
                .map(|((person, field, response), campaign)| {
                    args![person, field, response, campaign].to_vec()
                })
                .collect(),
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        tx.insert_rows(
            "rm_contact_points",
            &[
                "contact_point_id",
                "person_id",
                "kind",
                "label",
                "value",
                "do_not_contact",
            ],
            self.contact_points
                .into_iter()
                .map(|(id, point)| {
                    args![
                        id,
                        point.person,
                        point.kind,
                        point.label,
                        point.value,
                        point.do_not_contact
                    ]
                    .to_vec()
                })
                .collect(),
            "ON CONFLICT (contact_point_id) DO NOTHING",
        )
        .await?;
        tx.insert_rows(
            "rm_assessments",
            &[
                "person_id",
                "position",
                "campaign_id",
                "level",
                "previous_level",
                "assessed_by",
                "assessed_at",
            ],
            self.assessments,
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        tx.insert_rows(
            "rm_connections",
            &[
                "connection_id",
                "person_id",
                "target_kind",
                "target_id",
                "kind",
                "active",
            ],
            self.connections
                .into_iter()
                .map(|(id, connection)| {
                    args![
                        id,
                        connection.person,
                        connection.target_kind,
                        connection.target_id,
                        connection.kind,
                        connection.active
                    ]
                    .to_vec()
                })
                .collect(),
            "ON CONFLICT (connection_id) DO NOTHING",
        )
        .await?;
        tx.insert_rows(
            "rm_one_on_ones",
            &[
                "conversation_id",
                "person_id",
                "campaign_id",
                "chapter_id",
                "organizer",
                "held_at",
                "assessment",
                "logged_by",
            ],
            self.one_on_ones,
            "ON CONFLICT DO NOTHING",
        )
        .await?;
        tx.insert_rows(
            "rm_test_steps",
            &[
                "test_id",
                "person_id",
                "campaign_id",
                "step",
                "recorded_by",
                "recorded_at",
            ],
            self.test_steps
                .into_iter()
                .map(|((test, person), [campaign, step, by, at])| {
                    vec![Arg::from(test), Arg::from(person), campaign, step, by, at]
                })
                .collect(),
            "ON CONFLICT (test_id, person_id) DO UPDATE SET step = excluded.step, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .await?;
        self.step_history
            .write(
                tx,
                "rm_test_step_history",
                &["test_id", "person_id"],
                &[
                    "test_id",
                    "person_id",
                    "from_position",
                    "campaign_id",
                    "step",
                    "valid_from",
                    "valid_to",
                ],
            )
            .await?;
        let task_rows = self
            .tasks
            .into_iter()
            .filter(|(_, state)| state.changed)
            .filter_map(|(task, state)| {
                let row = state.row?;
                Some(vec![
                    Arg::from(task),
                    Arg::from(row.campaign_id),
                    Arg::from(row.chapter_id),
                    Arg::from(row.kind),
                    Arg::from(row.title),
                    Arg::from(row.assignee),
                    Arg::from(row.assigned_by),
                    Arg::Date(row.due),
                    Arg::from(row.status),
                    Arg::from(row.created_at),
                    Arg::from(row.updated_at),
                    Arg::from(row.last_position),
                ])
            })
            .collect();
        tx.insert_rows(
            "rm_tasks",
            TASK_COLUMNS,
            task_rows,
            &upsert_clause("task_id", TASK_COLUMNS),
        )
        .await?;
        tx.insert_rows(
            "rm_task_subjects",
            &["task_id", "person_id"],
            self.task_subjects
                .into_iter()
                .map(|(task, person)| args![task, person].to_vec())
                .collect(),
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
        // Anonymous placeholders on SQLite (numbered ones are looked up by name, one by one).
        let placeholders: Vec<String> = match tx.kind() {
            store::BackendKind::Postgres => {
                (1..=chunk.len()).map(|index| format!("${index}")).collect()
            }
            store::BackendKind::Sqlite => vec!["?".to_string(); chunk.len()],
        };
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

const ACTIVITY_COLUMNS: &[&str] = &[
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
];

/// The activity feed: one row per event, found by campaign, actor, kind and time. The campaign of a person,
/// task or test event comes from the event that created the aggregate (remembered, or looked up in the feed
/// itself), so this projection depends on no other. A batch's rows are written with one statement.
async fn apply_activity(
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
        rows.push(vec![
            Arg::from(envelope.position.position),
            Arg::from(envelope.position.tx),
            Arg::from(envelope.metadata.chapter.to_string()),
            Arg::from(campaign),
            Arg::from(envelope.metadata.actor.to_string()),
            Arg::from(envelope.metadata.at),
            Arg::from(envelope.event_type.as_str()),
            Arg::from(person.map(ToString::to_string)),
            Arg::from(task.map(ToString::to_string)),
            Arg::from(test.map(ToString::to_string)),
            Arg::from(summary(&envelope.payload)),
        ]);
    }
    tx.insert_rows(
        "rm_activity",
        ACTIVITY_COLUMNS,
        rows,
        "ON CONFLICT DO NOTHING",
    )
    .await
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
