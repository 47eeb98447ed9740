//! The read API: plain Rust answers to the questions organizers, leads and analysts ask, read from the
//! read-model tables. Every call takes the caller's chapter and never returns another chapter's rows: a
//! campaign, person, task or test of another chapter reads as absent.
//!
//! Time travel: `as_of` reads the history tables (valid over `[valid_from, valid_to)` in the events' own
//! time), with the same code that builds the live answer, so the two agree by construction.
//!
//! This module holds the read database handle ([`ReadModels`]) and the runner's signals; the queries are
//! one module per area, each adding its methods to [`ReadModels`]:
//! - [`views`]: the answer types; `sql`: the SQL builder, cursors and column decoding;
//! - `cache`: the wall-chart cache and the stamp answers derived from charts are kept by;
//! - `chart` (wall chart), `campaigns`, `people`, `person` (one person's detail), `tasks`,
//!   `structure_tests`, `activity` (the change explorer), `analyst` (weekly and daily series).

mod activity;
mod analyst;
mod cache;
mod campaigns;
mod chart;
#[cfg(feature = "fault-injection")]
mod faults;
mod imports;
mod people;
mod person;
mod sql;
mod structure_tests;
mod tasks;
pub mod views;

pub use cache::ChartStamp;
pub use imports::ImportCandidate;
pub use views::*;

use crate::apply::CampaignOf;
use crate::runner::{self, ReadModelChange, Runner, RunnerOptions};
use std::sync::Arc;
use store::sql::Db;
use store::Store;
use tokio::sync::{broadcast, watch};

/// The read side of one Groundwork: the read-model tables in the store's database. Cheap to clone.
#[derive(Clone)]
pub struct ReadModels {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    db: Db,
    batch_db: Db,
    changes: broadcast::Sender<ReadModelChange>,
    /// Bumped whenever a batch is committed here or another process's changes arrive.
    projected: watch::Sender<u64>,
    /// Bumped to wake the runners without saying what for (a rebuild, a lost LISTEN connection).
    wake: watch::Sender<u64>,
    /// The largest tx id any process's append announced (PostgreSQL NOTIFY); 0 on SQLite.
    announced: watch::Sender<i64>,
    /// The campaign of every aggregate the activity projection has seen.
    campaign_of: CampaignOf,
    /// The runners' open batch transactions, which never append (PostgreSQL reads pass them).
    batch_transactions: runner::BatchTransactions,
    /// Wall charts recently built, and who is told when a forgetting is projected.
    charts: cache::ChartCache,
    /// Where each projection's checkpoint was when this process last saw it (a batch it committed): where
    /// the next batch is read from before the checkpoint is locked and checked.
    checkpoints_seen: std::sync::Mutex<std::collections::HashMap<String, store::Position>>,
    /// Tests only: batches made to fail before their commit.
    #[cfg(feature = "fault-injection")]
    faults: faults::Faults,
}

impl std::fmt::Debug for ReadModels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadModels").finish_non_exhaustive()
    }
}

impl ReadModels {
    /// The read models of this store's database (its migrations create the tables).
    pub fn new(store: &Store) -> Self {
        let (changes, _) = broadcast::channel(1024);
        let (projected, _) = watch::channel(0);
        let (wake, _) = watch::channel(0);
        let (announced, _) = watch::channel(0);
        Self {
            inner: Arc::new(Inner {
                store: store.clone(),
                db: Db::of(store),
                batch_db: Db::batches_of(store),
                changes,
                projected,
                wake,
                announced,
                campaign_of: CampaignOf::default(),
                batch_transactions: runner::BatchTransactions::default(),
                charts: cache::ChartCache::default(),
                checkpoints_seen: std::sync::Mutex::default(),
                #[cfg(feature = "fault-injection")]
                faults: faults::Faults::default(),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    /// What the runners write their batches with (`Store::batch_db`: commits that do not wait for the
    /// disk; the log they are made of has).
    pub(crate) fn batch_db(&self) -> &Db {
        &self.inner.batch_db
    }

    pub(crate) fn campaign_of(&self) -> &CampaignOf {
        &self.inner.campaign_of
    }

    pub(crate) fn batch_transactions(&self) -> &runner::BatchTransactions {
        &self.inner.batch_transactions
    }

    /// Where `projection`'s checkpoint was when this process last saw it, if it has.
    pub(crate) fn checkpoint_seen(&self, projection: &str) -> Option<store::Position> {
        self.checkpoints_seen().get(projection).copied()
    }

    /// Notes where `projection`'s checkpoint is now (after a batch's commit).
    pub(crate) fn saw_checkpoint(&self, projection: &str, at: store::Position) {
        self.checkpoints_seen().insert(projection.to_string(), at);
    }

    fn checkpoints_seen(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, store::Position>> {
        self.inner
            .checkpoints_seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts the projection runners (and, on PostgreSQL, the listener for other processes' appends and
    /// read-model changes). Must be called inside a Tokio runtime.
    pub fn start(&self, options: RunnerOptions) -> Runner {
        runner::start(self, options)
    }

    /// Read-model changes of every chapter, after each committed batch (of any process on PostgreSQL).
    /// Subscribers filter by [`ReadModelChange::chapter`] and campaign.
    pub fn changes(&self) -> broadcast::Receiver<ReadModelChange> {
        self.inner.changes.subscribe()
    }

    pub(crate) fn publish(&self, change: ReadModelChange) {
        let _ = self.inner.changes.send(change);
    }

    pub(crate) fn projected(&self) {
        self.inner.projected.send_modify(|count| *count += 1);
    }

    pub(crate) fn projected_signal(&self) -> watch::Receiver<u64> {
        self.inner.projected.subscribe()
    }

    pub(crate) fn wake(&self) {
        self.inner.wake.send_modify(|count| *count += 1);
    }

    pub(crate) fn wake_signal(&self) -> watch::Receiver<u64> {
        self.inner.wake.subscribe()
    }

    /// An append committed with this tx id (PostgreSQL NOTIFY, of any process).
    pub(crate) fn announce(&self, tx: i64) {
        self.inner.announced.send_if_modified(|newest| {
            let newer = tx > *newest;
            *newest = (*newest).max(tx);
            newer
        });
    }

    pub(crate) fn announced_signal(&self) -> watch::Receiver<i64> {
        self.inner.announced.subscribe()
    }
}

/// Whether a connection's kind, in the organizers' words, says its person organizes the target (a
/// worker-leader's connection, as Action Builder records it): "organizer of", "organizes", "organizer"
/// (or "organiser…", "organises"), any case, accents and spacing ignored.
pub fn organizes(kind: &str) -> bool {
    let folded = crate::fold::fold(kind);
    let words: Vec<&str> = folded.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["organizer" | "organiser", "of"]
            | ["organizes" | "organises"]
            | ["organizer" | "organiser"]
    )
}

#[cfg(test)]
mod organizes_tests {
    use super::organizes;

    #[test]
    fn organizing_kinds_are_told_from_others() {
        for kind in [
            "organizer of",
            "Organizer  Of",
            "organizes",
            "Organiser of",
            "ORGANIZER",
        ] {
            assert!(organizes(kind), "{kind}");
        }
        for kind in [
            "coworker of",
            "organized by",
            "connection",
            "organizer of record",
            "",
        ] {
            assert!(!organizes(kind), "{kind}");
        }
    }
}
