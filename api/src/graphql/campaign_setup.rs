//! A campaign's custom fields as its set-up screen shows them: sections, their fields (type, whether several
//! responses may be picked) and each field's responses, retired ones included and marked. Read from the
//! campaign's own stored state (the read models do not project field names), for anyone who works in the
//! campaign: the people screens name responses with it too.

use super::authz::Policy;
use super::campaign::FieldType;
use super::parse;
use crate::access::Permission;
use crate::error::ApiError;
use async_graphql::{Context, Object, SimpleObject, ID};
use domain::campaign::Campaign;
use store::AggregateStore;

/// A section of a campaign's custom fields.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct CampaignFieldSection {
    pub id: ID,
    pub name: String,
    /// The section's fields, by name.
    pub fields: Vec<CampaignField>,
}

/// A custom field of a campaign.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct CampaignField {
    pub id: ID,
    pub name: String,
    #[graphql(name = "type")]
    pub field_type: FieldType,
    pub allows_multiple: bool,
    /// The field's responses by name, retired ones included (they can no longer be picked).
    pub responses: Vec<CampaignFieldResponse>,
}

/// A response of a custom field (Action Builder's "tag").
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct CampaignFieldResponse {
    pub id: ID,
    pub name: String,
    pub retired: bool,
}

/// The sections, fields and responses of `campaign` as its stored state holds them, each list by name.
pub fn field_sections(campaign: &Campaign) -> Vec<CampaignFieldSection> {
    let Some(facts) = campaign.facts() else {
        return Vec::new();
    };
    let responses = campaign.responses();
    let mut sections: Vec<CampaignFieldSection> = campaign
        .sections()
        .into_iter()
        .map(|(section_id, section_name)| {
            let mut fields: Vec<CampaignField> = campaign
                .fields()
                .into_iter()
                .filter(|(_, field_section, _)| *field_section == section_id)
                .filter_map(|(field_id, _, field_name)| {
                    let field = facts.field(field_id)?;
                    let mut answers: Vec<CampaignFieldResponse> = responses
                        .iter()
                        .filter(|entry| entry.field_id == field_id)
                        .map(|entry| CampaignFieldResponse {
                            id: ID(entry.response_id.to_string()),
                            name: entry.name.as_str().to_string(),
                            retired: entry.retired,
                        })
                        .collect();
                    answers.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
                    Some(CampaignField {
                        id: ID(field_id.to_string()),
                        name: field_name.as_str().to_string(),
                        field_type: field.field_type.into(),
                        allows_multiple: field.allows_multiple,
                        responses: answers,
                    })
                })
                .collect();
            fields.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
            CampaignFieldSection {
                id: ID(section_id.to_string()),
                name: section_name.as_str().to_string(),
                fields,
            }
        })
        .collect();
    sections.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
    sections
}

#[derive(Default)]
pub struct CampaignSetupQuery;

#[Object]
impl CampaignSetupQuery {
    /// A campaign's custom fields: sections → fields → responses, each by name; null when the caller works
    /// in no campaign with this id (another chapter's campaigns look like none).
    async fn campaign_fields(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
    ) -> Result<Option<Vec<CampaignFieldSection>>, ApiError> {
        let access = Policy::read(ctx, Permission::ReadTurf)?;
        let campaign = parse::id("campaignId", &campaign_id)?;
        if !access.reaches(campaign).await? {
            return Ok(None);
        }
        let loaded = AggregateStore::<Campaign>::new(access.store().clone())
            .load(&campaign.to_string())
            .await?;
        let state = loaded.aggregate();
        match state.facts() {
            Some(facts) if facts.chapter == access.chapter() => Ok(Some(field_sections(state))),
            _ => Ok(None),
        }
    }
}
