//! The people list of a campaign: filtered, sorted and paged.

use super::chart::subtrees;
use super::sql::{
    campaign_id, opt_level, opt_user_id, parse_cursor, person_id, stored, unit_id, PageQuery, Sql,
};
use super::views::{
    Page, PageRequest, PeopleFilter, PeopleSort, PersonRow, PersonStatusView, MAX_PAGE_SIZE,
};
use super::ReadModels;
use crate::codec::StoredEnum;
use crate::error::ProjectionError;
use domain::ids::{CampaignId, ChapterId, PersonId, ResponseId, UnitId};
use std::collections::{BTreeSet, HashMap, HashSet};

impl ReadModels {
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
            conditions.push(format!(
                "p.status = '{}'",
                PersonStatusView::Active.as_str()
            ));
        }
        if let Some(unit) = filter.unit {
            let subtree = self.unit_subtree(campaign, unit).await?;
            let list = sql.list(subtree.iter().map(ToString::to_string));
            // `person_id IN (members of these units)`, not a correlated EXISTS: SQLite then walks the
            // units' members (rm_person_units_unit_person) and looks each one up, instead of probing the
            // memberships once for every person of the campaign (0.6 ms instead of 220 ms of CPU for a
            // department at 100,000 people; docs/performance.md). PostgreSQL plans both as a semi-join.
            conditions.push(format!(
                "p.person_id IN (SELECT pu.person_id FROM rm_person_units pu WHERE pu.unit_id IN ({list}))"
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
            // Only people inside the test's units (and their subtrees) are in it: "not asked" is among
            // them, never the whole campaign. A test of another chapter or campaign has nobody.
            match self.load_test(chapter, test).await? {
                Some(record) if record.campaign_id == campaign => {
                    if !record.scope.is_empty() {
                        let units = self.load_units(campaign, None).await?;
                        let mut subtree = subtrees(&units);
                        let scope: BTreeSet<String> = record
                            .scope
                            .iter()
                            .flat_map(|unit| {
                                subtree
                                    .remove(unit)
                                    .unwrap_or_else(|| BTreeSet::from([*unit]))
                            })
                            .map(|unit| unit.to_string())
                            .collect();
                        let list = sql.list(scope);
                        conditions.push(format!(
                            "p.person_id IN (SELECT pu.person_id FROM rm_person_units pu WHERE pu.unit_id IN ({list}))"
                        ));
                    }
                }
                _ => conditions.push("1 = 0".to_string()),
            }
            let test = sql.arg(test.to_string());
            match step {
                Some(step) => {
                    let step = sql.arg(step.as_str());
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
            // Folded as the stored column is: "nunez" finds "Núñez" on every backend.
            let escaped = crate::fold::fold(search)
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
        // People forgotten in the log but not yet in the read models are in no list, and no search by
        // name finds them, from the moment the forgetting commits (ADR 19).
        let pending = self.pending_forgettings().await?;
        if !pending.is_empty() {
            let list = sql.list(pending.iter().map(ToString::to_string));
            conditions.push(format!("p.person_id NOT IN ({list})"));
        }
        let filter_sql = conditions.join(" AND ");
        let order = match sort {
            PeopleSort::FamilyNameAsc => "p.sort_name IS NULL, p.sort_name, p.person_id",
            PeopleSort::FamilyNameDesc => "p.sort_name IS NULL, p.sort_name DESC, p.person_id",
            PeopleSort::NameAsc => "p.name_search IS NULL, p.name_search, p.person_id",
            PeopleSort::NameDesc => "p.name_search IS NULL, p.name_search DESC, p.person_id",
            PeopleSort::LevelAsc => "p.level IS NULL, p.level, p.sort_name, p.person_id",
            PeopleSort::LevelDesc => "p.level IS NULL, p.level DESC, p.sort_name, p.person_id",
            PeopleSort::RecentlyChanged => "p.last_position DESC, p.person_id",
        };
        let from = format!("FROM rm_people p WHERE {filter_sql}");
        let (rows, total) = self
            .counted_page(PageQuery {
                sql,
                columns: "p.person_id, p.campaign_id, p.name, p.level, p.organizer, p.follow_up, p.status, \
                          p.preferred_language",
                from: &from,
                order,
                first,
                offset,
            })
            .await?;
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
                    status: stored(row, "status")?,
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
}

impl ReadModels {
    /// The people of a campaign with at least one of `responses` (today's responses: they have no history),
    /// for a wall chart narrowed to a field response.
    pub async fn people_with_any_response(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        responses: &[ResponseId],
    ) -> Result<HashSet<PersonId>, ProjectionError> {
        let mut sql = Sql::default();
        let chapter_arg = sql.arg(chapter.to_string());
        let campaign_arg = sql.arg(campaign.to_string());
        let list = sql.list(responses.iter().map(ToString::to_string));
        sql.push(&format!(
            "SELECT DISTINCT r.person_id FROM rm_person_responses r \
             JOIN rm_people p ON p.person_id = r.person_id \
             WHERE p.chapter_id = {chapter_arg} AND r.campaign_id = {campaign_arg} AND r.response_id IN ({list})"
        ));
        self.db()
            .fetch(&sql.text, &sql.args)
            .await?
            .iter()
            .map(|row| person_id(row, "person_id"))
            .collect()
    }
}
