//! Webhooks: admins register endpoints (a URL, the event types wanted, a `whsec_…` secret shown once), pause,
//! resume and delete them and rotate their secrets; the [`Dispatcher`] delivers the events of the endpoint's
//! chapter, signed per the Standard Webhooks specification ([`signature`]), to addresses the configuration
//! allows ([`address`]). Every management call goes through `crate::access` (`ManageWebhooks`, admins only);
//! the SQL is the store's (`store::webhooks`). See docs/webhooks.md and ADR 15.

pub mod address;
mod dispatch;
pub mod signature;

pub use address::AllowedRanges;
pub use dispatch::{backoff, event_id, retry_after, Dispatcher};

use crate::access::{require, Identity, Permission};
use crate::config::Environment;
use crate::error::ApiError;
use chrono::Utc;
use std::time::Duration;
use store::{Store, WebhookDeliveryRow, WebhookEndpointRow};

/// How the dispatcher delivers (`GROUNDWORK_WEBHOOK_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOptions {
    /// The longest one attempt may take, connecting included (`GROUNDWORK_WEBHOOK_TIMEOUT_MS`).
    pub timeout: Duration,
    /// The wait after a first failed attempt, doubled per further one (`GROUNDWORK_WEBHOOK_BACKOFF_MS`).
    pub backoff_base: Duration,
    /// The longest wait between attempts, `Retry-After` included (`GROUNDWORK_WEBHOOK_BACKOFF_MAX_MS`).
    pub backoff_max: Duration,
    /// After this many failed attempts at one event the endpoint is disabled
    /// (`GROUNDWORK_WEBHOOK_MAX_ATTEMPTS`); resuming it tries the event again.
    pub max_attempts: u32,
    /// How often the dispatcher looks for events that other processes appended
    /// (`GROUNDWORK_WEBHOOK_POLL_MS`).
    pub poll: Duration,
    /// Events read per endpoint and turn.
    pub batch: u32,
    /// Inside address ranges webhooks may reach (`GROUNDWORK_WEBHOOK_ALLOW`: `loopback`, `private`,
    /// `link-local`, comma-separated).
    pub allowed: AllowedRanges,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(60 * 60),
            // About a day of attempts with the defaults.
            max_attempts: 30,
            poll: Duration::from_secs(2),
            batch: 200,
            allowed: AllowedRanges::default(),
        }
    }
}

impl WebhookOptions {
    /// The defaults, with the `GROUNDWORK_WEBHOOK_*` variables that are set.
    pub fn from_environment(env: &dyn Environment) -> anyhow::Result<Self> {
        let millis = |name: &str, default: Duration| -> anyhow::Result<Duration> {
            match env.var(name) {
                None => Ok(default),
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(value) if value > 0 => Ok(Duration::from_millis(value)),
                    _ => anyhow::bail!("{name} `{text}` is not a positive number of milliseconds"),
                },
            }
        };
        let defaults = Self::default();
        let max_attempts = match env.var("GROUNDWORK_WEBHOOK_MAX_ATTEMPTS") {
            None => defaults.max_attempts,
            Some(text) => match text.trim().parse::<u32>() {
                Ok(value) if value > 0 => value,
                _ => anyhow::bail!(
                    "GROUNDWORK_WEBHOOK_MAX_ATTEMPTS `{text}` is not a positive number"
                ),
            },
        };
        Ok(Self {
            timeout: millis("GROUNDWORK_WEBHOOK_TIMEOUT_MS", defaults.timeout)?,
            backoff_base: millis("GROUNDWORK_WEBHOOK_BACKOFF_MS", defaults.backoff_base)?,
            backoff_max: millis("GROUNDWORK_WEBHOOK_BACKOFF_MAX_MS", defaults.backoff_max)?,
            max_attempts,
            poll: millis("GROUNDWORK_WEBHOOK_POLL_MS", defaults.poll)?,
            batch: defaults.batch,
            allowed: allowed_ranges(env)?,
        })
    }
}

/// `GROUNDWORK_WEBHOOK_ALLOW`: the inside ranges endpoints may be in.
pub fn allowed_ranges(env: &dyn Environment) -> anyhow::Result<AllowedRanges> {
    match env.var("GROUNDWORK_WEBHOOK_ALLOW") {
        None => Ok(AllowedRanges::default()),
        Some(text) => AllowedRanges::parse(&text)
            .map_err(|error| anyhow::anyhow!("GROUNDWORK_WEBHOOK_ALLOW: {error}")),
    }
}

/// Every event type an endpoint may ask for (`*` asks for all, including types added later).
pub const EVENT_TYPES: &[&str] = &[
    "ChapterCreated",
    "ChapterRenamed",
    "CampaignCreated",
    "CampaignRenamed",
    "CampaignGoalChanged",
    "CampaignArchived",
    "CampaignUnarchived",
    "AssessmentLevelAdded",
    "AssessmentLevelRelabelled",
    "UnitAdded",
    "UnitMoved",
    "UnitRenamed",
    "UnitRetired",
    "FieldSectionAdded",
    "FieldSectionRenamed",
    "FieldAdded",
    "FieldRenamed",
    "FieldResponseAdded",
    "FieldResponseRenamed",
    "FieldResponseRetired",
    "PersonAddedToCampaign",
    "PersonRenamed",
    "PersonAssessed",
    "ContactPointAdded",
    "ContactPointDoNotContactChanged",
    "ContactPointRemoved",
    "PreferredLanguageSet",
    "PersonJoinedUnit",
    "PersonLeftUnit",
    "PersonFieldResponseAdded",
    "PersonFieldResponseRemoved",
    "PersonFieldValueSet",
    "PersonFieldValueCleared",
    "NoteAdded",
    "OneOnOneLogged",
    "OrganizerAssigned",
    "OrganizerUnassigned",
    "FollowUpFlagged",
    "FollowUpCleared",
    "ConnectionMade",
    "ConnectionDeactivated",
    "StructureTestStepRecorded",
    "DuplicateMerged",
    "PersonMergedInto",
    "PersonRemovedFromCampaign",
    "PersonForgotten",
    "TaskAssigned",
    "TaskReassigned",
    "TaskDueDateChanged",
    "TaskCompleted",
    "TaskCancelled",
    "TaskReopened",
    "StructureTestCreated",
    "StructureTestRenamed",
    "StructureTestDeadlineChanged",
    "StructureTestClosed",
];

/// An endpoint's states as stored.
pub const ACTIVE: &str = "ACTIVE";
pub const PAUSED: &str = "PAUSED";
pub const DISABLED: &str = "DISABLED";

/// The most endpoints one chapter may register.
pub const MAX_ENDPOINTS: usize = 20;

/// Leave to manage a chapter's webhooks: granted to those holding `ManageWebhooks` (admins).
pub struct Webhooks<'a> {
    identity: &'a Identity,
    store: &'a Store,
    allowed: AllowedRanges,
}

impl<'a> Webhooks<'a> {
    /// Checks that `identity` may manage webhooks.
    pub fn authorize(
        identity: &'a Identity,
        store: &'a Store,
        allowed: AllowedRanges,
    ) -> Result<Self, ApiError> {
        require(identity, Permission::ManageWebhooks)?;
        Ok(Self {
            identity,
            store,
            allowed,
        })
    }

    fn chapter(&self) -> String {
        self.identity.chapter.to_string()
    }

    /// The chapter's endpoints.
    pub async fn list(&self) -> Result<Vec<WebhookEndpointRow>, ApiError> {
        Ok(self.store.webhook_endpoints(&self.chapter()).await?)
    }

    /// One endpoint of the chapter; NOT_FOUND for any other id.
    pub async fn get(&self, id: &str) -> Result<WebhookEndpointRow, ApiError> {
        self.store
            .webhook_endpoint(&self.chapter(), id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("webhook endpoint {id} was not found")))
    }

    /// Registers an endpoint that receives the events appended from now on; answers it with its secret,
    /// which is shown this once.
    pub async fn register(
        &self,
        url: &str,
        event_types: &[String],
    ) -> Result<(WebhookEndpointRow, String), ApiError> {
        let url = address::check_url(url, self.allowed)
            .map_err(|error| ApiError::invalid("input.url", error))?;
        let event_types = parse_event_types(event_types)?;
        if self.list().await?.len() >= MAX_ENDPOINTS {
            return Err(ApiError::invalid(
                "input.url",
                format!("a chapter has at most {MAX_ENDPOINTS} webhook endpoints"),
            ));
        }
        let secret = signature::new_secret();
        let endpoint = WebhookEndpointRow {
            id: uuid::Uuid::new_v4().to_string(),
            chapter_id: self.chapter(),
            url: url.to_string(),
            event_types,
            secret: secret.clone(),
            state: ACTIVE.to_string(),
            disabled_reason: None,
            created_by: self.identity.user.to_string(),
            created_at: Utc::now(),
            checkpoint: self.store.head().await?,
            retry_at: None,
        };
        self.store.create_webhook_endpoint(&endpoint).await?;
        Ok((endpoint, secret))
    }

    /// Sets an endpoint's state: `PAUSED`, or `ACTIVE` again (a disabled endpoint is resumed the same way,
    /// and its failed event is tried again).
    pub async fn set_state(&self, id: &str, state: &str) -> Result<WebhookEndpointRow, ApiError> {
        self.get(id).await?;
        self.store
            .set_webhook_state(&self.chapter(), id, state, None)
            .await?;
        self.get(id).await
    }

    /// A new secret for an endpoint, shown this once; the old one stops signing at once.
    pub async fn rotate_secret(&self, id: &str) -> Result<(WebhookEndpointRow, String), ApiError> {
        let secret = signature::new_secret();
        if !self
            .store
            .set_webhook_secret(&self.chapter(), id, &secret)
            .await?
        {
            return Err(ApiError::not_found(format!(
                "webhook endpoint {id} was not found"
            )));
        }
        Ok((self.get(id).await?, secret))
    }

    /// Deletes an endpoint and its delivery log.
    pub async fn delete(&self, id: &str) -> Result<(), ApiError> {
        if self
            .store
            .delete_webhook_endpoint(&self.chapter(), id)
            .await?
        {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "webhook endpoint {id} was not found"
            )))
        }
    }

    /// An endpoint's delivery log, newest first.
    pub async fn deliveries(
        &self,
        id: &str,
        limit: i64,
    ) -> Result<Vec<WebhookDeliveryRow>, ApiError> {
        self.get(id).await?;
        Ok(self.store.webhook_deliveries(id, limit).await?)
    }
}

/// The event types an admin asked for, checked: known names or `*`, at least one.
fn parse_event_types(types: &[String]) -> Result<String, ApiError> {
    let mut wanted: Vec<&str> = Vec::new();
    for name in types.iter().map(|name| name.trim()) {
        if name != "*" && !EVENT_TYPES.contains(&name) {
            return Err(ApiError::invalid(
                "input.eventTypes",
                format!("`{name}` is not an event type (see docs/webhooks.md; `*` for all)"),
            ));
        }
        if !wanted.contains(&name) {
            wanted.push(name);
        }
    }
    if wanted.is_empty() {
        return Err(ApiError::invalid(
            "input.eventTypes",
            "name at least one event type, or `*` for all",
        ));
    }
    Ok(wanted.join(" "))
}
