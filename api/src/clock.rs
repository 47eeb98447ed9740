//! Where the API reads the time a request acts at. The domain takes the caller's time; the API takes it
//! from a `Clock`, so that tests can say what time it is instead of waiting for the wall clock to move.

use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex, PoisonError};

/// The current time, as the API stamps it on a command.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's wall clock: what a running server uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it was last set to (tests): time moves only when the test moves it.
#[derive(Debug, Clone)]
pub struct SetClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl SetClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(now)),
        }
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for SetClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
