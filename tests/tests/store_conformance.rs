//! The event store's behaviour, identical on SQLite and PostgreSQL: every test here runs on both.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cqrs_es::{AggregateError, EventStore};
use domain::Sensitive;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{
    AggregateStore, MasterKey, NewEvent, Position, Store, StoreError, StoreOptions, StreamAppend,
};
use tests::{
    backend_tests, join_member as join, member_cqrs as cqrs, metadata, Kind, Member, MemberCommand,
    MemberEvent, TestBackend,
};
use uuid::Uuid;

backend_tests!(
    append_and_load_round_trip_with_metadata,
    a_stale_expected_version_is_a_conflict,
    a_catch_up_reader_sees_every_committed_event_exactly_once,
    of_many_conflicting_appends_exactly_one_wins,
    concurrent_appends_group_commit_with_the_right_winners_in_one_gap_free_order,
    a_multi_stream_append_is_atomic,
    a_stream_is_read_with_where_another_ends,
    a_snapshot_load_equals_a_full_replay,
    a_long_stream_loads_from_its_snapshot_and_the_events_after_it,
    an_older_event_schema_is_upcast_on_load,
    personal_values_are_sealed_at_rest,
    personal_data_on_a_stream_without_subject_is_refused,
    forgetting_a_person_erases_their_personal_data,
    export_then_import_then_export_is_byte_identical,
    import_refuses_a_non_empty_store_and_a_wrong_master_key,
    a_wrong_master_key_is_refused_at_start_up,
    a_hundred_thousand_events_export_and_import_quickly,
    an_idempotency_claim_is_stamped_with_the_time_given,
);

/// `times` commands adding 1, 2, … points.
async fn add_points(store: &Store, person: Uuid, times: u64) {
    tests::add_member_points(store, person, 1..=times).await;
}

/// A plain event on a stream without a data subject.
fn tick(stream: &str, expected_version: u64, count: usize) -> StreamAppend {
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
                metadata: HashMap::new(),
            })
            .collect(),
        snapshot: None,
        forgets_subject: false,
    }
}

/// Follows the log up to its head. On PostgreSQL `read_all` holds events back while an older transaction
/// anywhere in the cluster (another test's, say) is still running, so an empty page is not the end yet.
async fn read_everything(store: &Store) -> Vec<store::RecordedEvent> {
    let head = store.head().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut all = Vec::new();
    let mut after = Position::START;
    while after < head {
        let page = store.read_all(after, 100).await.unwrap();
        match page.last() {
            Some(last) => after = last.position,
            None => {
                assert!(
                    Instant::now() < deadline,
                    "the log never became readable up to {head:?}"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        all.extend(page);
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn append_and_load_round_trip_with_metadata(backend: TestBackend) {
    let key = MasterKey::generate();
    let store = backend.store(&key).await;
    let person = join(&store, "Ana Lima").await;
    cqrs(&store, person)
        .execute_with_metadata(
            &person.to_string(),
            MemberCommand::AddNickname {
                nickname: "Aninha".into(),
            },
            metadata(),
        )
        .await
        .unwrap();
    add_points(&store, person, 3).await;

    let loaded = AggregateStore::<Member>::new(store.clone())
        .load(&person.to_string())
        .await
        .unwrap();
    assert_eq!(loaded.version(), 5);
    assert_eq!(
        loaded.aggregate().name,
        Some(Sensitive::new("Ana Lima".to_string()))
    );
    assert_eq!(
        loaded.aggregate().nicknames,
        vec![Sensitive::new("Aninha".to_string())]
    );
    assert_eq!(loaded.aggregate().points, 6);

    let envelopes = AggregateStore::<Member>::new(store.clone())
        .load_events(&person.to_string())
        .await
        .unwrap();
    assert_eq!(envelopes.len(), 5);
    assert_eq!(
        envelopes.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert!(
        domain::EventMetadata::from_map(&envelopes[0].metadata).is_ok(),
        "metadata survives the trip"
    );

    let all = read_everything(&store).await;
    assert_eq!(all.len(), 5);
    assert_eq!(
        all[0].payload,
        json!({"Joined": {"person": person, "name": {"$personal": "Ana Lima"}}})
    );
    assert_eq!(all[0].data_subject, Some(person));
    assert!(domain::EventMetadata::from_map(&all[0].metadata).is_ok());
    assert!(all
        .windows(2)
        .all(|pair| pair[0].position < pair[1].position));
}

async fn a_stale_expected_version_is_a_conflict(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    store.append(vec![tick("a", 0, 2)]).await.unwrap();
    let error = store.append(vec![tick("a", 1, 1)]).await.unwrap_err();
    assert!(
        matches!(&error, StoreError::Conflict { stream, expected: 1, actual: 2 } if stream == "counter/a"),
        "{error:?}"
    );

    // Through cqrs-es the same situation is an AggregateConflict.
    let person = join(&store, "Bo").await;
    let members = AggregateStore::<Member>::new(store.clone());
    let stale = members.load_aggregate(&person.to_string()).await.unwrap();
    add_points(&store, person, 1).await;
    let result = members
        .commit(
            vec![MemberEvent::PointsAdded { points: 1 }],
            stale,
            metadata(),
        )
        .await;
    assert!(matches!(result, Err(AggregateError::AggregateConflict)));
}

async fn a_catch_up_reader_sees_every_committed_event_exactly_once(backend: TestBackend) {
    const WRITERS: usize = 8;
    const COMMITS_PER_WRITER: usize = 30;
    const STREAMS: usize = 12;
    let store = backend.store(&MasterKey::generate()).await;
    let committed = Arc::new(AtomicU64::new(0));

    let reader = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut changes = store.subscribe();
            let mut seen = Vec::new();
            let mut after = Position::START;
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                let page = store.read_all(after, 37).await.unwrap();
                if let Some(last) = page.last() {
                    after = last.position;
                    seen.extend(page);
                    continue;
                }
                if seen.len() >= WRITERS * COMMITS_PER_WRITER * 2 || Instant::now() > deadline {
                    break;
                }
                // Nothing new: wait for a commit, but also poll, as a reader must for other processes.
                let _ = tokio::time::timeout(Duration::from_millis(50), changes.changed()).await;
            }
            seen
        })
    };

    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let store = store.clone();
        let committed = committed.clone();
        writers.push(tokio::spawn(async move {
            for commit in 0..COMMITS_PER_WRITER {
                // Two events on one stream, or one event each on two streams, always with a retry on conflict.
                loop {
                    let first = format!("s{}", (writer * 7 + commit * 3) % STREAMS);
                    let second = format!("s{}", (writer * 5 + commit * 11 + 1) % STREAMS);
                    let first_version = store.stream_version("counter", &first).await.unwrap();
                    let batch = if first == second || commit % 2 == 0 {
                        vec![tick(&first, first_version, 2)]
                    } else {
                        let second_version =
                            store.stream_version("counter", &second).await.unwrap();
                        vec![
                            tick(&first, first_version, 1),
                            tick(&second, second_version, 1),
                        ]
                    };
                    match store.append(batch).await {
                        Ok(appended) => {
                            committed.fetch_add(appended.len() as u64, Ordering::SeqCst);
                            break;
                        }
                        Err(StoreError::Conflict { .. }) => continue,
                        Err(error) => panic!("{error}"),
                    }
                }
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let total = committed.load(Ordering::SeqCst) as usize;
    assert_eq!(total, WRITERS * COMMITS_PER_WRITER * 2);
    let seen = reader.await.unwrap();

    assert_eq!(seen.len(), total, "every committed event, once");
    let positions: HashSet<_> = seen.iter().map(|event| event.position.position).collect();
    assert_eq!(positions.len(), total, "no event twice");
    assert!(
        seen.windows(2)
            .all(|pair| pair[0].position < pair[1].position),
        "global order only moves forward"
    );
    let mut versions: HashMap<&str, u64> = HashMap::new();
    for event in &seen {
        let version = versions.entry(event.stream_id.as_str()).or_default();
        assert_eq!(
            event.stream_version,
            *version + 1,
            "stream {} in order without gaps",
            event.stream_id
        );
        *version = event.stream_version;
    }
    // The log agrees with what a fresh reader sees.
    assert_eq!(read_everything(&store).await.len(), total);
}

async fn of_many_conflicting_appends_exactly_one_wins(backend: TestBackend) {
    const CONTENDERS: usize = 10;
    let store = backend.store(&MasterKey::generate()).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(CONTENDERS));
    let mut tasks = Vec::new();
    for _ in 0..CONTENDERS {
        let store = store.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            store.append(vec![tick("contested", 0, 3)]).await
        }));
    }
    let mut winners = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => winners += 1,
            Err(StoreError::Conflict {
                expected: 0,
                actual,
                ..
            }) => assert_eq!(actual, 3),
            Err(error) => panic!("unexpected {error}"),
        }
    }
    assert_eq!(winners, 1);
    assert_eq!(
        store.stream_version("counter", "contested").await.unwrap(),
        3
    );
    assert_eq!(read_everything(&store).await.len(), 3);
}

/// Appends `count` events to `stream`, each saying who wrote it.
fn signed(stream: &str, expected_version: u64, count: usize, writer: &str) -> StreamAppend {
    let mut append = tick(stream, expected_version, count);
    for event in &mut append.events {
        event.payload = json!({"Ticked": {"writer": writer}});
    }
    append
}

/// Many appends at once, most of them racing for the same version of a few streams, so the store groups
/// them into shared transactions: each append still wins or loses on its own expected versions, a loser
/// hears `Conflict` with the version the winner left, a multi-stream loser writes nothing anywhere, and
/// the log reads back in one order with every stream's versions gap-free and each version from its winner.
async fn concurrent_appends_group_commit_with_the_right_winners_in_one_gap_free_order(
    backend: TestBackend,
) {
    const STREAMS: usize = 6;
    const CONTENDERS: usize = 4;
    const ROUNDS: u64 = 12;
    let store = backend.store(&MasterKey::generate()).await;
    // stream → version → the writer whose append won it
    let mut expected_writers: HashMap<String, HashMap<u64, String>> = HashMap::new();
    let mut pair_winners = 0;
    for round in 0..ROUNDS {
        let tasks_count = STREAMS * CONTENDERS + 1;
        let barrier = Arc::new(tokio::sync::Barrier::new(tasks_count));
        let mut tasks = Vec::new();
        for stream in 0..STREAMS {
            for contender in 0..CONTENDERS {
                let store = store.clone();
                let barrier = barrier.clone();
                let stream = format!("g{stream}");
                let writer = format!("r{round}-g{stream}-c{contender}");
                tasks.push(tokio::spawn(async move {
                    barrier.wait().await;
                    let result = store
                        .append(vec![signed(&stream, round * 2, 2, &writer)])
                        .await;
                    (vec![stream], writer, result)
                }));
            }
        }
        // A two-stream append racing on g0 together with a fresh stream of its own.
        {
            let store = store.clone();
            let barrier = barrier.clone();
            let writer = format!("r{round}-pair");
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let pair = format!("pair{round}");
                let result = store
                    .append(vec![
                        signed(&pair, 0, 1, &writer),
                        signed("g0", round * 2, 2, &writer),
                    ])
                    .await;
                (vec![pair, "g0".to_string()], writer, result)
            }));
        }
        let mut winners: HashMap<String, usize> = HashMap::new();
        for task in tasks {
            let (streams, writer, result) = task.await.unwrap();
            match result {
                Ok(appended) => {
                    for stream in &streams {
                        *winners.entry(stream.clone()).or_default() += 1;
                    }
                    for event in &appended {
                        expected_writers
                            .entry(event.stream_id.clone())
                            .or_default()
                            .insert(event.stream_version, writer.clone());
                    }
                    if writer.ends_with("pair") {
                        pair_winners += 1;
                        assert_eq!(appended.len(), 3);
                    }
                }
                Err(StoreError::Conflict {
                    stream,
                    expected,
                    actual,
                }) => {
                    assert_eq!(stream, format!("counter/{}", streams.last().unwrap()));
                    assert_eq!(expected, round * 2);
                    assert_eq!(
                        actual,
                        round * 2 + 2,
                        "a loser hears where the winner left it"
                    );
                }
                Err(error) => panic!("unexpected {error}"),
            }
        }
        for stream in 0..STREAMS {
            assert_eq!(
                winners.get(&format!("g{stream}")),
                Some(&1),
                "round {round}"
            );
        }
        let pair_version = store
            .stream_version("counter", &format!("pair{round}"))
            .await
            .unwrap();
        assert_eq!(
            pair_version,
            u64::from(winners.contains_key(&format!("pair{round}"))),
            "the pair's own stream is written exactly when its append won"
        );
    }
    for stream in 0..STREAMS {
        assert_eq!(
            store
                .stream_version("counter", &format!("g{stream}"))
                .await
                .unwrap(),
            ROUNDS * 2
        );
    }

    let log = read_everything(&store).await;
    let total: usize = expected_writers.values().map(HashMap::len).sum();
    assert_eq!(total, STREAMS * ROUNDS as usize * 2 + pair_winners);
    assert_eq!(
        log.len(),
        total,
        "every winning event once, nothing of a loser"
    );
    assert!(
        log.windows(2)
            .all(|pair| pair[0].position < pair[1].position),
        "one strictly increasing global order"
    );
    let mut next_version: HashMap<&str, u64> = HashMap::new();
    for event in &log {
        let next = next_version.entry(event.stream_id.as_str()).or_insert(1);
        assert_eq!(
            event.stream_version, *next,
            "stream {} is read in version order without gaps",
            event.stream_id
        );
        *next += 1;
        assert_eq!(
            event.payload["Ticked"]["writer"].as_str(),
            expected_writers[&event.stream_id]
                .get(&event.stream_version)
                .map(String::as_str),
            "version {} of {} is the winner's",
            event.stream_version,
            event.stream_id
        );
    }
}

async fn a_stream_is_read_with_where_another_ends(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    store.append(vec![tick("read", 0, 3)]).await.unwrap();
    store.append(vec![tick("beside", 0, 2)]).await.unwrap();
    // The stream beside moves after the one read: its head is its newest event, wherever that is.
    let newest = store.append(vec![tick("beside", 2, 1)]).await.unwrap();
    let (events, head) = store
        .read_stream_beside_head(("counter", "read"), 0, ("counter", "beside"))
        .await
        .unwrap();
    let alone = store.read_stream("counter", "read", 0).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.position, e.stream_version))
            .collect::<Vec<_>>(),
        alone
            .iter()
            .map(|e| (e.position, e.stream_version))
            .collect::<Vec<_>>()
    );
    assert_eq!(events.len(), 3);
    assert_eq!(head, Some(newest[0].position));
    assert_eq!(head, store.stream_head("counter", "beside").await.unwrap());
    // From a version on; beside a stream without events; and with nothing after the version (no row to
    // carry the head).
    let (later, _) = store
        .read_stream_beside_head(("counter", "read"), 2, ("counter", "beside"))
        .await
        .unwrap();
    assert_eq!(
        later.iter().map(|e| e.stream_version).collect::<Vec<_>>(),
        vec![3]
    );
    let (_, nothing_beside) = store
        .read_stream_beside_head(("counter", "read"), 0, ("counter", "empty"))
        .await
        .unwrap();
    assert_eq!(nothing_beside, None);
    let (none, no_head) = store
        .read_stream_beside_head(("counter", "read"), 3, ("counter", "beside"))
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(no_head, None);
}

async fn a_multi_stream_append_is_atomic(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    store.append(vec![tick("left", 0, 1)]).await.unwrap();
    let error = store
        .append(vec![tick("left", 1, 2), tick("right", 5, 1)])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Conflict { stream, expected: 5, actual: 0 } if stream == "counter/right")
    );
    assert_eq!(
        store.stream_version("counter", "left").await.unwrap(),
        1,
        "the good stream was rolled back"
    );
    assert_eq!(store.stream_version("counter", "right").await.unwrap(), 0);

    let appended = store
        .append(vec![tick("left", 1, 2), tick("right", 0, 1)])
        .await
        .unwrap();
    assert_eq!(appended.len(), 3);
    assert!(
        appended
            .iter()
            .all(|event| event.position.tx == appended[0].position.tx),
        "one transaction"
    );
    assert_eq!(store.stream_version("counter", "left").await.unwrap(), 3);
    assert_eq!(store.stream_version("counter", "right").await.unwrap(), 1);

    let error = store
        .append(vec![tick("twice", 0, 1), tick("twice", 1, 1)])
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::InvalidAppend { .. }));
}

async fn a_snapshot_load_equals_a_full_replay(backend: TestBackend) {
    // Without the in-process aggregate cache, so that every load goes to the snapshot.
    let options = StoreOptions {
        snapshot_every: 10,
        aggregate_cache: 0,
        ..StoreOptions::default()
    };
    let store = backend.store_with(&MasterKey::generate(), options).await;
    let person = join(&store, "Cy Snap").await;
    add_points(&store, person, 24).await; // 25 events: snapshot at 20
    let members = AggregateStore::<Member>::new(store.clone());
    let id = person.to_string();

    let mut replayed = Member::default();
    for envelope in members.load_events(&id).await.unwrap() {
        cqrs_es::Aggregate::apply(&mut replayed, envelope.payload);
    }
    let loaded = members.load(&id).await.unwrap();
    assert_eq!(loaded.version(), 25);
    assert_eq!(loaded.aggregate(), &replayed);

    // The snapshot really is used: tamper with it and the load shows it.
    let points_at_20: u64 = (1..=19).sum();
    backend
        .execute(&format!(
            "UPDATE snapshots SET state = replace(state, '\"points\":{points_at_20}', '\"points\":100000')"
        ))
        .await;
    let tampered = members.load(&id).await.unwrap();
    assert_eq!(tampered.aggregate().points, 100000 + (20..=24).sum::<u64>());

    // A snapshot of another format version is ignored.
    backend.execute("DELETE FROM snapshots").await;
    backend
        .execute(&format!(
            "INSERT INTO snapshots (stream_type, stream_id, snapshot_version, version, data_subject, state, taken_at) \
             VALUES ('member', '{id}', 2, 25, NULL, '{{\"bogus\": true}}', '2026-01-01T00:00:00Z')"
        ))
        .await;
    assert_eq!(members.load(&id).await.unwrap().aggregate(), &replayed);
}

async fn a_long_stream_loads_from_its_snapshot_and_the_events_after_it(backend: TestBackend) {
    // Without the in-process aggregate cache, so that every load goes to the snapshot.
    let options = StoreOptions {
        aggregate_cache: 0,
        ..StoreOptions::default()
    };
    let store = backend.store_with(&MasterKey::generate(), options).await;
    let members = AggregateStore::<Member>::new(store.clone());
    let short = join(&store, "Short").await;
    add_points(&store, short, 9).await;
    let long = join(&store, "Long").await;
    // 5,000 events in commits of 50, the way a busy person's history grows.
    let mut loaded = members.load(&long.to_string()).await.unwrap();
    for _ in 0..100 {
        let events: Vec<_> = (0..50)
            .map(|_| MemberEvent::PointsAdded { points: 1 })
            .collect();
        let mut state = loaded.aggregate().clone();
        for event in &events {
            cqrs_es::Aggregate::apply(&mut state, event.clone());
        }
        members
            .commit_with_expected(
                &long.to_string(),
                loaded.version(),
                &events,
                &metadata(),
                &state,
            )
            .await
            .unwrap();
        loaded = store::LoadedAggregate::new(long.to_string(), loaded.version() + 50, state);
    }
    let long_loaded = members.load(&long.to_string()).await.unwrap();
    assert_eq!(long_loaded.version(), 5001);
    assert_eq!(long_loaded.aggregate().points, 5000);

    // How long loading takes is the benchmark's business; here the test proves why it stays flat: with
    // the old history gone from under it, the long stream still loads whole, from its newest snapshot plus
    // the few events after it.
    backend
        .execute(&format!(
            "DELETE FROM events WHERE stream_id = '{long}' AND stream_version <= 4900"
        ))
        .await;
    let from_snapshot = members.load(&long.to_string()).await.unwrap();
    assert_eq!(from_snapshot.version(), 5001);
    assert_eq!(from_snapshot.aggregate().points, 5000);
    let short_loaded = members.load(&short.to_string()).await.unwrap();
    assert_eq!(
        short_loaded.version(),
        10,
        "a short stream loads from its events alone"
    );
}

async fn an_older_event_schema_is_upcast_on_load(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    let person = join(&store, "Dee Old").await;
    // A version-1 PointsAdded as an older release wrote it: `amount`, not `points`.
    backend
        .execute(&format!(
            "INSERT INTO events (tx_id, stream_type, stream_id, stream_version, event_type, schema_version, \
             data_subject, payload, metadata, recorded_at) VALUES ((SELECT MAX(tx_id) + 1 FROM events), 'member', \
             '{person}', 2, 'PointsAdded', 1, '{person}', '{{\"PointsAdded\":{{\"amount\":7}}}}', '{{}}', \
             '2026-01-01T00:00:00Z')"
        ))
        .await;
    add_points(&store, person, 1).await; // written at version 2 of the schema
    let loaded = AggregateStore::<Member>::new(store.clone())
        .load(&person.to_string())
        .await
        .unwrap();
    assert_eq!(loaded.version(), 3);
    assert_eq!(loaded.aggregate().points, 8);
    let all = read_everything(&store).await;
    assert_eq!(
        all[1].schema_version, 1,
        "read_all hands out events as stored, not upcast"
    );
    assert_eq!(all[2].schema_version, 2);
}

async fn personal_values_are_sealed_at_rest(backend: TestBackend) {
    let options = StoreOptions {
        snapshot_every: 2,
        ..StoreOptions::default()
    };
    let store = backend.store_with(&MasterKey::generate(), options).await;
    let secret = format!("Zebulon Quuxworth {}", Uuid::new_v4().simple());
    let person = join(&store, &secret).await;
    cqrs(&store, person)
        .execute_with_metadata(
            &person.to_string(),
            MemberCommand::AddNickname {
                nickname: secret.clone(),
            },
            metadata(),
        )
        .await
        .unwrap(); // version 2: a snapshot is written too
    store.close().await;

    let raw = backend.raw_bytes();
    assert!(
        !contains(&raw, secret.as_bytes()),
        "plaintext found at rest"
    );
    assert!(contains(&raw, b"$sealed"));
}

async fn personal_data_on_a_stream_without_subject_is_refused(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    let mut append = tick("plain", 0, 1);
    append.events[0].payload = json!({"Named": {"name": {"$personal": "Eve"}}});
    let error = store.append(vec![append]).await.unwrap_err();
    assert!(
        matches!(error, StoreError::PersonalDataWithoutSubject { .. }),
        "{error:?}"
    );
    // Erased values carry nothing personal and may be stored anywhere.
    let mut append = tick("plain", 0, 1);
    append.events[0].payload = json!({"Named": {"name": {"$personal": null}}});
    store.append(vec![append]).await.unwrap();
    // A member id that is not a person id has no data subject either.
    let error = AggregateStore::<Member>::new(store.clone())
        .commit_with_expected(
            "not-a-uuid",
            0,
            &[MemberEvent::NicknameAdded {
                nickname: Sensitive::new("Eve".into()),
            }],
            &metadata(),
            &Member::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        StoreError::PersonalDataWithoutSubject { .. }
    ));
}

async fn forgetting_a_person_erases_their_personal_data(backend: TestBackend) {
    let key = MasterKey::generate();
    let options = StoreOptions {
        snapshot_every: 5,
        ..StoreOptions::default()
    };
    let store = backend.store_with(&key, options.clone()).await;
    let secret = format!("Forgettable {}", Uuid::new_v4().simple());
    let person = join(&store, &secret).await;
    add_points(&store, person, 6).await; // a snapshot at 5
    let kept = join(&store, "Kept Person").await;
    let wrapped_key = wrapped_key_of(&store, person).await;

    store.forget_person(person).await.unwrap();

    let members = AggregateStore::<Member>::new(store.clone());
    let loaded = members.load(&person.to_string()).await.unwrap();
    assert_eq!(loaded.aggregate().name, Some(Sensitive::Erased));
    assert_eq!(loaded.aggregate().points, 21, "non-personal data survives");
    assert_eq!(loaded.version(), 7);
    let events = read_everything(&store).await;
    assert_eq!(
        events[0].payload["Joined"]["name"],
        json!({"$personal": null})
    );
    assert_eq!(
        members
            .load(&kept.to_string())
            .await
            .unwrap()
            .aggregate()
            .name,
        Some(Sensitive::new("Kept Person".to_string()))
    );

    // No new personal data for a forgotten person, from this process or a fresh one.
    let error = members
        .commit_with_expected(
            &person.to_string(),
            7,
            &[MemberEvent::NicknameAdded {
                nickname: Sensitive::new("again".into()),
            }],
            &metadata(),
            loaded.aggregate(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::PersonForgotten { .. }),
        "{error:?}"
    );
    add_points(&store, person, 1).await;
    store.close().await;

    let fresh = backend.store_with(&key, options).await;
    let reloaded = AggregateStore::<Member>::new(fresh.clone())
        .load(&person.to_string())
        .await
        .unwrap();
    assert_eq!(reloaded.aggregate().name, Some(Sensitive::Erased));
    fresh.close().await;

    let raw = backend.raw_bytes();
    assert!(!contains(&raw, secret.as_bytes()));
    assert!(
        !contains(&raw, &wrapped_key),
        "the wrapped key bytes are gone"
    );
    let hex: String = wrapped_key
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert!(
        !contains(&raw, hex.as_bytes()),
        "the wrapped key is not in the dump"
    );
}

/// The wrapped key of a person, as the export shows it.
async fn wrapped_key_of(store: &Store, person: Uuid) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).await.unwrap();
    for line in String::from_utf8(out).unwrap().lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        if value["kind"] == "person_key" && value["person_id"] == person.to_string() {
            let wrapped = value["wrapped_key"].as_str().unwrap();
            return tests::decode_base64(wrapped);
        }
    }
    panic!("no key for {person}");
}

async fn export_bytes(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).await.unwrap();
    out
}

async fn export_then_import_then_export_is_byte_identical(backend: TestBackend) {
    let key = MasterKey::generate();
    let store = backend
        .store_with(
            &key,
            StoreOptions {
                snapshot_every: 3,
                ..StoreOptions::default()
            },
        )
        .await;
    let kept = join(&store, "Kept Kay").await;
    add_points(&store, kept, 4).await;
    let forgotten = join(&store, "Gone Gus").await;
    add_points(&store, forgotten, 2).await;
    store
        .append(vec![tick("plain", 0, 3), tick("other", 0, 1)])
        .await
        .unwrap();
    store.forget_person(forgotten).await.unwrap();
    let first = export_bytes(&store).await;
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(
        !text.contains("Kept Kay") && !text.contains("Gone Gus"),
        "no plaintext in an export"
    );
    assert_eq!(
        text.lines().count(),
        1 + 1 + 1 + 12 + 1,
        "header, 1 key, 1 forgotten, 12 events, end"
    );
    let last_position = read_everything(&store).await.last().unwrap().position;

    // Into a fresh store of the same backend and of the other one.
    for kind in [
        backend.kind,
        if backend.kind == Kind::Sqlite {
            Kind::Postgres
        } else {
            Kind::Sqlite
        },
    ] {
        let target_backend = TestBackend::new(kind).await;
        let target = target_backend.store(&key).await;
        let summary = target.import(first.as_slice()).await.unwrap();
        assert_eq!(
            (
                summary.person_keys,
                summary.forgotten_people,
                summary.events
            ),
            (1, 1, 12)
        );
        let second = export_bytes(&target).await;
        assert!(
            second == first,
            "export → import → export differs on {kind:?}"
        );

        let members = AggregateStore::<Member>::new(target.clone());
        assert_eq!(
            members
                .load(&kept.to_string())
                .await
                .unwrap()
                .aggregate()
                .name,
            Some(Sensitive::new("Kept Kay".into()))
        );
        assert_eq!(
            members
                .load(&forgotten.to_string())
                .await
                .unwrap()
                .aggregate()
                .name,
            Some(Sensitive::Erased)
        );
        assert!(target.forget_person(forgotten).await.is_ok());

        // New commits sort after everything imported, so old checkpoints stay valid.
        add_points(&target, kept, 1).await;
        let everything = read_everything(&target).await;
        assert_eq!(everything.len(), 13);
        let after: Vec<_> = everything
            .iter()
            .filter(|event| event.position > last_position)
            .collect();
        assert_eq!(
            after.len(),
            1,
            "only the new event sorts after the last imported checkpoint"
        );
        assert_eq!(after[0].stream_version, 6);
    }
}

async fn import_refuses_a_non_empty_store_and_a_wrong_master_key(backend: TestBackend) {
    let key = MasterKey::generate();
    let store = backend.store(&key).await;
    join(&store, "Ida").await;
    let export = export_bytes(&store).await;

    let error = store.import(export.as_slice()).await.unwrap_err();
    assert!(
        matches!(error, StoreError::ImportIntoNonEmptyStore { .. }),
        "{error:?}"
    );

    let other_backend = TestBackend::new(backend.kind).await;
    let other = other_backend.store(&MasterKey::generate()).await;
    let error = other.import(export.as_slice()).await.unwrap_err();
    assert!(
        matches!(error, StoreError::WrongMasterKey { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("master key"));
    assert!(
        read_everything(&other).await.is_empty(),
        "a failed import leaves nothing behind"
    );

    let truncated = &export[..export.len() - 2];
    let truncated = &truncated[..truncated.iter().rposition(|b| *b == b'\n').unwrap() + 1];
    let right_key = TestBackend::new(backend.kind).await;
    let target = right_key.store(&key).await;
    let error = target.import(truncated).await.unwrap_err();
    assert!(
        matches!(error, StoreError::InvalidExport { .. }),
        "{error:?}"
    );
    target.import(export.as_slice()).await.unwrap();
}

async fn a_wrong_master_key_is_refused_at_start_up(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    join(&store, "Jo").await;
    store.close().await;
    let other = Store::connect(&backend.url, MasterKey::generate(), StoreOptions::default())
        .await
        .unwrap();
    let error = other.migrate().await.unwrap_err();
    assert!(
        matches!(error, StoreError::WrongMasterKey { .. }),
        "{error:?}"
    );
}

/// An export of 100,000 events (as a big chapter's log might be) written by hand, imported, and exported again.
async fn a_hundred_thousand_events_export_and_import_quickly(backend: TestBackend) {
    const EVENTS: usize = 100_000;
    let mut export =
        String::from("{\"kind\":\"header\",\"format\":\"groundwork-event-store\",\"version\":1}\n");
    for n in 0..EVENTS {
        let (stream, version) = (n % 1000, n / 1000 + 1);
        export.push_str(&format!(
            "{{\"kind\":\"event\",\"position\":{},\"tx\":{},\"stream_type\":\"counter\",\"stream_id\":\"s{stream}\",\
             \"stream_version\":{version},\"event_type\":\"Ticked\",\"schema_version\":1,\"data_subject\":null,\
             \"recorded_at\":\"2026-01-01T00:00:00.000001Z\",\"metadata\":{{}},\"payload\":{{\"Ticked\":{{\"n\":{n}}}}}}}\n",
            n + 1,
            n / 10 + 1,
        ));
    }
    export.push_str(&format!(
        "{{\"kind\":\"end\",\"person_keys\":0,\"forgotten_people\":0,\"events\":{EVENTS}}}\n"
    ));
    let store = backend.store(&MasterKey::generate()).await;
    let started = Instant::now();
    store.import(export.as_bytes()).await.unwrap();
    let imported_in = started.elapsed();
    let started = Instant::now();
    let again = export_bytes(&store).await;
    let exported_in = started.elapsed();
    eprintln!(
        "{:?}: imported 100k events in {imported_in:?}, exported in {exported_in:?}",
        backend.kind
    );
    assert!(again == export.as_bytes(), "the re-export differs");
    assert_eq!(store.stream_version("counter", "s999").await.unwrap(), 100);
}

/// The stamp of an idempotency claim as stored.
async fn claim_stamp(store: &Store, scope: &str, key: &str) -> chrono::DateTime<chrono::Utc> {
    store::sql::Db::of(store)
        .fetch_one(
            "SELECT created_at FROM idempotency_keys WHERE scope = $1 AND key = $2",
            &store::sql::args![scope, key],
        )
        .await
        .unwrap()
        .time("created_at")
        .unwrap()
}

/// A claim as the API makes it: at `at`, holding its key for a minute.
fn claim<'a>(key: &'a str, at: chrono::DateTime<chrono::Utc>) -> store::IdempotencyRequest<'a> {
    store::IdempotencyRequest {
        scope: "chapter/user",
        key,
        fingerprint: "assignTask",
        at,
        lease_until: at + chrono::Duration::minutes(1),
        correlation: "c-1",
        pending_answer: "{}",
    }
}

/// A claim is stamped with the caller's time on both backends (the two backends once had their own
/// statements, and only SQLite's stored the time at all), and a later claim of the same key leaves it; a
/// claim whose lease ran out is reported abandoned, with what a retry needs to finish it.
async fn an_idempotency_claim_is_stamped_with_the_time_given(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    let at = chrono::DateTime::parse_from_rfc3339("2001-02-03T04:05:06.789012Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(
        store
            .claim_idempotency_key(&claim("key-1", at))
            .await
            .unwrap(),
        store::IdempotencyClaim::Claimed
    );
    assert_eq!(claim_stamp(&store, "chapter/user", "key-1").await, at);

    let soon = at + chrono::Duration::seconds(30);
    assert_eq!(
        store
            .claim_idempotency_key(&claim("key-1", soon))
            .await
            .unwrap(),
        store::IdempotencyClaim::Pending {
            fingerprint: "assignTask".to_string()
        }
    );
    let later = at + chrono::Duration::days(400);
    assert_eq!(
        store
            .claim_idempotency_key(&claim("key-1", later))
            .await
            .unwrap(),
        store::IdempotencyClaim::Abandoned {
            fingerprint: "assignTask".to_string(),
            correlation: Some("c-1".to_string()),
            pending_answer: Some("{}".to_string()),
        }
    );
    assert_eq!(claim_stamp(&store, "chapter/user", "key-1").await, at);

    // Taking it over needs the abandoned claim's correlation id: only one retry wins.
    let mut retry = claim("key-1", later);
    retry.correlation = "c-2";
    assert!(!store
        .take_over_idempotency_key(&retry, Some("c-other"))
        .await
        .unwrap());
    assert!(store
        .take_over_idempotency_key(&retry, Some("c-1"))
        .await
        .unwrap());
    assert!(!store
        .take_over_idempotency_key(&retry, Some("c-1"))
        .await
        .unwrap());
    assert_eq!(claim_stamp(&store, "chapter/user", "key-1").await, later);
}
