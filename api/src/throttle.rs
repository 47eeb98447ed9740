//! Sign-in throttling in the database, so every server process counts the same failures: at most
//! [`FAILURES_PER_ACCOUNT`] failed sign-ins per account and [`FAILURES_PER_ADDRESS`] per address within
//! [`THROTTLE_WINDOW_MINUTES`]; past either limit, sign-in is refused (even with the right password) until
//! enough failures have left the window.
//!
//! Keys are stored as SHA-256 digests, so the table lists neither email addresses nor IP addresses.
//! Counting and recording are separate statements: two processes racing may let a failure or two more
//! through than the limit, never fewer.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};
use std::net::IpAddr;
use store::{Store, StoreError};

/// Failed sign-ins allowed per account within [`THROTTLE_WINDOW_MINUTES`].
pub const FAILURES_PER_ACCOUNT: usize = 5;
/// Failed sign-ins allowed per address within [`THROTTLE_WINDOW_MINUTES`].
pub const FAILURES_PER_ADDRESS: usize = 20;
/// How long a failed sign-in counts against its account and address.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Failed sign-ins per account and per address, counted in the store.
pub struct Throttle {
    store: Store,
}

impl Throttle {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    fn keys(email: &str, address: Option<IpAddr>) -> Vec<(String, usize)> {
        let mut keys = vec![(key_hash(&format!("account:{email}")), FAILURES_PER_ACCOUNT)];
        if let Some(address) = address {
            keys.push((
                key_hash(&format!("address:{address}")),
                FAILURES_PER_ADDRESS,
            ));
        }
        keys
    }

    /// Whether a sign-in for `email` from `address` may be tried at `now`.
    pub async fn allows(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let keys = Self::keys(email, address);
        let hashes: Vec<String> = keys.iter().map(|(hash, _)| hash.clone()).collect();
        let since = (now - Duration::minutes(THROTTLE_WINDOW_MINUTES)).timestamp_millis();
        let counts = self.store.sign_in_failures_since(&hashes, since).await?;
        Ok(keys
            .iter()
            .zip(counts)
            .all(|((_, limit), count)| usize::try_from(count).unwrap_or(usize::MAX) < *limit))
    }

    /// Counts a failed sign-in against the account and the address.
    pub async fn failed(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let hashes: Vec<String> = Self::keys(email, address)
            .into_iter()
            .map(|(hash, _)| hash)
            .collect();
        let forget_before = (now - Duration::minutes(THROTTLE_WINDOW_MINUTES)).timestamp_millis();
        self.store
            .record_sign_in_failure(&hashes, now.timestamp_millis(), forget_before)
            .await
    }

    /// A right password forgets the account's failures (not the address's).
    pub async fn succeeded(&self, email: &str) -> Result<(), StoreError> {
        self.store
            .clear_sign_in_failures(&key_hash(&format!("account:{email}")))
            .await
    }
}

fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
