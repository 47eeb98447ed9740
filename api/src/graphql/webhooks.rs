//! Webhooks for admins: register endpoints, pause, resume and delete them, rotate their secrets, and read
//! each endpoint's delivery log. Every field goes through `Policy::webhooks` (`ManageWebhooks`, admins only)
//! and sees only the caller's chapter; the delivering itself is `crate::webhooks`'s dispatcher.

use super::authz::Policy;
use crate::error::ApiError;
use crate::webhooks;
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use store::{WebhookDeliveryRow, WebhookEndpointRow};

/// Whether an endpoint receives deliveries.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEndpointState {
    /// Receives the events of its types.
    Active,
    /// Paused by an admin: events wait after its checkpoint until it is resumed.
    Paused,
    /// Disabled by a `410 Gone` or by too many failed attempts (`disabledReason`); resuming it tries the
    /// waiting event again.
    Disabled,
}

/// What happened to one event's delivery.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliveryStatus {
    /// Tried and failed; tried again after a backoff.
    Pending,
    /// Accepted by the receiver (a 2xx answer).
    Delivered,
    /// Failed for good: the endpoint was disabled on it.
    Failed,
}

/// A registered endpoint. Its secret is shown only when it is created or rotated.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct WebhookEndpoint {
    pub id: ID,
    pub url: String,
    /// The event types delivered (`*`: every type).
    pub event_types: Vec<String>,
    pub state: WebhookEndpointState,
    /// Why the endpoint was disabled.
    pub disabled_reason: Option<String>,
    pub created_by_id: ID,
    pub created_at: DateTime<Utc>,
    /// When the failed delivery of the next event is tried again.
    pub retry_at: Option<DateTime<Utc>>,
}

impl TryFrom<WebhookEndpointRow> for WebhookEndpoint {
    type Error = ApiError;

    fn try_from(row: WebhookEndpointRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: ID(row.id),
            url: row.url,
            event_types: row
                .event_types
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            state: match row.state.as_str() {
                webhooks::ACTIVE => WebhookEndpointState::Active,
                webhooks::PAUSED => WebhookEndpointState::Paused,
                webhooks::DISABLED => WebhookEndpointState::Disabled,
                other => {
                    return Err(ApiError::internal(format!(
                        "a webhook endpoint has the unknown state `{other}`"
                    )))
                }
            },
            disabled_reason: row.disabled_reason,
            created_by_id: ID(row.created_by),
            created_at: row.created_at,
            retry_at: row.retry_at,
        })
    }
}

/// One event's delivery to an endpoint.
#[derive(SimpleObject, Debug, Clone)]
pub struct WebhookDelivery {
    /// The `webhook-id` header: the same on every attempt.
    pub event_id: String,
    pub event_type: String,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    /// The HTTP status of the last attempt, when the receiver answered.
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub first_attempt_at: DateTime<Utc>,
    pub last_attempt_at: DateTime<Utc>,
}

impl TryFrom<WebhookDeliveryRow> for WebhookDelivery {
    type Error = ApiError;

    fn try_from(row: WebhookDeliveryRow) -> Result<Self, ApiError> {
        Ok(Self {
            event_id: row.event_id,
            event_type: row.event_type,
            status: match row.status.as_str() {
                "PENDING" => WebhookDeliveryStatus::Pending,
                "DELIVERED" => WebhookDeliveryStatus::Delivered,
                "FAILED" => WebhookDeliveryStatus::Failed,
                other => {
                    return Err(ApiError::internal(format!(
                        "a webhook delivery has the unknown status `{other}`"
                    )))
                }
            },
            attempts: i32::try_from(row.attempts).unwrap_or(i32::MAX),
            last_status_code: row
                .last_status_code
                .and_then(|code| i32::try_from(code).ok()),
            last_error: row.last_error,
            first_attempt_at: row.first_attempt_at,
            last_attempt_at: row.last_attempt_at,
        })
    }
}

/// An endpoint with its signing secret, answered only when it is created or its secret rotated.
#[derive(SimpleObject, Debug, Clone)]
pub struct WebhookEndpointWithSecret {
    pub endpoint: WebhookEndpoint,
    /// `whsec_` and the base64 key: verify each delivery's `webhook-signature` with it. Shown this once.
    pub secret: String,
}

#[derive(InputObject, Debug)]
pub struct CreateWebhookEndpointInput {
    /// Where deliveries are POSTed: http or https, a public address unless the server allows others.
    pub url: String,
    /// The event types to deliver (names as in the event log, e.g. `PersonAssessed`), or `["*"]` for all.
    pub event_types: Vec<String>,
}

/// The most deliveries one `webhookDeliveries` answers.
const MAX_DELIVERIES: i32 = 500;

#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// The chapter's webhook endpoints, oldest first (admins).
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> Result<Vec<WebhookEndpoint>, ApiError> {
        let access = Policy::webhooks(ctx)?;
        access
            .list()
            .await?
            .into_iter()
            .map(WebhookEndpoint::try_from)
            .collect()
    }

    /// One of the chapter's webhook endpoints (admins); null when the chapter has none with this id.
    async fn webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<WebhookEndpoint>, ApiError> {
        let access = Policy::webhooks(ctx)?;
        match access.get(id.as_str()).await {
            Ok(endpoint) => Ok(Some(endpoint.try_into()?)),
            Err(ApiError::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

#[ComplexObject]
impl WebhookEndpoint {
    /// The endpoint's delivery log, newest event first: status, attempts, last error.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<WebhookDelivery>, ApiError> {
        let access = Policy::webhooks(ctx)?;
        if !(1..=MAX_DELIVERIES).contains(&first) {
            return Err(ApiError::invalid(
                "first",
                format!("between 1 and {MAX_DELIVERIES}"),
            ));
        }
        access
            .deliveries(self.id.as_str(), i64::from(first))
            .await?
            .into_iter()
            .map(WebhookDelivery::try_from)
            .collect()
    }
}

#[derive(Default)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Registers an endpoint for the events appended from now on (admins). The answer holds its signing
    /// secret, which is never shown again.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookEndpointInput,
    ) -> Result<WebhookEndpointWithSecret, ApiError> {
        let access = Policy::webhooks(ctx)?;
        let (endpoint, secret) = access.register(&input.url, &input.event_types).await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: endpoint.try_into()?,
            secret,
        })
    }

    /// Pauses an endpoint: events wait after its checkpoint until it is resumed (admins).
    async fn pause_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<WebhookEndpoint, ApiError> {
        let access = Policy::webhooks(ctx)?;
        access
            .set_state(id.as_str(), webhooks::PAUSED)
            .await?
            .try_into()
    }

    /// Resumes a paused or disabled endpoint; the event it stopped at is delivered first (admins).
    async fn resume_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<WebhookEndpoint, ApiError> {
        let access = Policy::webhooks(ctx)?;
        access
            .set_state(id.as_str(), webhooks::ACTIVE)
            .await?
            .try_into()
    }

    /// A new signing secret for an endpoint, shown this once; the old one stops at once (admins).
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<WebhookEndpointWithSecret, ApiError> {
        let access = Policy::webhooks(ctx)?;
        let (endpoint, secret) = access.rotate_secret(id.as_str()).await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: endpoint.try_into()?,
            secret,
        })
    }

    /// Deletes an endpoint and its delivery log (admins). Answers the deleted endpoint's id.
    async fn delete_webhook_endpoint(&self, ctx: &Context<'_>, id: ID) -> Result<ID, ApiError> {
        let access = Policy::webhooks(ctx)?;
        access.delete(id.as_str()).await?;
        Ok(id)
    }
}
