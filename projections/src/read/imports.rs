//! What an import matches a file's rows against: the active people of a campaign with their names, units,
//! email addresses, phone numbers and ids in external systems; and a person's external ids.

use super::ReadModels;
use crate::error::ProjectionError;
use domain::ids::{CampaignId, ChapterId, PersonId};
use std::collections::HashMap;
use store::sql::args;

/// An active person of a campaign, as an import matches them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCandidate {
    pub person_id: String,
    /// `None` once forgotten (a forgotten person is not active anyway).
    pub name: Option<String>,
    pub units: Vec<String>,
    pub emails: Vec<String>,
    /// As typed; the importer normalizes them.
    pub phones: Vec<String>,
    /// `(system, value)` pairs.
    pub external_ids: Vec<(String, String)>,
}

impl ReadModels {
    /// The active people of `campaign` (of `chapter`) with what an import matches on.
    pub async fn import_candidates(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
    ) -> Result<Vec<ImportCandidate>, ProjectionError> {
        let campaign = campaign.to_string();
        let people = self
            .db()
            .fetch(
                "SELECT person_id, name FROM rm_people \
                 WHERE campaign_id = $1 AND chapter_id = $2 AND status = 'active'",
                &args![&campaign, chapter.to_string()],
            )
            .await?;
        let mut candidates: HashMap<String, ImportCandidate> = HashMap::with_capacity(people.len());
        for row in &people {
            let person_id = row.text("person_id")?;
            candidates.insert(
                person_id.clone(),
                ImportCandidate {
                    person_id,
                    name: row.opt_text("name")?,
                    ..ImportCandidate::default()
                },
            );
        }
        for row in self
            .db()
            .fetch(
                "SELECT person_id, unit_id FROM rm_person_units WHERE campaign_id = $1",
                &args![&campaign],
            )
            .await?
        {
            if let Some(candidate) = candidates.get_mut(&row.text("person_id")?) {
                candidate.units.push(row.text("unit_id")?);
            }
        }
        for row in self
            .db()
            .fetch(
                "SELECT c.person_id, c.kind, c.value FROM rm_contact_points c \
                 JOIN rm_people p ON p.person_id = c.person_id \
                 WHERE p.campaign_id = $1 AND p.status = 'active' AND c.value IS NOT NULL",
                &args![&campaign],
            )
            .await?
        {
            let Some(candidate) = candidates.get_mut(&row.text("person_id")?) else {
                continue;
            };
            let value = row.text("value")?;
            match row.text("kind")?.as_str() {
                "email" => candidate.emails.push(value),
                "phone" => candidate.phones.push(value),
                _ => {}
            }
        }
        for row in self
            .db()
            .fetch(
                "SELECT person_id, system, value FROM rm_person_external_ids WHERE campaign_id = $1",
                &args![&campaign],
            )
            .await?
        {
            if let Some(candidate) = candidates.get_mut(&row.text("person_id")?) {
                candidate
                    .external_ids
                    .push((row.text("system")?, row.text("value")?));
            }
        }
        // Nobody forgotten is matched on what the read models still hold of them (ADR 19).
        for person in self.pending_forgettings().await? {
            candidates.remove(&person.to_string());
        }
        let mut candidates: Vec<ImportCandidate> = candidates.into_values().collect();
        candidates.sort_by(|a, b| a.person_id.cmp(&b.person_id));
        Ok(candidates)
    }

    /// The ids of a person of `chapter` in external systems, `(system, value)` by system.
    pub async fn external_ids(
        &self,
        chapter: ChapterId,
        person: PersonId,
    ) -> Result<Vec<(String, String)>, ProjectionError> {
        let rows = self
            .db()
            .fetch(
                "SELECT e.system, e.value FROM rm_person_external_ids e \
                 JOIN rm_people p ON p.person_id = e.person_id \
                 WHERE e.person_id = $1 AND p.chapter_id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM forgotten_people f WHERE f.person_id = e.person_id) \
                 ORDER BY e.system",
                &args![person.to_string(), chapter.to_string()],
            )
            .await?;
        rows.iter()
            .map(|row| Ok((row.text("system")?, row.text("value")?)))
            .collect()
    }
}
