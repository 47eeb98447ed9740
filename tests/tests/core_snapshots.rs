//! Snapshots of a real aggregate are provably a cache: for any sequence of person commands, the person
//! loaded from its newest snapshot plus later events (the aggregate cache off, and the snapshot proven read
//! by tampering with it) equals the person replayed from its first event.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use api::service::ServiceError;
use cqrs_es::Aggregate;
use domain::ids::{ContactPointId, NoteId, UserId};
use domain::person::{Person, PersonCommand};
use domain::values::{ContactLabel, ContactValue, Email, NoteText, PersonName, StepKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};
use store::{AggregateStore, StoreOptions};
use tests::world::{level, World};
use tests::{Kind, TestBackend};

/// One thing an organizer can do to a person, in a form proptest can generate.
#[derive(Debug, Clone)]
enum Op {
    Assess(u8),
    ClearAssessment,
    FlagFollowUp,
    ClearFollowUp,
    JoinUnit(usize),
    LeaveUnit(usize),
    AddEmail(u16),
    AddNote(u16),
    AssignOrganizer(usize),
    UnassignOrganizer,
    Step(u8),
    OneOnOne,
    PickStaffing,
    DropStaffing,
    Rename(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u8..=6).prop_map(Op::Assess),
        Just(Op::ClearAssessment),
        Just(Op::FlagFollowUp),
        Just(Op::ClearFollowUp),
        (0usize..2).prop_map(Op::JoinUnit),
        (0usize..2).prop_map(Op::LeaveUnit),
        any::<u16>().prop_map(Op::AddEmail),
        any::<u16>().prop_map(Op::AddNote),
        (0usize..3).prop_map(Op::AssignOrganizer),
        Just(Op::UnassignOrganizer),
        (0u8..4).prop_map(Op::Step),
        Just(Op::OneOnOne),
        Just(Op::PickStaffing),
        Just(Op::DropStaffing),
        any::<u16>().prop_map(Op::Rename),
    ]
}

fn command(world: &World, organizers: &[UserId], op: &Op) -> PersonCommand {
    match *op {
        Op::Assess(value) => PersonCommand::Assess {
            level: level(value),
            note: None,
        },
        Op::ClearAssessment => PersonCommand::ClearAssessment,
        Op::FlagFollowUp => PersonCommand::FlagFollowUp,
        Op::ClearFollowUp => PersonCommand::ClearFollowUp,
        Op::JoinUnit(index) => PersonCommand::JoinUnit {
            unit_id: world.departments[index],
        },
        Op::LeaveUnit(index) => PersonCommand::LeaveUnit {
            unit_id: world.departments[index],
        },
        Op::AddEmail(n) => PersonCommand::AddContactPoint {
            contact_point_id: ContactPointId::new_random(),
            label: ContactLabel::Work,
            value: ContactValue::Email(Email::parse(&format!("worker{n}@example.org")).unwrap()),
            do_not_contact: n % 2 == 0,
        },
        Op::AddNote(n) => PersonCommand::AddNote {
            note_id: NoteId::new_random(),
            text: NoteText::parse(&format!("Note number {n}")).unwrap(),
        },
        Op::AssignOrganizer(index) => PersonCommand::AssignOrganizer {
            organizer: organizers[index],
        },
        Op::UnassignOrganizer => PersonCommand::UnassignOrganizer,
        Op::Step(step) => PersonCommand::RecordStructureTestStep {
            test_id: world.petition,
            step: [
                StepKind::Asked,
                StepKind::Committed,
                StepKind::Participated,
                StepKind::Declined,
            ][usize::from(step)],
        },
        Op::OneOnOne => world.one_on_one(organizers[0], "Talked about the schedule"),
        Op::PickStaffing => PersonCommand::AddFieldResponse {
            field_id: world.issues_field,
            response_id: world.staffing,
        },
        Op::DropStaffing => PersonCommand::RemoveFieldResponse {
            field_id: world.issues_field,
            response_id: world.staffing,
        },
        Op::Rename(n) => PersonCommand::ChangeName {
            name: PersonName::parse("Renamed", &format!("Person {n}")).unwrap(),
        },
    }
}

/// Runs the commands (rejected ones are simply not stored) and compares snapshot load with full replay.
/// The aggregate cache is off, so every load reads the newest snapshot and the events after it; when a
/// snapshot exists, the events it covers are deleted and then the snapshot is tampered with, to prove the
/// load really reads it and what it holds. Counts the cases that had one.
async fn snapshot_equals_replay(
    kind: Kind,
    snapshot_every: u64,
    ops: Vec<Op>,
    with_snapshot: &AtomicUsize,
) -> Result<(), TestCaseError> {
    let options = StoreOptions {
        snapshot_every,
        aggregate_cache: 0,
        ..StoreOptions::default()
    };
    let world = World::with_options(TestBackend::new(kind).await, options).await;
    let mut organizers: Vec<UserId> = Vec::new();
    for _ in 0..3 {
        organizers.push(world.add_organizer().await);
    }
    let person = world.add_person("Prop", "Test").await;
    for op in &ops {
        match world
            .person(organizers[0], person, command(&world, &organizers, op))
            .await
        {
            // The domain may refuse a command (clearing an assessment nobody made): nothing is stored.
            Ok(_) | Err(ServiceError::Rejected(_)) => {}
            Err(error) => return Err(TestCaseError::fail(format!("{op:?} failed: {error}"))),
        }
    }
    let id = person.to_string();
    let people = AggregateStore::<Person>::new(world.groundwork.store().clone());
    let loaded = people.load(&id).await.unwrap();
    let events = people.load_all_events(&id).await.unwrap();
    prop_assert_eq!(events.len() as u64, loaded.version());
    let mut replayed = Person::default();
    for envelope in &events {
        replayed.apply(envelope.payload.clone());
    }
    prop_assert_eq!(loaded.aggregate(), &replayed);

    if let Some(snapshot_version) = snapshot_version(&world, &id).await {
        with_snapshot.fetch_add(1, Ordering::Relaxed);
        // The load reads the snapshot, and the snapshot holds the state: without the events it covers the
        // load is still the replay (a snapshot that is ignored or unreadable would leave the person unmade).
        world
            .backend
            .execute(&format!(
                "DELETE FROM events WHERE stream_type = '{}' AND stream_id = '{id}' \
                 AND stream_version <= {snapshot_version}",
                Person::TYPE
            ))
            .await;
        let from_snapshot = people.load(&id).await.unwrap();
        prop_assert_eq!(from_snapshot.version(), loaded.version());
        prop_assert_eq!(from_snapshot.aggregate(), &replayed);
        // And what the snapshot says is what the load starts from: an empty person in it, and the load
        // shows only the events after the snapshot applied to nothing.
        let empty = serde_json::to_string(&Person::default()).unwrap();
        world
            .backend
            .execute(&format!(
                "UPDATE snapshots SET state = '{empty}' WHERE stream_type = '{}' AND stream_id = '{id}'",
                Person::TYPE
            ))
            .await;
        let mut expected = Person::default();
        for envelope in events.into_iter().skip(snapshot_version as usize) {
            expected.apply(envelope.payload);
        }
        let tampered = people.load(&id).await.unwrap();
        prop_assert_eq!(tampered.version(), loaded.version());
        prop_assert_ne!(tampered.aggregate(), &replayed, "the snapshot was not read");
        prop_assert_eq!(tampered.aggregate(), &expected);
    }
    Ok(())
}

/// The version of the person's newest snapshot, if one was taken.
async fn snapshot_version(world: &World, id: &str) -> Option<u64> {
    let store = world.groundwork.store();
    let sql = format!(
        "SELECT version FROM snapshots WHERE stream_type = '{}' AND stream_id = '{id}'",
        Person::TYPE
    );
    let version = match (store.sqlite_pool(), store.postgres_pool()) {
        (Some(pool), _) => {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_optional(pool)
                .await
        }
        (_, Some(pool)) => {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_optional(pool)
                .await
        }
        (None, None) => panic!("a store on neither backend"),
    };
    version
        .unwrap()
        .map(|version| u64::try_from(version).unwrap())
}

fn run(kind: Kind, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop_oneof![Just(1u64), Just(2), Just(3), Just(7)],
        prop::collection::vec(op(), 1..40),
    );
    let with_snapshot = AtomicUsize::new(0);
    runner
        .run(&strategy, |(every, ops)| {
            runtime.block_on(snapshot_equals_replay(kind, every, ops, &with_snapshot))
        })
        .unwrap();
    // Every case snapshots at least its first event when `every` is 1: the tamper check must have run.
    assert!(
        with_snapshot.load(Ordering::Relaxed) > 0,
        "no case took a snapshot"
    );
}

#[test]
fn sqlite_snapshot_state_equals_full_replay() {
    run(Kind::Sqlite, 24);
}

#[test]
fn postgres_snapshot_state_equals_full_replay() {
    run(Kind::Postgres, 12);
}
