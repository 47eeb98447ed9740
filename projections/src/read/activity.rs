//! The change explorer: the activity feed of a campaign, filtered and paged, newest first.

use super::sql::{
    chapter_id, opt_campaign_id, opt_person_id, opt_task_id, opt_test_id, parse_cursor, user_id,
    PageQuery, Sql,
};
use super::views::{ActivityFilter, ActivityItem, Page, PageRequest, MAX_PAGE_SIZE};
use super::ReadModels;
use crate::error::ProjectionError;
use domain::ids::{CampaignId, ChapterId};
use store::sql::AnyRow;
use store::Position;

impl ReadModels {
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
        let from = format!("FROM rm_activity a WHERE {filter_sql}");
        let (rows, total) = self
            .counted_page(PageQuery {
                sql,
                columns: "a.position, a.tx, a.chapter_id, a.campaign_id, a.actor, a.at, a.kind, a.person_id, \
                          a.task_id, a.test_id, a.summary, a.chapter_position",
                from: &from,
                order: "a.tx DESC, a.position DESC",
                first,
                offset,
            })
            .await?;
        let mut items = rows
            .iter()
            .map(activity_item)
            .collect::<Result<Vec<_>, _>>()?;
        let has_next_page = items.len() > first as usize;
        items.truncate(first as usize);
        Ok(Page::at_offset(items, offset, has_next_page, total))
    }
}

/// An activity item from a row holding every column of `rm_activity`.
fn activity_item(row: &AnyRow) -> Result<ActivityItem, ProjectionError> {
    Ok(ActivityItem {
        position: Position {
            tx: row.int("tx")?,
            position: row.int("position")?,
        },
        chapter_position: row
            .opt_int("chapter_position")?
            .and_then(|number| u64::try_from(number).ok())
            .unwrap_or(0),
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
}
