//! Task mutations: assigning work to organizers and working through it.

use super::enums::TaskKind;
use super::parse;
use super::write::{mutate, MutationResult};
use crate::command::Command;
use crate::error::ApiError;
use async_graphql::{Context, InputObject, Object, ID};
use chrono::NaiveDate;
use domain::ids::TaskId;
use domain::task::TaskCommand;

#[derive(InputObject)]
pub struct AssignTaskInput {
    /// The new task's id; the server picks one when left out.
    pub id: Option<ID>,
    pub campaign_id: ID,
    pub kind: TaskKind,
    pub title: String,
    /// The organizer who is to do it.
    pub assignee_id: ID,
    /// The people the task is about.
    #[graphql(default)]
    pub subject_ids: Vec<ID>,
    pub due: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct ReassignTaskInput {
    pub task_id: ID,
    pub assignee_id: ID,
}

#[derive(InputObject)]
pub struct ChangeTaskDueDateInput {
    pub task_id: ID,
    /// None removes the due date.
    pub due: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct CompleteTaskInput {
    pub task_id: ID,
}

#[derive(InputObject)]
pub struct CancelTaskInput {
    pub task_id: ID,
}

#[derive(InputObject)]
pub struct ReopenTaskInput {
    pub task_id: ID,
}

fn on_task(id: &ID, command: TaskCommand) -> Result<Command, ApiError> {
    let task: TaskId = parse::id("input.taskId", id)?;
    Ok(Command::Task(task, command))
}

#[derive(Default)]
pub struct TaskMutation;

#[Object]
impl TaskMutation {
    /// Assigns a new task to an organizer.
    async fn assign_task(
        &self,
        ctx: &Context<'_>,
        input: AssignTaskInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let task_id = parse::new_id("input.id", input.id.as_ref())?;
            Ok(Command::Task(
                task_id,
                TaskCommand::AssignTask {
                    task_id,
                    campaign_id: parse::id("input.campaignId", &input.campaign_id)?,
                    kind: input.kind.into(),
                    title: parse::label("input.title", &input.title)?,
                    assignee: parse::id("input.assigneeId", &input.assignee_id)?,
                    subjects: parse::ids("input.subjectIds", &input.subject_ids)?,
                    due: input.due,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn reassign_task(
        &self,
        ctx: &Context<'_>,
        input: ReassignTaskInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_task(
                &input.task_id,
                TaskCommand::ReassignTask {
                    assignee: parse::id("input.assigneeId", &input.assignee_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn change_task_due_date(
        &self,
        ctx: &Context<'_>,
        input: ChangeTaskDueDateInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_task(
            &input.task_id,
            TaskCommand::ChangeDueDate { due: input.due },
        );
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn complete_task(
        &self,
        ctx: &Context<'_>,
        input: CompleteTaskInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_task(&input.task_id, TaskCommand::CompleteTask);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn cancel_task(
        &self,
        ctx: &Context<'_>,
        input: CancelTaskInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_task(&input.task_id, TaskCommand::CancelTask);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Reopens a done or cancelled task.
    async fn reopen_task(
        &self,
        ctx: &Context<'_>,
        input: ReopenTaskInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_task(&input.task_id, TaskCommand::ReopenTask);
        mutate(ctx, command, expected_version, idempotency_key).await
    }
}
