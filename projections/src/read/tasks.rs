//! Tasks of the caller's chapter: by assignee, status, due date, overdue and subject.

use super::sql::{campaign_id, parse_cursor, person_id, stored, task_id, user_id, PageQuery, Sql};
use super::views::{Page, PageRequest, TaskFilter, TaskRow, MAX_PAGE_SIZE};
use super::ReadModels;
use crate::codec::StoredEnum;
use crate::error::ProjectionError;
use domain::ids::{ChapterId, PersonId, TaskId};
use domain::values::TaskStatus;
use std::collections::HashMap;

impl ReadModels {
    /// One task of the caller's chapter, within `filter` (so a caller's narrowing still applies).
    pub async fn task(
        &self,
        chapter: ChapterId,
        task: TaskId,
        filter: &TaskFilter,
    ) -> Result<Option<TaskRow>, ProjectionError> {
        let filter = TaskFilter {
            task: Some(task),
            ..filter.clone()
        };
        let page = PageRequest {
            first: 1,
            after: None,
        };
        let mut found = self.tasks(chapter, &filter, &page).await?;
        Ok(found.edges.pop().map(|edge| edge.node))
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
            let status = sql.arg(status.as_str());
            conditions.push(format!("t.status = {status}"));
        }
        if let Some(due) = filter.due_before {
            let due = sql.arg(Some(due));
            conditions.push(format!("t.due <= {due}"));
        }
        if let Some(day) = filter.overdue_at {
            let day = sql.arg(Some(day));
            conditions.push(format!(
                "t.status = '{open}' AND t.due < {day}",
                open = TaskStatus::Open.as_str()
            ));
        }
        if let Some(subject) = filter.subject {
            let subject = sql.arg(subject.to_string());
            // The person's tasks found from their side (rm_task_subjects_person), not one probe per task of
            // the chapter (see `people`).
            conditions.push(format!(
                "t.task_id IN (SELECT s.task_id FROM rm_task_subjects s WHERE s.person_id = {subject})"
            ));
        }
        if let Some(task) = filter.task {
            let task = sql.arg(task.to_string());
            conditions.push(format!("t.task_id = {task}"));
        }
        let filter_sql = conditions.join(" AND ");
        let from = format!("FROM rm_tasks t WHERE {filter_sql}");
        let (rows, total) = self
            .counted_page(PageQuery {
                sql,
                columns: "t.task_id, t.campaign_id, t.kind, t.title, t.assignee, t.assigned_by, t.due, t.status, \
                          t.created_at, t.updated_at",
                from: &from,
                order: "t.due IS NULL, t.due, t.created_at, t.task_id",
                first,
                offset,
            })
            .await?;
        let has_next_page = rows.len() > first as usize;
        let mut tasks = rows
            .iter()
            .take(first as usize)
            .map(|row| {
                Ok(TaskRow {
                    task_id: task_id(row, "task_id")?,
                    campaign_id: campaign_id(row, "campaign_id")?,
                    kind: stored(row, "kind")?,
                    title: row.text("title")?,
                    assignee: user_id(row, "assignee")?,
                    assigned_by: user_id(row, "assigned_by")?,
                    due: row.opt_date("due")?,
                    status: stored(row, "status")?,
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
}
