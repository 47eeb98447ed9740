//! Queries over the read models: campaigns, the people connection, the wall chart, a person with their full
//! history, tasks, structure tests, the activity feed, analyst series and projection status. Every resolver
//! reads through [`Policy::read`], scoped to the caller's chapter; `asOf` arguments time-travel.

use super::authz::{Policy, ReadAccess};
use super::enums::{StepKind, TaskKind, TaskStatus};
use super::pagination::{connection, page_request};
use super::parse;
use crate::access::{Masked, Permission};
use crate::error::ApiError;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use projections::read as q;

fn id(value: impl ToString) -> ID {
    ID(value.to_string())
}

/// A person's standing in their campaign.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "projections::read::PersonStatusView")]
pub enum PersonStatus {
    Active,
    Removed,
    Merged,
    Forgotten,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ScaleLevel {
    pub level: u8,
    pub label: String,
    pub colour: String,
}

#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Campaign {
    pub id: ID,
    pub chapter_id: ID,
    pub name: String,
    pub goal: i64,
    pub archived: bool,
    pub scale: Vec<ScaleLevel>,
}

impl From<q::CampaignView> for Campaign {
    fn from(view: q::CampaignView) -> Self {
        Self {
            id: id(view.campaign_id),
            chapter_id: id(view.chapter_id),
            name: view.name,
            goal: view.goal,
            archived: view.archived,
            scale: view
                .scale
                .into_iter()
                .map(|level| ScaleLevel {
                    level: level.level,
                    label: level.label,
                    colour: level.colour,
                })
                .collect(),
        }
    }
}

#[async_graphql::ComplexObject]
impl Campaign {
    /// The campaign's custom fields by section, with each field's kind and responses, so a client can offer
    /// them (`addPersonFieldResponse`, `setPersonFieldValue`, a 1:1's issues). Current (not time-travelled).
    async fn field_sections(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::fields::FieldSection>, ApiError> {
        let access = Policy::read(ctx, Permission::ReadTurf)?;
        let campaign = parse::id("id", &self.id)?;
        if !access.reaches(campaign).await? {
            return Ok(Vec::new());
        }
        let configuration = super::fields::campaign(&access, campaign).await?;
        Ok(super::fields::sections(&configuration))
    }
}

impl Masked for PersonSummary {
    fn mask(self) -> Self {
        Self {
            name: None,
            preferred_language: None,
            ..self
        }
    }
}

impl Masked for PersonConnection {
    fn mask(mut self) -> Self {
        for edge in &mut self.edges {
            edge.node = edge.node.clone().mask();
        }
        self
    }
}

impl Masked for PersonCell {
    fn mask(self) -> Self {
        Self { name: None, ..self }
    }
}

impl Masked for WallChart {
    fn mask(mut self) -> Self {
        for unit in &mut self.units {
            unit.people = unit.people.drain(..).map(Masked::mask).collect();
        }
        self.unplaced = self.unplaced.drain(..).map(Masked::mask).collect();
        self
    }
}

impl Masked for Activity {
    fn mask(self) -> Self {
        if self.person_id.is_some() {
            Self {
                summary: format!("{} (details masked)", self.kind),
                ..self
            }
        } else {
            self
        }
    }
}

impl Masked for ActivityConnection {
    fn mask(mut self) -> Self {
        for edge in &mut self.edges {
            edge.node = edge.node.clone().mask();
        }
        self
    }
}

impl Masked for Person {
    fn mask(self) -> Self {
        Self {
            name: None,
            preferred_language: None,
            contact_points: Vec::new(),
            history: self.history.into_iter().map(Masked::mask).collect(),
            masked: true,
            ..self
        }
    }
}

impl Masked for StructureTest {
    fn mask(mut self) -> Self {
        for person in &mut self.people {
            person.name = None;
        }
        self
    }
}

/// A person as the people list shows them.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct PersonSummary {
    pub id: ID,
    pub campaign_id: ID,
    /// Null once the person was forgotten.
    pub name: Option<String>,
    pub level: Option<u8>,
    pub organizer_id: Option<ID>,
    pub follow_up: bool,
    pub status: PersonStatus,
    pub preferred_language: Option<String>,
    pub unit_ids: Vec<ID>,
}

impl From<q::PersonRow> for PersonSummary {
    fn from(row: q::PersonRow) -> Self {
        Self {
            id: id(row.person_id),
            campaign_id: id(row.campaign_id),
            name: row.name,
            level: row.level,
            organizer_id: row.organizer.map(id),
            follow_up: row.follow_up,
            status: row.status.into(),
            preferred_language: row.preferred_language,
            unit_ids: row.units.into_iter().map(id).collect(),
        }
    }
}

#[async_graphql::ComplexObject]
impl PersonSummary {
    /// The person's current version, to pass as `expectedVersion` with a change to them (a bulk action
    /// sends each person's own).
    async fn version(&self, ctx: &Context<'_>) -> Result<i32, ApiError> {
        stream_version(ctx, crate::command::StreamKind::Person, &self.id).await
    }
}

/// The current version of an aggregate's stream (0 when it has none), as GraphQL's 32-bit Int.
pub(super) async fn stream_version(
    ctx: &Context<'_>,
    kind: crate::command::StreamKind,
    id: &ID,
) -> Result<i32, ApiError> {
    let access = Policy::read_people(ctx)?;
    let version = access
        .store()
        .stream_version(kind.stream_type(), id.as_str())
        .await?;
    Ok(i32::try_from(version).unwrap_or(i32::MAX))
}

connection!(PersonConnection, PersonEdge, PersonSummary);

/// A person as a wall-chart cell.
#[derive(SimpleObject, Debug, Clone)]
pub struct PersonCell {
    pub person_id: ID,
    pub name: Option<String>,
    pub level: Option<u8>,
    pub organizer_id: Option<ID>,
    pub follow_up: bool,
    /// The latest step in the chart's structure test, if one was chosen.
    pub step: Option<StepKind>,
    /// When the person was last contacted: the time their latest 1:1 was held (to the second), among the
    /// 1:1s logged by the chart's moment; null before their first.
    pub last_contact: Option<DateTime<Utc>>,
}

impl From<q::PersonCell> for PersonCell {
    fn from(cell: q::PersonCell) -> Self {
        Self {
            person_id: id(cell.person_id),
            name: cell.name,
            level: cell.level,
            organizer_id: cell.organizer.map(id),
            follow_up: cell.follow_up,
            step: cell.step.map(Into::into),
            last_contact: cell.last_contact,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct LevelCount {
    pub level: u8,
    pub count: u32,
}

impl From<q::LevelCount> for LevelCount {
    fn from(count: q::LevelCount) -> Self {
        Self {
            level: count.level,
            count: count.count,
        }
    }
}

/// Participation in a structure test among some people. Each person in scope counts once, under the latest
/// step recorded for them (the latest step reached): `asked + committed + participated + declined` is the
/// number asked at all, and `inScope` minus that is the number not asked yet.
#[derive(SimpleObject, Debug, Clone)]
pub struct TestFigures {
    /// Active people in the test's units (with their sub-units; the whole campaign if it names none).
    pub in_scope: u32,
    /// People whose latest step reached is "asked" (not those who went on to commit, participate or decline).
    pub asked: u32,
    /// People whose latest step reached is "committed" (not those who then participated or declined).
    pub committed: u32,
    /// People whose latest step reached is "participated".
    pub participated: u32,
    /// People whose latest step reached is "declined".
    pub declined: u32,
    /// Participated / in scope, 0 to 1.
    pub participation: f64,
    pub goal_reached: bool,
}

impl From<q::TestFigures> for TestFigures {
    fn from(figures: q::TestFigures) -> Self {
        Self {
            in_scope: figures.in_scope,
            asked: figures.asked,
            committed: figures.committed,
            participated: figures.participated,
            declined: figures.declined,
            participation: figures.participation,
            goal_reached: figures.goal_reached,
        }
    }
}

/// The figures of a unit (with its sub-units) or of the campaign.
#[derive(SimpleObject, Debug, Clone)]
pub struct UnitFigures {
    pub people: u32,
    pub assessed: u32,
    pub per_level: Vec<LevelCount>,
    /// Share of people at level 1 or 2, 0 to 1.
    pub share_ones_and_twos: f64,
    /// People with no organizer assigned (`assignOrganizer`).
    pub uncovered: u32,
    /// People with no organizer assigned whom no active person of the campaign organizes either: coverage
    /// counting worker-leaders, as Action Builder records it. A person counts as led when an active person
    /// has an active connection to them whose kind is "organizer of", "organizes" or "organizer" (any case;
    /// "organiser" too). Never more than `uncovered`.
    pub uncovered_counting_leaders: u32,
    pub structure_test: Option<TestFigures>,
    /// More than half are 1s and 2s.
    pub majority: bool,
    /// At least two thirds are 1s and 2s.
    pub supermajority: bool,
}

impl From<q::UnitFigures> for UnitFigures {
    fn from(figures: q::UnitFigures) -> Self {
        Self {
            people: figures.people,
            assessed: figures.assessed,
            per_level: figures.per_level.into_iter().map(Into::into).collect(),
            share_ones_and_twos: figures.share_ones_and_twos,
            uncovered: figures.uncovered,
            uncovered_counting_leaders: figures.uncovered_counting_leaders,
            structure_test: figures.test.map(Into::into),
            majority: figures.majority,
            supermajority: figures.supermajority,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct WallChartUnit {
    pub id: ID,
    pub parent_id: Option<ID>,
    /// 0 for a top-level unit.
    pub depth: u32,
    pub name: String,
    pub kind: String,
    pub retired: bool,
    /// People directly in this unit.
    pub people: Vec<PersonCell>,
    pub figures: UnitFigures,
}

/// The campaign at a glance: units in tree order, people as cells, figures per unit and in total.
#[derive(SimpleObject, Debug, Clone)]
pub struct WallChart {
    pub campaign: Campaign,
    pub as_of: Option<DateTime<Utc>>,
    pub structure_test_id: Option<ID>,
    pub units: Vec<WallChartUnit>,
    /// Active people in no unit.
    pub unplaced: Vec<PersonCell>,
    pub totals: UnitFigures,
}

impl From<q::WallChart> for WallChart {
    fn from(chart: q::WallChart) -> Self {
        Self {
            campaign: chart.campaign.into(),
            as_of: chart.as_of,
            structure_test_id: chart.test.map(id),
            units: chart
                .units
                .into_iter()
                .map(|unit| WallChartUnit {
                    id: id(unit.unit_id),
                    parent_id: unit.parent.map(id),
                    depth: unit.depth,
                    name: unit.name,
                    kind: unit.kind,
                    retired: unit.retired,
                    people: unit.people.into_iter().map(Into::into).collect(),
                    figures: unit.figures.into(),
                })
                .collect(),
            unplaced: chart.unplaced.into_iter().map(Into::into).collect(),
            totals: chart.totals.into(),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct ContactPoint {
    pub id: ID,
    pub kind: String,
    pub label: String,
    /// Null once the person was forgotten.
    pub value: Option<String>,
    pub do_not_contact: bool,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct Assessment {
    pub level: Option<u8>,
    pub previous_level: Option<u8>,
    pub assessed_by_id: ID,
    pub at: DateTime<Utc>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct Connection {
    pub id: ID,
    /// `person` or `unit`.
    pub target_kind: String,
    pub target_id: ID,
    pub kind: String,
    pub active: bool,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct OneOnOne {
    pub id: ID,
    pub person_id: ID,
    pub organizer_id: ID,
    pub held_at: DateTime<Utc>,
    pub assessment: Option<u8>,
    pub logged_by_id: ID,
    /// The issues raised in the conversation, as field responses.
    pub issues: Vec<FieldResponse>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct Step {
    pub structure_test_id: ID,
    pub step: StepKind,
    pub at: DateTime<Utc>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct FieldResponse {
    pub field_id: ID,
    pub response_id: ID,
}

/// A change: who did what, when (without personal data).
#[derive(SimpleObject, Debug, Clone)]
pub struct Activity {
    /// The event's number in the chapter's own sequence of events (a 64-bit number as a string; as
    /// `logHead` counts: other chapters' events never count).
    pub position: String,
    pub campaign_id: Option<ID>,
    pub actor_id: ID,
    pub at: DateTime<Utc>,
    /// The event type, e.g. `PersonAssessed`.
    pub kind: String,
    pub person_id: Option<ID>,
    pub task_id: Option<ID>,
    pub structure_test_id: Option<ID>,
    /// What happened, old → new.
    pub summary: String,
}

impl From<q::ActivityItem> for Activity {
    fn from(item: q::ActivityItem) -> Self {
        Self {
            position: item.chapter_position.to_string(),
            campaign_id: item.campaign_id.map(id),
            actor_id: id(item.actor),
            at: item.at,
            kind: item.kind,
            person_id: item.person_id.map(id),
            task_id: item.task_id.map(id),
            structure_test_id: item.test_id.map(id),
            summary: item.summary,
        }
    }
}

connection!(ActivityConnection, ActivityEdge, Activity);

#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Task {
    pub id: ID,
    pub campaign_id: ID,
    pub kind: TaskKind,
    pub title: String,
    pub assignee_id: ID,
    pub assigned_by_id: ID,
    pub due: Option<NaiveDate>,
    pub status: TaskStatus,
    pub subject_ids: Vec<ID>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<q::TaskRow> for Task {
    fn from(row: q::TaskRow) -> Self {
        Self {
            id: id(row.task_id),
            campaign_id: id(row.campaign_id),
            kind: row.kind.into(),
            title: row.title,
            assignee_id: id(row.assignee),
            assigned_by_id: id(row.assigned_by),
            due: row.due,
            status: row.status.into(),
            subject_ids: row.subjects.into_iter().map(id).collect(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[async_graphql::ComplexObject]
impl Task {
    /// The task's current version, to pass as `expectedVersion` when reassigning, completing or
    /// rescheduling it.
    async fn version(&self, ctx: &Context<'_>) -> Result<i32, ApiError> {
        stream_version(ctx, crate::command::StreamKind::Task, &self.id).await
    }
}

connection!(TaskConnection, TaskEdge, Task);

/// A unit a person is in, by name.
#[derive(SimpleObject, Debug, Clone)]
pub struct PersonUnit {
    pub id: ID,
    pub name: String,
    /// The unit's kind, in the campaign's words (worksite, department, floor…).
    pub kind: String,
}

/// Everything about one person, with the full change history. Asked with `asOf`, every field not marked
/// current-only is as it stood at that one moment, cut at the time the log recorded each change (a 1:1 held
/// earlier but logged after `asOf` is in none of `level`, `assessments`, `oneOnOnes` or `history`).
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Person {
    pub id: ID,
    pub campaign_id: ID,
    /// As it was at `asOf` (null once the person is forgotten, at every moment).
    pub name: Option<String>,
    pub status: PersonStatus,
    /// Current only (not time-travelled).
    pub merged_into_id: Option<ID>,
    /// As it was at `asOf`.
    pub preferred_language: Option<String>,
    pub level: Option<u8>,
    pub organizer_id: Option<ID>,
    pub follow_up: bool,
    /// Current contact points, served by [`Person::contact_points`] (which logs the read).
    #[graphql(skip)]
    pub contact_points: Vec<ContactPoint>,
    pub unit_ids: Vec<ID>,
    /// Current only (not time-travelled).
    pub responses: Vec<FieldResponse>,
    /// Those recorded by `asOf`, at their own dates of record.
    pub assessments: Vec<Assessment>,
    /// Current only (not time-travelled).
    pub connections: Vec<Connection>,
    /// Those logged by `asOf`.
    pub one_on_ones: Vec<OneOnOne>,
    /// Current only (not time-travelled): today's tasks about the person.
    pub tasks: Vec<Task>,
    pub steps: Vec<Step>,
    /// Every change of the person, served by [`Person::history`] (which writes each one out in words).
    #[graphql(skip)]
    pub history: Vec<Activity>,
    /// The moment the person was asked for (`asOf`), for the fields resolved on their own.
    #[graphql(skip)]
    pub as_of: Option<DateTime<Utc>>,
    /// Whether the caller sees personal data masked (then field values and the words of the history are
    /// withheld).
    #[graphql(skip)]
    pub masked: bool,
}

#[async_graphql::ComplexObject]
impl Person {
    /// Current contact points (not time-travelled). Every read is in the access log, whichever query or
    /// mutation answer reaches the person: the log is written where the field is resolved.
    async fn contact_points(&self, ctx: &Context<'_>) -> Result<Vec<ContactPoint>, ApiError> {
        let access = Policy::read_people(ctx)?;
        if !access.masks_personal_data() {
            crate::access::record_access(
                access.store(),
                access.identity,
                "READ_CONTACT_POINTS",
                Some(self.id.to_string()),
            )
            .await?;
        }
        Ok(self.contact_points.clone())
    }

    /// The person's units with their names and kinds, as they were at `asOf`, in the order of `unitIds`:
    /// a page that opens on the person names their units without reading the wall chart.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<PersonUnit>, ApiError> {
        let access = Policy::read_people(ctx)?;
        let units: Vec<domain::ids::UnitId> = parse::ids("unitIds", &self.unit_ids)?;
        let labels = access
            .read_models()
            .unit_labels(access.chapter(), &units, self.as_of)
            .await?;
        Ok(labels
            .into_iter()
            .map(|label| PersonUnit {
                id: id(label.unit_id),
                name: label.name,
                kind: label.kind,
            })
            .collect())
    }

    /// The values of the person's number, date, text and address fields, as they stood at `asOf` (the same
    /// moment as every other time-travelled field), in the order of the fields' ids. Empty for callers who
    /// see personal data masked. Field values are personal: every read is in the access log
    /// (`READ_FIELD_VALUES`).
    async fn field_values(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::fields::PersonFieldValue>, ApiError> {
        let access = Policy::read_people(ctx)?;
        if self.masked || access.masks_personal_data() {
            return Ok(Vec::new());
        }
        crate::access::record_access(
            access.store(),
            access.identity,
            "READ_FIELD_VALUES",
            Some(self.id.to_string()),
        )
        .await?;
        super::fields::person_field_values(
            &access,
            parse::id("id", &self.id)?,
            parse::id("campaignId", &self.campaign_id)?,
            self.as_of,
        )
        .await
    }

    /// Every change of the person, oldest first (up to `asOf`), each summary saying what changed from what
    /// to what, with names: the person's names and contact points, units, fields and responses, the
    /// campaign's scale labels, organizers (by email), structure tests and other people (when the caller may
    /// see them). For callers who see personal data masked, the summaries say only the event's kind.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<Activity>, ApiError> {
        let access = Policy::read_people(ctx)?;
        if self.masked || access.masks_personal_data() {
            return Ok(self.history.clone());
        }
        super::history::in_words(
            &access,
            parse::id("id", &self.id)?,
            parse::id("campaignId", &self.campaign_id)?,
            self.history.clone(),
        )
        .await
    }

    /// The person's current version (not time-travelled), to pass as `expectedVersion` with a change: a
    /// change made by someone else since then answers CONFLICT instead of being overwritten.
    async fn version(&self, ctx: &Context<'_>) -> Result<i32, ApiError> {
        stream_version(ctx, crate::command::StreamKind::Person, &self.id).await
    }
    /// The person's ids in other systems (an Action Builder id, an employee number), by system. Empty for
    /// an analyst without the personal-data grant.
    async fn external_ids(&self, ctx: &Context<'_>) -> Result<Vec<ExternalId>, ApiError> {
        let access = Policy::read_people(ctx)?;
        if access.masks_personal_data() {
            return Ok(Vec::new());
        }
        let person = parse::id("id", &self.id)?;
        Ok(access
            .read_models()
            .external_ids(access.chapter(), person)
            .await?
            .into_iter()
            .map(|(system, value)| ExternalId { system, value })
            .collect())
    }
}

/// A person's id in another system.
#[derive(SimpleObject, Debug, Clone)]
pub struct ExternalId {
    /// The system, lower case (`action_builder`, `employee_number`).
    pub system: String,
    pub value: String,
}

impl From<q::PersonDetail> for Person {
    fn from(detail: q::PersonDetail) -> Self {
        Self {
            id: id(detail.person_id),
            campaign_id: id(detail.campaign_id),
            name: detail.name,
            status: detail.status.into(),
            merged_into_id: detail.merged_into.map(id),
            preferred_language: detail.preferred_language,
            level: detail.level,
            organizer_id: detail.organizer.map(id),
            follow_up: detail.follow_up,
            contact_points: detail
                .contact_points
                .into_iter()
                .map(|point| ContactPoint {
                    id: id(point.contact_point_id),
                    kind: point.kind,
                    label: point.label,
                    value: point.value,
                    do_not_contact: point.do_not_contact,
                })
                .collect(),
            unit_ids: detail.units.into_iter().map(id).collect(),
            responses: detail
                .responses
                .into_iter()
                .map(|(field, response)| FieldResponse {
                    field_id: id(field),
                    response_id: id(response),
                })
                .collect(),
            assessments: detail
                .assessments
                .into_iter()
                .map(|assessment| Assessment {
                    level: assessment.level,
                    previous_level: assessment.previous_level,
                    assessed_by_id: id(assessment.assessed_by),
                    at: assessment.at,
                })
                .collect(),
            connections: detail
                .connections
                .into_iter()
                .map(|connection| Connection {
                    id: id(connection.connection_id),
                    target_kind: connection.target_kind,
                    target_id: ID(connection.target_id),
                    kind: connection.kind,
                    active: connection.active,
                })
                .collect(),
            one_on_ones: detail
                .one_on_ones
                .into_iter()
                .map(|talk| OneOnOne {
                    id: id(talk.conversation_id),
                    person_id: id(talk.person_id),
                    organizer_id: id(talk.organizer),
                    held_at: talk.held_at,
                    assessment: talk.assessment,
                    logged_by_id: id(talk.logged_by),
                    issues: talk
                        .issues
                        .into_iter()
                        .map(|(field, response)| FieldResponse {
                            field_id: id(field),
                            response_id: id(response),
                        })
                        .collect(),
                })
                .collect(),
            tasks: detail.tasks.into_iter().map(Into::into).collect(),
            steps: detail
                .steps
                .into_iter()
                .map(|step| Step {
                    structure_test_id: id(step.test_id),
                    step: step.step.into(),
                    at: step.at,
                })
                .collect(),
            history: detail.history.into_iter().map(Into::into).collect(),
            as_of: None,
            masked: false,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct UnitTestProgress {
    pub unit_id: ID,
    pub name: String,
    pub depth: u32,
    pub figures: TestFigures,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct PersonStep {
    pub person_id: ID,
    pub name: Option<String>,
    pub unit_ids: Vec<ID>,
    /// Null: not asked.
    pub step: Option<StepKind>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct StructureTest {
    pub id: ID,
    pub campaign_id: ID,
    /// As it was at `asOf` when one is given.
    pub name: String,
    pub goal_percent: u8,
    /// As it was at `asOf` when one is given.
    pub deadline: NaiveDate,
    /// As it was at `asOf` when one is given.
    pub closed: bool,
    /// Empty: the whole campaign (today's scope: a test's units never change).
    pub scope_unit_ids: Vec<ID>,
    pub as_of: Option<DateTime<Utc>>,
    pub totals: TestFigures,
    pub units: Vec<UnitTestProgress>,
    pub people: Vec<PersonStep>,
}

impl From<q::StructureTestView> for StructureTest {
    fn from(view: q::StructureTestView) -> Self {
        Self {
            id: id(view.test_id),
            campaign_id: id(view.campaign_id),
            name: view.name,
            goal_percent: view.goal_percent,
            deadline: view.deadline,
            closed: view.closed,
            scope_unit_ids: view.scope.into_iter().map(id).collect(),
            as_of: view.as_of,
            totals: view.totals.into(),
            units: view
                .units
                .into_iter()
                .map(|unit| UnitTestProgress {
                    unit_id: id(unit.unit_id),
                    name: unit.name,
                    depth: unit.depth,
                    figures: unit.figures.into(),
                })
                .collect(),
            people: view
                .people
                .into_iter()
                .map(|person| PersonStep {
                    person_id: id(person.person_id),
                    name: person.name,
                    unit_ids: person.units.into_iter().map(id).collect(),
                    step: person.step.map(Into::into),
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct AssessmentWeek {
    /// The Monday the week starts on; counts are as of the end of the week.
    pub week_start: NaiveDate,
    pub per_level: Vec<LevelCount>,
    pub unassessed: u32,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct OrganizerWeek {
    pub week_start: NaiveDate,
    pub organizer_id: ID,
    pub one_on_ones: u32,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct CoverageWeek {
    pub week_start: NaiveDate,
    pub people: u32,
    pub covered: u32,
    pub uncovered: u32,
}

/// A structure test's counts at the end of one day: each person counts once, under the latest step they had
/// reached by then.
#[derive(SimpleObject, Debug, Clone)]
pub struct ParticipationDay {
    /// Counts as of the end of this day (UTC).
    pub day: NaiveDate,
    /// People whose latest step reached was "asked".
    pub asked: u32,
    /// People whose latest step reached was "committed".
    pub committed: u32,
    /// People whose latest step reached was "participated".
    pub participated: u32,
    /// People whose latest step reached was "declined".
    pub declined: u32,
}

impl From<q::WeeklyDistribution> for AssessmentWeek {
    fn from(week: q::WeeklyDistribution) -> Self {
        Self {
            week_start: week.week_start,
            per_level: week.per_level.into_iter().map(Into::into).collect(),
            unassessed: week.unassessed,
        }
    }
}

impl From<q::OrganizerWeek> for OrganizerWeek {
    fn from(week: q::OrganizerWeek) -> Self {
        Self {
            week_start: week.week_start,
            organizer_id: id(week.organizer),
            one_on_ones: week.one_on_ones,
        }
    }
}

impl From<q::CoverageWeek> for CoverageWeek {
    fn from(week: q::CoverageWeek) -> Self {
        Self {
            week_start: week.week_start,
            people: week.people,
            covered: week.covered,
            uncovered: week.uncovered,
        }
    }
}

impl From<q::CurvePoint> for ParticipationDay {
    fn from(point: q::CurvePoint) -> Self {
        Self {
            day: point.day,
            asked: point.asked,
            committed: point.committed,
            participated: point.participated,
            declined: point.declined,
        }
    }
}

/// Where a projection stands and how far it lags the log, for the caller's chapter: in the chapter's own
/// numbers, counting only its events.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct ProjectionStatus {
    pub name: String,
    /// The number of the chapter's newest projected event (a 64-bit number as a string; as `logHead`
    /// counts). Caught up with a write once it is at least `logHead` read after the write.
    pub position: String,
    /// When the chapter's newest projected event was written.
    pub updated_at: Option<DateTime<Utc>>,
    /// The chapter's events not yet projected.
    pub lag_events: i64,
    /// How long ago the chapter's oldest event not yet projected was written (0 when caught up).
    pub lag_seconds: f64,
}

/// An event a projection passed over because it cannot be projected, or holds back behind such an event
/// of the same stream (docs/adr/0013): the stream's read models stay as they were before it, everything
/// else goes on. `groundwork projections rebuild` tries them again once the cause is fixed.
#[derive(SimpleObject, Debug, Clone)]
pub struct QuarantinedEvent {
    pub projection: String,
    /// The event's number in the chapter's own sequence (a 64-bit number as a string).
    pub position: String,
    /// The stream's type (`Person`, `Campaign`, `Task`, …) and id.
    pub stream_type: String,
    pub stream_id: ID,
    pub event_type: String,
    /// Why it was not projected.
    pub reason: String,
    /// Set when the event itself is fine but an earlier event of its stream is quarantined: that event's
    /// position.
    pub held_behind: Option<String>,
    pub quarantined_at: DateTime<Utc>,
}

#[async_graphql::ComplexObject]
impl ProjectionStatus {
    /// The events of the caller's chapter this projection passed over (admins only).
    async fn quarantined(&self, ctx: &Context<'_>) -> Result<Vec<QuarantinedEvent>, ApiError> {
        let access = Policy::read(ctx, Permission::ManageChapter)?;
        let events = access
            .read_models()
            .quarantined(Some(access.chapter()))
            .await?;
        Ok(events
            .into_iter()
            .filter(|event| event.projection == self.name)
            .map(|event| QuarantinedEvent {
                projection: event.projection,
                position: event.chapter_position.unwrap_or(0).to_string(),
                stream_type: event.stream_type,
                stream_id: ID(event.stream_id),
                event_type: event.event_type,
                reason: event.reason,
                held_behind: event
                    .held_behind
                    .map(|_| event.held_behind_chapter_position.unwrap_or(0).to_string()),
                quarantined_at: event.quarantined_at,
            })
            .collect())
    }
}

impl From<projections::ChapterProjectionStatus> for ProjectionStatus {
    fn from(status: projections::ChapterProjectionStatus) -> Self {
        Self {
            name: status.name,
            position: status.position.to_string(),
            updated_at: status.updated_at,
            lag_events: status.lag_events,
            lag_seconds: status.lag_seconds,
        }
    }
}

/// What a whole wall chart costs in a query's complexity (the limit is `GraphqlSettings::max_complexity`,
/// 2,000 by default): it reads every person and unit of a campaign, so aliases of it cannot multiply it
/// past a handful.
pub const WALL_CHART_COMPLEXITY: usize = 200;
/// What one analyst series costs in a query's complexity: each scans a campaign's history.
pub const SERIES_COMPLEXITY: usize = 100;

/// How the people list is ordered.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "projections::read::PeopleSort")]
pub enum PeopleSort {
    /// Family name, then given name, accents and case ignored (the default, as wall charts order people).
    #[default]
    FamilyNameAsc,
    FamilyNameDesc,
    /// The name as shown (given name first), accents and case ignored.
    NameAsc,
    NameDesc,
    /// Lowest level first, the unassessed last; then by family name.
    LevelAsc,
    LevelDesc,
    /// The person changed most recently first.
    RecentlyChanged,
}

/// Filters of the people list; every given condition must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct PeopleFilter {
    /// People in this unit or any of its sub-units.
    pub unit_id: Option<ID>,
    /// Any of these levels.
    #[graphql(default)]
    pub levels: Vec<i32>,
    /// Include unassessed people (with `levels`, in addition to them).
    #[graphql(default)]
    pub unassessed: bool,
    /// People with every one of these responses.
    #[graphql(default)]
    pub responses_all: Vec<ID>,
    /// People with at least one of these responses.
    #[graphql(default)]
    pub responses_any: Vec<ID>,
    pub organizer_id: Option<ID>,
    /// True: only people without an organizer; false: only covered people.
    pub uncovered: Option<bool>,
    pub follow_up: Option<bool>,
    /// With `structureTestStep` (null: not asked): people whose latest step in this test is that one.
    pub structure_test_id: Option<ID>,
    pub structure_test_step: Option<StepKind>,
    /// Part of the name, any case.
    pub name_search: Option<String>,
    /// Also removed, merged and forgotten people.
    #[graphql(default)]
    pub include_inactive: bool,
}

impl PeopleFilter {
    pub(super) fn parse(&self) -> Result<q::PeopleFilter, ApiError> {
        if let Some(text) = &self.name_search {
            parse::single_line("filter.nameSearch", "the name search", text.trim())?;
        }
        let mut levels: Vec<Option<u8>> = self
            .levels
            .iter()
            .enumerate()
            .map(|(index, level)| {
                parse::level(&format!("filter.levels[{index}]"), *level)
                    .map(|level| Some(level.get()))
            })
            .collect::<Result<_, _>>()?;
        if self.unassessed {
            levels.push(None);
        }
        Ok(q::PeopleFilter {
            unit: parse::optional_id("filter.unitId", self.unit_id.as_ref())?,
            levels,
            responses_all: parse::ids("filter.responsesAll", &self.responses_all)?,
            responses_any: parse::ids("filter.responsesAny", &self.responses_any)?,
            organizer: parse::optional_id("filter.organizerId", self.organizer_id.as_ref())?,
            uncovered: self.uncovered,
            follow_up: self.follow_up,
            test_step: parse::optional_id(
                "filter.structureTestId",
                self.structure_test_id.as_ref(),
            )?
            .map(|test| (test, self.structure_test_step.map(Into::into))),
            name_search: self
                .name_search
                .clone()
                .filter(|text| !text.trim().is_empty()),
            include_inactive: self.include_inactive,
            turf: None,
        })
    }
}

/// The order and filter a caller may ask for: one who sees names masked (an analyst without the
/// personal-data grant) may neither search nor order by name, or the answers would give the names away a
/// letter at a time. Level orders are refused too, since their ties are ordered by name. Without a `sort`,
/// such a caller's list is ordered by the most recent change.
pub(super) fn unmasked_query(
    access: &super::authz::ReadAccess<'_>,
    filter: &q::PeopleFilter,
    sort: Option<PeopleSort>,
) -> Result<q::PeopleSort, ApiError> {
    if !access.masks_personal_data() {
        return Ok(sort.unwrap_or_default().into());
    }
    if filter.name_search.is_some() {
        return Err(ApiError::invalid(
            "filter.nameSearch",
            "searching by name needs the personal-data grant",
        ));
    }
    match sort {
        None | Some(PeopleSort::RecentlyChanged) => Ok(q::PeopleSort::RecentlyChanged),
        Some(_) => Err(ApiError::invalid(
            "sort",
            "ordering by name (or by level, whose ties go by name) needs the personal-data grant; \
             use RECENTLY_CHANGED",
        )),
    }
}

/// Filters of a task list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct TaskFilter {
    pub campaign_id: Option<ID>,
    pub assignee_id: Option<ID>,
    pub status: Option<TaskStatus>,
    /// Due on or before this date.
    pub due_before: Option<NaiveDate>,
    /// Open and due before this date.
    pub overdue_at: Option<NaiveDate>,
    pub subject_id: Option<ID>,
}

impl TaskFilter {
    fn parse(&self) -> Result<q::TaskFilter, ApiError> {
        Ok(q::TaskFilter {
            campaign: parse::optional_id("filter.campaignId", self.campaign_id.as_ref())?,
            assignee: parse::optional_id("filter.assigneeId", self.assignee_id.as_ref())?,
            status: self.status.map(Into::into),
            due_before: self.due_before,
            overdue_at: self.overdue_at,
            subject: parse::optional_id("filter.subjectId", self.subject_id.as_ref())?,
            task: None,
        })
    }
}

/// Filters of the activity feed.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ActivityFilter {
    pub actor_id: Option<ID>,
    /// Any of these event types, e.g. `PersonAssessed` (empty: all).
    #[graphql(default)]
    pub kinds: Vec<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
    pub person_id: Option<ID>,
}

impl ActivityFilter {
    fn parse(&self) -> Result<q::ActivityFilter, ApiError> {
        for (index, kind) in self.kinds.iter().enumerate() {
            parse::single_line(&format!("filter.kinds[{index}]"), "the event type", kind)?;
        }
        Ok(q::ActivityFilter {
            actor: parse::optional_id("filter.actorId", self.actor_id.as_ref())?,
            kinds: self.kinds.clone(),
            from: self.from,
            to: self.to,
            person: parse::optional_id("filter.personId", self.person_id.as_ref())?,
        })
    }
}

/// A page with nothing on it: what a campaign outside the caller's scope holds.
fn empty_page<T>() -> q::Page<T> {
    q::Page {
        edges: Vec::new(),
        has_next_page: false,
        has_previous_page: false,
        total_count: 0,
    }
}

/// Narrows a task filter to the caller's campaigns. `false` when the filter names a campaign outside them
/// (nothing to show). A member narrowed to several campaigns names one of them in `filter.campaignId`.
async fn narrow_tasks(
    access: &ReadAccess<'_>,
    filter: &mut q::TaskFilter,
) -> Result<bool, ApiError> {
    let scope = access.scope().await?;
    let Some(campaigns) = &scope.campaigns else {
        return Ok(true);
    };
    match filter.campaign {
        Some(campaign) => Ok(scope.reaches(campaign)),
        None if campaigns.len() == 1 => {
            filter.campaign = campaigns.iter().next().copied();
            Ok(true)
        }
        None => Err(ApiError::invalid(
            "filter.campaignId",
            "you work in several campaigns of this chapter: name one",
        )),
    }
}

/// The campaign `campaign_id` names, when the caller works in it; NOT_FOUND otherwise (a campaign outside a
/// narrowed membership looks like one of another chapter).
async fn campaign_in_scope(
    access: &ReadAccess<'_>,
    campaign_id: &ID,
) -> Result<domain::ids::CampaignId, ApiError> {
    let campaign = parse::id("campaignId", campaign_id)?;
    if access.reaches(campaign).await? {
        Ok(campaign)
    } else {
        Err(ApiError::not_found(format!(
            "no campaign {} in this chapter",
            campaign_id.as_str()
        )))
    }
}

/// Leave to run an analyst series over a campaign: the `Analyze` permission, and a campaign the caller
/// works in.
async fn analyst_campaign<'a>(
    ctx: &Context<'a>,
    campaign_id: &ID,
) -> Result<(ReadAccess<'a>, domain::ids::CampaignId), ApiError> {
    let access = Policy::read(ctx, Permission::Analyze)?;
    let campaign = campaign_in_scope(&access, campaign_id).await?;
    Ok((access, campaign))
}

/// A read model's series as GraphQL shows it, point by point.
fn series<Row, Point: From<Row>>(rows: Vec<Row>) -> Vec<Point> {
    rows.into_iter().map(Point::from).collect()
}

/// The longest series an analyst query returns.
const MAX_WEEKS: u32 = 260;

fn weeks(weeks: i32) -> Result<u32, ApiError> {
    u32::try_from(weeks)
        .ok()
        .filter(|weeks| (1..=MAX_WEEKS).contains(weeks))
        .ok_or_else(|| ApiError::invalid("weeks", format!("give 1 to {MAX_WEEKS} weeks")))
}

#[derive(Default)]
pub struct ReadQuery;

#[Object]
impl ReadQuery {
    /// The chapter's campaigns.
    async fn campaigns(&self, ctx: &Context<'_>) -> Result<Vec<Campaign>, ApiError> {
        let access = Policy::read(ctx, Permission::ReadTurf)?;
        let views = access.read_models().campaigns(access.chapter()).await?;
        let scope = access.scope().await?;
        Ok(views
            .into_iter()
            .filter(|view| scope.reaches(view.campaign_id))
            .map(Into::into)
            .collect())
    }

    /// A campaign of the chapter; null when there is none with this id.
    async fn campaign(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Campaign>, ApiError> {
        let access = Policy::read(ctx, Permission::ReadTurf)?;
        let campaign = parse::id("id", &id)?;
        if !access.reaches(campaign).await? {
            return Ok(None);
        }
        let view = access
            .read_models()
            .campaign(access.chapter(), campaign)
            .await?;
        Ok(view.map(Into::into))
    }

    /// The people of a campaign, filtered and sorted, as a Relay connection (`first` at most 100).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "super::pagination::page_complexity(first, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        filter: Option<PeopleFilter>,
        #[graphql(
            desc = "The order; by default by name (for callers who see names masked: RECENTLY_CHANGED, \
                    the only order they may ask for)."
        )]
        sort: Option<PeopleSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PersonConnection, ApiError> {
        let page = page_request(first, after)?;
        let access = Policy::read_people(ctx)?;
        let campaign = parse::id("campaignId", &campaign_id)?;
        let mut filter = filter.unwrap_or_default().parse()?;
        let sort = unmasked_query(&access, &filter, sort)?;
        // A campaign outside a narrowed membership looks like one of another chapter: no one in it.
        if !access.reaches(campaign).await? {
            return Ok(PersonConnection::from(empty_page::<q::PersonRow>()));
        }
        if let Some(turf) = access.turf(campaign).await? {
            filter.turf = Some((turf.organizer, turf.units.into_iter().collect()));
        }
        let people = access
            .read_models()
            .people(access.chapter(), campaign, &filter, sort, &page)
            .await?;
        Ok(access.masked(PersonConnection::from(people)))
    }

    /// The wall chart of a campaign, live or as it was at `asOf`; with `structureTestId`, participation in
    /// that test is part of every unit's figures.
    #[graphql(complexity = "WALL_CHART_COMPLEXITY + child_complexity")]
    async fn wall_chart(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        structure_test_id: Option<ID>,
        as_of: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Only this unit and its sub-units (figures unchanged; `totals` are the unit's, nobody is \
                    unplaced), so a phone can load one department. Null if the campaign has no such unit \
                    (at `asOf`)."
        )]
        unit_id: Option<ID>,
        #[graphql(
            default,
            desc = "Only the people with at least one of these field responses (the responses they have \
                    today, also with `asOf`: responses have no history); units and figures unchanged."
        )]
        response_ids: Vec<ID>,
    ) -> Result<Option<WallChart>, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let campaign = parse::id("campaignId", &campaign_id)?;
        let test = parse::optional_id("structureTestId", structure_test_id.as_ref())?;
        let unit = parse::optional_id("unitId", unit_id.as_ref())?;
        let responses: Vec<domain::ids::ResponseId> = parse::ids("responseIds", &response_ids)?;
        if !access.reaches(campaign).await? {
            return Ok(None);
        }
        let chart = access
            .read_models()
            .wall_chart(access.chapter(), campaign, test, as_of)
            .await?;
        let chart = match unit {
            Some(unit) => chart.and_then(|chart| chart.subtree(unit)),
            None => chart,
        };
        let chart = match chart {
            Some(chart) if !responses.is_empty() => {
                let with = access
                    .read_models()
                    .people_with_any_response(access.chapter(), campaign, &responses)
                    .await?;
                Some(chart.only_people(|person| with.contains(&person)))
            }
            other => other,
        };
        Ok(chart.map(|chart| access.masked(WallChart::from(chart))))
    }

    /// A person with their history, live or as they were at `asOf`.
    async fn person(
        &self,
        ctx: &Context<'_>,
        id: ID,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<Person>, ApiError> {
        let access = Policy::read_people(ctx)?;
        let person = parse::id("id", &id)?;
        let detail = access
            .read_models()
            .person(access.chapter(), person, as_of)
            .await?;
        // Someone outside the caller's campaigns or turf looks exactly like no one. The turf is today's (a
        // time-travelled answer shows the person as they were, to whoever may see them now).
        let detail = match detail {
            Some(detail) => {
                let now = match as_of {
                    None => Some((detail.organizer, detail.units.clone())),
                    Some(_) => access
                        .read_models()
                        .person(access.chapter(), person, None)
                        .await?
                        .map(|current| (current.organizer, current.units)),
                };
                let visible = match now {
                    Some((organizer, units)) => {
                        access
                            .sees_person(detail.campaign_id, organizer, &units)
                            .await?
                    }
                    None => false,
                };
                visible.then_some(detail)
            }
            None => None,
        };
        // Reading contact points is logged where `Person.contactPoints` resolves.
        Ok(detail.map(|detail| {
            access.masked(Person {
                as_of,
                ..Person::from(detail)
            })
        }))
    }

    /// Tasks of the chapter (`first` at most 100).
    #[graphql(complexity = "super::pagination::page_complexity(first, child_complexity)")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        filter: Option<TaskFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<TaskConnection, ApiError> {
        let page = page_request(first, after)?;
        let access = Policy::read(ctx, Permission::Read)?;
        let mut filter = filter.unwrap_or_default().parse()?;
        if !narrow_tasks(&access, &mut filter).await? {
            return Ok(TaskConnection::from(empty_page::<q::TaskRow>()));
        }
        let tasks = access
            .read_models()
            .tasks(access.chapter(), &filter, &page)
            .await?;
        Ok(tasks.into())
    }

    /// The caller's tasks (`filter.assigneeId` is ignored).
    #[graphql(complexity = "super::pagination::page_complexity(first, child_complexity)")]
    async fn my_tasks(
        &self,
        ctx: &Context<'_>,
        filter: Option<TaskFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<TaskConnection, ApiError> {
        let page = page_request(first, after)?;
        let access = Policy::read(ctx, Permission::ReadOwn)?;
        let mut filter = filter.unwrap_or_default().parse()?;
        filter.assignee = Some(access.identity.user);
        if !narrow_tasks(&access, &mut filter).await? {
            return Ok(TaskConnection::from(empty_page::<q::TaskRow>()));
        }
        let tasks = access
            .read_models()
            .tasks(access.chapter(), &filter, &page)
            .await?;
        Ok(tasks.into())
    }

    /// A structure test per unit and per person, live or as it was at `asOf`.
    async fn structure_test(
        &self,
        ctx: &Context<'_>,
        id: ID,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<StructureTest>, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let test = parse::id("id", &id)?;
        let view = access
            .read_models()
            .structure_test(access.chapter(), test, as_of)
            .await?;
        match view {
            Some(view) if access.reaches(view.campaign_id).await? => {
                Ok(Some(access.masked(StructureTest::from(view))))
            }
            _ => Ok(None),
        }
    }

    /// A campaign's structure tests, newest first, live (empty for a campaign the caller does not reach).
    async fn structure_tests(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
    ) -> Result<Vec<StructureTest>, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let campaign = parse::id("campaignId", &campaign_id)?;
        if !access.reaches(campaign).await? {
            return Ok(Vec::new());
        }
        let ids = access
            .read_models()
            .structure_test_ids(access.chapter(), campaign)
            .await?;
        let mut tests = Vec::with_capacity(ids.len());
        for test in ids {
            if let Some(view) = access
                .read_models()
                .structure_test(access.chapter(), test, None)
                .await?
            {
                tests.push(access.masked(StructureTest::from(view)));
            }
        }
        Ok(tests)
    }

    /// Every change in a campaign, newest first, with its actor (`first` at most 100).
    #[graphql(complexity = "super::pagination::page_complexity(first, child_complexity)")]
    async fn activity(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        filter: Option<ActivityFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ActivityConnection, ApiError> {
        let page = page_request(first, after)?;
        let access = Policy::read(ctx, Permission::Read)?;
        let campaign = parse::id("campaignId", &campaign_id)?;
        let filter = filter.unwrap_or_default().parse()?;
        if !access.reaches(campaign).await? {
            return Ok(ActivityConnection::from(empty_page::<q::ActivityItem>()));
        }
        let items = access
            .read_models()
            .activity(access.chapter(), campaign, &filter, &page)
            .await?;
        Ok(access.masked(ActivityConnection::from(items)))
    }

    /// Analyst: the assessment distribution at the end of each week.
    #[graphql(complexity = "SERIES_COMPLEXITY + child_complexity")]
    async fn assessment_distribution_weekly(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        from: NaiveDate,
        weeks: i32,
    ) -> Result<Vec<AssessmentWeek>, ApiError> {
        let (access, campaign) = analyst_campaign(ctx, &campaign_id).await?;
        let rows = access
            .read_models()
            .assessment_distribution_weekly(access.chapter(), campaign, from, self::weeks(weeks)?)
            .await?;
        Ok(series(rows))
    }

    /// Analyst: 1:1s per organizer per week in `[from, to)`.
    #[graphql(complexity = "SERIES_COMPLEXITY + child_complexity")]
    async fn one_on_ones_per_organizer_weekly(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OrganizerWeek>, ApiError> {
        let (access, campaign) = analyst_campaign(ctx, &campaign_id).await?;
        let rows = access
            .read_models()
            .one_on_ones_per_organizer_weekly(access.chapter(), campaign, from, to)
            .await?;
        Ok(series(rows))
    }

    /// Analyst: covered and uncovered people at the end of each week.
    #[graphql(complexity = "SERIES_COMPLEXITY + child_complexity")]
    async fn coverage_weekly(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        from: NaiveDate,
        weeks: i32,
    ) -> Result<Vec<CoverageWeek>, ApiError> {
        let (access, campaign) = analyst_campaign(ctx, &campaign_id).await?;
        let rows = access
            .read_models()
            .coverage_weekly(access.chapter(), campaign, from, self::weeks(weeks)?)
            .await?;
        Ok(series(rows))
    }

    /// Analyst: a structure test's participation at the end of each day in `[from, to]`.
    #[graphql(complexity = "SERIES_COMPLEXITY + child_complexity")]
    async fn structure_test_participation_curve(
        &self,
        ctx: &Context<'_>,
        structure_test_id: ID,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ParticipationDay>, ApiError> {
        let access = Policy::read(ctx, Permission::Analyze)?;
        let test = parse::id("structureTestId", &structure_test_id)?;
        let campaign = access
            .read_models()
            .structure_test(access.chapter(), test, None)
            .await?
            .map(|view| view.campaign_id);
        if let Some(campaign) = campaign {
            if !access.reaches(campaign).await? {
                return Err(ApiError::not_found(format!(
                    "no structure test {} in this chapter",
                    structure_test_id.as_str()
                )));
            }
        }
        if to < from || (to - from).num_days() > i64::from(MAX_WEEKS) * 7 {
            return Err(ApiError::invalid(
                "to",
                format!("give a range of 0 to {} days after from", MAX_WEEKS * 7),
            ));
        }
        let rows = access
            .read_models()
            .structure_test_curve(access.chapter(), test, from, to)
            .await?;
        Ok(series(rows))
    }

    /// Where each projection stands and how far it lags the log, for the caller's chapter: in the
    /// chapter's own numbers, counting only its events (as `logHead` does).
    async fn projection_status(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<ProjectionStatus>, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let statuses = access
            .read_models()
            .chapter_status(access.chapter())
            .await?;
        Ok(statuses.into_iter().map(Into::into).collect())
    }
}
