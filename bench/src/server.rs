//! The server under test runs as a child process (this binary's hidden `serve-child` command), so its peak
//! resident size and cold start are its own and not the load generator's. It is what `groundwork serve`
//! runs: the store, the projection runner and `api::http::app_with`, on 127.0.0.1 with a free port.

use crate::http_client::HttpConnection;
use anyhow::Context as _;
use api::http::{app_with, ApiOptions};
use api::service::Groundwork;
use projections::{ReadModels, RunnerOptions};
use secrecy::ExposeSecret as _;
use std::io::BufRead as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{MasterKey, Store, StoreOptions};

/// The environment variable the child reads its master key from (kept off the command line).
const MASTER_KEY_VARIABLE: &str = "GROUNDWORK_BENCH_MASTER_KEY";

/// The child's side: serve until killed. Prints `listening <address>` once the socket is bound.
pub async fn serve_child(database_url: &str) -> anyhow::Result<()> {
    let key = std::env::var(MASTER_KEY_VARIABLE)
        .with_context(|| format!("{MASTER_KEY_VARIABLE} is not set"))?;
    let key = MasterKey::from_base64(&key)?;
    let store = Store::connect(database_url, key, StoreOptions::default()).await?;
    let groundwork = Groundwork::with_store(store);
    groundwork.migrate().await?;
    let read_models = ReadModels::new(groundwork.store());
    let _runner = read_models.start(RunnerOptions::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening {}", listener.local_addr()?);
    axum::serve(
        listener,
        app_with(Arc::new(groundwork), read_models, ApiOptions::development()),
    )
    .await
    .context("the server stopped")
}

/// The parent's handle on a running server child; killed on drop.
pub struct ServerChild {
    child: std::process::Child,
    pub address: SocketAddr,
    /// From spawning the process to its first successful `/healthz`.
    pub cold_start: Duration,
}

impl ServerChild {
    pub async fn start(database_url: &str, key: &MasterKey) -> anyhow::Result<Self> {
        let executable = std::env::current_exe().context("cannot find the bench executable")?;
        let spawned = Instant::now();
        let mut child = std::process::Command::new(executable)
            .arg("serve-child")
            .arg("--database-url")
            .arg(database_url)
            .env(MASTER_KEY_VARIABLE, key.to_base64().expose_secret())
            .env("GROUNDWORK_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .context("cannot start the server child")?;
        let stdout = child
            .stdout
            .take()
            .context("the server child has no standard output")?;
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout).read_line(&mut line)?;
            Ok::<_, std::io::Error>(line)
        })
        .await??;
        let mut server = Self {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            cold_start: Duration::ZERO,
        };
        server.address = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|address| address.parse().ok())
            .with_context(|| format!("the server child said {line:?} instead of its address"))?;
        loop {
            if let Ok(mut connection) = HttpConnection::open(server.address).await {
                if let Ok(answer) = connection.get("/healthz").await {
                    if answer.status == 200 {
                        break;
                    }
                }
            }
            if spawned.elapsed() > Duration::from_secs(60) {
                anyhow::bail!("the server child did not answer /healthz within a minute");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.cold_start = spawned.elapsed();
        Ok(server)
    }

    /// The child's peak and current resident size in MiB (`VmHWM`, `VmRSS`).
    pub fn memory(&self) -> anyhow::Result<(f64, f64)> {
        memory_of(self.child.id()).context("cannot read VmHWM and VmRSS of the server child")
    }
}

/// A process's peak resident size (`VmHWM`) and resident size now (`VmRSS`), in MiB.
pub fn memory_of(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
