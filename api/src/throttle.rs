//! Sign-in throttling in the database, so every server process counts the same failures: at most
//! [`FAILURES_PER_ACCOUNT`] failed sign-ins per account and [`FAILURES_PER_ADDRESS`] per address within
//! [`THROTTLE_WINDOW_MINUTES`]; past either limit, sign-in is refused (even with the right password) until
//! enough failures have left the window.
//!
//! Keys are stored as SHA-256 digests, so the table lists neither email addresses nor IP addresses.
//! A sign-in claims its attempt before the password is checked ([`Throttle::claim`]): counting and recording
//! are one atomic step in the database, so parallel guesses get no more password checks than the limit, in
//! one process or many. A right password then takes its attempt back ([`Throttle::succeeded`]).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};
use std::net::IpAddr;
use store::{Store, StoreError, ThrottleKey};

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

    /// Claims one sign-in attempt for `email` from `address` at `now`: `false` (and nothing recorded) when
    /// either key has reached its limit, otherwise the attempt counts as a failure from now on, whatever
    /// the password turns out to be, until [`Throttle::succeeded`] takes it back.
    pub async fn claim(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.claim_keys(Self::keys(email, address), now).await
    }

    /// Claims one attempt against every key at `now`, each with its limit: `false` (nothing recorded) when
    /// one of them has reached its limit in the window.
    async fn claim_keys(
        &self,
        keys: Vec<(String, usize)>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let keys: Vec<ThrottleKey> = keys
            .into_iter()
            .map(|(key_hash, limit)| ThrottleKey {
                key_hash,
                limit: i64::try_from(limit).unwrap_or(i64::MAX),
            })
            .collect();
        let since = (now - Duration::minutes(THROTTLE_WINDOW_MINUTES)).timestamp_millis();
        self.store
            .claim_sign_in_attempt(&keys, now.timestamp_millis(), since)
            .await
    }

    /// A right password after [`Throttle::claim`] at `now`: the account's failures are forgotten, and the
    /// address's attempt is taken back (its earlier failures still count).
    pub async fn succeeded(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let others: Vec<String> = address
            .map(|address| key_hash(&format!("address:{address}")))
            .into_iter()
            .collect();
        self.store
            .sign_in_attempt_succeeded(
                &key_hash(&format!("account:{email}")),
                &others,
                now.timestamp_millis(),
            )
            .await
    }
}

impl Throttle {
    fn invitation_keys(
        invitation: &str,
        email: Option<&str>,
        address: Option<IpAddr>,
    ) -> Vec<(String, usize)> {
        let mut keys = vec![(
            key_hash(&format!("invitation:{invitation}")),
            FAILURES_PER_ACCOUNT,
        )];
        if let Some(email) = email {
            keys.push((key_hash(&format!("account:{email}")), FAILURES_PER_ACCOUNT));
        }
        if let Some(address) = address {
            keys.push((
                key_hash(&format!("address:{address}")),
                FAILURES_PER_ADDRESS,
            ));
        }
        keys
    }

    /// Claims one attempt to accept the invitation `invitation` (for the address `email`, when the
    /// invitation exists) from `address`, like a sign-in: it counts against the invitation, the invited
    /// account (a password guessed here is a password guessed) and the address, before the code or the
    /// password is checked. `false` (nothing recorded) past a limit.
    pub async fn claim_invitation(
        &self,
        invitation: &str,
        email: Option<&str>,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.claim_keys(Self::invitation_keys(invitation, email, address), now)
            .await
    }

    /// An accepted invitation after [`Throttle::claim_invitation`] at `now`: the account's failures are
    /// forgotten, and the attempt is taken back from the invitation and the address.
    pub async fn invitation_succeeded(
        &self,
        invitation: &str,
        email: &str,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut others = vec![key_hash(&format!("invitation:{invitation}"))];
        others.extend(address.map(|address| key_hash(&format!("address:{address}"))));
        self.store
            .sign_in_attempt_succeeded(
                &key_hash(&format!("account:{email}")),
                &others,
                now.timestamp_millis(),
            )
            .await
    }
}

fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
