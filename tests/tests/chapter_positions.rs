//! Each chapter numbers its own events (issue 12 item 12, docs/adr/0019), on every backend: numbers given
//! in the append's transaction are 1, 2, 3, … per chapter in the global order, whatever other chapters,
//! other writer slots and other processes write at the same time; the events stored before the numbering
//! are numbered by the migration; a chapter's number maps back to its place in the log. What the API shows
//! with them is in `security`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use store::sql::{args, Db};
use store::{BackendKind, MasterKey, NewEvent, Position, Store, StoreOptions, StreamAppend};
use tests::{backend_tests, Kind, TestBackend};

backend_tests!(
    concurrent_appends_of_two_processes_number_each_chapter_in_the_global_order,
    a_group_of_thousands_of_events_is_numbered_and_stored_in_order,
    the_migration_numbers_the_events_stored_before_it,
);

/// `count` events on `stream` (at `expected_version`), each naming `chapter` in its metadata.
fn chapter_append(
    chapter: &str,
    stream: &str,
    expected_version: u64,
    count: usize,
) -> StreamAppend {
    StreamAppend {
        stream_type: "counter".to_string(),
        stream_id: stream.to_string(),
        data_subject: None,
        expected_version,
        events: (0..count)
            .map(|n| NewEvent {
                event_type: "Ticked".to_string(),
                schema_version: 1,
                payload: json!({"Ticked": {"n": n}}),
                metadata: HashMap::from([("chapter".to_string(), chapter.to_string())]),
            })
            .collect(),
        snapshot: None,
        forgets_subject: false,
    }
}

/// Every event's chapter and number, in the global order, read straight from the table.
async fn numbers_in_global_order(store: &Store) -> Vec<(Option<String>, Option<i64>, Position)> {
    Db::of(store)
        .fetch(
            "SELECT tx_id, position, metadata, chapter_position FROM events ORDER BY tx_id, position",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| {
            let metadata: HashMap<String, String> =
                serde_json::from_str(&row.text("metadata").unwrap()).unwrap();
            (
                metadata.get("chapter").cloned(),
                row.opt_int("chapter_position").unwrap(),
                Position {
                    tx: row.int("tx_id").unwrap(),
                    position: row.int("position").unwrap(),
                },
            )
        })
        .collect()
}

/// Asserts that each chapter's numbers, read in the global order, are exactly 1, 2, 3, …, and that the
/// store maps each number back to its place; returns how many events each chapter has.
async fn assert_numbered_in_global_order(store: &Store) -> BTreeMap<String, u64> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let events = numbers_in_global_order(store).await;
    // At some hundred places of the log, every other chapter has come as far as its events before them.
    let every = (events.len() / 200).max(1);
    let chapters: BTreeSet<String> = events
        .iter()
        .filter_map(|(chapter, ..)| chapter.clone())
        .collect();
    for (index, (chapter, number, position)) in events.into_iter().enumerate() {
        if index % every == 0 {
            for other in chapters
                .iter()
                .filter(|other| Some(*other) != chapter.as_ref())
            {
                assert_eq!(
                    store.chapter_position_at(other, position).await.unwrap(),
                    counts.get(other).copied().unwrap_or(0),
                    "chapter {other} at {position:?}, between its events"
                );
            }
        }
        let Some(chapter) = chapter else {
            assert_eq!(number, None, "an event of no chapter has no number");
            continue;
        };
        let count = counts.entry(chapter.clone()).or_default();
        *count += 1;
        assert_eq!(
            number,
            Some(i64::try_from(*count).unwrap()),
            "chapter {chapter}'s event at {position:?}"
        );
        // A chapter's number maps back to its place in the log, and that place to the number.
        let (found, _) = store
            .chapter_event(&chapter, *count)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, position);
        assert_eq!(
            store.chapter_position_at(&chapter, position).await.unwrap(),
            *count
        );
    }
    for (chapter, count) in &counts {
        assert_eq!(store.chapter_head(chapter).await.unwrap(), *count);
    }
    counts
}

async fn concurrent_appends_of_two_processes_number_each_chapter_in_the_global_order(
    backend: TestBackend,
) {
    let key = MasterKey::generate();
    // Two stores on one database, as two server processes would be, each with its own group commit (and,
    // on PostgreSQL, two writer slots each).
    let first = backend.store(&key).await;
    let second = backend.store_with(&key, StoreOptions::default()).await;
    let chapters = ["chapter-a", "chapter-b", "chapter-c"];
    let mut writers = Vec::new();
    for writer in 0..12 {
        let store = if writer % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        writers.push(tokio::spawn(async move {
            for round in 0..8u64 {
                // Each writer has its own streams (no conflicts); its appends name one or two chapters.
                let chapter = chapters[(writer + round as usize) % chapters.len()];
                let other = chapters[(writer + round as usize + 1) % chapters.len()];
                let mut batch = vec![chapter_append(
                    chapter,
                    &format!("w{writer}-main"),
                    round * 2,
                    2,
                )];
                if round % 3 == 0 {
                    batch.push(chapter_append(
                        other,
                        &format!("w{writer}-side-{round}"),
                        0,
                        1,
                    ));
                }
                let appended = store.append(batch).await.unwrap();
                // The append hears its own numbers.
                assert!(appended
                    .iter()
                    .all(|event| event.chapter_position.is_some_and(|number| number >= 1)));
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    // An event of no chapter gets no number and moves no chapter.
    let mut untagged = chapter_append("x", "untagged", 0, 1);
    untagged.events[0].metadata.clear();
    let appended = first.append(vec![untagged]).await.unwrap();
    assert_eq!(appended[0].chapter_position, None);

    let counts = assert_numbered_in_global_order(&first).await;
    let total: u64 = counts.values().sum();
    assert_eq!(total, 12 * 8 * 2 + 12 * 3);
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert_eq!(first.chapter_head("no-such-chapter").await.unwrap(), 0);
    first.close().await;
    second.close().await;
}

/// An import-sized group (more rows than a command's group commit ever has, which PostgreSQL takes through
/// `UNNEST` rather than `VALUES`, docs/performance.md round 16): every row is stored with its own payload and
/// version, the positions the append answers are each event's own, and each chapter is numbered 1, 2, 3, …
/// in the global order, with small groups before and after it.
async fn a_group_of_thousands_of_events_is_numbered_and_stored_in_order(backend: TestBackend) {
    let key = MasterKey::generate();
    let store = backend.store(&key).await;
    store
        .append(vec![chapter_append("chapter-a", "before", 0, 3)])
        .await
        .unwrap();
    let mut untagged = chapter_append("x", "untagged", 0, 7);
    for event in &mut untagged.events {
        event.metadata.clear();
    }
    let group = vec![
        chapter_append("chapter-b", "big-b", 0, 900),
        chapter_append("chapter-a", "big-a", 0, 1_100),
        untagged,
    ];
    let appended = store.append(group).await.unwrap();
    assert_eq!(appended.len(), 2_007);
    // Each answered event is a different row (below, each stream read back has its answered positions).
    let mut seen = std::collections::HashSet::new();
    for event in &appended {
        assert!(seen.insert(event.position), "{event:?}");
    }
    store
        .append(vec![chapter_append("chapter-b", "after", 0, 2)])
        .await
        .unwrap();
    for (stream, count) in [("big-a", 1_100), ("big-b", 900), ("untagged", 7)] {
        let events = store.read_stream("counter", stream, 0).await.unwrap();
        assert_eq!(events.len(), count, "{stream}");
        for (n, event) in events.iter().enumerate() {
            assert_eq!(event.stream_version, n as u64 + 1, "{stream}");
            assert_eq!(event.payload, json!({"Ticked": {"n": n}}), "{stream}");
            let answered = appended
                .iter()
                .find(|answered| {
                    answered.stream_id == stream && answered.stream_version == event.stream_version
                })
                .unwrap();
            assert_eq!(answered.position, event.position, "{stream} {n}");
            assert_eq!(
                answered.chapter_position, event.chapter_position,
                "{stream} {n}"
            );
        }
    }
    let counts = assert_numbered_in_global_order(&store).await;
    assert_eq!(counts.get("chapter-a"), Some(&(3 + 1_100)));
    assert_eq!(counts.get("chapter-b"), Some(&(900 + 2)));
    store.close().await;
}

/// The migrations before chapter numbering, run on a store that is not migrated yet.
async fn migrate_before_numbering(store: &Store, kind: Kind) {
    let mut migrator = store::migrations::migrator(match kind {
        Kind::Sqlite => BackendKind::Sqlite,
        Kind::Postgres => BackendKind::Postgres,
    })
    .await
    .unwrap();
    migrator.migrations = std::borrow::Cow::Owned(
        migrator
            .migrations
            .iter()
            .filter(|migration| migration.version < 20261201180000)
            .cloned()
            .collect(),
    );
    match kind {
        Kind::Sqlite => migrator.run(store.sqlite_pool().unwrap()).await.unwrap(),
        Kind::Postgres => migrator.run(store.postgres_pool().unwrap()).await.unwrap(),
    }
}

async fn the_migration_numbers_the_events_stored_before_it(backend: TestBackend) {
    let key = MasterKey::generate();
    let store = Store::connect(&backend.url, key.clone(), StoreOptions::default())
        .await
        .unwrap();
    migrate_before_numbering(&store, backend.kind).await;
    // Events as an older version stored them: two chapters interleaved, inserted out of their global order
    // (the order is (tx_id, position), not the order of the rows), and one event of no chapter.
    let rows: [(i64, i64, Option<&str>); 7] = [
        (5, 50, Some("chapter-a")),
        (1, 10, Some("chapter-a")),
        (2, 20, Some("chapter-b")),
        (2, 21, Some("chapter-a")),
        (3, 30, None),
        (4, 40, Some("chapter-b")),
        (4, 41, Some("chapter-a")),
    ];
    let db = Db::of(&store);
    for (version, (tx, position, chapter)) in rows.iter().enumerate() {
        let metadata = match chapter {
            Some(chapter) => json!({"actor": "someone", "chapter": chapter}).to_string(),
            None => json!({"actor": "someone"}).to_string(),
        };
        db.execute(
            "INSERT INTO events (position, tx_id, stream_type, stream_id, stream_version, event_type, \
             schema_version, data_subject, payload, metadata, recorded_at) \
             VALUES ($1, $2, 'counter', 'old', $3, 'Ticked', 1, NULL, '{}', $4, $5)",
            &args![
                *position,
                *tx,
                i64::try_from(version).unwrap() + 1,
                metadata,
                chrono::Utc::now()
            ],
        )
        .await
        .unwrap();
    }
    // A change-explorer row of one of them, projected before the numbering.
    db.execute(
        "INSERT INTO rm_activity (position, tx, chapter_id, campaign_id, actor, at, kind, person_id, \
         task_id, test_id, summary) VALUES (41, 4, 'chapter-a', NULL, 'someone', $1, 'Ticked', NULL, \
         NULL, NULL, 'ticked')",
        &args![chrono::Utc::now()],
    )
    .await
    .unwrap();

    store.migrate().await.unwrap();

    let counts = assert_numbered_in_global_order(&store).await;
    assert_eq!(
        counts,
        BTreeMap::from([("chapter-a".to_string(), 4), ("chapter-b".to_string(), 2)])
    );
    // Event 41 is chapter A's third in the global order (10, 21, 41, 50), and its activity row says so.
    let activity = db
        .fetch_one(
            "SELECT chapter_position FROM rm_activity WHERE position = 41",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(activity.opt_int("chapter_position").unwrap(), Some(3));
    // New events carry on from there.
    let appended = store
        .append(vec![chapter_append("chapter-b", "new", 0, 2)])
        .await
        .unwrap();
    let numbers: Vec<Option<u64>> = appended
        .iter()
        .map(|event| event.chapter_position)
        .collect();
    assert_eq!(numbers, vec![Some(3), Some(4)]);
    store.close().await;
}
