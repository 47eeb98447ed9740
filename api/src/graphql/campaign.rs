//! Campaign mutations: the campaign itself, its assessment scale, units and custom fields.

use super::authz::Policy;
use super::parse;
use super::write::{mutate, MutationResult};
use crate::command::Command;
use crate::error::ApiError;
use async_graphql::{Context, Enum, InputObject, Object, ID};
use domain::campaign::CampaignCommand;
use domain::ids::CampaignId;

/// The type of a custom field.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::values::FieldType")]
pub enum FieldType {
    /// Answered by picking responses.
    Standard,
    Number,
    Date,
    Text,
    Address,
    /// Answered by picking responses (shifts).
    Shift,
}

#[derive(InputObject)]
pub struct CreateCampaignInput {
    /// The new campaign's id; the server picks one when left out.
    pub id: Option<ID>,
    pub name: String,
    /// The target number of people.
    pub goal: i32,
}

#[derive(InputObject)]
pub struct RenameCampaignInput {
    pub campaign_id: ID,
    pub name: String,
}

#[derive(InputObject)]
pub struct ChangeCampaignGoalInput {
    pub campaign_id: ID,
    pub goal: i32,
}

#[derive(InputObject)]
pub struct ArchiveCampaignInput {
    pub campaign_id: ID,
}

#[derive(InputObject)]
pub struct UnarchiveCampaignInput {
    pub campaign_id: ID,
}

#[derive(InputObject)]
pub struct RelabelAssessmentLevelInput {
    pub campaign_id: ID,
    pub level: i32,
    pub label: String,
    /// `#rrggbb`.
    pub colour: String,
}

#[derive(InputObject)]
pub struct AddAssessmentLevelInput {
    pub campaign_id: ID,
    pub label: String,
    /// `#rrggbb`.
    pub colour: String,
}

#[derive(InputObject)]
pub struct AddUnitInput {
    pub campaign_id: ID,
    /// The new unit's id; the server picks one when left out.
    pub id: Option<ID>,
    pub name: String,
    /// Worksite, department, shift, building, floor, …
    pub kind: String,
    pub parent_id: Option<ID>,
}

#[derive(InputObject)]
pub struct RenameUnitInput {
    pub campaign_id: ID,
    pub unit_id: ID,
    pub name: String,
}

#[derive(InputObject)]
pub struct MoveUnitInput {
    pub campaign_id: ID,
    pub unit_id: ID,
    /// The new parent; none makes the unit a top-level unit.
    pub parent_id: Option<ID>,
}

#[derive(InputObject)]
pub struct RetireUnitInput {
    pub campaign_id: ID,
    pub unit_id: ID,
}

#[derive(InputObject)]
pub struct AddFieldSectionInput {
    pub campaign_id: ID,
    pub id: Option<ID>,
    pub name: String,
}

#[derive(InputObject)]
pub struct RenameFieldSectionInput {
    pub campaign_id: ID,
    pub section_id: ID,
    pub name: String,
}

#[derive(InputObject)]
pub struct AddFieldInput {
    pub campaign_id: ID,
    pub id: Option<ID>,
    pub section_id: ID,
    pub name: String,
    #[graphql(name = "type")]
    pub field_type: FieldType,
    #[graphql(default)]
    pub allows_multiple: bool,
}

#[derive(InputObject)]
pub struct RenameFieldInput {
    pub campaign_id: ID,
    pub field_id: ID,
    pub name: String,
}

#[derive(InputObject)]
pub struct AddFieldResponseInput {
    pub campaign_id: ID,
    pub field_id: ID,
    pub id: Option<ID>,
    pub name: String,
}

#[derive(InputObject)]
pub struct RenameFieldResponseInput {
    pub campaign_id: ID,
    pub field_id: ID,
    pub response_id: ID,
    pub name: String,
}

#[derive(InputObject)]
pub struct RetireFieldResponseInput {
    pub campaign_id: ID,
    pub field_id: ID,
    pub response_id: ID,
}

fn campaign(id: &ID) -> Result<CampaignId, ApiError> {
    parse::id("input.campaignId", id)
}

#[derive(Default)]
pub struct CampaignMutation;

#[Object]
impl CampaignMutation {
    /// Creates a campaign in the caller's chapter, with the default five-level assessment scale.
    async fn create_campaign(
        &self,
        ctx: &Context<'_>,
        input: CreateCampaignInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let campaign_id = parse::new_id("input.id", input.id.as_ref())?;
            Ok(Command::Campaign(
                campaign_id,
                CampaignCommand::CreateCampaign {
                    campaign_id,
                    chapter: Policy::identity(ctx)?.chapter,
                    name: parse::label("input.name", &input.name)?,
                    goal: parse::count("input.goal", input.goal)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_campaign(
        &self,
        ctx: &Context<'_>,
        input: RenameCampaignInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RenameCampaign {
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn change_campaign_goal(
        &self,
        ctx: &Context<'_>,
        input: ChangeCampaignGoalInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::ChangeGoal {
                    goal: parse::count("input.goal", input.goal)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn archive_campaign(
        &self,
        ctx: &Context<'_>,
        input: ArchiveCampaignInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = campaign(&input.campaign_id)
            .map(|id| Command::Campaign(id, CampaignCommand::ArchiveCampaign));
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn unarchive_campaign(
        &self,
        ctx: &Context<'_>,
        input: UnarchiveCampaignInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = campaign(&input.campaign_id)
            .map(|id| Command::Campaign(id, CampaignCommand::UnarchiveCampaign));
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Changes the label and colour of a level; the level's meaning never changes.
    async fn relabel_assessment_level(
        &self,
        ctx: &Context<'_>,
        input: RelabelAssessmentLevelInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RelabelLevel {
                    level: parse::level("input.level", input.level)?,
                    label: parse::label("input.label", &input.label)?,
                    colour: parse::colour("input.colour", &input.colour)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Appends a level to the end of the scale.
    async fn add_assessment_level(
        &self,
        ctx: &Context<'_>,
        input: AddAssessmentLevelInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::AddLevel {
                    label: parse::label("input.label", &input.label)?,
                    colour: parse::colour("input.colour", &input.colour)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Adds a unit to the campaign; the result's `createdId` is the unit's id.
    async fn add_unit(
        &self,
        ctx: &Context<'_>,
        input: AddUnitInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::AddUnit {
                    unit_id: parse::new_id("input.id", input.id.as_ref())?,
                    name: parse::label("input.name", &input.name)?,
                    kind: parse::label("input.kind", &input.kind)?,
                    parent: parse::optional_id("input.parentId", input.parent_id.as_ref())?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_unit(
        &self,
        ctx: &Context<'_>,
        input: RenameUnitInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RenameUnit {
                    unit_id: parse::id("input.unitId", &input.unit_id)?,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn move_unit(
        &self,
        ctx: &Context<'_>,
        input: MoveUnitInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::MoveUnit {
                    unit_id: parse::id("input.unitId", &input.unit_id)?,
                    parent: parse::optional_id("input.parentId", input.parent_id.as_ref())?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn retire_unit(
        &self,
        ctx: &Context<'_>,
        input: RetireUnitInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RetireUnit {
                    unit_id: parse::id("input.unitId", &input.unit_id)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn add_field_section(
        &self,
        ctx: &Context<'_>,
        input: AddFieldSectionInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::AddSection {
                    section_id: parse::new_id("input.id", input.id.as_ref())?,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_field_section(
        &self,
        ctx: &Context<'_>,
        input: RenameFieldSectionInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RenameSection {
                    section_id: parse::id("input.sectionId", &input.section_id)?,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn add_field(
        &self,
        ctx: &Context<'_>,
        input: AddFieldInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::AddField {
                    field_id: parse::new_id("input.id", input.id.as_ref())?,
                    section_id: parse::id("input.sectionId", &input.section_id)?,
                    name: parse::label("input.name", &input.name)?,
                    field_type: input.field_type.into(),
                    allows_multiple: input.allows_multiple,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_field(
        &self,
        ctx: &Context<'_>,
        input: RenameFieldInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RenameField {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn add_field_response(
        &self,
        ctx: &Context<'_>,
        input: AddFieldResponseInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::AddResponse {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    response_id: parse::new_id("input.id", input.id.as_ref())?,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_field_response(
        &self,
        ctx: &Context<'_>,
        input: RenameFieldResponseInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RenameResponse {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    response_id: parse::id("input.responseId", &input.response_id)?,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn retire_field_response(
        &self,
        ctx: &Context<'_>,
        input: RetireFieldResponseInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Campaign(
                campaign(&input.campaign_id)?,
                CampaignCommand::RetireResponse {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    response_id: parse::id("input.responseId", &input.response_id)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }
}
