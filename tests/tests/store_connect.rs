//! Connecting: clear errors for bad URLs and unreachable databases.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use store::{MasterKey, Store, StoreError, StoreOptions};

#[tokio::test]
async fn an_unknown_scheme_is_an_invalid_url() {
    let error = Store::connect(
        "mysql://localhost/x",
        MasterKey::generate(),
        StoreOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, StoreError::InvalidUrl { .. }), "{error:?}");
    assert!(error.to_string().contains("mysql"));
}

#[tokio::test]
async fn in_memory_sqlite_is_refused() {
    let error = Store::connect(
        "sqlite::memory:",
        MasterKey::generate(),
        StoreOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, StoreError::InvalidUrl { .. }), "{error:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_named() {
    let options = StoreOptions {
        acquire_timeout: std::time::Duration::from_secs(2),
        ..StoreOptions::default()
    };
    let error = Store::connect(
        "postgres://postgres@127.0.0.1:1/none",
        MasterKey::generate(),
        options,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Unreachable {
                backend: "PostgreSQL",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_missing_sqlite_file_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());
    let store = Store::connect(&url, MasterKey::generate(), StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert!(dir.path().join("new.db").exists());
}

#[test]
fn a_master_key_never_prints() {
    let key = MasterKey::generate();
    assert_eq!(format!("{key:?}"), "[redacted]");
    assert!(MasterKey::from_base64("not base64!").is_err());
}

#[tokio::test]
async fn a_missing_postgres_database_is_created() {
    let server = tests::postgres_server_url();
    let name = format!("gw_test_created_{}", uuid::Uuid::new_v4().simple());
    let url = match server.rfind('/') {
        Some(slash) => format!("{}/{name}", &server[..slash]),
        None => format!("{server}/{name}"),
    };
    let store = Store::connect(&url, MasterKey::generate(), StoreOptions::default())
        .await
        .expect("a missing database is created on first start");
    store.migrate().await.expect("the new database migrates");
    store.close().await;
    use sqlx::Connection as _;
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("the server answers");
    sqlx::Executor::execute(
        &mut admin,
        format!("DROP DATABASE {name} WITH (FORCE)").as_str(),
    )
    .await
    .expect("the test database is dropped");
}
