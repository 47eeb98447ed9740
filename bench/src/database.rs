//! A fresh database per backend: a SQLite file in a temporary directory, or a PostgreSQL database
//! `gw_bench_<random>` that is dropped when the run ends.

use anyhow::Context as _;
use sqlx::Connection as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    Sqlite,
    Postgres,
}

impl BackendChoice {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// One fresh database. Call [`FreshDatabase::remove`] when done; the SQLite directory also goes away on drop.
pub struct FreshDatabase {
    pub url: String,
    server_url: Option<String>,
    postgres_name: Option<String>,
    _sqlite_dir: Option<tempfile::TempDir>,
}

impl FreshDatabase {
    pub async fn create(backend: BackendChoice, postgres_server: &str) -> anyhow::Result<Self> {
        match backend {
            BackendChoice::Sqlite => {
                let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
                let url = format!("sqlite://{}", dir.path().join("bench.db").display());
                Ok(Self {
                    url,
                    server_url: None,
                    postgres_name: None,
                    _sqlite_dir: Some(dir),
                })
            }
            BackendChoice::Postgres => {
                let name = format!("gw_bench_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(postgres_server)
                    .await
                    .with_context(|| format!("cannot reach PostgreSQL at {postgres_server}"))?;
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .with_context(|| format!("cannot create the database {name}"))?;
                let url = match postgres_server.rfind('/') {
                    Some(slash) if !postgres_server[..slash].ends_with('/') => {
                        format!("{}/{name}", &postgres_server[..slash])
                    }
                    _ => format!("{postgres_server}/{name}"),
                };
                Ok(Self {
                    url,
                    server_url: Some(postgres_server.to_string()),
                    postgres_name: Some(name),
                    _sqlite_dir: None,
                })
            }
        }
    }

    /// The SQLite database `bench.db` in `dir` (created if missing), kept after the run (`--campaign-dir`).
    pub fn in_directory(dir: &std::path::Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        Ok(Self {
            url: format!("sqlite://{}", dir.join("bench.db").display()),
            server_url: None,
            postgres_name: None,
            _sqlite_dir: None,
        })
    }

    /// Leaves the database where it is, for looking into it after the run (`--keep-database`): its URL goes
    /// to standard error.
    pub fn keep(mut self) {
        if let Some(dir) = self._sqlite_dir.take() {
            let _ = dir.keep();
        }
        eprintln!("groundwork-bench: kept the database at {}", self.url);
    }

    /// Drops the PostgreSQL database (FORCE ends connections a pool may still hold).
    pub async fn remove(mut self) -> anyhow::Result<()> {
        if let (Some(server), Some(name)) = (self.server_url.take(), self.postgres_name.take()) {
            let mut admin = sqlx::PgConnection::connect(&server)
                .await
                .with_context(|| format!("cannot reach PostgreSQL at {server}"))?;
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .with_context(|| format!("cannot drop the database {name}"))?;
        }
        Ok(())
    }
}
