//! Fault injection for tests (the `fault-injection` feature, which only the tests crate turns on): every
//! n-th projection batch fails after its writes and before its commit, as a crash would.

use super::ReadModels;
use std::sync::atomic::{AtomicU32, Ordering};

/// How often batches fail, and how many have been counted.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    /// Fail every this-many batches (0: never).
    every: AtomicU32,
    batches: AtomicU32,
}

impl ReadModels {
    pub(crate) fn set_fault_every(&self, every: Option<u32>) {
        self.inner
            .faults
            .every
            .store(every.unwrap_or(0), Ordering::Relaxed);
    }

    /// Whether the batch about to commit should fail instead.
    pub(crate) fn inject_fault(&self) -> bool {
        let faults = &self.inner.faults;
        let every = faults.every.load(Ordering::Relaxed);
        let batch = faults.batches.fetch_add(1, Ordering::Relaxed) + 1;
        every > 0 && batch.checked_rem(every) == Some(0)
    }
}
