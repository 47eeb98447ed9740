//! The command service's cache of each person's campaign. A person's campaign never changes once they are
//! added, so it is looked up once per person rather than on every command; the cache is never stale. It
//! holds at most [`CAPACITY`] people: a person it does not hold is looked up again (their aggregate, which
//! says their campaign), so the cap bounds memory without changing any answer. Imports do not fill it: the
//! people of a 100,000-row file are not the people commands are about to work on.

use domain::ids::{CampaignId, PersonId};
use std::collections::HashMap;
use std::sync::RwLock;

/// How many people's campaigns are kept (about 50 bytes each).
pub(crate) const CAPACITY: usize = 100_000;

/// The campaign of people commands have touched, up to a capacity.
pub(crate) struct PersonCampaigns {
    known: RwLock<HashMap<PersonId, CampaignId>>,
    capacity: usize,
}

impl Default for PersonCampaigns {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl PersonCampaigns {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            known: RwLock::default(),
            capacity,
        }
    }

    pub(crate) fn get(&self, person: PersonId) -> Option<CampaignId> {
        self.known
            .read()
            .ok()
            .and_then(|known| known.get(&person).copied())
    }

    /// Remembers a person's campaign. When the cache is full an eighth of it (any entries) makes room, so
    /// eviction costs O(1) an insert.
    pub(crate) fn insert(&self, person: PersonId, campaign: CampaignId) {
        if self.capacity == 0 {
            return;
        }
        if let Ok(mut known) = self.known.write() {
            if known.len() >= self.capacity && !known.contains_key(&person) {
                let mut evict = (self.capacity / 8).max(1);
                known.retain(|_, _| {
                    if evict == 0 {
                        return true;
                    }
                    evict -= 1;
                    false
                });
            }
            known.insert(person, campaign);
        }
    }

    /// Remembers that all of `people` are in `campaign` (the people `import_people` adds in code).
    pub(crate) fn extend(&self, people: &[PersonId], campaign: CampaignId) {
        for person in people {
            self.insert(*person, campaign);
        }
    }

    /// How many people it holds.
    pub(crate) fn len(&self) -> usize {
        self.known.read().map_or(0, |known| known.len())
    }
}
