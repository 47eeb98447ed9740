//! A structure test, live or as of a moment: its figures per unit and the step of each person in scope.

use super::chart::subtrees;
use super::sql::{valid_at, Sql};
use super::views::{PersonStep, StructureTestView, TestFigures, UnitTestRow};
use super::ReadModels;
use crate::error::ProjectionError;
use chrono::{DateTime, Utc};
use domain::ids::{ChapterId, PersonId, StructureTestId, UnitId};
use std::collections::{BTreeMap, BTreeSet};

impl ReadModels {
    /// The ids of a campaign's structure tests, newest first.
    pub async fn structure_test_ids(
        &self,
        chapter: ChapterId,
        campaign: domain::ids::CampaignId,
    ) -> Result<Vec<StructureTestId>, ProjectionError> {
        self.db()
            .fetch(
                "SELECT test_id FROM rm_structure_tests WHERE chapter_id = $1 AND campaign_id = $2 \
                 ORDER BY created_at DESC, test_id",
                &store::sql::args![chapter.to_string(), campaign.to_string()],
            )
            .await?
            .iter()
            .map(|row| super::sql::test_id(row, "test_id"))
            .collect()
    }

    /// A structure test, live or as of a moment: per unit and per person in scope.
    pub async fn structure_test(
        &self,
        chapter: ChapterId,
        test: StructureTestId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<StructureTestView>, ProjectionError> {
        let Some(mut record) = self.load_test(chapter, test).await? else {
            return Ok(None);
        };
        if let Some(at) = as_of {
            // The name, deadline and closed state as they were at the moment.
            let mut sql = Sql::default();
            let test_arg = sql.arg(test.to_string());
            let valid = valid_at(&mut sql, "h", at);
            sql.push(&format!(
                "SELECT h.name, h.deadline, h.closed FROM rm_structure_test_history h \
                 WHERE h.test_id = {test_arg} AND {valid}"
            ));
            match self.db().fetch_optional(&sql.text, &sql.args).await? {
                Some(row) => {
                    record.name = row.text("name")?;
                    record.deadline = row.date("deadline")?;
                    record.closed = row.boolean("closed")?;
                }
                // Not yet created at that moment.
                None => return Ok(None),
            }
        }
        let Some(chart) = self
            .wall_chart(chapter, record.campaign_id, Some(test), as_of)
            .await?
        else {
            return Ok(None);
        };
        let pending = self.pending_forgettings().await?;
        let data = self
            .load_chart_data(record.campaign_id, Some(test), as_of, &pending)
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
}
