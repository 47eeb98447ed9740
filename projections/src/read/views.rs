//! The answer types of the read API: what each query returns, and the filters and pages it takes.

use super::sql::cursor;
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use domain::ids::{
    CampaignId, ChapterId, ConnectionId, ContactPointId, ConversationId, FieldId, PersonId,
    ResponseId, StructureTestId, TaskId, UnitId, UserId,
};
use domain::values::{StepKind, TaskKind, TaskStatus};
use store::Position;

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
    pub(super) fn at_offset(
        nodes: Vec<T>,
        offset: u64,
        has_next_page: bool,
        total_count: i64,
    ) -> Self {
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

/// Where a person stands in the campaign, as the read models store it (`rm_people.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonStatusView {
    Active,
    Removed,
    Merged,
    Forgotten,
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
    /// Family name, then given name (accents and case ignored), as wall charts order people.
    #[default]
    FamilyNameAsc,
    FamilyNameDesc,
    /// The name as shown (given name first), accents and case ignored.
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

/// When someone was last contacted, from the times their 1:1s were held: the latest, to the second (a
/// wall chart's cell carries it, and sub-second digits would only lengthen the answer).
pub fn last_contact(held: impl IntoIterator<Item = DateTime<Utc>>) -> Option<DateTime<Utc>> {
    held.into_iter()
        .max()
        .map(|at| at.with_nanosecond(0).unwrap_or(at))
}

/// A unit's name and kind, by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitLabel {
    pub unit_id: UnitId,
    pub name: String,
    pub kind: String,
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
    /// When the person's latest 1:1 was held (to the second), among those logged by the chart's moment;
    /// `None` before their first.
    pub last_contact: Option<DateTime<Utc>>,
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
    /// People with no organizer assigned.
    pub uncovered: u32,
    /// People with no organizer assigned whom no active person organizes either (see
    /// [`crate::read::organizes`]): coverage as Action Builder counts worker-leaders.
    pub uncovered_counting_leaders: u32,
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

impl WallChart {
    /// Only the people `keep` accepts, in their units and among the unplaced; units and figures unchanged
    /// (a chart narrowed to the people with a field response).
    pub fn only_people(mut self, keep: impl Fn(PersonId) -> bool) -> Self {
        for unit in &mut self.units {
            unit.people.retain(|cell| keep(cell.person_id));
        }
        self.unplaced.retain(|cell| keep(cell.person_id));
        self
    }

    /// Only `unit` and its sub-units, as a phone loads one department: every unit keeps its depth and
    /// figures, the totals are the unit's figures and nobody is unplaced. `None` if the chart has no such
    /// unit.
    pub fn subtree(mut self, unit: UnitId) -> Option<Self> {
        let start = self
            .units
            .iter()
            .position(|candidate| candidate.unit_id == unit)?;
        let depth = self.units[start].depth;
        // Units are in tree order (depth first): the subtree is the unit and the run of deeper units after it.
        let end = self.units[start + 1..]
            .iter()
            .position(|candidate| candidate.depth <= depth)
            .map_or(self.units.len(), |offset| start + 1 + offset);
        let units: Vec<WallChartUnit> = self.units.drain(start..end).collect();
        self.totals = units[0].figures.clone();
        self.units = units;
        self.unplaced.clear();
        Some(self)
    }
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
    /// The issues raised: (field, response).
    pub issues: Vec<(FieldId, ResponseId)>,
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
    /// Only this task.
    pub task: Option<TaskId>,
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
    /// The event's place in the global order (for the server's own use: never shown to a chapter).
    pub position: Position,
    /// The event's number in its chapter's own sequence (ADR 19): the position the chapter is shown.
    pub chapter_position: u64,
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
