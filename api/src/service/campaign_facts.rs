//! The command service's cache of campaign facts, each kept with the campaign version it was built at.
//! A person command decides against the cached facts without a query, and its append checks that version
//! as a condition in the same transaction, so a stale entry costs a retry, never a wrong decision.

use domain::campaign::CampaignFacts;
use domain::ids::CampaignId;
use std::collections::HashMap;
use std::sync::RwLock;

/// Campaign facts with the campaign version they were built at.
#[derive(Default)]
pub(crate) struct CampaignFactsCache {
    entries: RwLock<HashMap<CampaignId, (u64, CampaignFacts)>>,
}

impl CampaignFactsCache {
    /// The cached facts of `campaign` and the version they were built at, if any (without asking the
    /// database whether that is still the newest version).
    pub(crate) fn get(&self, campaign: CampaignId) -> Option<(u64, CampaignFacts)> {
        self.entries
            .read()
            .ok()
            .and_then(|entries| entries.get(&campaign).cloned())
    }

    /// Remembers the facts of `campaign` as of `version`.
    pub(crate) fn insert(&self, campaign: CampaignId, version: u64, facts: CampaignFacts) {
        if let Ok(mut entries) = self.entries.write() {
            entries.insert(campaign, (version, facts));
        }
    }

    /// Drops the entry of a campaign that just changed.
    pub(crate) fn forget(&self, campaign: CampaignId) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(&campaign);
        }
    }
}
