//! Webhooks: the endpoints an admin registers and the log of their deliveries. This is the SQL only: signing,
//! sending and deciding who may manage endpoints belong to the API (`api::webhooks`). Every statement an admin's
//! request runs names the chapter, so one chapter never reaches another's endpoints. Signing secrets are
//! stored sealed with the master key (bound to their endpoint) and opened as rows are read.

use crate::accounts::read_all;
use crate::error::StoreError;
use crate::event::Position;
use crate::sql::{args, AnyRow, Db};
use crate::store::Store;
use chrono::{DateTime, Utc};

/// An endpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpointRow {
    pub id: String,
    pub chapter_id: String,
    pub url: String,
    /// Event type names separated by spaces; `*` for every type.
    pub event_types: String,
    /// `whsec_` and the base64 key (sealed with the master key in the table).
    pub secret: String,
    /// `ACTIVE`, `PAUSED` or `DISABLED`.
    pub state: String,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Deliveries resume strictly after this place in the log.
    pub checkpoint: Position,
    /// When the failed delivery after the checkpoint is tried again.
    pub retry_at: Option<DateTime<Utc>>,
}

const ENDPOINT_COLUMNS: &str = "id, chapter_id, url, event_types, secret, state, disabled_reason, \
     created_by, created_at, checkpoint_tx, checkpoint_position, retry_at";

impl WebhookEndpointRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            chapter_id: row.text("chapter_id")?,
            url: row.text("url")?,
            event_types: row.text("event_types")?,
            secret: row.text("secret")?,
            state: row.text("state")?,
            disabled_reason: row.opt_text("disabled_reason")?,
            created_by: row.text("created_by")?,
            created_at: row.time("created_at")?,
            checkpoint: Position {
                tx: row.int("checkpoint_tx")?,
                position: row.int("checkpoint_position")?,
            },
            retry_at: row.opt_time("retry_at")?,
        })
    }
}

/// What happened to one event's delivery to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDeliveryRow {
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    pub position: i64,
    /// `PENDING`, `DELIVERED` or `FAILED`.
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub first_attempt_at: DateTime<Utc>,
    pub last_attempt_at: DateTime<Utc>,
}

const DELIVERY_COLUMNS: &str = "endpoint_id, event_id, event_type, position, status, attempts, \
     last_status_code, last_error, first_attempt_at, last_attempt_at";

impl WebhookDeliveryRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            endpoint_id: row.text("endpoint_id")?,
            event_id: row.text("event_id")?,
            event_type: row.text("event_type")?,
            position: row.int("position")?,
            status: row.text("status")?,
            attempts: row.int("attempts")?,
            last_status_code: row.opt_int("last_status_code")?,
            last_error: row.opt_text("last_error")?,
            first_attempt_at: row.time("first_attempt_at")?,
            last_attempt_at: row.time("last_attempt_at")?,
        })
    }
}

/// One attempt to deliver an event, as the delivery log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt<'a> {
    pub endpoint_id: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub position: i64,
    /// `PENDING`, `DELIVERED` or `FAILED`.
    pub status: &'a str,
    pub status_code: Option<i64>,
    pub error: Option<&'a str>,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Registers an endpoint.
    pub async fn create_webhook_endpoint(
        &self,
        endpoint: &WebhookEndpointRow,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                &format!(
                    "INSERT INTO webhook_endpoints ({ENDPOINT_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                ),
                &args![
                    &endpoint.id,
                    &endpoint.chapter_id,
                    &endpoint.url,
                    &endpoint.event_types,
                    self.seal_webhook_secret(&endpoint.id, &endpoint.secret)?,
                    &endpoint.state,
                    &endpoint.disabled_reason,
                    &endpoint.created_by,
                    endpoint.created_at,
                    endpoint.checkpoint.tx,
                    endpoint.checkpoint.position,
                    endpoint.retry_at,
                ],
            )
            .await?;
        Ok(())
    }

    /// A chapter's endpoints, oldest first.
    pub async fn webhook_endpoints(
        &self,
        chapter: &str,
    ) -> Result<Vec<WebhookEndpointRow>, StoreError> {
        let rows = read_all(
            self.db()
                .fetch(
                    &format!(
                        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE chapter_id = $1 \
                         ORDER BY created_at, id"
                    ),
                    &args![chapter],
                )
                .await?,
            WebhookEndpointRow::read,
        )?;
        rows.into_iter()
            .map(|row| self.open_webhook_secret(row))
            .collect()
    }

    /// One endpoint of a chapter.
    pub async fn webhook_endpoint(
        &self,
        chapter: &str,
        id: &str,
    ) -> Result<Option<WebhookEndpointRow>, StoreError> {
        let row = self
            .db()
            .fetch_optional(
                &format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE chapter_id = $1 AND id = $2"
                ),
                &args![chapter, id],
            )
            .await?;
        row.as_ref()
            .map(WebhookEndpointRow::read)
            .transpose()?
            .map(|row| self.open_webhook_secret(row))
            .transpose()
    }

    /// Every chapter's active endpoints: what the dispatcher delivers to.
    pub async fn active_webhook_endpoints(&self) -> Result<Vec<WebhookEndpointRow>, StoreError> {
        let rows = read_all(
            self.db()
                .fetch(
                    &format!(
                        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE state = 'ACTIVE' \
                         ORDER BY created_at, id"
                    ),
                    &args![],
                )
                .await?,
            WebhookEndpointRow::read,
        )?;
        rows.into_iter()
            .map(|row| self.open_webhook_secret(row))
            .collect()
    }

    fn seal_webhook_secret(&self, endpoint: &str, secret: &str) -> Result<String, StoreError> {
        crate::crypto::seal_secret(self.master_key(), &secret_context(endpoint), secret)
    }

    fn open_webhook_secret(
        &self,
        mut row: WebhookEndpointRow,
    ) -> Result<WebhookEndpointRow, StoreError> {
        row.secret =
            crate::crypto::open_secret(self.master_key(), &secret_context(&row.id), &row.secret)?;
        Ok(row)
    }

    /// Sets an endpoint's state (and why it was disabled); a resumed endpoint is tried again at once.
    /// `false` when the chapter has no such endpoint.
    pub async fn set_webhook_state(
        &self,
        chapter: &str,
        id: &str,
        state: &str,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .db()
            .execute(
                "UPDATE webhook_endpoints SET state = $3, disabled_reason = $4, retry_at = NULL \
                 WHERE chapter_id = $1 AND id = $2",
                &args![chapter, id, state, reason],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Replaces an endpoint's signing secret. `false` when the chapter has no such endpoint.
    pub async fn set_webhook_secret(
        &self,
        chapter: &str,
        id: &str,
        secret: &str,
    ) -> Result<bool, StoreError> {
        let changed = self
            .db()
            .execute(
                "UPDATE webhook_endpoints SET secret = $3 WHERE chapter_id = $1 AND id = $2",
                &args![chapter, id, self.seal_webhook_secret(id, secret)?],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Deletes an endpoint and its delivery log. `false` when the chapter has no such endpoint.
    pub async fn delete_webhook_endpoint(
        &self,
        chapter: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db().begin().await?;
        tx.execute(
            "DELETE FROM webhook_deliveries WHERE endpoint_id = \
             (SELECT id FROM webhook_endpoints WHERE chapter_id = $1 AND id = $2)",
            &args![chapter, id],
        )
        .await?;
        let deleted = tx
            .execute(
                "DELETE FROM webhook_endpoints WHERE chapter_id = $1 AND id = $2",
                &args![chapter, id],
            )
            .await?;
        tx.commit().await?;
        Ok(deleted > 0)
    }

    /// Moves an endpoint's checkpoint forward to `to` (never back) and clears its retry time.
    pub async fn advance_webhook_checkpoint(
        &self,
        id: &str,
        to: Position,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE webhook_endpoints SET checkpoint_tx = $2, checkpoint_position = $3, \
                 retry_at = NULL WHERE id = $1 AND (checkpoint_tx < $2 OR \
                 (checkpoint_tx = $2 AND checkpoint_position < $3))",
                &args![id, to.tx, to.position],
            )
            .await?;
        Ok(())
    }

    /// When the failed delivery after an endpoint's checkpoint is tried again.
    pub async fn set_webhook_retry(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE webhook_endpoints SET retry_at = $2 WHERE id = $1",
                &args![id, at],
            )
            .await?;
        Ok(())
    }

    /// Disables an endpoint that is still active (a `410 Gone`, too many failed attempts).
    pub async fn disable_webhook_endpoint(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE webhook_endpoints SET state = 'DISABLED', disabled_reason = $2, retry_at = NULL \
                 WHERE id = $1 AND state = 'ACTIVE'",
                &args![id, reason],
            )
            .await?;
        Ok(())
    }

    /// Records an attempt in the delivery log and returns how many attempts the event has had with it.
    pub async fn record_webhook_attempt(
        &self,
        attempt: &WebhookAttempt<'_>,
    ) -> Result<i64, StoreError> {
        let row = self
            .db()
            .fetch_one(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, position, status, \
                 attempts, last_status_code, last_error, first_attempt_at, last_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $8) \
                 ON CONFLICT (endpoint_id, event_id) DO UPDATE SET status = excluded.status, \
                 attempts = webhook_deliveries.attempts + 1, \
                 last_status_code = excluded.last_status_code, last_error = excluded.last_error, \
                 last_attempt_at = excluded.last_attempt_at \
                 RETURNING attempts",
                &args![
                    attempt.endpoint_id,
                    attempt.event_id,
                    attempt.event_type,
                    attempt.position,
                    attempt.status,
                    attempt.status_code,
                    attempt.error,
                    attempt.at,
                ],
            )
            .await?;
        Ok(row.int("attempts")?)
    }

    /// Marks a recorded delivery as failed for good (its endpoint was disabled on it).
    pub async fn fail_webhook_delivery(
        &self,
        endpoint: &str,
        event_id: &str,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE webhook_deliveries SET status = 'FAILED' WHERE endpoint_id = $1 AND event_id = $2",
                &args![endpoint, event_id],
            )
            .await?;
        Ok(())
    }

    /// The attempts so far at delivering an event to an endpoint (0 when never tried).
    pub async fn webhook_attempts(
        &self,
        endpoint: &str,
        event_id: &str,
    ) -> Result<i64, StoreError> {
        let row = self
            .db()
            .fetch_optional(
                "SELECT attempts FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2",
                &args![endpoint, event_id],
            )
            .await?;
        Ok(match row {
            Some(row) => row.int("attempts")?,
            None => 0,
        })
    }

    /// An endpoint's delivery log, newest event first, at most `limit` rows.
    pub async fn webhook_deliveries(
        &self,
        endpoint: &str,
        limit: i64,
    ) -> Result<Vec<WebhookDeliveryRow>, StoreError> {
        read_all(
            self.db()
                .fetch(
                    &format!(
                        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 \
                         ORDER BY position DESC LIMIT $2"
                    ),
                    &args![endpoint, limit],
                )
                .await?,
            WebhookDeliveryRow::read,
        )
    }

    /// Takes the lease named `name`, so that of several processes on one database only the holder does the
    /// work it guards (webhook deliveries): on PostgreSQL a session advisory lock on a connection of its own,
    /// released when the lease is dropped or the process dies; on SQLite, whose database one server opens,
    /// always granted. `None` while another process holds it.
    pub async fn try_lease(&self, name: &str) -> Result<Option<Lease>, StoreError> {
        match self.db() {
            Db::Sqlite(_) => Ok(Some(Lease { connection: None })),
            Db::Postgres(pool) => {
                let mut connection = pool.acquire().await?.detach();
                let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(lease_key(name))
                    .fetch_one(&mut connection)
                    .await?;
                if locked {
                    Ok(Some(Lease {
                        connection: Some(connection),
                    }))
                } else {
                    use sqlx::Connection as _;
                    let _ = connection.close().await;
                    Ok(None)
                }
            }
        }
    }
}

/// A lease from [`Store::try_lease`]: held until dropped (or [`Lease::release`]d).
pub struct Lease {
    connection: Option<sqlx::PgConnection>,
}

impl Lease {
    /// Whether the lease is still held: on PostgreSQL, whether its connection still answers.
    pub async fn is_held(&mut self) -> bool {
        use sqlx::Connection as _;
        match self.connection.as_mut() {
            None => true,
            Some(connection) => connection.ping().await.is_ok(),
        }
    }

    /// Gives the lease up now.
    pub async fn release(self) {
        use sqlx::Connection as _;
        if let Some(connection) = self.connection {
            let _ = connection.close().await;
        }
    }
}

/// What a webhook secret is sealed for: its endpoint.
fn secret_context(endpoint: &str) -> String {
    format!("groundwork.webhook-secret.{endpoint}")
}

/// A stable advisory-lock key per lease name (FNV-1a), in a namespace apart from the projections' keys.
fn lease_key(name: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("groundwork.lease.{name}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}
