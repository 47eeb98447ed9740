//! The in-process aggregate cache: a loaded or committed aggregate is kept with its version, and the next
//! load reads only the events after it — including those another process appended — so it always equals
//! a replay, optimistic concurrency is untouched, and forgetting a person drops their cached state.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cqrs_es::EventStore;
use domain::Sensitive;
use store::{AggregateStore, MasterKey, Store, StoreError, StoreOptions};
use tests::{
    add_member_points as add_points, backend_tests, join_member as join, metadata, Member,
    MemberEvent, TestBackend,
};
use uuid::Uuid;

backend_tests!(
    a_second_load_starts_from_the_cached_state,
    a_cached_aggregate_sees_what_another_process_appended,
    a_stale_cached_version_still_conflicts,
    forgetting_a_person_drops_their_cached_state,
    a_full_cache_makes_room,
);

fn uncached() -> StoreOptions {
    StoreOptions {
        aggregate_cache: 0,
        ..StoreOptions::default()
    }
}

/// The events are replayed from the first one, without snapshot or cache.
async fn replayed(store: &Store, person: Uuid) -> Member {
    let mut member = Member::default();
    for envelope in AggregateStore::<Member>::new(store.clone())
        .load_events(&person.to_string())
        .await
        .unwrap()
    {
        cqrs_es::Aggregate::apply(&mut member, envelope.payload);
    }
    member
}

async fn a_second_load_starts_from_the_cached_state(backend: TestBackend) {
    let key = MasterKey::generate();
    let cached = backend.store(&key).await;
    let person = join(&cached, "Cass Cache").await;
    add_points(&cached, person, [1, 2, 3]).await;
    let id = person.to_string();

    // Behind the store's back, the stored events change; a store without the cache replays them, the
    // cached one only reads what came after its state (nothing) and still shows the committed state.
    backend
        .execute("UPDATE events SET payload = replace(payload, '\"points\":2', '\"points\":200')")
        .await;
    let from_cache = AggregateStore::<Member>::new(cached.clone())
        .load(&id)
        .await
        .unwrap();
    assert_eq!(from_cache.version(), 4);
    assert_eq!(from_cache.aggregate().points, 6);
    let plain = backend.store_with(&key, uncached()).await;
    let from_events = AggregateStore::<Member>::new(plain.clone())
        .load(&id)
        .await
        .unwrap();
    assert_eq!(from_events.aggregate().points, 204);
    plain.close().await;
    cached.close().await;
}

async fn a_cached_aggregate_sees_what_another_process_appended(backend: TestBackend) {
    let key = MasterKey::generate();
    let options = StoreOptions {
        snapshot_every: 10,
        ..StoreOptions::default()
    };
    let here = backend.store_with(&key, options.clone()).await;
    let there = backend.store_with(&key, options).await;
    let person = join(&here, "Otto Other").await;
    add_points(&here, person, [1]).await;
    let members = AggregateStore::<Member>::new(here.clone());
    let id = person.to_string();
    assert_eq!(members.load(&id).await.unwrap().version(), 2);

    // A few events from another process: read after the cached version.
    add_points(&there, person, [10, 20]).await;
    let loaded = members.load(&id).await.unwrap();
    assert_eq!(loaded.version(), 4);
    assert_eq!(loaded.aggregate(), &replayed(&here, person).await);
    assert_eq!(loaded.aggregate().points, 31);

    // Many events from another process, past two snapshots: the load starts from the newer snapshot.
    add_points(&there, person, 1..=20).await;
    let loaded = members.load(&id).await.unwrap();
    assert_eq!(loaded.version(), 24);
    assert_eq!(loaded.aggregate(), &replayed(&here, person).await);

    // And this process commits on top of it.
    add_points(&here, person, [5]).await;
    let loaded = AggregateStore::<Member>::new(there.clone())
        .load(&id)
        .await
        .unwrap();
    assert_eq!(loaded.version(), 25);
    assert_eq!(loaded.aggregate(), &replayed(&there, person).await);
    here.close().await;
    there.close().await;
}

async fn a_stale_cached_version_still_conflicts(backend: TestBackend) {
    let key = MasterKey::generate();
    let here = backend.store(&key).await;
    let there = backend.store(&key).await;
    let person = join(&here, "Stella Stale").await;
    let members = AggregateStore::<Member>::new(here.clone());
    let id = person.to_string();
    let loaded = members.load(&id).await.unwrap();
    assert_eq!(loaded.version(), 1);

    add_points(&there, person, [7]).await;
    let error = members
        .commit_with_expected(
            &id,
            loaded.version(),
            &[MemberEvent::PointsAdded { points: 1 }],
            &metadata(),
            loaded.aggregate(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Conflict {
                expected: 1,
                actual: 2,
                ..
            }
        ),
        "{error:?}"
    );
    // The refused append left the cache alone: the next load has the other process's event.
    let reloaded = members.load(&id).await.unwrap();
    assert_eq!(reloaded.version(), 2);
    assert_eq!(reloaded.aggregate().points, 7);
    here.close().await;
    there.close().await;
}

async fn forgetting_a_person_drops_their_cached_state(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    let person = join(&store, "Fern Forget").await;
    let members = AggregateStore::<Member>::new(store.clone());
    let id = person.to_string();
    assert_eq!(
        members.load(&id).await.unwrap().aggregate().name,
        Some(Sensitive::new("Fern Forget".to_string()))
    );

    store.forget_person(person).await.unwrap();

    let loaded = members.load(&id).await.unwrap();
    assert_eq!(loaded.aggregate().name, Some(Sensitive::Erased));
    store.close().await;
}

async fn a_full_cache_makes_room(backend: TestBackend) {
    let options = StoreOptions {
        aggregate_cache: 2,
        ..StoreOptions::default()
    };
    let store = backend.store_with(&MasterKey::generate(), options).await;
    let mut people = Vec::new();
    for n in 0..5 {
        let person = join(&store, &format!("Member {n}")).await;
        add_points(&store, person, [n]).await;
        people.push(person);
    }
    let members = AggregateStore::<Member>::new(store.clone());
    for (n, person) in people.iter().enumerate() {
        let loaded = members.load(&person.to_string()).await.unwrap();
        assert_eq!(loaded.version(), 2);
        assert_eq!(loaded.aggregate().points, n as u64);
        assert_eq!(loaded.aggregate(), &replayed(&store, *person).await);
    }
    store.close().await;
}
