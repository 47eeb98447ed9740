//! What of the chapter a caller reaches: the campaigns of their membership ([`Scope`]) and, for turf-bound
//! roles, the people of their turf ([`Turf`]).

use super::{Identity, Role};
use crate::error::ApiError;
use domain::ids::{CampaignId, UnitId, UserId};
use std::collections::{BTreeMap, BTreeSet};
use store::AggregateStore;

/// What of the chapter a membership reaches: every campaign or only some (a narrowed membership), and the
/// units assigned as turf. Loaded from the accounts tables on each request, so a change applies at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every campaign of the chapter. Admins are never narrowed.
    pub campaigns: Option<BTreeSet<CampaignId>>,
    /// The units assigned to the member as turf, per campaign (sub-units follow from the unit tree); empty
    /// for roles that are not turf-bound ([`Role::turf_bound`]), whom turf does not narrow.
    pub turf_units: BTreeMap<CampaignId, BTreeSet<UnitId>>,
}

impl Scope {
    /// The scope of `identity`, from the accounts tables (read on each request, so a change applies at once).
    pub async fn load(store: &store::Store, identity: &Identity) -> Result<Self, ApiError> {
        let user = identity.user.to_string();
        let chapter = identity.chapter.to_string();
        let campaigns = if identity.role == Role::Admin {
            None
        } else {
            let rows = store.membership_campaigns(&user, &chapter).await?;
            if rows.is_empty() {
                None
            } else {
                Some(
                    rows.iter()
                        .map(|row| CampaignId::parse(row).map_err(ApiError::internal))
                        .collect::<Result<_, _>>()?,
                )
            }
        };
        // Only a turf-bound role reads by its turf ([`Turf`]); for every other role the units assigned to it
        // change nothing it sees, so they are not read (a round trip on every request).
        let mut turf_units: BTreeMap<CampaignId, BTreeSet<UnitId>> = BTreeMap::new();
        let assigned = if identity.role.turf_bound() {
            store.turf_units(&user, &chapter).await?
        } else {
            Vec::new()
        };
        for row in assigned {
            let campaign = CampaignId::parse(&row.campaign_id).map_err(ApiError::internal)?;
            let unit = UnitId::parse(&row.unit_id).map_err(ApiError::internal)?;
            turf_units.entry(campaign).or_default().insert(unit);
        }
        Ok(Self {
            campaigns,
            turf_units,
        })
    }

    /// Whether the membership reaches `campaign`.
    pub fn reaches(&self, campaign: CampaignId) -> bool {
        self.campaigns
            .as_ref()
            .is_none_or(|campaigns| campaigns.contains(&campaign))
    }
}

/// A turf in one campaign: the people `organizer` organizes, and the people of `units` (the assigned units
/// with all their sub-units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turf {
    pub organizer: UserId,
    pub units: BTreeSet<UnitId>,
}

impl Turf {
    /// The turf of `user` in `campaign`: their assigned units expanded to every unit below them.
    pub async fn expand(
        store: &store::Store,
        user: UserId,
        scope: &Scope,
        campaign: CampaignId,
    ) -> Result<Self, ApiError> {
        let mut units = BTreeSet::new();
        if let Some(assigned) = scope
            .turf_units
            .get(&campaign)
            .filter(|units| !units.is_empty())
        {
            let loaded = AggregateStore::<domain::campaign::Campaign>::new(store.clone())
                .load(&campaign.to_string())
                .await?;
            if let Some(facts) = loaded.aggregate().facts() {
                units.extend(facts.units.keys().copied().filter(|unit| {
                    assigned
                        .iter()
                        .any(|ancestor| facts.is_within(*unit, *ancestor))
                }));
            }
        }
        Ok(Self {
            organizer: user,
            units,
        })
    }

    /// Whether a person with this organizer and these units is in the turf.
    pub fn holds(
        &self,
        organizer: Option<UserId>,
        units: impl IntoIterator<Item = UnitId>,
    ) -> bool {
        organizer == Some(self.organizer)
            || units.into_iter().any(|unit| self.units.contains(&unit))
    }
}
