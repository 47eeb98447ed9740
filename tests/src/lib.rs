//! Shared helpers for the integration tests: a fresh database per test on every backend (dropped with it), a
//! macro that runs one behavioural test against each backend, a small aggregate with personal data to store,
//! HTTP calls (`http`), members added by invitation (`invitations`), log capture (`logs`), WebSocket subscriptions (`ws`) and an organizing world (`world`).
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use domain::{Sensitive, StoredAggregate, UpcastError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use store::{MasterKey, Store, StoreOptions};
use uuid::Uuid;

pub use store;

pub mod http;
pub mod invitations;
pub mod logs;
pub mod process;
pub mod world;
pub mod ws;

/// The server the PostgreSQL tests create their databases on.
pub fn postgres_server_url() -> String {
    std::env::var("GROUNDWORK_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A fresh, empty database: a SQLite file in a temporary directory, or a new PostgreSQL database that is
/// dropped when the backend is dropped.
pub struct TestBackend {
    pub kind: Kind,
    pub url: String,
    sqlite_dir: Option<tempfile::TempDir>,
    postgres_database: Option<String>,
}

impl TestBackend {
    pub async fn new(kind: Kind) -> Self {
        match kind {
            Kind::Sqlite => Self::sqlite().await,
            Kind::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("groundwork.db").display());
        Self {
            kind: Kind::Sqlite,
            url,
            sqlite_dir: Some(dir),
            postgres_database: None,
        }
    }

    pub async fn postgres() -> Self {
        let server = postgres_server_url();
        let name = format!("gw_test_{}", Uuid::new_v4().simple());
        let mut admin = connect_postgres(&server).await;
        sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let url = match server.rfind('/') {
            Some(slash) if !server[..slash].ends_with('/') => {
                format!("{}/{name}", &server[..slash])
            }
            _ => format!("{server}/{name}"),
        };
        Self {
            kind: Kind::Postgres,
            url,
            sqlite_dir: None,
            postgres_database: Some(name),
        }
    }

    /// A connected, migrated store.
    pub async fn store(&self, key: &MasterKey) -> Store {
        self.store_with(key, StoreOptions::default()).await
    }

    pub async fn store_with(&self, key: &MasterKey, options: StoreOptions) -> Store {
        let store = Store::connect(&self.url, key.clone(), options)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store
    }

    /// Runs portable SQL directly, behind the store's back (to plant old rows or tamper with snapshots).
    pub async fn execute(&self, sql: &str) {
        match self.kind {
            Kind::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Kind::Postgres => {
                let mut connection = connect_postgres(&self.url).await;
                sqlx::raw_sql(sql).execute(&mut connection).await.unwrap();
            }
        }
    }

    /// The SQLite database file and its write-ahead log (which may not exist).
    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        let dir = self.sqlite_dir.as_ref().expect("a SQLite backend");
        vec![
            dir.path().join("groundwork.db"),
            dir.path().join("groundwork.db-wal"),
        ]
    }

    /// Everything the database holds as bytes: the SQLite files as they are on disk, or a `pg_dump` of the
    /// PostgreSQL database.
    pub fn raw_bytes(&self) -> Vec<u8> {
        match self.kind {
            Kind::Sqlite => {
                let mut bytes = Vec::new();
                for file in self.sqlite_files() {
                    if let Ok(content) = std::fs::read(&file) {
                        bytes.extend(content);
                    }
                }
                bytes
            }
            Kind::Postgres => {
                let pg_dump = ["/usr/lib/postgresql/15/bin/pg_dump", "/usr/bin/pg_dump"]
                    .into_iter()
                    .find(|path| std::path::Path::new(path).exists())
                    .unwrap_or("pg_dump");
                let output = std::process::Command::new(pg_dump)
                    .arg("--dbname")
                    .arg(&self.url)
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                output.stdout
            }
        }
    }
}

async fn connect_postgres(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|error| {
            panic!("cannot reach PostgreSQL at {url} (set GROUNDWORK_TEST_PG_URL): {error}")
        })
}

impl Drop for TestBackend {
    fn drop(&mut self) {
        let Some(name) = self.postgres_database.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on; a helper thread with its own
        // runtime drops the database (FORCE ends the connections pools still hold).
        let server = postgres_server_url();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = connect_postgres(&server).await;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::Executor::execute(&mut admin, sql.as_str()).await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("could not drop a test database");
        }
    }
}

/// Runs each listed `async fn name(backend: TestBackend)` once per backend, as `sqlite::name` and
/// `postgres::name`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::TestBackend::new($crate::Kind::Sqlite).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::TestBackend::new($crate::Kind::Postgres).await).await;
                }
            )*
        }
    };
}

/// A member of a test club: a tiny aggregate with a personal name, whose stream id is the person's id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub person: Option<Uuid>,
    pub name: Option<Sensitive<String>>,
    pub nicknames: Vec<Sensitive<String>>,
    pub points: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MemberEvent {
    Joined {
        person: Uuid,
        name: Sensitive<String>,
    },
    NicknameAdded {
        nickname: Sensitive<String>,
    },
    /// Version 1 called the field `amount`; version 2 calls it `points`.
    PointsAdded {
        points: u64,
    },
}

impl DomainEvent for MemberEvent {
    fn event_type(&self) -> String {
        match self {
            Self::Joined { .. } => "Joined",
            Self::NicknameAdded { .. } => "NicknameAdded",
            Self::PointsAdded { .. } => "PointsAdded",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        Member::event_schema_version(&self.event_type()).to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum MemberCommand {
    Join { name: String },
    AddNickname { nickname: String },
    AddPoints { points: u64 },
}

#[derive(Debug)]
pub enum MemberError {
    AlreadyJoined,
    NotJoined,
}

impl std::fmt::Display for MemberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AlreadyJoined => f.write_str("already joined"),
            Self::NotJoined => f.write_str("not joined"),
        }
    }
}

impl std::error::Error for MemberError {}

impl Aggregate for Member {
    const TYPE: &'static str = "member";
    type Command = MemberCommand;
    type Event = MemberEvent;
    type Error = MemberError;
    /// The member's person id, which the stream id alone would also give.
    type Services = Uuid;

    async fn handle(
        &mut self,
        command: MemberCommand,
        person: &Uuid,
        sink: &EventSink<Self>,
    ) -> Result<(), MemberError> {
        match command {
            MemberCommand::Join { name } => {
                if self.person.is_some() {
                    return Err(MemberError::AlreadyJoined);
                }
                let event = MemberEvent::Joined {
                    person: *person,
                    name: Sensitive::new(name),
                };
                sink.write(event, self).await;
            }
            MemberCommand::AddNickname { nickname } => {
                if self.person.is_none() {
                    return Err(MemberError::NotJoined);
                }
                sink.write(
                    MemberEvent::NicknameAdded {
                        nickname: Sensitive::new(nickname),
                    },
                    self,
                )
                .await;
            }
            MemberCommand::AddPoints { points } => {
                if self.person.is_none() {
                    return Err(MemberError::NotJoined);
                }
                sink.write(MemberEvent::PointsAdded { points }, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: MemberEvent) {
        match event {
            MemberEvent::Joined { person, name } => {
                self.person = Some(person);
                self.name = Some(name);
            }
            MemberEvent::NicknameAdded { nickname } => self.nicknames.push(nickname),
            MemberEvent::PointsAdded { points } => self.points += points,
        }
    }
}

impl StoredAggregate for Member {
    const SNAPSHOT_VERSION: u32 = 1;

    fn event_schema_version(event_type: &str) -> u32 {
        match event_type {
            "PointsAdded" => 2,
            _ => 1,
        }
    }

    fn upcast(event_type: &str, version: u32, payload: Value) -> Result<Value, UpcastError> {
        match (event_type, version) {
            ("PointsAdded", 1) => {
                let amount = payload
                    .pointer("/PointsAdded/amount")
                    .cloned()
                    .ok_or_else(|| UpcastError {
                        event_type: event_type.to_string(),
                        version,
                        reason: "missing amount".to_string(),
                    })?;
                Ok(serde_json::json!({"PointsAdded": {"points": amount}}))
            }
            _ if version == Self::event_schema_version(event_type) => Ok(payload),
            _ => Err(UpcastError {
                event_type: event_type.to_string(),
                version,
                reason: "no upcaster for this version".to_string(),
            }),
        }
    }

    fn data_subject(aggregate_id: &str) -> Option<Uuid> {
        Uuid::parse_str(aggregate_id).ok()
    }
}

/// Metadata as the application writes it.
pub fn metadata() -> std::collections::HashMap<String, String> {
    domain::EventMetadata {
        actor: domain::ids::UserId::new_random(),
        chapter: domain::ids::ChapterId::new_random(),
        at: chrono::Utc::now(),
        correlation: domain::ids::CorrelationId::new_random(),
    }
    .to_map()
}

/// Decodes standard base64 (the export's encoding of wrapped keys) without another dependency.
pub fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|byte| *byte != b'=') {
        let value = ALPHABET.iter().position(|a| *a == byte).unwrap() as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// A cqrs-es framework for the test aggregate, on `store`.
pub fn member_cqrs(
    store: &Store,
    person: Uuid,
) -> cqrs_es::CqrsFramework<Member, store::AggregateStore<Member>> {
    cqrs_es::CqrsFramework::new(store::AggregateStore::new(store.clone()), vec![], person)
}

/// A member who has just joined under `name`.
pub async fn join_member(store: &Store, name: &str) -> Uuid {
    let person = Uuid::new_v4();
    member_cqrs(store, person)
        .execute_with_metadata(
            &person.to_string(),
            MemberCommand::Join {
                name: name.to_string(),
            },
            metadata(),
        )
        .await
        .unwrap();
    person
}

/// `AddPoints` commands on a member, one per item of `points`, in order.
pub async fn add_member_points(store: &Store, person: Uuid, points: impl IntoIterator<Item = u64>) {
    let framework = member_cqrs(store, person);
    for points in points {
        framework
            .execute_with_metadata(
                &person.to_string(),
                MemberCommand::AddPoints { points },
                metadata(),
            )
            .await
            .unwrap();
    }
}
