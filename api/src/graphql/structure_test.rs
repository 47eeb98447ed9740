//! Structure-test mutations: creating a test for some units, and changing or closing it. Participation
//! steps are recorded on people (`recordStructureTestStep`).

use super::parse;
use super::write::{mutate, MutationResult};
use crate::command::Command;
use crate::error::ApiError;
use async_graphql::{Context, InputObject, Object, ID};
use chrono::NaiveDate;
use domain::ids::StructureTestId;
use domain::structure_test::StructureTestCommand;

#[derive(InputObject)]
pub struct CreateStructureTestInput {
    /// The new test's id; the server picks one when left out.
    pub id: Option<ID>,
    pub campaign_id: ID,
    pub name: String,
    /// The units whose people take part.
    pub scope_unit_ids: Vec<ID>,
    /// The share of people to reach, in percent (1 to 100).
    pub goal_percent: i32,
    pub deadline: NaiveDate,
}

#[derive(InputObject)]
pub struct RenameStructureTestInput {
    pub structure_test_id: ID,
    pub name: String,
}

#[derive(InputObject)]
pub struct ChangeStructureTestDeadlineInput {
    pub structure_test_id: ID,
    pub deadline: NaiveDate,
}

#[derive(InputObject)]
pub struct CloseStructureTestInput {
    pub structure_test_id: ID,
}

fn on_test(id: &ID, command: StructureTestCommand) -> Result<Command, ApiError> {
    let test: StructureTestId = parse::id("input.structureTestId", id)?;
    Ok(Command::StructureTest(test, command))
}

#[derive(Default)]
pub struct StructureTestMutation;

#[Object]
impl StructureTestMutation {
    async fn create_structure_test(
        &self,
        ctx: &Context<'_>,
        input: CreateStructureTestInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let test_id = parse::new_id("input.id", input.id.as_ref())?;
            Ok(Command::StructureTest(
                test_id,
                StructureTestCommand::CreateStructureTest {
                    test_id,
                    campaign_id: parse::id("input.campaignId", &input.campaign_id)?,
                    name: parse::label("input.name", &input.name)?,
                    scope: parse::ids("input.scopeUnitIds", &input.scope_unit_ids)?,
                    goal: parse::goal_threshold("input.goalPercent", input.goal_percent)?,
                    deadline: input.deadline,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_structure_test(
        &self,
        ctx: &Context<'_>,
        input: RenameStructureTestInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_test(
                &input.structure_test_id,
                StructureTestCommand::RenameStructureTest {
                    name: parse::label("input.name", &input.name)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn change_structure_test_deadline(
        &self,
        ctx: &Context<'_>,
        input: ChangeStructureTestDeadlineInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_test(
            &input.structure_test_id,
            StructureTestCommand::ChangeDeadline {
                deadline: input.deadline,
            },
        );
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn close_structure_test(
        &self,
        ctx: &Context<'_>,
        input: CloseStructureTestInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_test(
            &input.structure_test_id,
            StructureTestCommand::CloseStructureTest,
        );
        mutate(ctx, command, expected_version, idempotency_key).await
    }
}
