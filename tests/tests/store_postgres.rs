//! PostgreSQL-only behaviour: commits finish out of transaction order there, and a catch-up reader must
//! still never skip the transaction that commits late.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use serde_json::json;
use sqlx::Connection;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use store::{MasterKey, NewEvent, Position, StreamAppend};
use tests::TestBackend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_that_commits_late_is_not_skipped() {
    let backend = TestBackend::postgres().await;
    let store = backend.store(&MasterKey::generate()).await;

    // An older writer: its transaction id is taken before the store's append, its commit comes after.
    let (mut late, late_tx) = open_transaction(&backend.url).await;

    let appended = store.append(vec![tick("early")]).await.unwrap();
    assert!(appended[0].position.tx > late_tx);
    assert!(
        store
            .read_all(Position::START, 10)
            .await
            .unwrap()
            .is_empty(),
        "the newer commit is held back while an older transaction may still add events before it"
    );

    commit_late(&mut late, late_tx).await;

    // A transaction of another database that commits between the reader's snapshot and its look at
    // `pg_stat_activity` holds the horizon back for that one read (ADR 2): read again until the deadline.
    let deadline = Instant::now() + Duration::from_secs(30);
    let events = loop {
        let events = store.read_all(Position::START, 10).await.unwrap();
        if events.len() == 2 || Instant::now() > deadline {
            break events;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let streams: Vec<_> = events
        .iter()
        .map(|event| event.stream_id.as_str())
        .collect();
    assert_eq!(
        streams,
        ["late", "early"],
        "the late transaction sorts first and is seen"
    );
}

fn tick(stream: &str) -> StreamAppend {
    StreamAppend {
        stream_type: "counter".into(),
        stream_id: stream.into(),
        data_subject: None,
        expected_version: 0,
        events: vec![NewEvent {
            event_type: "Ticked".into(),
            schema_version: 1,
            payload: json!({"Ticked": {}}),
            metadata: HashMap::new(),
        }],
        snapshot: None,
        forgets_subject: false,
    }
}

/// Appends one event in the given open transaction (as the store would, with its id) and commits it.
async fn commit_late(connection: &mut sqlx::PgConnection, tx_id: i64) {
    sqlx::query(
        "INSERT INTO events (tx_id, stream_type, stream_id, stream_version, event_type, schema_version, \
         data_subject, payload, metadata, recorded_at) \
         VALUES ($1, 'counter', 'late', 1, 'Ticked', 1, NULL, '{\"Ticked\":{}}', '{}', now())",
    )
    .bind(tx_id)
    .execute(&mut *connection)
    .await
    .unwrap();
    sqlx::query("COMMIT").execute(connection).await.unwrap();
}

/// Opens a transaction that holds a transaction id (as a projection batch does with its checkpoint lock).
async fn open_transaction(url: &str) -> (sqlx::PgConnection, i64) {
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut connection).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT pg_current_xact_id()::text::bigint")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    (connection, id)
}

/// Reads until `streams` are all there (a transaction of another database that commits during a read holds
/// that read back, ADR 2), or gives up after 30 s.
async fn read_until(store: &store::Store, passing: &[i64], streams: &[&str]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen: Vec<String> = store
            .read_all_passing(Position::START, 10, passing)
            .await
            .unwrap()
            .into_iter()
            .map(|event| event.stream_id)
            .collect();
        if streams
            .iter()
            .all(|stream| seen.iter().any(|s| s == stream))
            || Instant::now() > deadline
        {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_passes_transactions_it_names_as_not_appending_and_no_others() {
    let backend = TestBackend::postgres().await;
    let store = backend.store(&MasterKey::generate()).await;

    // A transaction that never appends (a projection batch) is older than the next append.
    let (mut batch, batch_id) = open_transaction(&backend.url).await;
    store.append(vec![tick("first")]).await.unwrap();
    assert!(
        store
            .read_all(Position::START, 10)
            .await
            .unwrap()
            .is_empty(),
        "a plain reader waits for every older transaction"
    );
    assert_eq!(
        read_until(&store, &[batch_id], &["first"]).await,
        ["first"],
        "a reader that names the batch as not appending sees the commit behind it"
    );

    // A transaction the reader does not name still holds the horizon, named batch or not.
    let (mut late, late_id) = open_transaction(&backend.url).await;
    store.append(vec![tick("second")]).await.unwrap();
    // Waits for "first": another test's transaction in another database can hold the horizon for a moment
    // too, until the reader's next look at `pg_stat_activity` passes it.
    let seen = read_until(&store, &[batch_id], &["first"]).await;
    assert_eq!(
        seen,
        ["first"],
        "an unnamed older transaction may still append before `second`: it is not read past"
    );
    commit_late(&mut late, late_id).await;
    assert_eq!(
        read_until(&store, &[batch_id], &["first", "late", "second"]).await,
        ["first", "late", "second"],
        "the late commit is read in its place, before the newer one"
    );
    sqlx::query("ROLLBACK").execute(&mut batch).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_in_another_database_does_not_hold_the_reader_back() {
    let backend = TestBackend::postgres().await;
    let store = backend.store(&MasterKey::generate()).await;
    // Another application's database on the same server, with a write transaction that stays open.
    let elsewhere = TestBackend::postgres().await;
    let (mut other, other_id) = open_transaction(&elsewhere.url).await;

    let appended = store.append(vec![tick("here")]).await.unwrap();
    assert!(appended[0].position.tx > other_id);
    assert_eq!(
        read_until(&store, &[], &["here"]).await,
        ["here"],
        "a transaction that cannot append to this database's log is read past while it runs"
    );

    // One of this database's own transactions still holds the reader back.
    let (mut late, late_id) = open_transaction(&backend.url).await;
    store.append(vec![tick("after")]).await.unwrap();
    let seen: Vec<String> = store
        .read_all(Position::START, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.stream_id)
        .collect();
    assert!(
        !seen.iter().any(|stream| stream == "after"),
        "this database's older transaction may still append before `after`: {seen:?}"
    );
    commit_late(&mut late, late_id).await;
    assert_eq!(
        read_until(&store, &[], &["here", "late", "after"]).await,
        ["here", "late", "after"]
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
}

/// `tick`, of `chapter` (its events name the chapter in their metadata).
fn chapter_tick(chapter: &str, stream: &str) -> StreamAppend {
    let mut append = tick(stream);
    for event in &mut append.events {
        event
            .metadata
            .insert("chapter".to_string(), chapter.to_string());
    }
    append
}

/// While a chapter's group waits for the chapter's lock (another process holds it), the store's other
/// writer slot goes on committing other chapters' appends; the waiting chapter's later appends stay queued
/// instead of taking that slot to wait beside it (docs/performance.md, round 12), and commit once the lock
/// is free, numbered in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chapter_that_waits_holds_up_only_its_own_appends() {
    let backend = TestBackend::postgres().await;
    let store = backend.store(&MasterKey::generate()).await;
    let mut holder = sqlx::PgConnection::connect(&backend.url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(1196883993, hashtext('held'))")
        .execute(&mut holder)
        .await
        .unwrap();
    let first = tokio::spawn({
        let store = store.clone();
        async move { store.append(vec![chapter_tick("held", "held-1")]).await }
    });
    // The first group waits for the lock: seen in pg_locks, from another connection.
    wait_for_chapter_lock_waiters(&mut holder, 1, "the first group never waited for the lock")
        .await;
    let second = tokio::spawn({
        let store = store.clone();
        async move { store.append(vec![chapter_tick("held", "held-2")]).await }
    });
    for n in 0..3 {
        let free = tokio::time::timeout(
            Duration::from_secs(30),
            store.append(vec![chapter_tick("free", &format!("free-{n}"))]),
        )
        .await
        .expect("another chapter's append commits while the held chapter waits")
        .unwrap();
        assert_eq!(free[0].chapter_position, Some(n + 1));
    }
    assert!(!first.is_finished() && !second.is_finished());

    sqlx::query("SELECT pg_advisory_unlock(1196883993, hashtext('held'))")
        .execute(&mut holder)
        .await
        .unwrap();
    let wait = |task| tokio::time::timeout(Duration::from_secs(30), task);
    let first = wait(first).await.unwrap().unwrap().unwrap();
    let second = wait(second).await.unwrap().unwrap().unwrap();
    assert_eq!(first[0].chapter_position, Some(1));
    assert_eq!(second[0].chapter_position, Some(2));
    assert!(second[0].position > first[0].position);
}

/// A store seals an append's personal values before it takes the chapter's lock (an import's thousands of
/// events are not sealed while the chapter's other writers wait), with keys read or made before the write's
/// transaction. Two processes that both make a key for one new person meanwhile: the first to write stores
/// its key, the second finds that key stored and seals its values again with it, so both people's values
/// open in a third process and the person has one key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_that_made_a_key_for_one_new_person_both_seal_with_the_stored_one() {
    let backend = TestBackend::postgres().await;
    let key = MasterKey::generate();
    let first_process = backend.store(&key).await;
    let second_process = backend.store(&key).await;
    let person = uuid::Uuid::new_v4();
    let personal = |stream: &str, value: &str| {
        let mut append = chapter_tick("keys", stream);
        append.stream_type = "note".into();
        append.data_subject = Some(person);
        append.events[0].payload = json!({"Noted": {"text": {"$personal": value}}});
        append
    };
    let mut holder = sqlx::PgConnection::connect(&backend.url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(1196883993, hashtext('keys'))")
        .execute(&mut holder)
        .await
        .unwrap();
    let writes: Vec<_> = [
        (first_process.clone(), "first", "Ana of the first process"),
        (
            second_process.clone(),
            "second",
            "Ana of the second process",
        ),
    ]
    .into_iter()
    .map(|(store, stream, value)| {
        let append = personal(stream, value);
        tokio::spawn(async move { store.append(vec![append]).await })
    })
    .collect();
    // Both wait for the chapter's lock (seen in pg_locks), so both have sealed with keys of their own.
    wait_for_chapter_lock_waiters(
        &mut holder,
        2,
        "the two writes never both waited for the lock",
    )
    .await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_keys")
        .fetch_one(&mut holder)
        .await
        .unwrap();
    assert_eq!(
        stored, 0,
        "no key is stored before the writes have the lock"
    );
    sqlx::query("SELECT pg_advisory_unlock(1196883993, hashtext('keys'))")
        .execute(&mut holder)
        .await
        .unwrap();
    for write in writes {
        tokio::time::timeout(Duration::from_secs(30), write)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_keys WHERE person_id = $1")
        .bind(person.to_string())
        .fetch_one(&mut holder)
        .await
        .unwrap();
    assert_eq!(keys, 1);

    let third_process = backend.store(&key).await;
    for (stream, value) in [
        ("first", "Ana of the first process"),
        ("second", "Ana of the second process"),
    ] {
        let events = third_process.read_stream("note", stream, 0).await.unwrap();
        assert_eq!(
            events[0].payload["Noted"]["text"],
            json!({"$personal": value}),
            "the {stream} process's value opens with the stored key"
        );
    }
    // And in the process whose own key lost: its cache holds the stored key, not the one it made.
    for store in [&first_process, &second_process] {
        let events = store.read_stream("note", "second", 0).await.unwrap();
        assert_eq!(
            events[0].payload["Noted"]["text"],
            json!({"$personal": "Ana of the second process"})
        );
    }
}

/// Returns once `count` connections of this database wait for a chapter's append lock (seen in `pg_locks`
/// from `connection`); fails with `failure` after 30 seconds.
async fn wait_for_chapter_lock_waiters(
    connection: &mut sqlx::PgConnection,
    count: i64,
    failure: &str,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
             AND classid = 1196883993 \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .fetch_one(&mut *connection)
        .await
        .unwrap();
        if waiting >= count {
            return;
        }
        assert!(Instant::now() < deadline, "{failure}");
        tokio::task::yield_now().await;
    }
}
