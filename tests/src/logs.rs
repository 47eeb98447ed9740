//! Capturing what the code logs, at every level, while a test looks.
//!
//! A process has one global log subscriber, and every test of the binary shares the process. So the
//! subscriber is installed once and writes nowhere until a test holds a [`LogCapture`]; while captures are
//! alive, every event goes to each of them. A capture may therefore also hold lines of tests running beside
//! it: tests search it for their own unique text (a secret that must not appear, a message that must).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, Weak};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::Layer as _;

type Buffer = Arc<Mutex<Vec<u8>>>;

/// How many captures are alive: the subscriber formats nothing while there are none.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static SINKS: Mutex<Vec<Weak<Mutex<Vec<u8>>>>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// Everything logged in this process from its creation until it is dropped.
pub struct LogCapture {
    buffer: Buffer,
}

impl LogCapture {
    /// Starts capturing (installs the process's subscriber the first time).
    pub fn start() -> Self {
        INSTALL.call_once(install);
        let buffer = Buffer::default();
        LIVE.fetch_add(1, Ordering::SeqCst);
        lock(&SINKS).push(Arc::downgrade(&buffer));
        Self { buffer }
    }

    /// The captured lines so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&lock(&self.buffer)).into_owned()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
        let mine = Arc::as_ptr(&self.buffer);
        lock(&SINKS).retain(|sink| sink.strong_count() > 0 && !std::ptr::eq(sink.as_ptr(), mine));
    }
}

/// A poisoned lock only means another test panicked while logging; the bytes are still good.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn install() {
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(|| Writer)
        .with_filter(tracing_subscriber::filter::filter_fn(|_| {
            LIVE.load(Ordering::SeqCst) > 0
        }));
    // Another subscriber may already be installed (a test of this binary set one up itself): then nothing
    // is captured, and the tests that look for a line they expect say so.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Writes each formatted line to every live capture.
struct Writer;

impl std::io::Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for sink in lock(&SINKS).iter().filter_map(Weak::upgrade) {
            lock(&sink).extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
