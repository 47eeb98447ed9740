//! Typed configuration: defaults, then an optional TOML file, then `GROUNDWORK_*` environment variables.
//! Secrets are held in `SecretString` so they never print.

use crate::access::{Identity, Role, DEV_CHAPTER, DEV_USER};
use anyhow::{bail, Context as _};
use domain::ids::ChapterId;
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

/// How Groundwork signs people in through an organization's OpenID Connect provider, from
/// `GROUNDWORK_OIDC_*`. `Debug` never shows the client secret.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// `GROUNDWORK_OIDC_ISSUER`: the provider's issuer URL (its discovery document lives below it).
    pub issuer: String,
    /// `GROUNDWORK_OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `GROUNDWORK_OIDC_CLIENT_SECRET`, sent to the token endpoint with HTTP Basic authentication.
    pub client_secret: SecretString,
    /// `GROUNDWORK_OIDC_REDIRECT_URL`; by default `GROUNDWORK_PUBLIC_URL` + `/auth/oidc/callback`.
    pub redirect_url: String,
    /// `GROUNDWORK_OIDC_SCOPES` (space-separated, besides `openid`); by default `email profile`.
    pub scopes: Vec<String>,
    /// `GROUNDWORK_OIDC_GROUPS_CLAIM`: the ID token claim listing the user's groups; by default `groups`.
    pub groups_claim: String,
    /// `GROUNDWORK_OIDC_ROLE_MAP`: which groups give a new user which role in which chapter.
    pub role_map: Vec<RoleGrant>,
}

/// One entry of `GROUNDWORK_OIDC_ROLE_MAP`: members of `group` get `role` in `chapter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub group: String,
    pub chapter: ChapterId,
    pub role: Role,
}

/// The address people reach this server at (`GROUNDWORK_PUBLIC_URL`), without a trailing slash; by
/// default `http://` and the listen address.
pub fn public_url(env: &dyn Environment, listen: SocketAddr) -> anyhow::Result<String> {
    let url = env
        .var("GROUNDWORK_PUBLIC_URL")
        .unwrap_or_else(|| format!("http://{listen}"));
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        bail!("GROUNDWORK_PUBLIC_URL `{url}` must start with https:// (or http://)");
    }
    Ok(url.trim_end_matches('/').to_string())
}

impl OidcSettings {
    /// Reads `GROUNDWORK_OIDC_*`: `None` when single sign-on is not configured (no issuer, client id or
    /// secret set), an error naming the problem when it is configured only in part or wrongly.
    pub fn from_environment(
        env: &dyn Environment,
        listen: SocketAddr,
    ) -> anyhow::Result<Option<Self>> {
        let issuer = env.var("GROUNDWORK_OIDC_ISSUER");
        let client_id = env.var("GROUNDWORK_OIDC_CLIENT_ID");
        let client_secret = env
            .var("GROUNDWORK_OIDC_CLIENT_SECRET")
            .map(SecretString::from);
        let (issuer, client_id, client_secret) = match (issuer, client_id, client_secret) {
            (None, None, None) => return Ok(None),
            (Some(issuer), Some(client_id), Some(client_secret)) => {
                (issuer, client_id, client_secret)
            }
            (issuer, client_id, client_secret) => {
                let missing: Vec<&str> = [
                    (issuer.is_none(), "GROUNDWORK_OIDC_ISSUER"),
                    (client_id.is_none(), "GROUNDWORK_OIDC_CLIENT_ID"),
                    (client_secret.is_none(), "GROUNDWORK_OIDC_CLIENT_SECRET"),
                ]
                .into_iter()
                .filter_map(|(missing, name)| missing.then_some(name))
                .collect();
                bail!(
                    "single sign-on is configured only in part: set {} too",
                    missing.join(" and ")
                );
            }
        };
        // Kept exactly as given: discovery checks that the provider names itself the same way (some
        // issuers end in a slash).
        if !issuer.starts_with("https://") && !is_loopback_http(&issuer) {
            bail!(
                "GROUNDWORK_OIDC_ISSUER `{issuer}` must be an https:// URL (plain http only for a \
                 provider on this machine)"
            );
        }
        let redirect_url = match env.var("GROUNDWORK_OIDC_REDIRECT_URL") {
            Some(url) => url,
            None => format!("{}/auth/oidc/callback", public_url(env, listen)?),
        };
        if !(redirect_url.starts_with("https://") || redirect_url.starts_with("http://")) {
            bail!("GROUNDWORK_OIDC_REDIRECT_URL `{redirect_url}` must be an absolute http(s) URL");
        }
        let scopes = env
            .var("GROUNDWORK_OIDC_SCOPES")
            .unwrap_or_else(|| "email profile".to_string())
            .split_whitespace()
            .filter(|scope| *scope != "openid")
            .map(str::to_string)
            .collect();
        let groups_claim = env
            .var("GROUNDWORK_OIDC_GROUPS_CLAIM")
            .unwrap_or_else(|| "groups".to_string());
        let role_map = match env.var("GROUNDWORK_OIDC_ROLE_MAP") {
            Some(text) => parse_role_map(&text)?,
            None => Vec::new(),
        };
        Ok(Some(Self {
            issuer,
            client_id,
            client_secret,
            redirect_url,
            scopes,
            groups_claim,
            role_map,
        }))
    }
}

/// Whether `url` is plain http to this machine (a provider started for development or tests).
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// The identity every request runs as when the server was started with the development identity:
/// `GROUNDWORK_DEV_USER`, `GROUNDWORK_DEV_CHAPTER` (UUIDs) and `GROUNDWORK_DEV_ROLE` (organizer, analyst, lead,
/// admin), each defaulting to the fixed development identity (an admin of the development chapter).
pub fn development_identity(env: &dyn Environment) -> anyhow::Result<Identity> {
    let user = match env.var("GROUNDWORK_DEV_USER") {
        Some(text) => domain::ids::UserId::parse(&text).map_err(|_| {
            anyhow::anyhow!("GROUNDWORK_DEV_USER `{text}` is not a user id (a UUID)")
        })?,
        None => DEV_USER,
    };
    let chapter = match env.var("GROUNDWORK_DEV_CHAPTER") {
        Some(text) => domain::ids::ChapterId::parse(&text).map_err(|_| {
            anyhow::anyhow!("GROUNDWORK_DEV_CHAPTER `{text}` is not a chapter id (a UUID)")
        })?,
        None => DEV_CHAPTER,
    };
    let role = match env.var("GROUNDWORK_DEV_ROLE") {
        Some(text) => Role::parse(&text).ok_or_else(|| {
            anyhow::anyhow!(
                "GROUNDWORK_DEV_ROLE `{text}` is not one of organizer, analyst, lead, admin"
            )
        })?,
        None => Role::Admin,
    };
    Ok(Identity {
        user,
        chapter,
        role,
        ..Identity::development()
    })
}

/// Parses `GROUP=CHAPTER_ID:ROLE` entries separated by `;` or new lines (a group name may contain `,` and
/// `=`, as LDAP names do: the last `=` separates the group).
pub fn parse_role_map(text: &str) -> anyhow::Result<Vec<RoleGrant>> {
    let mut grants = Vec::new();
    for entry in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let Some((group, target)) = entry.rsplit_once('=') else {
            bail!("GROUNDWORK_OIDC_ROLE_MAP entry `{entry}` is not GROUP=CHAPTER_ID:ROLE");
        };
        let group = group.trim();
        let Some((chapter, role)) = target.split_once(':') else {
            bail!("GROUNDWORK_OIDC_ROLE_MAP entry `{entry}` is not GROUP=CHAPTER_ID:ROLE");
        };
        if group.is_empty() {
            bail!("GROUNDWORK_OIDC_ROLE_MAP entry `{entry}` names no group");
        }
        let chapter = ChapterId::parse(chapter.trim()).map_err(|_| {
            anyhow::anyhow!(
                "GROUNDWORK_OIDC_ROLE_MAP entry `{entry}`: `{}` is not a chapter id",
                chapter.trim()
            )
        })?;
        let role = Role::parse(role).ok_or_else(|| {
            anyhow::anyhow!(
                "GROUNDWORK_OIDC_ROLE_MAP entry `{entry}`: `{}` is not a role (admin, lead, \
                 organizer, activist or analyst)",
                role.trim()
            )
        })?;
        grants.push(RoleGrant {
            group: group.to_string(),
            chapter,
            role,
        });
    }
    Ok(grants)
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

    #[test]
    fn single_sign_on_is_off_unless_configured_and_never_prints_its_secret() {
        let listen: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert!(
            OidcSettings::from_environment(&FakeEnvironment(HashMap::new()), listen)
                .unwrap()
                .is_none()
        );
        let partial = FakeEnvironment(HashMap::from([(
            "GROUNDWORK_OIDC_ISSUER",
            "https://id.example.org",
        )]));
        let error = format!(
            "{:#}",
            OidcSettings::from_environment(&partial, listen).unwrap_err()
        );
        assert!(
            error.contains("GROUNDWORK_OIDC_CLIENT_ID and GROUNDWORK_OIDC_CLIENT_SECRET"),
            "{error}"
        );
        let chapter = ChapterId::new_random().to_string();
        let map = format!("cn=organizers,ou=riverside={chapter}:organizer; staff={chapter}:admin");
        let map: &'static str = Box::leak(map.into_boxed_str());
        let env = FakeEnvironment(HashMap::from([
            ("GROUNDWORK_OIDC_ISSUER", "https://id.example.org/"),
            ("GROUNDWORK_OIDC_CLIENT_ID", "groundwork"),
            ("GROUNDWORK_OIDC_CLIENT_SECRET", "oidc-hunter2"),
            ("GROUNDWORK_PUBLIC_URL", "https://gw.example.org/"),
            ("GROUNDWORK_OIDC_ROLE_MAP", map),
        ]));
        let settings = OidcSettings::from_environment(&env, listen)
            .unwrap()
            .unwrap();
        assert_eq!(settings.issuer, "https://id.example.org/");
        assert_eq!(
            settings.redirect_url,
            "https://gw.example.org/auth/oidc/callback"
        );
        assert_eq!(settings.role_map.len(), 2);
        assert_eq!(settings.role_map[0].group, "cn=organizers,ou=riverside");
        assert_eq!(settings.role_map[0].role, Role::Organizer);
        assert_eq!(settings.role_map[1].role, Role::Admin);
        assert!(!format!("{settings:?}").contains("oidc-hunter2"));
    }

    #[test]
    fn a_plain_http_issuer_is_refused_unless_on_this_machine() {
        let listen: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let env = |issuer: &'static str| {
            FakeEnvironment(HashMap::from([
                ("GROUNDWORK_OIDC_ISSUER", issuer),
                ("GROUNDWORK_OIDC_CLIENT_ID", "groundwork"),
                ("GROUNDWORK_OIDC_CLIENT_SECRET", "s"),
            ]))
        };
        let error = OidcSettings::from_environment(&env("http://id.example.org"), listen)
            .unwrap_err()
            .to_string();
        assert!(error.contains("must be an https:// URL"), "{error}");
        assert!(
            OidcSettings::from_environment(&env("http://127.0.0.1:9000"), listen)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_bad_role_map_entry_is_named() {
        let error = parse_role_map("staff=not-a-chapter:admin")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`not-a-chapter` is not a chapter id"),
            "{error}"
        );
        let chapter = ChapterId::new_random();
        let error = parse_role_map(&format!("staff={chapter}:boss"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("`boss` is not a role"), "{error}");
        assert!(parse_role_map("staff").is_err());
    }
}
