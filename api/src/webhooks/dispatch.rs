//! The dispatcher: follows the event log for every active endpoint from the endpoint's own checkpoint, and
//! delivers each event of the endpoint's chapter and types, in order, at least once. The checkpoint moves past
//! an event only once the receiver accepted it (a 2xx), so a server that dies mid-delivery delivers the event
//! again after a restart, with the same `webhook-id`. A failed attempt is retried after an exponential backoff
//! with jitter (or the receiver's `Retry-After`); `410 Gone`, or too many failed attempts, disables the
//! endpoint. Of several servers on one database only the holder of the `webhooks` lease delivers.

use super::address::{CheckedResolver, RefusedAddress};
use super::signature;
use super::WebhookOptions;
use chrono::{DateTime, Utc};
use futures::future::join_all;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{Position, RecordedEvent, Store, WebhookAttempt, WebhookEndpointRow};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The name of the lease whose holder delivers.
const LEASE: &str = "webhooks";
/// The longest error text kept in the delivery log.
const MAX_ERROR_LENGTH: usize = 300;

/// The running dispatcher; [`Dispatcher::stop`] ends it.
pub struct Dispatcher {
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Dispatcher {
    /// Starts delivering for every active endpoint on `store`.
    pub fn start(store: Store, options: WebhookOptions) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(CheckedResolver {
                allowed: options.allowed,
            }))
            .user_agent(concat!("Groundwork-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let (shutdown, receiver) = watch::channel(false);
        let worker = Worker {
            store,
            client,
            options,
            campaigns: Arc::new(Mutex::new(HashMap::new())),
        };
        let task = tokio::spawn(worker.run(receiver));
        Ok(Self { shutdown, task })
    }

    /// Stops delivering: an attempt under way is abandoned (and made again by whoever delivers next).
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

#[derive(Clone)]
struct Worker {
    store: Store,
    client: reqwest::Client,
    options: WebhookOptions,
    /// The campaign of each stream seen, for the payloads (a stream's campaign never changes).
    campaigns: Arc<Mutex<HashMap<String, Option<String>>>>,
}

/// What one endpoint's turn came to.
#[derive(Debug, Default)]
struct Turn {
    /// More events may be waiting right away.
    more: bool,
    /// When the endpoint wants its next turn, after a failed attempt.
    retry_in: Option<Duration>,
}

/// The outcome of one HTTP attempt.
enum Sent {
    Delivered(u16),
    Gone,
    Failed {
        status: Option<u16>,
        error: String,
        retry_after: Option<Duration>,
    },
}

impl Worker {
    async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut commits = self.store.subscribe();
        loop {
            let mut lease = loop {
                if *shutdown.borrow() {
                    return;
                }
                match self.store.try_lease(LEASE).await {
                    Ok(Some(lease)) => break lease,
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "cannot try the webhooks lease"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(self.options.poll) => {}
                    _ = shutdown.changed() => {}
                }
            };
            tracing::info!("delivering webhooks");
            // After a commit signal the new events may still be hidden behind other running transactions
            // (PostgreSQL), so the dispatcher looks again a few times at short intervals.
            let mut quick_looks = 0u32;
            loop {
                if *shutdown.borrow() {
                    lease.release().await;
                    return;
                }
                let round = tokio::select! {
                    round = self.round() => round,
                    _ = shutdown.changed() => continue,
                };
                let mut pause = self.options.poll;
                match round {
                    Ok(turns) => {
                        if turns.iter().any(|turn| turn.more) {
                            continue;
                        }
                        if let Some(soonest) = turns.iter().filter_map(|turn| turn.retry_in).min() {
                            pause = pause.min(soonest);
                        }
                    }
                    Err(error) => tracing::warn!(%error, "a webhook round failed; retrying"),
                }
                if quick_looks > 0 {
                    quick_looks -= 1;
                    pause = pause.min(Duration::from_millis(20));
                } else if !lease.is_held().await {
                    tracing::warn!("lost the webhooks lease");
                    break;
                }
                tokio::select! {
                    _ = commits.changed() => quick_looks = 10,
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// One turn for every active endpoint, side by side.
    async fn round(&self) -> Result<Vec<Turn>, store::StoreError> {
        let endpoints = self.store.active_webhook_endpoints().await?;
        let turns = join_all(endpoints.into_iter().map(|endpoint| async move {
            let id = endpoint.id.clone();
            self.turn(endpoint).await.unwrap_or_else(|error| {
                tracing::warn!(endpoint = %id, %error, "a webhook endpoint's turn failed");
                Turn {
                    more: false,
                    retry_in: Some(self.options.backoff_base),
                }
            })
        }))
        .await;
        Ok(turns)
    }

    /// Delivers the events after one endpoint's checkpoint until one fails or the batch ends.
    async fn turn(&self, endpoint: WebhookEndpointRow) -> Result<Turn, store::StoreError> {
        let now = Utc::now();
        if let Some(retry_at) = endpoint.retry_at.filter(|at| *at > now) {
            return Ok(Turn {
                more: false,
                retry_in: (retry_at - now).to_std().ok(),
            });
        }
        let events = self
            .store
            .read_all(endpoint.checkpoint, self.options.batch)
            .await?;
        let full = events.len() >= self.options.batch as usize;
        let mut passed: Option<Position> = None;
        for event in events {
            if !concerns(&endpoint, &event) {
                passed = Some(event.position);
                continue;
            }
            if let Some(position) = passed.take() {
                self.store
                    .advance_webhook_checkpoint(&endpoint.id, position)
                    .await?;
            }
            // Re-read: an admin may have paused the endpoint or rotated its secret meanwhile.
            let Some(current) = self
                .store
                .webhook_endpoint(&endpoint.chapter_id, &endpoint.id)
                .await?
                .filter(|current| current.state == "ACTIVE")
            else {
                return Ok(Turn::default());
            };
            let event_id = event_id(&event);
            let body = self.payload(&event, &event_id).await?;
            let sent = self.send(&current, &event_id, &body).await;
            let attempt = |status: &'static str, code: Option<u16>| WebhookAttempt {
                endpoint_id: &endpoint.id,
                event_id: &event_id,
                event_type: &event.event_type,
                position: event.position.position,
                status,
                status_code: code.map(i64::from),
                error: None,
                at: Utc::now(),
            };
            match sent {
                Sent::Delivered(code) => {
                    self.store
                        .record_webhook_attempt(&attempt("DELIVERED", Some(code)))
                        .await?;
                    self.store
                        .advance_webhook_checkpoint(&endpoint.id, event.position)
                        .await?;
                }
                Sent::Gone => {
                    let reason = "the receiver answered 410 Gone";
                    self.store
                        .record_webhook_attempt(&WebhookAttempt {
                            error: Some(reason),
                            ..attempt("FAILED", Some(410))
                        })
                        .await?;
                    self.store
                        .disable_webhook_endpoint(&endpoint.id, reason)
                        .await?;
                    tracing::warn!(endpoint = %endpoint.id, "a webhook endpoint is gone; disabled it");
                    return Ok(Turn::default());
                }
                Sent::Failed {
                    status,
                    error,
                    retry_after,
                } => {
                    let attempts = self
                        .store
                        .record_webhook_attempt(&WebhookAttempt {
                            error: Some(truncate(&error, MAX_ERROR_LENGTH)),
                            ..attempt("PENDING", status)
                        })
                        .await?;
                    if attempts >= i64::from(self.options.max_attempts) {
                        self.store
                            .fail_webhook_delivery(&endpoint.id, &event_id)
                            .await?;
                        let reason = format!(
                            "{attempts} attempts at delivering {event_id} failed; the last: {}",
                            truncate(&error, MAX_ERROR_LENGTH)
                        );
                        self.store
                            .disable_webhook_endpoint(&endpoint.id, &reason)
                            .await?;
                        tracing::warn!(endpoint = %endpoint.id, "a webhook endpoint failed too often; disabled it");
                        return Ok(Turn::default());
                    }
                    let delay = retry_after
                        .map(|after| after.min(self.options.backoff_max))
                        .unwrap_or_else(|| backoff(&self.options, attempts));
                    self.store
                        .set_webhook_retry(&endpoint.id, Utc::now() + delay)
                        .await?;
                    tracing::info!(endpoint = %endpoint.id, %event_id, attempts, ?delay, error, "a webhook delivery failed; will retry");
                    return Ok(Turn {
                        more: false,
                        retry_in: Some(delay),
                    });
                }
            }
        }
        if let Some(position) = passed {
            self.store
                .advance_webhook_checkpoint(&endpoint.id, position)
                .await?;
        }
        Ok(Turn {
            more: full,
            retry_in: None,
        })
    }

    /// One signed POST of `body`.
    async fn send(&self, endpoint: &WebhookEndpointRow, event_id: &str, body: &str) -> Sent {
        let failed = |error: String| Sent::Failed {
            status: None,
            error,
            retry_after: None,
        };
        let url = match super::address::check_url(&endpoint.url, self.options.allowed) {
            Ok(url) => url,
            Err(error) => return failed(format!("url: {error}")),
        };
        let timestamp = Utc::now().timestamp();
        let signature =
            match signature::sign(&endpoint.secret, event_id, timestamp, body.as_bytes()) {
                Ok(signature) => signature,
                Err(error) => return failed(error.to_string()),
            };
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_string())
            .send()
            .await;
        match response {
            Ok(response) if response.status().is_success() => {
                Sent::Delivered(response.status().as_u16())
            }
            Ok(response) if response.status() == reqwest::StatusCode::GONE => Sent::Gone,
            Ok(response) => Sent::Failed {
                status: Some(response.status().as_u16()),
                error: format!("the receiver answered {}", response.status()),
                retry_after: response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| retry_after(value, Utc::now())),
            },
            Err(error) => failed(describe(&error)),
        }
    }

    /// The thin payload: the event's type, ids, campaign and time; the receiver reads the rest through the
    /// API, so reads stay authorized and logged.
    async fn payload(
        &self,
        event: &RecordedEvent,
        event_id: &str,
    ) -> Result<String, store::StoreError> {
        let at = event
            .metadata
            .get("at")
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map_or(event.recorded_at, |at| at.with_timezone(&Utc));
        let campaign = self.campaign_of(event).await?;
        let mut data = json!({
            "eventId": event_id,
            "eventType": event.event_type,
            "chapterId": event.metadata.get("chapter"),
            "campaignId": campaign,
            "streamType": event.stream_type,
            "streamId": event.stream_id,
            "streamVersion": event.stream_version,
            "actorId": event.metadata.get("actor"),
            "at": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        });
        if let Some(name) = id_name(&event.stream_type) {
            data[name] = Value::String(event.stream_id.clone());
        }
        Ok(json!({
            "type": event.event_type,
            "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "data": data,
        })
        .to_string())
    }

    /// The campaign an event's stream belongs to: a campaign's own id, or the `campaign_id` of the stream's
    /// first event (remembered per stream).
    async fn campaign_of(
        &self,
        event: &RecordedEvent,
    ) -> Result<Option<String>, store::StoreError> {
        if event.stream_type == "Campaign" {
            return Ok(Some(event.stream_id.clone()));
        }
        if let Some(campaign) = campaign_in(&event.payload) {
            return Ok(Some(campaign));
        }
        let key = format!("{}/{}", event.stream_type, event.stream_id);
        if let Some(known) = self.lock_campaigns().get(&key) {
            return Ok(known.clone());
        }
        let first = self
            .store
            .read_stream(&event.stream_type, &event.stream_id, 0)
            .await?;
        let campaign = first.first().and_then(|first| campaign_in(&first.payload));
        self.lock_campaigns().insert(key, campaign.clone());
        Ok(campaign)
    }

    fn lock_campaigns(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<String>>> {
        self.campaigns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whether an endpoint wants `event`: one of its chapter, of a type it subscribed to.
fn concerns(endpoint: &WebhookEndpointRow, event: &RecordedEvent) -> bool {
    event.metadata.get("chapter") == Some(&endpoint.chapter_id)
        && endpoint
            .event_types
            .split_whitespace()
            .any(|wanted| wanted == "*" || wanted == event.event_type)
}

/// The id of an event, the `webhook-id` of every attempt at delivering it: its number in its chapter's own
/// sequence (ADR 19), so that a receiver learns nothing of other chapters' activity from the ids. The `c`
/// keeps these ids apart from the global positions used before (`evt_1842`), so a receiver that
/// de-duplicates on ids never mistakes a new event for an old one.
pub fn event_id(event: &RecordedEvent) -> String {
    format!("evt_c{}", event.chapter_position.unwrap_or(0))
}

/// The payload field that names a stream of this type.
fn id_name(stream_type: &str) -> Option<&'static str> {
    match stream_type {
        "Person" => Some("personId"),
        "Task" => Some("taskId"),
        "StructureTest" => Some("structureTestId"),
        "Chapter" => Some("chapterId"),
        _ => None,
    }
}

/// A `campaign_id` in an event's payload (`{"EventName": {"campaign_id": …}}`).
fn campaign_in(payload: &Value) -> Option<String> {
    let fields = payload.as_object()?.values().next()?;
    fields
        .get("campaign_id")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The wait before the next attempt after `attempts` failed ones: the base doubled per attempt, at most the
/// maximum, then a random part of up to half of it taken off, so receivers coming back are not hit by every
/// retry at once.
pub fn backoff(options: &WebhookOptions, attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let full = options
        .backoff_base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(options.backoff_max);
    let jitter = rand::random::<f64>() * 0.5;
    full.mul_f64(1.0 - jitter)
}

/// A `Retry-After` value: seconds, or an HTTP date.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// An HTTP failure as the delivery log says it (a refused address by its reason).
fn describe(error: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<RefusedAddress>() {
            return refused.to_string();
        }
        source = cause.source();
    }
    if error.is_timeout() {
        "the receiver did not answer in time".to_string()
    } else if error.is_connect() {
        "cannot connect to the receiver".to_string()
    } else {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        text
    }
}

fn truncate(text: &str, most: usize) -> &str {
    match text.char_indices().nth(most) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter() {
        let options = WebhookOptions {
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(60),
            ..WebhookOptions::default()
        };
        for (attempts, full) in [(1, 2), (2, 4), (3, 8), (6, 60), (40, 60)] {
            let delay = backoff(&options, attempts);
            let full = Duration::from_secs(full);
            assert!(delay <= full && delay >= full / 2, "{attempts}: {delay:?}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .expect("a time")
            .with_timezone(&Utc);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
