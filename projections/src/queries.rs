//! The read API: plain Rust answers to the questions organizers, leads and analysts ask, read from the
//! read-model tables. Every call takes the caller's chapter and never returns another chapter's rows: a
//! campaign, person, task or test of another chapter reads as absent.
//!
//! Time travel: `as_of` reads the history tables (valid over `[valid_from, valid_to)` in the events' own
//! time), with the same code that builds the live answer, so the two agree by construction.

use crate::apply::{status_text, task_status_text, CampaignOf};
use crate::db::{args, AnyRow, Arg, Db};
use crate::error::ProjectionError;
use crate::runner::{self, ReadModelChange, Runner, RunnerOptions};
use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate, Utc};
use domain::ids::{
    CampaignId, ChapterId, ConnectionId, ContactPointId, ConversationId, FieldId, PersonId,
    ResponseId, StructureTestId, TaskId, UnitId, UserId,
};
use domain::values::{StepKind, TaskKind, TaskStatus};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use store::{Position, Store};
use tokio::sync::{broadcast, watch};

/// The read side of one Groundwork: the read-model tables in the store's database. Cheap to clone.
#[derive(Clone)]
pub struct ReadModels {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    db: Db,
    changes: broadcast::Sender<ReadModelChange>,
    /// Bumped whenever a batch is committed here or another process's changes arrive.
    projected: watch::Sender<u64>,
    /// Bumped when another process appended (PostgreSQL NOTIFY).
    wake: watch::Sender<u64>,
    /// Tests only: fail every n-th batch before its commit (0: never).
    fault_every: AtomicU32,
    batches: AtomicU32,
    /// The campaign of every aggregate the activity projection has seen.
    campaign_of: CampaignOf,
    /// Wall charts recently built, each valid for as long as the `campaigns` checkpoint it was built at.
    charts: std::sync::Mutex<Vec<CachedChart>>,
    /// One wall chart is built at a time: concurrent requests for the same chart wait for the first.
    chart_build: tokio::sync::Mutex<()>,
    /// The runners' open batch transactions, which never append (PostgreSQL reads pass them).
    batch_transactions: runner::BatchTransactions,
    /// Serialised answers made of wall charts (the API's), valid like the charts themselves.
    answers: std::sync::Mutex<Vec<CachedAnswer>>,
    /// One answer is built at a time: concurrent requests for a missing answer wait for the first.
    answer_build: tokio::sync::Mutex<()>,
    /// Bumped whenever this process projected a forgetting, so that an answer built meanwhile is not kept.
    forgettings: std::sync::atomic::AtomicU64,
}

/// Which wall chart: the chapter is part of the key, so a chart never answers another chapter's caller.
type ChartKey = (
    ChapterId,
    CampaignId,
    Option<StructureTestId>,
    Option<DateTime<Utc>>,
);

struct CachedChart {
    key: ChartKey,
    /// The `campaigns` checkpoint read before the chart was built: its tables were at least this new.
    checkpoint: Position,
    chart: Arc<WallChart>,
}

/// How many wall charts are kept (a chart of 100,000 people is about 15 MB).
const CACHED_CHARTS: usize = 4;

/// A serialised answer derived only from wall charts and from who asked, under a key its maker chose.
struct CachedAnswer {
    key: Vec<u8>,
    /// The `campaigns` checkpoint read before the answer was built.
    checkpoint: Position,
    answer: Arc<[u8]>,
}

/// Where the wall charts' tables stood when an answer was looked up: answers are kept and found by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartStamp {
    /// The `campaigns` checkpoint.
    checkpoint: Position,
    /// How many forgettings this process had projected.
    forgettings: u64,
}

/// How many serialised answers are kept, and how many bytes they may hold together (a full wall chart of
/// 100,000 people is about 17 MiB as JSON). A larger answer is not kept.
const CACHED_ANSWERS: usize = 4;
const CACHED_ANSWER_BYTES: usize = 64 * 1024 * 1024;

impl std::fmt::Debug for ReadModels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadModels").finish_non_exhaustive()
    }
}

impl ReadModels {
    /// The read models of this store's database (its migrations create the tables).
    pub fn new(store: &Store) -> Self {
        let (changes, _) = broadcast::channel(1024);
        let (projected, _) = watch::channel(0);
        let (wake, _) = watch::channel(0);
        Self {
            inner: Arc::new(Inner {
                store: store.clone(),
                db: Db::of(store),
                changes,
                projected,
                wake,
                fault_every: AtomicU32::new(0),
                batches: AtomicU32::new(0),
                campaign_of: CampaignOf::default(),
                charts: std::sync::Mutex::new(Vec::new()),
                chart_build: tokio::sync::Mutex::new(()),
                batch_transactions: runner::BatchTransactions::default(),
                answers: std::sync::Mutex::new(Vec::new()),
                answer_build: tokio::sync::Mutex::new(()),
                forgettings: std::sync::atomic::AtomicU64::new(0),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    /// Drops every cached wall chart and every answer made of one (after a person was forgotten).
    pub(crate) fn forget_charts(&self) {
        self.inner
            .charts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
        let mut answers = self
            .inner
            .answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Under the lock, so that an answer built before the forgetting cannot be kept after this.
        self.inner.forgettings.fetch_add(1, Ordering::SeqCst);
        answers.clear();
    }

    pub(crate) fn campaign_of(&self) -> &CampaignOf {
        &self.inner.campaign_of
    }

    pub(crate) fn batch_transactions(&self) -> &runner::BatchTransactions {
        &self.inner.batch_transactions
    }

    /// Starts the projection runners (and, on PostgreSQL, the listener for other processes' appends and
    /// read-model changes). Must be called inside a Tokio runtime.
    pub fn start(&self, options: RunnerOptions) -> Runner {
        runner::start(self, options)
    }

    /// Read-model changes of every chapter, after each committed batch (of any process on PostgreSQL).
    /// Subscribers filter by [`ReadModelChange::chapter`] and campaign.
    pub fn changes(&self) -> broadcast::Receiver<ReadModelChange> {
        self.inner.changes.subscribe()
    }

    pub(crate) fn publish(&self, change: ReadModelChange) {
        let _ = self.inner.changes.send(change);
    }

    pub(crate) fn projected(&self) {
        self.inner.projected.send_modify(|count| *count += 1);
    }

    pub(crate) fn projected_signal(&self) -> watch::Receiver<u64> {
        self.inner.projected.subscribe()
    }

    pub(crate) fn set_fault_every(&self, every: Option<u32>) {
        self.inner
            .fault_every
            .store(every.unwrap_or(0), Ordering::Relaxed);
    }

    /// Whether the batch about to commit should fail instead (fault injection for tests).
    pub(crate) fn inject_fault(&self) -> bool {
        let every = self.inner.fault_every.load(Ordering::Relaxed);
        let batch = self.inner.batches.fetch_add(1, Ordering::Relaxed) + 1;
        every > 0 && batch.checked_rem(every) == Some(0)
    }

    pub(crate) fn wake(&self) {
        self.inner.wake.send_modify(|count| *count += 1);
    }

    pub(crate) fn wake_signal(&self) -> watch::Receiver<u64> {
        self.inner.wake.subscribe()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Answer types.

/// A page of a Relay connection. Cursors are opaque.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub edges: Vec<Edge<T>>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total_count: i64,
}

impl<T> Page<T> {
    /// A page of `nodes` that starts `offset` items into the whole list of `total_count` items.
    fn at_offset(nodes: Vec<T>, offset: u64, has_next_page: bool, total_count: i64) -> Self {
        Self {
            edges: nodes
                .into_iter()
                .enumerate()
                .map(|(index, node)| Edge {
                    cursor: cursor(offset + index as u64),
                    node,
                })
                .collect(),
            has_next_page,
            has_previous_page: offset > 0,
            total_count,
        }
    }

    pub fn nodes(&self) -> impl Iterator<Item = &T> {
        self.edges.iter().map(|edge| &edge.node)
    }

    pub fn end_cursor(&self) -> Option<&str> {
        self.edges.last().map(|edge| edge.cursor.as_str())
    }

    pub fn start_cursor(&self) -> Option<&str> {
        self.edges.first().map(|edge| edge.cursor.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge<T> {
    pub cursor: String,
    pub node: T,
}

/// Which page: the `first` items after the `after` cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<String>,
    pub first: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            after: None,
            first: 50,
        }
    }
}

/// The largest page any query hands out.
pub const MAX_PAGE_SIZE: u32 = 500;

fn cursor(offset: u64) -> String {
    format!("o{offset}")
}

fn parse_cursor(cursor: Option<&str>) -> Result<u64, ProjectionError> {
    match cursor {
        None => Ok(0),
        Some(text) => text
            .strip_prefix('o')
            .and_then(|number| number.parse::<u64>().ok())
            .map(|offset| offset + 1)
            .ok_or_else(|| ProjectionError::InvalidCursor(text.to_string())),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonStatusView {
    Active,
    Removed,
    Merged,
    Forgotten,
}

impl PersonStatusView {
    fn parse(text: &str) -> Self {
        match text {
            "removed" => Self::Removed,
            "merged" => Self::Merged,
            "forgotten" => Self::Forgotten,
            _ => Self::Active,
        }
    }
}

/// A person in the people list.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub person_id: PersonId,
    pub campaign_id: CampaignId,
    /// `None` once the person was forgotten.
    pub name: Option<String>,
    pub level: Option<u8>,
    pub organizer: Option<UserId>,
    pub follow_up: bool,
    pub status: PersonStatusView,
    pub preferred_language: Option<String>,
    pub units: Vec<UnitId>,
}

/// Filters of the people list; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// People in this unit or any of its sub-units.
    pub unit: Option<UnitId>,
    /// Any of these levels; `None` in the list means unassessed. Empty: any level.
    pub levels: Vec<Option<u8>>,
    /// People with every one of these responses.
    pub responses_all: Vec<ResponseId>,
    /// People with at least one of these responses.
    pub responses_any: Vec<ResponseId>,
    pub organizer: Option<UserId>,
    /// `Some(true)`: only people without an organizer; `Some(false)`: only covered people.
    pub uncovered: Option<bool>,
    pub follow_up: Option<bool>,
    /// People whose latest step in the test is this one (`None`: not asked).
    pub test_step: Option<(StructureTestId, Option<StepKind>)>,
    /// Case-insensitive substring of the name.
    pub name_search: Option<String>,
    /// Also removed, merged and forgotten people.
    pub include_inactive: bool,
    /// Only the people of a turf: those this user organizes, or in one of these units (the caller expands
    /// sub-units).
    pub turf: Option<(UserId, Vec<UnitId>)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PeopleSort {
    #[default]
    NameAsc,
    NameDesc,
    LevelAsc,
    LevelDesc,
    /// The person changed most recently first.
    RecentlyChanged,
}

/// One level of a campaign's scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleLevelView {
    pub level: u8,
    pub label: String,
    pub colour: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignView {
    pub campaign_id: CampaignId,
    pub chapter_id: ChapterId,
    pub name: String,
    pub goal: i64,
    pub archived: bool,
    pub scale: Vec<ScaleLevelView>,
}

/// A person as a wall-chart cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonCell {
    pub person_id: PersonId,
    pub name: Option<String>,
    pub level: Option<u8>,
    pub organizer: Option<UserId>,
    pub follow_up: bool,
    /// The latest step in the chart's structure test, if one was chosen.
    pub step: Option<StepKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelCount {
    pub level: u8,
    pub count: u32,
}

/// Participation in a structure test among some people.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFigures {
    /// People the test covers.
    pub in_scope: u32,
    pub asked: u32,
    pub committed: u32,
    pub participated: u32,
    pub declined: u32,
    /// Participated / in scope (0 when nobody is in scope).
    pub participation: f64,
    pub goal_reached: bool,
}

/// The figures of a unit (its people and its sub-units' people) or of the whole campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFigures {
    pub people: u32,
    pub assessed: u32,
    pub per_level: Vec<LevelCount>,
    /// Share of all people at level 1 or 2 (0 when empty).
    pub share_ones_and_twos: f64,
    pub uncovered: u32,
    pub test: Option<TestFigures>,
    /// More than half are 1s and 2s.
    pub majority: bool,
    /// At least two thirds are 1s and 2s.
    pub supermajority: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WallChartUnit {
    pub unit_id: UnitId,
    pub parent: Option<UnitId>,
    /// 0 for a root unit.
    pub depth: u32,
    pub name: String,
    pub kind: String,
    pub retired: bool,
    /// People directly in this unit.
    pub people: Vec<PersonCell>,
    /// Figures of this unit and its sub-units.
    pub figures: UnitFigures,
}

/// The campaign at a glance: units in tree order (depth first, by name), people as cells, figures.
#[derive(Debug, Clone, PartialEq)]
pub struct WallChart {
    pub campaign: CampaignView,
    pub as_of: Option<DateTime<Utc>>,
    pub test: Option<StructureTestId>,
    pub units: Vec<WallChartUnit>,
    /// Active people in no unit.
    pub unplaced: Vec<PersonCell>,
    pub totals: UnitFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPointView {
    pub contact_point_id: ContactPointId,
    pub kind: String,
    pub label: String,
    /// `None` once the person was forgotten.
    pub value: Option<String>,
    pub do_not_contact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentView {
    pub level: Option<u8>,
    pub previous_level: Option<u8>,
    pub assessed_by: UserId,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionView {
    pub connection_id: ConnectionId,
    /// `person` or `unit`.
    pub target_kind: String,
    pub target_id: String,
    pub kind: String,
    pub active: bool,
}

/// A logged 1:1 (the notes stay in the event log, read through the person's stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOnOneView {
    pub conversation_id: ConversationId,
    pub person_id: PersonId,
    pub organizer: UserId,
    pub held_at: DateTime<Utc>,
    pub assessment: Option<u8>,
    pub logged_by: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepView {
    pub test_id: StructureTestId,
    pub step: StepKind,
    pub at: DateTime<Utc>,
}

/// Everything about one person.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonDetail {
    pub person_id: PersonId,
    pub campaign_id: CampaignId,
    pub name: Option<String>,
    pub status: PersonStatusView,
    pub merged_into: Option<PersonId>,
    pub preferred_language: Option<String>,
    pub level: Option<u8>,
    pub organizer: Option<UserId>,
    pub follow_up: bool,
    /// Current contact points (not time-travelled).
    pub contact_points: Vec<ContactPointView>,
    pub units: Vec<UnitId>,
    /// Current responses (not time-travelled).
    pub responses: Vec<(FieldId, ResponseId)>,
    pub assessments: Vec<AssessmentView>,
    /// Current connections, active and inactive (not time-travelled).
    pub connections: Vec<ConnectionView>,
    pub one_on_ones: Vec<OneOnOneView>,
    pub tasks: Vec<TaskRow>,
    pub steps: Vec<StepView>,
    /// Every change of the person, oldest first: who, what (old → new), when.
    pub history: Vec<ActivityItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub task_id: TaskId,
    pub campaign_id: CampaignId,
    pub kind: TaskKind,
    pub title: String,
    pub assignee: UserId,
    pub assigned_by: UserId,
    pub due: Option<NaiveDate>,
    pub status: TaskStatus,
    pub subjects: Vec<PersonId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub campaign: Option<CampaignId>,
    pub assignee: Option<UserId>,
    pub status: Option<TaskStatus>,
    /// Due on or before this date.
    pub due_before: Option<NaiveDate>,
    /// Open and due before this date.
    pub overdue_at: Option<NaiveDate>,
    pub subject: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitTestRow {
    pub unit_id: UnitId,
    pub name: String,
    pub depth: u32,
    pub figures: TestFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonStep {
    pub person_id: PersonId,
    pub name: Option<String>,
    pub units: Vec<UnitId>,
    pub step: Option<StepKind>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructureTestView {
    pub test_id: StructureTestId,
    pub campaign_id: CampaignId,
    pub name: String,
    pub goal_percent: u8,
    pub deadline: NaiveDate,
    pub closed: bool,
    /// Empty: the whole campaign.
    pub scope: Vec<UnitId>,
    pub as_of: Option<DateTime<Utc>>,
    pub totals: TestFigures,
    pub units: Vec<UnitTestRow>,
    /// The people in scope.
    pub people: Vec<PersonStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityItem {
    pub position: Position,
    pub chapter_id: ChapterId,
    pub campaign_id: Option<CampaignId>,
    pub actor: UserId,
    pub at: DateTime<Utc>,
    /// The event type, e.g. `PersonAssessed`.
    pub kind: String,
    pub person_id: Option<PersonId>,
    pub task_id: Option<TaskId>,
    pub test_id: Option<StructureTestId>,
    /// What happened, without personal data.
    pub summary: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    pub actor: Option<UserId>,
    /// Any of these event types (empty: all).
    pub kinds: Vec<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
    pub person: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyDistribution {
    /// The Monday the week starts on; counts are as of the end of the week.
    pub week_start: NaiveDate,
    pub per_level: Vec<LevelCount>,
    pub unassessed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizerWeek {
    pub week_start: NaiveDate,
    pub organizer: UserId,
    pub one_on_ones: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageWeek {
    pub week_start: NaiveDate,
    pub people: u32,
    pub covered: u32,
    pub uncovered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurvePoint {
    /// Counts as of the end of this day (UTC).
    pub day: NaiveDate,
    pub asked: u32,
    pub committed: u32,
    pub participated: u32,
    pub declined: u32,
}

// ---------------------------------------------------------------------------------------------------------
// Helpers.

/// SQL text with numbered placeholders and their arguments, built up piece by piece.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an argument and returns its placeholder.
    fn arg(&mut self, arg: impl Into<Arg>) -> String {
        self.args.push(arg.into());
        format!("${}", self.args.len())
    }

    fn list(&mut self, values: impl IntoIterator<Item = String>) -> String {
        let placeholders: Vec<String> = values.into_iter().map(|value| self.arg(value)).collect();
        if placeholders.is_empty() {
            "NULL".to_string()
        } else {
            placeholders.join(", ")
        }
    }
}

fn decode_error(what: &str, text: &str) -> ProjectionError {
    ProjectionError::Database(sqlx::Error::Decode(
        format!("{what} `{text}` is malformed").into(),
    ))
}

macro_rules! id_parser {
    ($name:ident, $opt:ident, $type:ty) => {
        fn $name(row: &AnyRow, column: &str) -> Result<$type, ProjectionError> {
            let text = row.text(column)?;
            <$type>::parse(&text).map_err(|_| decode_error(column, &text))
        }
        #[allow(dead_code)]
        fn $opt(row: &AnyRow, column: &str) -> Result<Option<$type>, ProjectionError> {
            match row.opt_text(column)? {
                Some(text) => <$type>::parse(&text)
                    .map(Some)
                    .map_err(|_| decode_error(column, &text)),
                None => Ok(None),
            }
        }
    };
}

id_parser!(person_id, opt_person_id, PersonId);
id_parser!(campaign_id, opt_campaign_id, CampaignId);
id_parser!(chapter_id, opt_chapter_id, ChapterId);
id_parser!(unit_id, opt_unit_id, UnitId);
id_parser!(user_id, opt_user_id, UserId);
id_parser!(task_id, opt_task_id, TaskId);
id_parser!(test_id, opt_test_id, StructureTestId);
id_parser!(field_id, opt_field_id, FieldId);
id_parser!(response_id, opt_response_id, ResponseId);

fn opt_level(row: &AnyRow, column: &str) -> Result<Option<u8>, ProjectionError> {
    Ok(row
        .opt_int(column)?
        .and_then(|level| u8::try_from(level).ok()))
}

fn parse_step(text: &str) -> Option<StepKind> {
    match text {
        "asked" => Some(StepKind::Asked),
        "committed" => Some(StepKind::Committed),
        "participated" => Some(StepKind::Participated),
        "declined" => Some(StepKind::Declined),
        _ => None,
    }
}

fn parse_task_status(text: &str) -> TaskStatus {
    match text {
        "done" => TaskStatus::Done,
        "cancelled" => TaskStatus::Cancelled,
        _ => TaskStatus::Open,
    }
}

fn parse_task_kind(text: &str) -> TaskKind {
    match text {
        "one_on_one" => TaskKind::OneOnOne,
        "follow_up" => TaskKind::FollowUp,
        "structure_test_ask" => TaskKind::StructureTestAsk,
        _ => TaskKind::DataCheck,
    }
}

/// The Monday of the week `day` is in.
fn week_start(day: NaiveDate) -> NaiveDate {
    day - ChronoDuration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The instant a day ends (the start of the next, exclusive).
fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    (day + ChronoDuration::days(1))
        .and_hms_opt(0, 0, 0)
        .map(|naive| naive.and_utc())
        .unwrap_or_else(Utc::now)
}

/// `alias.valid_from <= T AND (alias.valid_to IS NULL OR alias.valid_to > T)`.
fn valid_at(sql: &mut Sql, alias: &str, at: DateTime<Utc>) -> String {
    let first = sql.arg(at);
    let second = sql.arg(at);
    format!("{alias}.valid_from <= {first} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {second})")
}

/// The raw material of a wall chart, live or as of a moment.
struct ChartData {
    units: Vec<UnitRecord>,
    people: Vec<PersonCell>,
    memberships: Vec<(PersonId, UnitId)>,
}

#[derive(Clone)]
struct UnitRecord {
    unit_id: UnitId,
    parent: Option<UnitId>,
    name: String,
    kind: String,
    retired: bool,
}

struct TestRecord {
    test_id: StructureTestId,
    campaign_id: CampaignId,
    name: String,
    goal_percent: u8,
    deadline: NaiveDate,
    closed: bool,
    scope: Vec<UnitId>,
}

/// Units in tree order (roots and siblings by name), with depth.
fn tree_order(units: &[UnitRecord]) -> Vec<(UnitRecord, u32)> {
    let known: BTreeSet<UnitId> = units.iter().map(|unit| unit.unit_id).collect();
    let mut children: BTreeMap<Option<UnitId>, Vec<&UnitRecord>> = BTreeMap::new();
    for unit in units {
        // A unit whose parent is unknown (at that moment) shows as a root rather than vanishing.
        let parent = unit.parent.filter(|parent| known.contains(parent));
        children.entry(parent).or_default().push(unit);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| a.name.cmp(&b.name).then(a.unit_id.cmp(&b.unit_id)));
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<(&UnitRecord, u32)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|unit| (*unit, 0)).collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    while let Some((unit, depth)) = stack.pop() {
        if !seen.insert(unit.unit_id) {
            continue;
        }
        ordered.push((unit.clone(), depth));
        if let Some(kids) = children.get(&Some(unit.unit_id)) {
            for kid in kids.iter().rev() {
                stack.push((kid, depth + 1));
            }
        }
    }
    ordered
}

/// Every unit with all its descendants (itself included).
fn subtrees(units: &[UnitRecord]) -> HashMap<UnitId, BTreeSet<UnitId>> {
    let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for unit in units {
        if let Some(parent) = unit.parent {
            children.entry(parent).or_default().push(unit.unit_id);
        }
    }
    units
        .iter()
        .map(|unit| {
            let mut all = BTreeSet::new();
            let mut stack = vec![unit.unit_id];
            while let Some(next) = stack.pop() {
                if all.insert(next) {
                    stack.extend(children.get(&next).into_iter().flatten().copied());
                }
            }
            (unit.unit_id, all)
        })
        .collect()
}

/// The figures of some people, counted one person at a time.
#[derive(Debug, Clone, Default)]
struct Tally {
    people: u32,
    assessed: u32,
    per_level: BTreeMap<u8, u32>,
    uncovered: u32,
    in_scope: u32,
    asked: u32,
    committed: u32,
    participated: u32,
    declined: u32,
}

impl Tally {
    /// Counts a person; `in_scope`: they are in the chart's structure test's scope.
    fn add(&mut self, person: &PersonCell, in_scope: bool) {
        self.people += 1;
        if let Some(level) = person.level {
            self.assessed += 1;
            *self.per_level.entry(level).or_default() += 1;
        }
        if person.organizer.is_none() {
            self.uncovered += 1;
        }
        if in_scope {
            self.in_scope += 1;
            match person.step {
                Some(StepKind::Asked) => self.asked += 1,
                Some(StepKind::Committed) => self.committed += 1,
                Some(StepKind::Participated) => self.participated += 1,
                Some(StepKind::Declined) => self.declined += 1,
                None => {}
            }
        }
    }

    /// The figures; with a test's goal, its participation too.
    fn finish(self, goal_percent: Option<u8>) -> UnitFigures {
        let test = goal_percent.map(|goal_percent| {
            let mut figures = TestFigures {
                in_scope: self.in_scope,
                asked: self.asked,
                committed: self.committed,
                participated: self.participated,
                declined: self.declined,
                participation: 0.0,
                goal_reached: false,
            };
            if figures.in_scope > 0 {
                figures.participation =
                    f64::from(figures.participated) / f64::from(figures.in_scope);
                figures.goal_reached = u64::from(figures.participated) * 100
                    >= u64::from(goal_percent) * u64::from(figures.in_scope);
            }
            figures
        });
        let total = self.people;
        let strong = self.per_level.get(&1).copied().unwrap_or(0)
            + self.per_level.get(&2).copied().unwrap_or(0);
        let share = if total == 0 {
            0.0
        } else {
            f64::from(strong) / f64::from(total)
        };
        UnitFigures {
            people: total,
            assessed: self.assessed,
            per_level: self
                .per_level
                .into_iter()
                .map(|(level, count)| LevelCount { level, count })
                .collect(),
            share_ones_and_twos: share,
            uncovered: self.uncovered,
            test,
            majority: total > 0 && strong * 2 > total,
            supermajority: total > 0 && strong * 3 >= total * 2,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Queries.

impl ReadModels {
    /// A campaign of the caller's chapter.
    pub async fn campaign(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
    ) -> Result<Option<CampaignView>, ProjectionError> {
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT campaign_id, chapter_id, name, goal, archived FROM rm_campaigns \
                 WHERE campaign_id = $1 AND chapter_id = $2",
                &args![campaign.to_string(), chapter.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let scale = self
            .db()
            .fetch(
                "SELECT level, label, colour FROM rm_scale_levels WHERE campaign_id = $1 ORDER BY level",
                &args![campaign.to_string()],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(ScaleLevelView {
                    level: u8::try_from(row.int("level")?).unwrap_or(u8::MAX),
                    label: row.text("label")?,
                    colour: row.text("colour")?,
                })
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        Ok(Some(CampaignView {
            campaign_id: campaign_id(&row, "campaign_id")?,
            chapter_id: chapter_id(&row, "chapter_id")?,
            name: row.text("name")?,
            goal: row.int("goal")?,
            archived: row.boolean("archived")?,
            scale,
        }))
    }

    /// The campaigns of the caller's chapter, by name.
    pub async fn campaigns(
        &self,
        chapter: ChapterId,
    ) -> Result<Vec<CampaignView>, ProjectionError> {
        let rows = self
            .db()
            .fetch(
                "SELECT campaign_id FROM rm_campaigns WHERE chapter_id = $1 ORDER BY name, campaign_id",
                &args![chapter.to_string()],
            )
            .await?;
        let mut campaigns = Vec::new();
        for row in rows {
            if let Some(campaign) = self
                .campaign(chapter, campaign_id(&row, "campaign_id")?)
                .await?
            {
                campaigns.push(campaign);
            }
        }
        Ok(campaigns)
    }

    async fn load_units(
        &self,
        campaign: CampaignId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Vec<UnitRecord>, ProjectionError> {
        let mut sql = Sql::default();
        let campaign_arg = sql.arg(campaign.to_string());
        match as_of {
            None => sql.push(&format!(
                "SELECT u.unit_id, u.parent_id, u.name, u.kind, u.retired FROM rm_units u \
                 WHERE u.campaign_id = {campaign_arg}"
            )),
            Some(at) => {
                let valid = valid_at(&mut sql, "u", at);
                sql.push(&format!(
                    "SELECT u.unit_id, u.parent_id, u.name, u.kind, u.retired FROM rm_unit_history u \
                     WHERE u.campaign_id = {campaign_arg} AND {valid}"
                ))
            }
        };
        self.db()
            .fetch(&sql.text, &sql.args)
            .await?
            .iter()
            .map(|row| {
                Ok(UnitRecord {
                    unit_id: unit_id(row, "unit_id")?,
                    parent: opt_unit_id(row, "parent_id")?,
                    name: row.text("name")?,
                    kind: row.text("kind")?,
                    retired: row.boolean("retired")?,
                })
            })
            .collect()
    }

    async fn load_test(
        &self,
        chapter: ChapterId,
        test: StructureTestId,
    ) -> Result<Option<TestRecord>, ProjectionError> {
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT test_id, campaign_id, name, goal_percent, deadline, closed FROM rm_structure_tests \
                 WHERE test_id = $1 AND chapter_id = $2",
                &args![test.to_string(), chapter.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let scope = self
            .db()
            .fetch(
                "SELECT unit_id FROM rm_structure_test_units WHERE test_id = $1 ORDER BY unit_id",
                &args![test.to_string()],
            )
            .await?
            .iter()
            .map(|row| unit_id(row, "unit_id"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(TestRecord {
            test_id: test_id(&row, "test_id")?,
            campaign_id: campaign_id(&row, "campaign_id")?,
            name: row.text("name")?,
            goal_percent: u8::try_from(row.int("goal_percent")?).unwrap_or(100),
            deadline: row.date("deadline")?,
            closed: row.boolean("closed")?,
            scope,
        }))
    }

    async fn load_chart_data(
        &self,
        campaign: CampaignId,
        test: Option<StructureTestId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<ChartData, ProjectionError> {
        let units = self.load_units(campaign, as_of).await?;
        // People: the live row, or the history row valid at the moment (the name is always today's: a
        // forgotten person's name is gone from every moment).
        let mut sql = Sql::default();
        let campaign_arg = sql.arg(campaign.to_string());
        match as_of {
            None => sql.push(&format!(
                "SELECT p.person_id, p.name, p.level, p.organizer, p.follow_up FROM rm_people p \
                 WHERE p.campaign_id = {campaign_arg} AND p.status = 'active'"
            )),
            Some(at) => {
                let valid = valid_at(&mut sql, "h", at);
                sql.push(&format!(
                    "SELECT h.person_id, p.name, h.level, h.organizer, h.follow_up FROM rm_person_history h \
                     JOIN rm_people p ON p.person_id = h.person_id \
                     WHERE h.campaign_id = {campaign_arg} AND h.status = 'active' AND {valid}"
                ))
            }
        };
        let mut people = self
            .db()
            .fetch(&sql.text, &sql.args)
            .await?
            .iter()
            .map(|row| {
                Ok(PersonCell {
                    person_id: person_id(row, "person_id")?,
                    name: row.opt_text("name")?,
                    level: opt_level(row, "level")?,
                    organizer: opt_user_id(row, "organizer")?,
                    follow_up: row.boolean("follow_up")?,
                    step: None,
                })
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        let mut sql = Sql::default();
        let campaign_arg = sql.arg(campaign.to_string());
        match as_of {
            None => sql.push(&format!(
                "SELECT m.person_id, m.unit_id FROM rm_person_units m WHERE m.campaign_id = {campaign_arg}"
            )),
            Some(at) => {
                let valid = valid_at(&mut sql, "m", at);
                sql.push(&format!(
                    "SELECT m.person_id, m.unit_id FROM rm_person_unit_history m \
                     WHERE m.campaign_id = {campaign_arg} AND {valid}"
                ))
            }
        };
        let memberships = self
            .db()
            .fetch(&sql.text, &sql.args)
            .await?
            .iter()
            .map(|row| Ok((person_id(row, "person_id")?, unit_id(row, "unit_id")?)))
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        let mut steps = HashMap::new();
        if let Some(test) = test {
            let mut sql = Sql::default();
            let test_arg = sql.arg(test.to_string());
            match as_of {
                None => sql.push(&format!(
                    "SELECT s.person_id, s.step FROM rm_test_steps s WHERE s.test_id = {test_arg}"
                )),
                Some(at) => {
                    let valid = valid_at(&mut sql, "s", at);
                    sql.push(&format!(
                        "SELECT s.person_id, s.step FROM rm_test_step_history s \
                         WHERE s.test_id = {test_arg} AND {valid}"
                    ))
                }
            };
            for row in self.db().fetch(&sql.text, &sql.args).await? {
                if let Some(step) = parse_step(&row.text("step")?) {
                    steps.insert(person_id(&row, "person_id")?, step);
                }
            }
        }
        for person in &mut people {
            person.step = steps.get(&person.person_id).copied();
        }
        people.sort_by(|a, b| a.name.cmp(&b.name).then(a.person_id.cmp(&b.person_id)));
        Ok(ChartData {
            units,
            people,
            memberships,
        })
    }

    /// The wall chart of a campaign, live or as of a moment, with a structure test's participation if one
    /// is chosen. `None` if the campaign (or the test) is not the chapter's.
    ///
    /// Charts are cached by the `campaigns` projection's checkpoint: every table a chart reads is written
    /// by that projection in the same transaction as its checkpoint, so while the checkpoint stands still
    /// the chart cannot change, and once it moves the cached chart is no longer used. Checking costs one
    /// primary-key read, which also sees batches committed by other processes.
    pub async fn wall_chart(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        test: Option<StructureTestId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<WallChart>, ProjectionError> {
        let key: ChartKey = (chapter, campaign, test, as_of);
        let checkpoint = self.checkpoint(crate::apply::CAMPAIGNS).await?;
        if let Some(chart) = self.cached_chart(&key, checkpoint) {
            return Ok(Some(chart.as_ref().clone()));
        }
        let _building = self.inner.chart_build.lock().await;
        // Another request may have built it while this one waited.
        let checkpoint = self.checkpoint(crate::apply::CAMPAIGNS).await?;
        if let Some(chart) = self.cached_chart(&key, checkpoint) {
            return Ok(Some(chart.as_ref().clone()));
        }
        let chart = self
            .build_wall_chart(chapter, campaign, test, as_of)
            .await?;
        if let Some(chart) = &chart {
            let mut charts = self
                .inner
                .charts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            charts.retain(|cached| cached.key != key && cached.checkpoint >= checkpoint);
            if charts.len() >= CACHED_CHARTS {
                charts.remove(0);
            }
            charts.push(CachedChart {
                key,
                checkpoint,
                chart: Arc::new(chart.clone()),
            });
        }
        Ok(chart)
    }

    /// The chart of `key` built at `checkpoint`, if there is one; charts of older checkpoints are dropped
    /// (so a forgotten person's name does not linger in memory either).
    fn cached_chart(&self, key: &ChartKey, checkpoint: Position) -> Option<Arc<WallChart>> {
        let mut charts = self
            .inner
            .charts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        charts.retain(|cached| cached.checkpoint >= checkpoint);
        charts
            .iter()
            .find(|cached| cached.key == *key && cached.checkpoint == checkpoint)
            .map(|cached| Arc::clone(&cached.chart))
    }

    /// Where the wall charts' tables stand: the `campaigns` checkpoint (one primary-key read). An answer
    /// made only of wall charts (and of who asked) and built after reading it stays true for as long as the
    /// checkpoint has not moved.
    pub async fn chart_stamp(&self) -> Result<ChartStamp, ProjectionError> {
        // Read first: a forgetting projected after this read bumps the count past the stamp's.
        let forgettings = self.inner.forgettings.load(Ordering::SeqCst);
        Ok(ChartStamp {
            checkpoint: self.checkpoint(crate::apply::CAMPAIGNS).await?,
            forgettings,
        })
    }

    /// The answer kept under `key` at `stamp` (read with [`ReadModels::chart_stamp`]), if any.
    /// Answers of older checkpoints are dropped here, so a forgotten person's name does not linger in them
    /// either (and all of them are dropped as soon as this process projects a forgetting).
    ///
    /// The key is the caller's to make: it must hold everything the answer depends on besides the wall
    /// charts (the request, and the caller's chapter, role and scope), so that two callers who may see
    /// different things never share an answer.
    pub fn chart_answer(&self, key: &[u8], stamp: ChartStamp) -> Option<Arc<[u8]>> {
        let checkpoint = stamp.checkpoint;
        let mut answers = self
            .inner
            .answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        answers.retain(|cached| cached.checkpoint >= checkpoint);
        answers
            .iter()
            .find(|cached| cached.key == key && cached.checkpoint == checkpoint)
            .map(|cached| Arc::clone(&cached.answer))
    }

    /// Keeps `answer` under `key`, built after reading `stamp`. The oldest answers make room; one larger
    /// than the whole budget is not kept, nor one built while a forgetting was projected (it may hold the
    /// forgotten name).
    pub fn keep_chart_answer(&self, key: Vec<u8>, stamp: ChartStamp, answer: Arc<[u8]>) {
        let checkpoint = stamp.checkpoint;
        let mut answers = self
            .inner
            .answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if answer.len() > CACHED_ANSWER_BYTES
            || self.inner.forgettings.load(Ordering::SeqCst) != stamp.forgettings
        {
            return;
        }
        answers.retain(|cached| cached.key != key && cached.checkpoint >= checkpoint);
        while !answers.is_empty()
            && (answers.len() >= CACHED_ANSWERS
                || answers
                    .iter()
                    .map(|cached| cached.answer.len())
                    .sum::<usize>()
                    + answer.len()
                    > CACHED_ANSWER_BYTES)
        {
            answers.remove(0);
        }
        answers.push(CachedAnswer {
            key,
            checkpoint,
            answer,
        });
    }

    /// A turn to build a missing answer: held while building, so that concurrent requests for the same
    /// answer wait and then find it kept instead of each building it.
    pub async fn chart_answer_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.answer_build.lock().await
    }

    /// Where a projection's checkpoint stands (the start if it has none yet).
    async fn checkpoint(&self, projection: &str) -> Result<Position, ProjectionError> {
        Ok(
            match self
                .db()
                .fetch_optional(
                    "SELECT tx, position FROM projection_checkpoints WHERE name = $1",
                    &args![projection],
                )
                .await?
            {
                Some(row) => Position {
                    tx: row.int("tx")?,
                    position: row.int("position")?,
                },
                None => Position::START,
            },
        )
    }

    async fn build_wall_chart(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        test: Option<StructureTestId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<WallChart>, ProjectionError> {
        let Some(campaign_view) = self.campaign(chapter, campaign).await? else {
            return Ok(None);
        };
        let test_record = match test {
            Some(test) => match self.load_test(chapter, test).await? {
                Some(record) if record.campaign_id == campaign => Some(record),
                _ => return Ok(None),
            },
            None => None,
        };
        let data = self.load_chart_data(campaign, test, as_of).await?;
        let subtree = subtrees(&data.units);
        let scope_units: Option<BTreeSet<UnitId>> = test_record.as_ref().and_then(|record| {
            (!record.scope.is_empty()).then(|| {
                record
                    .scope
                    .iter()
                    .flat_map(|unit| {
                        subtree
                            .get(unit)
                            .cloned()
                            .unwrap_or_else(|| BTreeSet::from([*unit]))
                    })
                    .collect()
            })
        });
        let mut units_of: HashMap<PersonId, Vec<UnitId>> = HashMap::new();
        for (person, unit) in &data.memberships {
            let units = units_of.entry(*person).or_default();
            if !units.contains(unit) {
                units.push(*unit);
            }
        }
        let in_scope = |person: PersonId| match &scope_units {
            None => true,
            Some(scope) => units_of
                .get(&person)
                .is_some_and(|units| units.iter().any(|unit| scope.contains(unit))),
        };
        let parent_of: HashMap<UnitId, Option<UnitId>> = data
            .units
            .iter()
            .map(|unit| (unit.unit_id, unit.parent))
            .collect();
        let goal = test_record.as_ref().map(|record| record.goal_percent);
        // One pass over the people: each is a cell of the units they are in, and counts once in the figures
        // of every unit above them (their units and those units' ancestors).
        let mut direct: HashMap<UnitId, Vec<PersonCell>> = HashMap::new();
        let mut tallies: HashMap<UnitId, Tally> = HashMap::new();
        let mut totals = Tally::default();
        let mut unplaced = Vec::new();
        let mut reached: BTreeSet<UnitId> = BTreeSet::new();
        for person in &data.people {
            let scoped = goal.is_some() && in_scope(person.person_id);
            totals.add(person, scoped);
            let units = units_of
                .get(&person.person_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if units.is_empty() {
                unplaced.push(person.clone());
                continue;
            }
            reached.clear();
            for unit in units {
                direct.entry(*unit).or_default().push(person.clone());
                let mut next = Some(*unit);
                while let Some(unit) = next {
                    if !reached.insert(unit) {
                        break;
                    }
                    next = parent_of.get(&unit).copied().flatten();
                }
            }
            for unit in &reached {
                tallies.entry(*unit).or_default().add(person, scoped);
            }
        }
        let mut units = Vec::new();
        for (unit, depth) in tree_order(&data.units) {
            units.push(WallChartUnit {
                unit_id: unit.unit_id,
                parent: unit.parent,
                depth,
                name: unit.name,
                kind: unit.kind,
                retired: unit.retired,
                people: direct.remove(&unit.unit_id).unwrap_or_default(),
                figures: tallies
                    .remove(&unit.unit_id)
                    .unwrap_or_default()
                    .finish(goal),
            });
        }
        let totals = totals.finish(goal);
        Ok(Some(WallChart {
            campaign: campaign_view,
            as_of,
            test,
            units,
            unplaced,
            totals,
        }))
    }

    /// People of a campaign, filtered, sorted and paged.
    pub async fn people(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        filter: &PeopleFilter,
        sort: PeopleSort,
        page: &PageRequest,
    ) -> Result<Page<PersonRow>, ProjectionError> {
        let offset = parse_cursor(page.after.as_deref())?;
        let first = page.first.min(MAX_PAGE_SIZE);
        let mut sql = Sql::default();
        let chapter_arg = sql.arg(chapter.to_string());
        let campaign_arg = sql.arg(campaign.to_string());
        let mut conditions = vec![
            format!("p.chapter_id = {chapter_arg}"),
            format!("p.campaign_id = {campaign_arg}"),
        ];
        if !filter.include_inactive {
            conditions.push("p.status = 'active'".to_string());
        }
        if let Some(unit) = filter.unit {
            let units = self.load_units(campaign, None).await?;
            let subtree = subtrees(&units)
                .remove(&unit)
                .unwrap_or_else(|| BTreeSet::from([unit]));
            let list = sql.list(subtree.iter().map(ToString::to_string));
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM rm_person_units pu WHERE pu.person_id = p.person_id AND pu.unit_id IN ({list}))"
            ));
        }
        if !filter.levels.is_empty() {
            let levels: Vec<String> = filter
                .levels
                .iter()
                .flatten()
                .map(|level| sql.arg(i64::from(*level)))
                .collect();
            let mut any = Vec::new();
            if !levels.is_empty() {
                any.push(format!("p.level IN ({})", levels.join(", ")));
            }
            if filter.levels.contains(&None) {
                any.push("p.level IS NULL".to_string());
            }
            conditions.push(format!("({})", any.join(" OR ")));
        }
        for response in &filter.responses_all {
            let response = sql.arg(response.to_string());
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM rm_person_responses r WHERE r.person_id = p.person_id AND r.response_id = {response})"
            ));
        }
        if !filter.responses_any.is_empty() {
            let list = sql.list(filter.responses_any.iter().map(ToString::to_string));
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM rm_person_responses r WHERE r.person_id = p.person_id AND r.response_id IN ({list}))"
            ));
        }
        if let Some(organizer) = filter.organizer {
            let organizer = sql.arg(organizer.to_string());
            conditions.push(format!("p.organizer = {organizer}"));
        }
        match filter.uncovered {
            Some(true) => conditions.push("p.organizer IS NULL".to_string()),
            Some(false) => conditions.push("p.organizer IS NOT NULL".to_string()),
            None => {}
        }
        if let Some(follow_up) = filter.follow_up {
            let follow_up = sql.arg(follow_up);
            conditions.push(format!("p.follow_up = {follow_up}"));
        }
        if let Some((test, step)) = filter.test_step {
            let test = sql.arg(test.to_string());
            match step {
                Some(step) => {
                    let step = sql.arg(status_text(step));
                    conditions.push(format!(
                        "EXISTS (SELECT 1 FROM rm_test_steps s WHERE s.person_id = p.person_id AND s.test_id = {test} AND s.step = {step})"
                    ));
                }
                None => conditions.push(format!(
                    "NOT EXISTS (SELECT 1 FROM rm_test_steps s WHERE s.person_id = p.person_id AND s.test_id = {test})"
                )),
            }
        }
        if let Some(search) = filter
            .name_search
            .as_deref()
            .map(str::trim)
            .filter(|search| !search.is_empty())
        {
            let escaped = search
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = sql.arg(format!("%{escaped}%"));
            conditions.push(format!("p.name_search LIKE {pattern} ESCAPE '\\'"));
        }
        if let Some((organizer, units)) = &filter.turf {
            let organizer = sql.arg(organizer.to_string());
            let units = sql.list(units.iter().map(ToString::to_string));
            conditions.push(format!(
                "(p.organizer = {organizer} OR EXISTS (SELECT 1 FROM rm_person_units pu WHERE pu.person_id = p.person_id AND pu.unit_id IN ({units})))"
            ));
        }
        let filter_sql = conditions.join(" AND ");
        let order = match sort {
            PeopleSort::NameAsc => "p.name_search IS NULL, p.name_search, p.person_id",
            PeopleSort::NameDesc => "p.name_search IS NULL, p.name_search DESC, p.person_id",
            PeopleSort::LevelAsc => "p.level IS NULL, p.level, p.name_search, p.person_id",
            PeopleSort::LevelDesc => "p.level IS NULL, p.level DESC, p.name_search, p.person_id",
            PeopleSort::RecentlyChanged => "p.last_position DESC, p.person_id",
        };
        let count_sql = format!("SELECT COUNT(*) AS total FROM rm_people p WHERE {filter_sql}");
        let total = match self.db().fetch_optional(&count_sql, &sql.args).await? {
            Some(row) => row.int("total")?,
            None => 0,
        };
        let limit = sql.arg(i64::from(first) + 1);
        let skip = sql.arg(i64::try_from(offset).unwrap_or(i64::MAX));
        sql.push(&format!(
            "SELECT p.person_id, p.campaign_id, p.name, p.level, p.organizer, p.follow_up, p.status, \
             p.preferred_language FROM rm_people p WHERE {filter_sql} ORDER BY {order} LIMIT {limit} OFFSET {skip}"
        ));
        let rows = self.db().fetch(&sql.text, &sql.args).await?;
        let has_next_page = rows.len() > first as usize;
        let mut people = rows
            .iter()
            .take(first as usize)
            .map(|row| {
                Ok(PersonRow {
                    person_id: person_id(row, "person_id")?,
                    campaign_id: campaign_id(row, "campaign_id")?,
                    name: row.opt_text("name")?,
                    level: opt_level(row, "level")?,
                    organizer: opt_user_id(row, "organizer")?,
                    follow_up: row.boolean("follow_up")?,
                    status: PersonStatusView::parse(&row.text("status")?),
                    preferred_language: row.opt_text("preferred_language")?,
                    units: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        if !people.is_empty() {
            let mut sql = Sql::default();
            let list = sql.list(people.iter().map(|person| person.person_id.to_string()));
            sql.push(&format!(
                "SELECT person_id, unit_id FROM rm_person_units WHERE person_id IN ({list}) ORDER BY unit_id"
            ));
            let mut units: HashMap<PersonId, Vec<UnitId>> = HashMap::new();
            for row in self.db().fetch(&sql.text, &sql.args).await? {
                units
                    .entry(person_id(&row, "person_id")?)
                    .or_default()
                    .push(unit_id(&row, "unit_id")?);
            }
            for person in &mut people {
                person.units = units.remove(&person.person_id).unwrap_or_default();
            }
        }
        Ok(Page::at_offset(people, offset, has_next_page, total))
    }

    /// One person of the caller's chapter, live or as of a moment (their wall-chart state, units, steps,
    /// assessments, 1:1s and history; contact points, responses and connections are today's).
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
                 follow_up FROM rm_people WHERE person_id = $1 AND chapter_id = $2",
                &args![id.clone(), chapter.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let mut detail = PersonDetail {
            person_id: person,
            campaign_id: campaign_id(&row, "campaign_id")?,
            name: row.opt_text("name")?,
            status: PersonStatusView::parse(&row.text("status")?),
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
                "SELECT h.level, h.organizer, h.follow_up, h.status FROM rm_person_history h \
                 WHERE h.person_id = {person_arg} AND {valid}"
            ));
            match self.db().fetch_optional(&sql.text, &sql.args).await? {
                Some(row) => {
                    detail.level = opt_level(&row, "level")?;
                    detail.organizer = opt_user_id(&row, "organizer")?;
                    detail.follow_up = row.boolean("follow_up")?;
                    detail.status = PersonStatusView::parse(&row.text("status")?);
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
                     WHERE person_id = $1 AND assessed_at <= $2 ORDER BY position",
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
            "SELECT conversation_id, person_id, organizer, held_at, assessment, logged_by FROM rm_one_on_ones \
             WHERE person_id = $1 AND held_at <= $2 ORDER BY held_at, conversation_id",
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
                if let Some(step) = parse_step(&row.text("step")?) {
                    steps.push(StepView {
                        test_id: test_id(&row, "test_id")?,
                        step,
                        at: row.time("at")?,
                    });
                }
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
            "SELECT position, tx, chapter_id, campaign_id, actor, at, kind, person_id, task_id, test_id, summary \
             FROM rm_activity WHERE person_id = $1 AND chapter_id = $2 AND at <= $3 ORDER BY tx, position",
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
        Ok(Some(detail))
    }

    async fn one_on_one_rows(
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
                })
            })
            .collect()
    }

    async fn activity_rows(
        &self,
        sql: &str,
        args: &[Arg],
    ) -> Result<Vec<ActivityItem>, ProjectionError> {
        self.db()
            .fetch(sql, args)
            .await?
            .iter()
            .map(|row| {
                Ok(ActivityItem {
                    position: Position {
                        tx: row.int("tx")?,
                        position: row.int("position")?,
                    },
                    chapter_id: chapter_id(row, "chapter_id")?,
                    campaign_id: opt_campaign_id(row, "campaign_id")?,
                    actor: user_id(row, "actor")?,
                    at: row.time("at")?,
                    kind: row.text("kind")?,
                    person_id: opt_person_id(row, "person_id")?,
                    task_id: opt_task_id(row, "task_id")?,
                    test_id: opt_test_id(row, "test_id")?,
                    summary: row.text("summary")?,
                })
            })
            .collect()
    }

    /// Tasks of the caller's chapter: by assignee ("my tasks"), status, due date, overdue; soonest due first.
    pub async fn tasks(
        &self,
        chapter: ChapterId,
        filter: &TaskFilter,
        page: &PageRequest,
    ) -> Result<Page<TaskRow>, ProjectionError> {
        let offset = parse_cursor(page.after.as_deref())?;
        let first = page.first.min(MAX_PAGE_SIZE);
        let mut sql = Sql::default();
        let chapter_arg = sql.arg(chapter.to_string());
        let mut conditions = vec![format!("t.chapter_id = {chapter_arg}")];
        if let Some(campaign) = filter.campaign {
            let campaign = sql.arg(campaign.to_string());
            conditions.push(format!("t.campaign_id = {campaign}"));
        }
        if let Some(assignee) = filter.assignee {
            let assignee = sql.arg(assignee.to_string());
            conditions.push(format!("t.assignee = {assignee}"));
        }
        if let Some(status) = filter.status {
            let status = sql.arg(task_status_text(status));
            conditions.push(format!("t.status = {status}"));
        }
        if let Some(due) = filter.due_before {
            let due = sql.arg(Some(due));
            conditions.push(format!("t.due <= {due}"));
        }
        if let Some(day) = filter.overdue_at {
            let day = sql.arg(Some(day));
            conditions.push(format!("t.status = 'open' AND t.due < {day}"));
        }
        if let Some(subject) = filter.subject {
            let subject = sql.arg(subject.to_string());
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM rm_task_subjects s WHERE s.task_id = t.task_id AND s.person_id = {subject})"
            ));
        }
        let filter_sql = conditions.join(" AND ");
        let total = match self
            .db()
            .fetch_optional(
                &format!("SELECT COUNT(*) AS total FROM rm_tasks t WHERE {filter_sql}"),
                &sql.args,
            )
            .await?
        {
            Some(row) => row.int("total")?,
            None => 0,
        };
        let limit = sql.arg(i64::from(first) + 1);
        let skip = sql.arg(i64::try_from(offset).unwrap_or(i64::MAX));
        sql.push(&format!(
            "SELECT t.task_id, t.campaign_id, t.kind, t.title, t.assignee, t.assigned_by, t.due, t.status, \
             t.created_at, t.updated_at FROM rm_tasks t WHERE {filter_sql} \
             ORDER BY t.due IS NULL, t.due, t.created_at, t.task_id LIMIT {limit} OFFSET {skip}"
        ));
        let rows = self.db().fetch(&sql.text, &sql.args).await?;
        let has_next_page = rows.len() > first as usize;
        let mut tasks = rows
            .iter()
            .take(first as usize)
            .map(|row| {
                Ok(TaskRow {
                    task_id: task_id(row, "task_id")?,
                    campaign_id: campaign_id(row, "campaign_id")?,
                    kind: parse_task_kind(&row.text("kind")?),
                    title: row.text("title")?,
                    assignee: user_id(row, "assignee")?,
                    assigned_by: user_id(row, "assigned_by")?,
                    due: row.opt_date("due")?,
                    status: parse_task_status(&row.text("status")?),
                    subjects: Vec::new(),
                    created_at: row.time("created_at")?,
                    updated_at: row.time("updated_at")?,
                })
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        if !tasks.is_empty() {
            let mut sql = Sql::default();
            let list = sql.list(tasks.iter().map(|task| task.task_id.to_string()));
            sql.push(&format!(
                "SELECT task_id, person_id FROM rm_task_subjects WHERE task_id IN ({list}) ORDER BY person_id"
            ));
            let mut subjects: HashMap<TaskId, Vec<PersonId>> = HashMap::new();
            for row in self.db().fetch(&sql.text, &sql.args).await? {
                subjects
                    .entry(task_id(&row, "task_id")?)
                    .or_default()
                    .push(person_id(&row, "person_id")?);
            }
            for task in &mut tasks {
                task.subjects = subjects.remove(&task.task_id).unwrap_or_default();
            }
        }
        Ok(Page::at_offset(tasks, offset, has_next_page, total))
    }

    /// A structure test, live or as of a moment: per unit and per person in scope.
    pub async fn structure_test(
        &self,
        chapter: ChapterId,
        test: StructureTestId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<StructureTestView>, ProjectionError> {
        let Some(record) = self.load_test(chapter, test).await? else {
            return Ok(None);
        };
        let Some(chart) = self
            .wall_chart(chapter, record.campaign_id, Some(test), as_of)
            .await?
        else {
            return Ok(None);
        };
        let data = self
            .load_chart_data(record.campaign_id, Some(test), as_of)
            .await?;
        let subtree = subtrees(&data.units);
        let scope: Option<BTreeSet<UnitId>> = (!record.scope.is_empty()).then(|| {
            record
                .scope
                .iter()
                .flat_map(|unit| {
                    subtree
                        .get(unit)
                        .cloned()
                        .unwrap_or_else(|| BTreeSet::from([*unit]))
                })
                .collect()
        });
        let mut units_of: BTreeMap<PersonId, Vec<UnitId>> = BTreeMap::new();
        for (person, unit) in &data.memberships {
            units_of.entry(*person).or_default().push(*unit);
        }
        let people = data
            .people
            .iter()
            .filter(|person| match &scope {
                None => true,
                Some(scope) => units_of
                    .get(&person.person_id)
                    .is_some_and(|units| units.iter().any(|unit| scope.contains(unit))),
            })
            .map(|person| {
                let mut units = units_of.get(&person.person_id).cloned().unwrap_or_default();
                units.sort();
                PersonStep {
                    person_id: person.person_id,
                    name: person.name.clone(),
                    units,
                    step: person.step,
                }
            })
            .collect();
        let units = chart
            .units
            .iter()
            .filter_map(|unit| {
                let figures = unit.figures.test.clone()?;
                (figures.in_scope > 0).then(|| UnitTestRow {
                    unit_id: unit.unit_id,
                    name: unit.name.clone(),
                    depth: unit.depth,
                    figures,
                })
            })
            .collect();
        let totals = chart.totals.test.clone().unwrap_or(TestFigures {
            in_scope: 0,
            asked: 0,
            committed: 0,
            participated: 0,
            declined: 0,
            participation: 0.0,
            goal_reached: false,
        });
        Ok(Some(StructureTestView {
            test_id: record.test_id,
            campaign_id: record.campaign_id,
            name: record.name,
            goal_percent: record.goal_percent,
            deadline: record.deadline,
            closed: record.closed,
            scope: record.scope,
            as_of,
            totals,
            units,
            people,
        }))
    }

    /// The change explorer of a campaign, newest first.
    pub async fn activity(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        filter: &ActivityFilter,
        page: &PageRequest,
    ) -> Result<Page<ActivityItem>, ProjectionError> {
        let offset = parse_cursor(page.after.as_deref())?;
        let first = page.first.min(MAX_PAGE_SIZE);
        let mut sql = Sql::default();
        let chapter_arg = sql.arg(chapter.to_string());
        let campaign_arg = sql.arg(campaign.to_string());
        let mut conditions = vec![
            format!("a.chapter_id = {chapter_arg}"),
            format!("a.campaign_id = {campaign_arg}"),
        ];
        if let Some(actor) = filter.actor {
            let actor = sql.arg(actor.to_string());
            conditions.push(format!("a.actor = {actor}"));
        }
        if !filter.kinds.is_empty() {
            let list = sql.list(filter.kinds.iter().cloned());
            conditions.push(format!("a.kind IN ({list})"));
        }
        if let Some(from) = filter.from {
            let from = sql.arg(from);
            conditions.push(format!("a.at >= {from}"));
        }
        if let Some(to) = filter.to {
            let to = sql.arg(to);
            conditions.push(format!("a.at < {to}"));
        }
        if let Some(person) = filter.person {
            let person = sql.arg(person.to_string());
            conditions.push(format!("a.person_id = {person}"));
        }
        let filter_sql = conditions.join(" AND ");
        let total = match self
            .db()
            .fetch_optional(
                &format!("SELECT COUNT(*) AS total FROM rm_activity a WHERE {filter_sql}"),
                &sql.args,
            )
            .await?
        {
            Some(row) => row.int("total")?,
            None => 0,
        };
        let limit = sql.arg(i64::from(first) + 1);
        let skip = sql.arg(i64::try_from(offset).unwrap_or(i64::MAX));
        sql.push(&format!(
            "SELECT a.position, a.tx, a.chapter_id, a.campaign_id, a.actor, a.at, a.kind, a.person_id, a.task_id, \
             a.test_id, a.summary FROM rm_activity a WHERE {filter_sql} ORDER BY a.tx DESC, a.position DESC \
             LIMIT {limit} OFFSET {skip}"
        ));
        let mut items = self.activity_rows(&sql.text, &sql.args).await?;
        let has_next_page = items.len() > first as usize;
        items.truncate(first as usize);
        Ok(Page::at_offset(items, offset, has_next_page, total))
    }

    /// The wall-chart history rows of a campaign's people that overlap `[from, to)`.
    async fn person_history(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
    ) -> Result<
        Vec<(
            PersonId,
            Option<u8>,
            Option<UserId>,
            String,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        )>,
        ProjectionError,
    > {
        self.db()
            .fetch(
                "SELECT h.person_id, h.level, h.organizer, h.status, h.valid_from, h.valid_to \
                 FROM rm_person_history h JOIN rm_campaigns c ON c.campaign_id = h.campaign_id \
                 WHERE h.campaign_id = $1 AND c.chapter_id = $2",
                &args![campaign.to_string(), chapter.to_string()],
            )
            .await?
            .iter()
            .map(|row| {
                Ok((
                    person_id(row, "person_id")?,
                    opt_level(row, "level")?,
                    opt_user_id(row, "organizer")?,
                    row.text("status")?,
                    row.time("valid_from")?,
                    row.opt_time("valid_to")?,
                ))
            })
            .collect()
    }

    /// How many people stood at each level at the end of each week, from the week of `from` for `weeks` weeks.
    pub async fn assessment_distribution_weekly(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        from: NaiveDate,
        weeks: u32,
    ) -> Result<Vec<WeeklyDistribution>, ProjectionError> {
        let history = self.person_history(chapter, campaign).await?;
        let mut result = Vec::new();
        for week in 0..weeks {
            let start = week_start(from) + ChronoDuration::weeks(i64::from(week));
            let at = end_of_day(start + ChronoDuration::days(6)) - ChronoDuration::microseconds(1);
            let mut per_level: BTreeMap<u8, u32> = BTreeMap::new();
            let mut unassessed = 0;
            for (_, level, _, status, valid_from, valid_to) in &history {
                if status == "active" && *valid_from <= at && valid_to.is_none_or(|to| to > at) {
                    match level {
                        Some(level) => *per_level.entry(*level).or_default() += 1,
                        None => unassessed += 1,
                    }
                }
            }
            result.push(WeeklyDistribution {
                week_start: start,
                per_level: per_level
                    .into_iter()
                    .map(|(level, count)| LevelCount { level, count })
                    .collect(),
                unassessed,
            });
        }
        Ok(result)
    }

    /// 1:1s held per organizer per week in `[from, to)`.
    pub async fn one_on_ones_per_organizer_weekly(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OrganizerWeek>, ProjectionError> {
        let rows = self
            .one_on_one_rows(
                "SELECT conversation_id, person_id, organizer, held_at, assessment, logged_by FROM rm_one_on_ones \
                 WHERE chapter_id = $1 AND campaign_id = $2 AND held_at >= $3 AND held_at < $4",
                &args![chapter.to_string(), campaign.to_string(), from, to],
            )
            .await?;
        let mut counts: BTreeMap<(NaiveDate, UserId), u32> = BTreeMap::new();
        for row in rows {
            *counts
                .entry((week_start(row.held_at.date_naive()), row.organizer))
                .or_default() += 1;
        }
        Ok(counts
            .into_iter()
            .map(|((week_start, organizer), one_on_ones)| OrganizerWeek {
                week_start,
                organizer,
                one_on_ones,
            })
            .collect())
    }

    /// Active people with and without an organizer at the end of each week.
    pub async fn coverage_weekly(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        from: NaiveDate,
        weeks: u32,
    ) -> Result<Vec<CoverageWeek>, ProjectionError> {
        let history = self.person_history(chapter, campaign).await?;
        let mut result = Vec::new();
        for week in 0..weeks {
            let start = week_start(from) + ChronoDuration::weeks(i64::from(week));
            let at = end_of_day(start + ChronoDuration::days(6)) - ChronoDuration::microseconds(1);
            let mut coverage = CoverageWeek {
                week_start: start,
                people: 0,
                covered: 0,
                uncovered: 0,
            };
            for (_, _, organizer, status, valid_from, valid_to) in &history {
                if status == "active" && *valid_from <= at && valid_to.is_none_or(|to| to > at) {
                    coverage.people += 1;
                    if organizer.is_some() {
                        coverage.covered += 1;
                    } else {
                        coverage.uncovered += 1;
                    }
                }
            }
            result.push(coverage);
        }
        Ok(result)
    }

    /// A structure test's latest steps counted at the end of each day from `from` to `to` (inclusive).
    pub async fn structure_test_curve(
        &self,
        chapter: ChapterId,
        test: StructureTestId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CurvePoint>, ProjectionError> {
        if self.load_test(chapter, test).await?.is_none() {
            return Ok(Vec::new());
        }
        let rows = self
            .db()
            .fetch(
                "SELECT step, valid_from, valid_to FROM rm_test_step_history WHERE test_id = $1",
                &args![test.to_string()],
            )
            .await?;
        let mut history = Vec::new();
        for row in &rows {
            if let Some(step) = parse_step(&row.text("step")?) {
                history.push((step, row.time("valid_from")?, row.opt_time("valid_to")?));
            }
        }
        let mut points = Vec::new();
        let mut day = from;
        while day <= to && points.len() < 3660 {
            let at = end_of_day(day) - ChronoDuration::microseconds(1);
            let mut point = CurvePoint {
                day,
                asked: 0,
                committed: 0,
                participated: 0,
                declined: 0,
            };
            for (step, valid_from, valid_to) in &history {
                if *valid_from <= at && valid_to.is_none_or(|to| to > at) {
                    match step {
                        StepKind::Asked => point.asked += 1,
                        StepKind::Committed => point.committed += 1,
                        StepKind::Participated => point.participated += 1,
                        StepKind::Declined => point.declined += 1,
                    }
                }
            }
            points.push(point);
            day += ChronoDuration::days(1);
        }
        Ok(points)
    }
}
