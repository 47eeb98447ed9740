//! The wall chart: a campaign's units in tree order with their people as cells and the figures of every
//! unit, built in one pass from one query per table (live or as of a moment), and cached per `campaigns`
//! checkpoint (see `cache`). Also the raw material other queries share: units, a structure test's record
//! and the chart's people.

use super::cache::ChartKey;
use super::sql::{
    campaign_id, opt_level, opt_unit_id, opt_user_id, person_id, stored, test_id, unit_id,
    valid_at, Sql,
};
use super::views::{
    LevelCount, PersonCell, PersonStatusView, TestFigures, UnitFigures, WallChart, WallChartUnit,
};
use super::ReadModels;
use crate::codec::StoredEnum;
use crate::error::ProjectionError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{CampaignId, ChapterId, PersonId, StructureTestId, UnitId};
use domain::values::StepKind;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use store::sql::args;

/// The raw material of a wall chart, live or as of a moment.
pub(super) struct ChartData {
    pub(super) units: Vec<UnitRecord>,
    pub(super) people: Vec<PersonCell>,
    pub(super) memberships: Vec<(PersonId, UnitId)>,
    /// People an active person of the chart organizes (a worker-leader's "organizer of" connection).
    pub(super) led: BTreeSet<PersonId>,
}

#[derive(Clone)]
pub(super) struct UnitRecord {
    pub(super) unit_id: UnitId,
    pub(super) parent: Option<UnitId>,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) retired: bool,
}

/// A structure test as its table stores it.
pub(super) struct TestRecord {
    pub(super) test_id: StructureTestId,
    pub(super) campaign_id: CampaignId,
    pub(super) name: String,
    pub(super) goal_percent: u8,
    pub(super) deadline: NaiveDate,
    pub(super) closed: bool,
    pub(super) scope: Vec<UnitId>,
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
pub(super) fn subtrees(units: &[UnitRecord]) -> HashMap<UnitId, BTreeSet<UnitId>> {
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
    uncovered_counting_leaders: u32,
    in_scope: u32,
    asked: u32,
    committed: u32,
    participated: u32,
    declined: u32,
}

impl Tally {
    /// Counts a person; `in_scope`: they are in the chart's structure test's scope; `led`: an active person
    /// organizes them.
    fn add(&mut self, person: &PersonCell, in_scope: bool, led: bool) {
        self.people += 1;
        if let Some(level) = person.level {
            self.assessed += 1;
            *self.per_level.entry(level).or_default() += 1;
        }
        if person.organizer.is_none() {
            self.uncovered += 1;
            if !led {
                self.uncovered_counting_leaders += 1;
            }
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
            uncovered_counting_leaders: self.uncovered_counting_leaders,
            test,
            majority: total > 0 && strong * 2 > total,
            supermajority: total > 0 && strong * 3 >= total * 2,
        }
    }
}

impl ReadModels {
    pub(super) async fn load_units(
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

    /// `unit` and every current unit under it in `campaign`, walked down from `unit` (one step of
    /// `rm_units_parent` per unit of the subtree) instead of reading the campaign's whole tree: the people
    /// list's unit filter asks for this on every request, and at 100,000 people and 852 units reading the
    /// tree and making every unit's subtree was a fifth of a page's instructions (docs/performance.md, round
    /// 20b). A unit the campaign does not have is its own subtree, as in [`subtrees`]. `UNION`, not
    /// `UNION ALL`: each unit once, whatever the tree.
    pub(super) async fn unit_subtree(
        &self,
        campaign: CampaignId,
        unit: UnitId,
    ) -> Result<BTreeSet<UnitId>, ProjectionError> {
        let mut sql = Sql::default();
        let unit_arg = sql.arg(unit.to_string());
        let campaign_arg = sql.arg(campaign.to_string());
        sql.push(&format!(
            "WITH RECURSIVE subtree(unit_id) AS (SELECT CAST({unit_arg} AS TEXT) \
             UNION SELECT u.unit_id FROM rm_units u JOIN subtree s ON u.parent_id = s.unit_id \
             WHERE u.campaign_id = {campaign_arg}) \
             SELECT unit_id FROM subtree"
        ));
        self.db()
            .fetch(&sql.text, &sql.args)
            .await?
            .iter()
            .map(|row| unit_id(row, "unit_id"))
            .collect()
    }

    pub(super) async fn load_test(
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

    pub(super) async fn load_chart_data(
        &self,
        campaign: CampaignId,
        test: Option<StructureTestId>,
        as_of: Option<DateTime<Utc>>,
        pending: &HashSet<PersonId>,
    ) -> Result<ChartData, ProjectionError> {
        let units = self.load_units(campaign, as_of).await?;
        // People: the live row, or the history row valid at the moment, with the name as it was then (a
        // forgotten person's name is gone from every moment).
        let mut sql = Sql::default();
        let campaign_arg = sql.arg(campaign.to_string());
        match as_of {
            None => sql.push(&format!(
                "SELECT p.person_id, p.name, p.sort_name, p.level, p.organizer, p.follow_up FROM rm_people p \
                 WHERE p.campaign_id = {campaign_arg} AND p.status = '{active}'",
                active = PersonStatusView::Active.as_str()
            )),
            Some(at) => {
                let valid = valid_at(&mut sql, "h", at);
                sql.push(&format!(
                    "SELECT h.person_id, h.name, h.sort_name, h.level, h.organizer, h.follow_up \
                     FROM rm_person_history h \
                     WHERE h.campaign_id = {campaign_arg} AND h.status = '{active}' AND {valid}",
                    active = PersonStatusView::Active.as_str()
                ))
            }
        };
        // Each cell with its order: family name then given name, folded, as it was at the moment (the
        // forgotten, whose names are gone, last).
        // Rows become cells as they arrive (`fetch_map`): a campaign's rows are never held all at once.
        let mut people = self
            .db()
            .fetch_map(&sql.text, &sql.args, |row| {
                Ok::<_, ProjectionError>((
                    row.opt_text("sort_name")?,
                    PersonCell {
                        person_id: person_id(row, "person_id")?,
                        name: row.opt_text("name")?,
                        level: opt_level(row, "level")?,
                        organizer: opt_user_id(row, "organizer")?,
                        follow_up: row.boolean("follow_up")?,
                        step: None,
                        last_contact: None,
                    },
                ))
            })
            .await?;
        // People forgotten in the log but not yet in the read models (ADR 19): gone from the live chart, and
        // nameless at every moment, as they will be once the forgetting is projected.
        if !pending.is_empty() {
            match as_of {
                None => people.retain(|(_, cell)| !pending.contains(&cell.person_id)),
                Some(_) => {
                    for (sort_name, cell) in &mut people {
                        if pending.contains(&cell.person_id) {
                            *sort_name = None;
                            cell.name = None;
                        }
                    }
                }
            }
        }
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
            .fetch_map(&sql.text, &sql.args, |row| {
                Ok::<_, ProjectionError>((person_id(row, "person_id")?, unit_id(row, "unit_id")?))
            })
            .await?;
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
            steps = self
                .db()
                .fetch_map(&sql.text, &sql.args, |row| {
                    Ok::<_, ProjectionError>((person_id(row, "person_id")?, stored(row, "step")?))
                })
                .await?
                .into_iter()
                .collect();
        }
        // When each person was last contacted: their latest 1:1, among those logged by the moment (a 1:1
        // logged later is not on that day's chart, as `person` cuts them). One grouped read per chart.
        let mut sql = Sql::default();
        let campaign_arg = sql.arg(campaign.to_string());
        match as_of {
            None => sql.push(&format!(
                "SELECT o.person_id, MAX(o.held_at) AS last_contact FROM rm_one_on_ones o \
                 WHERE o.campaign_id = {campaign_arg} GROUP BY o.person_id"
            )),
            Some(at) => {
                let at = sql.arg(at);
                sql.push(&format!(
                    "SELECT o.person_id, MAX(o.held_at) AS last_contact FROM rm_one_on_ones o \
                     WHERE o.campaign_id = {campaign_arg} AND o.logged_at <= {at} GROUP BY o.person_id"
                ))
            }
        };
        let contacts: HashMap<PersonId, DateTime<Utc>> = self
            .db()
            .fetch_map(&sql.text, &sql.args, |row| {
                Ok::<_, ProjectionError>((person_id(row, "person_id")?, row.time("last_contact")?))
            })
            .await?
            .into_iter()
            .collect();
        for (_, person) in &mut people {
            person.step = steps.get(&person.person_id).copied();
            person.last_contact =
                super::views::last_contact(contacts.get(&person.person_id).copied());
        }
        people.sort_by(|(a_order, a), (b_order, b)| {
            a_order
                .is_none()
                .cmp(&b_order.is_none())
                .then_with(|| a_order.cmp(b_order))
                .then(a.person_id.cmp(&b.person_id))
        });
        let people: Vec<PersonCell> = people.into_iter().map(|(_, person)| person).collect();
        // Worker-leaders: connections to a person of the campaign, active at the moment, of an organizing
        // kind, made by a person active at the moment (one of the chart's people).
        let mut sql = Sql::default();
        let campaign_arg = sql.arg(campaign.to_string());
        let valid = match as_of {
            None => "c.valid_to IS NULL".to_string(),
            Some(at) => valid_at(&mut sql, "c", at),
        };
        sql.push(&format!(
            "SELECT c.person_id, c.target_id, c.kind FROM rm_connection_history c \
             WHERE c.campaign_id = {campaign_arg} AND c.target_kind = 'person' AND {valid}"
        ));
        let active: BTreeSet<PersonId> = people.iter().map(|person| person.person_id).collect();
        let mut led = BTreeSet::new();
        self.db()
            .fetch_map(&sql.text, &sql.args, |row| {
                if !super::organizes(&row.text("kind")?) {
                    return Ok::<_, ProjectionError>(());
                }
                let leader = person_id(row, "person_id")?;
                // A target that is not a person id cannot be one of the chart's people.
                let Ok(target) = PersonId::parse(&row.text("target_id")?) else {
                    return Ok(());
                };
                if leader != target && active.contains(&leader) {
                    led.insert(target);
                }
                Ok(())
            })
            .await?;
        Ok(ChartData {
            units,
            people,
            memberships,
            led,
        })
    }

    /// The wall chart of a campaign, live or as of a moment, with a structure test's participation if one
    /// is chosen. `None` if the campaign (or the test) is not the chapter's.
    ///
    /// Charts are cached by the `campaigns` projection's checkpoint: every table a chart reads is written
    /// by that projection in the same transaction as its checkpoint, so while the checkpoint stands still
    /// the chart cannot change, and once it moves the cached chart is no longer used. Checking costs one
    /// statement (the checkpoint and any pending forgettings, [`Self::charts_stand`]), which also sees
    /// batches committed by other processes.
    pub async fn wall_chart(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        test: Option<StructureTestId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<WallChart>, ProjectionError> {
        let key: ChartKey = (chapter, campaign, test, as_of);
        // While a forgetting is committed but not projected, charts are built for each request and never
        // kept: one kept from before the forgetting would still show the person (ADR 19).
        let (checkpoint, pending) = self.charts_stand().await?;
        if !pending.is_empty() {
            return self
                .build_wall_chart(chapter, campaign, test, as_of, &pending)
                .await;
        }
        if let Some(chart) = self.inner.charts.get(&key, checkpoint) {
            return Ok(Some(chart.as_ref().clone()));
        }
        let _building = self.inner.charts.build.lock().await;
        // Another request may have built it while this one waited, perhaps at a later checkpoint: that chart
        // shows the tables after this request came, as a fresh build would.
        if let Some(chart) = self.inner.charts.get_since(&key, checkpoint) {
            return Ok(Some(chart.as_ref().clone()));
        }
        let checkpoint = self.checkpoint(crate::apply::CAMPAIGNS).await?;
        let chart = self
            .build_wall_chart(chapter, campaign, test, as_of, &pending)
            .await?;
        if let Some(chart) = &chart {
            self.inner
                .charts
                .keep(key, checkpoint, Arc::new(chart.clone()));
        }
        Ok(chart)
    }

    async fn build_wall_chart(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        test: Option<StructureTestId>,
        as_of: Option<DateTime<Utc>>,
        pending: &HashSet<PersonId>,
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
        let data = self.load_chart_data(campaign, test, as_of, pending).await?;
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
            let led = data.led.contains(&person.person_id);
            totals.add(person, scoped, led);
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
                tallies.entry(*unit).or_default().add(person, scoped, led);
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
}
