//! Who writes next on SQLite: commands before projection batches (`Store::commands_first`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Counts the appends that are queued or being written, and remembers when that count last changed.
#[derive(Debug)]
pub(crate) struct AppendsInFlight {
    count: AtomicUsize,
    /// Microseconds after `epoch` of the last change of `count`.
    changed_at: AtomicU64,
    epoch: Instant,
    changed: Notify,
}

impl Default for AppendsInFlight {
    fn default() -> Self {
        Self {
            count: AtomicUsize::new(0),
            changed_at: AtomicU64::new(0),
            epoch: Instant::now(),
            changed: Notify::new(),
        }
    }
}

/// An append in flight; leaving counts it out.
pub(crate) struct InFlight<'a>(&'a AppendsInFlight);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::AcqRel);
        self.0.touch();
    }
}

impl AppendsInFlight {
    /// Counts an append in until the returned guard is dropped (answered, or its caller went away).
    pub(crate) fn enter(&self) -> InFlight<'_> {
        self.count.fetch_add(1, Ordering::AcqRel);
        self.touch();
        InFlight(self)
    }

    fn touch(&self) {
        let micros = u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.changed_at.store(micros, Ordering::Release);
        self.changed.notify_waiters();
    }

    /// Returns once no append has been in flight for `quiet`, or after `patience` at the latest.
    pub(crate) async fn quiet_for(&self, quiet: Duration, patience: Duration) {
        let deadline = Instant::now() + patience;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the state is read, so a change after the read wakes us.
            changed.as_mut().enable();
            let until = if self.count.load(Ordering::Acquire) == 0 {
                let since = self.epoch
                    + Duration::from_micros(self.changed_at.load(Ordering::Acquire))
                    + quiet;
                if since <= Instant::now() {
                    return;
                }
                since.min(deadline)
            } else {
                deadline
            };
            if until >= deadline && Instant::now() >= deadline {
                return;
            }
            // Woken by a change (look again) or at `until` (quiet long enough, or out of patience).
            let _ = tokio::time::timeout_at(until, changed).await;
            if Instant::now() >= deadline {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_append_in_flight_and_quiet_long_enough_goes_at_once() {
        let appends = AppendsInFlight::default();
        tokio::time::advance(Duration::from_millis(5)).await;
        let started = Instant::now();
        appends
            .quiet_for(Duration::from_millis(1), Duration::from_millis(10))
            .await;
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_append_in_flight_then_the_quiet_time() {
        let appends = std::sync::Arc::new(AppendsInFlight::default());
        let guard_owner = appends.clone();
        let (entered, was_entered) = tokio::sync::oneshot::channel();
        let holder = tokio::spawn(async move {
            let guard = guard_owner.enter();
            let _ = entered.send(());
            tokio::time::sleep(Duration::from_millis(3)).await;
            drop(guard);
        });
        was_entered.await.unwrap();
        let started = Instant::now();
        appends
            .quiet_for(Duration::from_millis(1), Duration::from_millis(10))
            .await;
        holder.await.unwrap();
        // Three milliseconds in flight, then one of quiet.
        assert_eq!(started.elapsed(), Duration::from_millis(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_stream_of_appends_is_waited_for_at_most_the_patience() {
        let appends = AppendsInFlight::default();
        let _forever = appends.enter();
        let started = Instant::now();
        appends
            .quiet_for(Duration::from_millis(1), Duration::from_millis(10))
            .await;
        assert_eq!(started.elapsed(), Duration::from_millis(10));
    }
}
