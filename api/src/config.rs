//! Typed configuration: defaults, then an optional TOML file, then `GROUNDWORK_*` environment variables.
//! Secrets are held in `SecretString` so they never print.

use anyhow::{bail, Context as _};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything the binary can be told. Each field has a default so a fresh machine needs no setting at all.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` (the embedded default) or `postgres://…`.
    pub database_url: SecretString,
    /// Where the embedded database and the key file live.
    pub data_dir: PathBuf,
    /// The HTTP listen address.
    pub listen: SocketAddr,
    /// The master key in base64, when given by the environment rather than a key file.
    pub master_key: Option<SecretString>,
    /// The key file used when no master key is given; created with mode 0600 on first start.
    pub key_file: PathBuf,
    /// Events between two snapshots of an aggregate.
    pub snapshot_every: u64,
}

/// The optional configuration file's shape. Every field may be left out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<SecretString>,
    data_dir: Option<PathBuf>,
    listen: Option<String>,
    key_file: Option<PathBuf>,
    snapshot_every: Option<u64>,
}

/// A source of environment variables, so tests can supply their own without touching the process.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|value| !value.is_empty())
    }
}

impl Settings {
    /// Loads settings: defaults, then the file (`--config`, or `GROUNDWORK_CONFIG`, or `groundwork.toml` in the
    /// working directory if present), then environment variables.
    pub fn load(config_file: Option<&Path>, env: &dyn Environment) -> anyhow::Result<Self> {
        let explicit = config_file
            .map(Path::to_path_buf)
            .or_else(|| env.var("GROUNDWORK_CONFIG").map(PathBuf::from));
        let file = match explicit {
            Some(path) => read_file(&path)?,
            None if Path::new("groundwork.toml").exists() => {
                read_file(Path::new("groundwork.toml"))?
            }
            None => FileSettings::default(),
        };

        let data_dir = env
            .var("GROUNDWORK_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("groundwork-data"));
        let database_url = env
            .var("GROUNDWORK_DATABASE_URL")
            .or_else(|| env.var("DATABASE_URL"))
            .map(SecretString::from)
            .or(file.database_url)
            .unwrap_or_else(|| {
                SecretString::from(format!(
                    "sqlite://{}",
                    data_dir.join("groundwork.sqlite3").display()
                ))
            });
        check_database_url(database_url.expose_secret())?;
        let listen_text = env
            .var("GROUNDWORK_LISTEN")
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".to_string());
        let listen: SocketAddr = listen_text.parse().with_context(|| {
            format!("GROUNDWORK_LISTEN `{listen_text}` is not an address like 127.0.0.1:8080")
        })?;
        let key_file = env
            .var("GROUNDWORK_KEY_FILE")
            .map(PathBuf::from)
            .or(file.key_file)
            .unwrap_or_else(|| data_dir.join("master.key"));
        let snapshot_every = match env.var("GROUNDWORK_SNAPSHOT_EVERY") {
            Some(text) => text.parse().with_context(|| {
                format!("GROUNDWORK_SNAPSHOT_EVERY `{text}` is not a whole number")
            })?,
            None => file.snapshot_every.unwrap_or(100),
        };
        if snapshot_every == 0 {
            bail!("snapshot_every must be at least 1");
        }
        Ok(Self {
            database_url,
            data_dir,
            listen,
            master_key: env.var("GROUNDWORK_MASTER_KEY").map(SecretString::from),
            key_file,
            snapshot_every,
        })
    }
}

/// Refuses a URL the store cannot open before anything else happens (such as creating a key file). Only the
/// scheme is ever echoed: the rest of the URL may hold a password.
fn check_database_url(url: &str) -> anyhow::Result<()> {
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    match scheme {
        Some("sqlite" | "postgres" | "postgresql") => Ok(()),
        Some(other) => bail!(
            "invalid database URL: unsupported scheme `{other}`; use sqlite://FILE or postgres://…"
        ),
        None => bail!("invalid database URL: use sqlite://FILE or postgres://…"),
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the configuration file {} is not valid", path.display()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    struct FakeEnvironment(HashMap<&'static str, &'static str>);

    impl Environment for FakeEnvironment {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|value| value.to_string())
        }
    }

    #[test]
    fn defaults_use_an_embedded_sqlite_file() {
        let settings = Settings::load(None, &FakeEnvironment(HashMap::new())).unwrap();
        assert_eq!(
            settings.database_url.expose_secret(),
            "sqlite://groundwork-data/groundwork.sqlite3"
        );
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(
            settings.key_file,
            PathBuf::from("groundwork-data/master.key")
        );
    }

    #[test]
    fn database_url_switches_to_postgres_and_never_prints() {
        let env = FakeEnvironment(HashMap::from([(
            "DATABASE_URL",
            "postgres://gw:hunter2@db/groundwork",
        )]));
        let settings = Settings::load(None, &env).unwrap();
        assert!(settings
            .database_url
            .expose_secret()
            .starts_with("postgres://"));
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn an_unsupported_database_url_is_refused_without_echoing_it() {
        let env = FakeEnvironment(HashMap::from([("DATABASE_URL", "mysql://gw:hunter2@db/x")]));
        let error = format!("{:#}", Settings::load(None, &env).unwrap_err());
        assert!(error.contains("unsupported scheme `mysql`"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn a_bad_listen_address_is_named() {
        let env = FakeEnvironment(HashMap::from([("GROUNDWORK_LISTEN", "localhost")]));
        let error = Settings::load(None, &env).unwrap_err();
        assert!(format!("{error:#}").contains("GROUNDWORK_LISTEN `localhost`"));
    }
}
