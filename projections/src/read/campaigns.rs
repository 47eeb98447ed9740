//! Campaigns of the caller's chapter, with their assessment scales.

use super::sql::{campaign_id, chapter_id};
use super::views::{CampaignView, ScaleLevelView};
use super::ReadModels;
use crate::error::ProjectionError;
use domain::ids::{CampaignId, ChapterId};
use store::sql::args;

impl ReadModels {
    /// A campaign of the caller's chapter.
    pub async fn campaign(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
    ) -> Result<Option<CampaignView>, ProjectionError> {
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT campaign_id, chapter_id, name, goal, archived FROM rm_campaigns \
                 WHERE campaign_id = $1 AND chapter_id = $2",
                &args![campaign.to_string(), chapter.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let scale = self
            .db()
            .fetch(
                "SELECT level, label, colour FROM rm_scale_levels WHERE campaign_id = $1 ORDER BY level",
                &args![campaign.to_string()],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(ScaleLevelView {
                    level: u8::try_from(row.int("level")?).unwrap_or(u8::MAX),
                    label: row.text("label")?,
                    colour: row.text("colour")?,
                })
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        Ok(Some(CampaignView {
            campaign_id: campaign_id(&row, "campaign_id")?,
            chapter_id: chapter_id(&row, "chapter_id")?,
            name: row.text("name")?,
            goal: row.int("goal")?,
            archived: row.boolean("archived")?,
            scale,
        }))
    }

    /// The campaigns of the caller's chapter, by name.
    pub async fn campaigns(
        &self,
        chapter: ChapterId,
    ) -> Result<Vec<CampaignView>, ProjectionError> {
        let rows = self
            .db()
            .fetch(
                "SELECT campaign_id FROM rm_campaigns WHERE chapter_id = $1 ORDER BY name, campaign_id",
                &args![chapter.to_string()],
            )
            .await?;
        let mut campaigns = Vec::new();
        for row in rows {
            if let Some(campaign) = self
                .campaign(chapter, campaign_id(&row, "campaign_id")?)
                .await?
            {
                campaigns.push(campaign);
            }
        }
        Ok(campaigns)
    }
}
