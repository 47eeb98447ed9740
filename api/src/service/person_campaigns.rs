//! The command service's cache of each person's campaign. A person's campaign never changes once they are
//! added, so it is looked up once per person rather than on every command; the cache is never stale.

use domain::ids::{CampaignId, PersonId};
use std::collections::HashMap;
use std::sync::RwLock;

/// The campaign of every person a command or an import has touched.
#[derive(Default)]
pub(crate) struct PersonCampaigns {
    known: RwLock<HashMap<PersonId, CampaignId>>,
}

impl PersonCampaigns {
    pub(crate) fn get(&self, person: PersonId) -> Option<CampaignId> {
        self.known
            .read()
            .ok()
            .and_then(|known| known.get(&person).copied())
    }

    pub(crate) fn insert(&self, person: PersonId, campaign: CampaignId) {
        if let Ok(mut known) = self.known.write() {
            known.insert(person, campaign);
        }
    }

    /// Remembers that all of `people` are in `campaign` (an import's new people).
    pub(crate) fn extend(&self, people: &[PersonId], campaign: CampaignId) {
        if let Ok(mut known) = self.known.write() {
            known.extend(people.iter().map(|person| (*person, campaign)));
        }
    }
}
