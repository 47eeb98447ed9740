//! The event-sourced core driven through the command service, as the API will drive it: concurrency between
//! organizers, optimistic concurrency on one person, merges, upcasting of a real stored event, snapshots of a
//! real aggregate, and forgetting a person for good. Every test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use api::service::{Groundwork, ServiceError};
use domain::ids::{ChapterId, ContactPointId, NoteId, PersonId, TaskId, UnitId, UserId};
use domain::person::{Person, PersonCommand, PersonStatus};
use domain::task::TaskCommand;
use domain::values::{
    ContactLabel, ContactValue, Email, NoteText, PersonName, Phone, StepKind, TaskKind,
};
use domain::{Actor, Sensitive};
use store::{AggregateStore, MasterKey, StoreOptions};
use tests::world::{label, level, start, World};
use tests::{backend_tests, TestBackend};

/// Two organizers working on different people of one campaign at the same moment never conflict, whether
/// they assess, log 1:1s, record structure-test steps or assign tasks.
async fn organizers_on_different_people_never_conflict(backend: TestBackend) {
    let world = World::new(backend, 100).await;
    let mut organizers: Vec<UserId> = Vec::new();
    for _ in 0..8 {
        organizers.push(world.add_organizer().await);
    }
    let mut people = Vec::new();
    for index in 0..8 {
        people.push(world.add_person("Worker", &format!("Number {index}")).await);
    }
    let world = std::sync::Arc::new(world);
    let mut handles = Vec::new();
    for (organizer, person) in organizers.iter().copied().zip(people.iter().copied()) {
        let world = world.clone();
        handles.push(tokio::spawn(async move {
            let commands = vec![
                PersonCommand::Assess {
                    level: level(3),
                    note: None,
                },
                world.one_on_one(organizer, "Talked about the heat in the loading dock."),
                PersonCommand::RecordStructureTestStep {
                    test_id: world.petition,
                    step: StepKind::Asked,
                },
                PersonCommand::RecordStructureTestStep {
                    test_id: world.petition,
                    step: StepKind::Committed,
                },
            ];
            for command in commands {
                // Each organizer passes the version they saw: a conflict would surface as an error here.
                let version = world.load_version(person).await;
                world
                    .groundwork
                    .execute_person(&world.actor(organizer), person, Some(version), command)
                    .await
                    .expect("different people never conflict");
            }
            let task = TaskId::new_random();
            world
                .groundwork
                .execute_task(
                    &world.actor(world.lead),
                    task,
                    Some(0),
                    TaskCommand::AssignTask {
                        task_id: task,
                        campaign_id: world.campaign,
                        kind: TaskKind::FollowUp,
                        title: label("Follow up"),
                        assignee: organizer,
                        subjects: vec![person],
                        due: None,
                    },
                )
                .await
                .expect("tasks never conflict with each other");
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    for person in people {
        let loaded = world.load(person).await;
        // The 1:1 was held an hour before the assessment was given: its level goes into the history
        // without replacing the newer one (ADR 12).
        assert_eq!(
            loaded.assessment(),
            Some(level(3)),
            "the assessment with the latest date of record is current"
        );
        assert_eq!(loaded.step(world.petition), Some(StepKind::Committed));
    }
}

/// Of two edits of one person from the same stale version, exactly one wins; the other is told the current
/// version, and after reloading it goes through: nothing is lost.
async fn two_edits_of_one_person_from_one_version(backend: TestBackend) {
    let world = std::sync::Arc::new(World::new(backend, 100).await);
    let person = world.add_person("Rosa", "Torres").await;
    let seen = world.load_version(person).await;
    let (first, second) = (UserId::new_random(), UserId::new_random());
    let attempt = |user: UserId, command: PersonCommand| {
        let world = world.clone();
        tokio::spawn(async move {
            world
                .groundwork
                .execute_person(&world.actor(user), person, Some(seen), command)
                .await
        })
    };
    let a = attempt(
        first,
        PersonCommand::Assess {
            level: level(1),
            note: None,
        },
    );
    let b = attempt(second, PersonCommand::FlagFollowUp);
    let results = [a.await.unwrap(), b.await.unwrap()];
    let winners = results.iter().filter(|result| result.is_ok()).count();
    assert_eq!(
        winners, 1,
        "exactly one of two stale edits wins: {results:?}"
    );
    let loser = results
        .iter()
        .find_map(|result| result.as_ref().err())
        .unwrap();
    match loser {
        ServiceError::Conflict {
            expected, current, ..
        } => {
            assert_eq!(*expected, seen);
            assert_eq!(*current, seen + 1);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // The loser reloads and retries with the current version.
    let current = world.load_version(person).await;
    let retry = if results[0].is_ok() {
        PersonCommand::FlagFollowUp
    } else {
        PersonCommand::Assess {
            level: level(1),
            note: None,
        }
    };
    world
        .groundwork
        .execute_person(&world.actor(first), person, Some(current), retry)
        .await
        .unwrap();
    let loaded = world.load(person).await;
    assert_eq!(loaded.assessment(), Some(level(1)));
    assert_eq!(world.load_version(person).await, seen + 2);
}

/// A rejected command names the rule and stores nothing.
async fn rejections_store_nothing(backend: TestBackend) {
    let world = World::new(backend, 100).await;
    let person = world.add_person("Omar", "Haddad").await;
    let before = world.load_version(person).await;
    let outside_scale = world
        .person(
            world.lead,
            person,
            PersonCommand::Assess {
                level: level(9),
                note: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(outside_scale, ServiceError::Rejected(_)),
        "{outside_scale:?}"
    );
    assert!(
        outside_scale.to_string().contains('9'),
        "names the level: {outside_scale}"
    );
    let unknown_unit = world
        .person(
            world.lead,
            person,
            PersonCommand::JoinUnit {
                unit_id: UnitId::new_random(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(unknown_unit, ServiceError::Missing(_)),
        "{unknown_unit:?}"
    );
    world
        .person(world.lead, person, PersonCommand::RemoveFromCampaign)
        .await
        .unwrap();
    let removed = world
        .person(
            world.lead,
            person,
            PersonCommand::Assess {
                level: level(2),
                note: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(removed, ServiceError::Rejected(_)), "{removed:?}");
    assert_eq!(
        world.load_version(person).await,
        before + 1,
        "only the removal was stored"
    );

    let stranger = Actor {
        chapter: ChapterId::new_random(),
        ..world.actor(world.lead)
    };
    let other_chapter = world
        .groundwork
        .execute_person(&stranger, person, None, PersonCommand::FlagFollowUp)
        .await
        .unwrap_err();
    assert!(
        matches!(
            other_chapter,
            ServiceError::Missing(_) | ServiceError::NotFound { .. }
        ),
        "another chapter sees nothing: {other_chapter:?}"
    );
    let unknown_person = world
        .person(
            world.lead,
            PersonId::new_random(),
            PersonCommand::FlagFollowUp,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(unknown_person, ServiceError::NotFound { .. }),
        "{unknown_person:?}"
    );
}

/// Merging commits the survivor's and the duplicate's events in one transaction.
async fn merging_two_people_is_atomic(backend: TestBackend) {
    let world = World::new(backend, 100).await;
    let survivor = world.add_person("Maria", "Lopez").await;
    let duplicate = world.add_person("María", "López").await;
    world
        .person(
            world.lead,
            duplicate,
            PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Work,
                value: ContactValue::Email(Email::parse("maria@example.org").unwrap()),
                do_not_contact: false,
            },
        )
        .await
        .unwrap();
    world
        .person(
            world.lead,
            survivor,
            PersonCommand::MergeDuplicate { duplicate },
        )
        .await
        .unwrap();
    assert_eq!(
        world.load(duplicate).await.status(),
        Some(PersonStatus::MergedInto(survivor))
    );
    let refused = world
        .person(world.lead, duplicate, PersonCommand::FlagFollowUp)
        .await;
    assert!(
        refused.is_err(),
        "a merged duplicate takes no more commands"
    );
}

/// A `PersonAssessed` stored at schema version 1 (level 0 meant unassessed) loads as the current event.
async fn an_old_assessment_event_loads_through_its_upcaster(backend: TestBackend) {
    let world = World::new(backend, 100).await;
    let person = world.add_person("Kwame", "Mensah").await;
    let version = world.load_version(person).await;
    let metadata =
        serde_json::to_string(&domain::EventMetadata::from(&world.actor(world.lead)).to_map())
            .unwrap();
    let assessed_by = world.lead;
    let payload = format!(
        r#"{{"PersonAssessed":{{"level":4,"by":"{assessed_by}","at":"2026-09-01T10:00:00Z"}}}}"#
    );
    let tx = "(SELECT COALESCE(MAX(tx_id), 0) + 1 FROM events)";
    let recorded_at = match world.backend.kind {
        tests::Kind::Sqlite => "'2026-09-01T10:00:00.000000Z'",
        tests::Kind::Postgres => "now()",
    };
    world
        .backend
        .execute(&format!(
            "INSERT INTO events (tx_id, stream_type, stream_id, stream_version, event_type, schema_version, \
             payload, metadata, recorded_at, data_subject) VALUES ({tx}, 'Person', '{person}', {}, \
             'PersonAssessed', 1, '{payload}', '{metadata}', {recorded_at}, '{person}')",
            version + 1
        ))
        .await;
    let loaded = world.load(person).await;
    assert_eq!(loaded.assessment(), Some(level(4)));
    // And the person keeps working on top of the upcast event.
    world
        .person(
            world.lead,
            person,
            PersonCommand::Assess {
                level: level(3),
                note: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(world.load(person).await.assessment(), Some(level(3)));
}

/// Forgetting a person destroys their key: every event stays, the personal fields read as erased, and none
/// of the name, email, phone or note text remains in the database's bytes.
async fn forgetting_a_person_leaves_no_plaintext(backend: TestBackend) {
    // A small snapshot interval makes sure snapshots, too, hold (and then lose) the personal data.
    let world = World::new(backend, 3).await;
    let organizer = UserId::new_random();
    let person = world.add_person("Zenobia", "Quillfeather").await;
    let keep = world.add_person("Bartholomew", "Keepsake").await;
    let secrets = [
        "Zenobia",
        "Quillfeather",
        "zenobia.quill@example.org",
        "5550199321",
        "Worried her supervisor reads the group chat",
        "Meets the steward at the diner",
    ];
    for command in [
        PersonCommand::AddContactPoint {
            contact_point_id: ContactPointId::new_random(),
            label: ContactLabel::Home,
            value: ContactValue::Email(Email::parse(secrets[2]).unwrap()),
            do_not_contact: false,
        },
        PersonCommand::AddContactPoint {
            contact_point_id: ContactPointId::new_random(),
            label: ContactLabel::Mobile,
            value: ContactValue::Phone(Phone::parse(secrets[3]).unwrap()),
            do_not_contact: false,
        },
        PersonCommand::AddNote {
            note_id: NoteId::new_random(),
            text: NoteText::parse(secrets[4]).unwrap(),
        },
        world.one_on_one(organizer, secrets[5]),
        PersonCommand::Assess {
            level: level(2),
            note: None,
        },
    ] {
        world.person(organizer, person, command).await.unwrap();
    }
    let before = world.load_version(person).await;
    world
        .person(world.lead, person, PersonCommand::Forget)
        .await
        .unwrap();

    let loaded = world.load(person).await;
    assert_eq!(loaded.status(), Some(PersonStatus::Forgotten));
    assert!(
        matches!(loaded.name(), Some(Sensitive::Erased)),
        "the name reads as erased"
    );
    assert_eq!(
        world.load_version(person).await,
        before + 1,
        "every event stays in the log"
    );
    assert!(
        world
            .load(keep)
            .await
            .name()
            .and_then(Sensitive::value)
            .is_some(),
        "another person's name stays readable"
    );

    let bytes = world.backend.raw_bytes();
    for secret in secrets {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "`{secret}` is still readable in the database after forgetting"
        );
    }
    // The person who was not forgotten is still readable through the service.
    assert!(world
        .person(world.lead, keep, PersonCommand::FlagFollowUp)
        .await
        .is_ok());
    // No new personal data can be written for the forgotten person.
    assert!(world
        .person(
            world.lead,
            person,
            PersonCommand::ChangeName {
                name: PersonName::parse("Zenobia", "Again").unwrap()
            }
        )
        .await
        .is_err());
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The demo chapter loads through the real commands on every backend.
async fn the_demo_loads(backend: TestBackend) {
    let store = backend.store(&MasterKey::generate()).await;
    let groundwork = Groundwork::with_store(store);
    let summary = api::demo::load_at(&groundwork, 40, start()).await.unwrap();
    assert_eq!(summary.people, 40);
    assert!(summary.one_on_ones > 0 && summary.tasks > 0 && summary.structure_test_steps > 0);
    assert!(groundwork.store().head().await.unwrap().position as usize >= summary.commands);
}

backend_tests!(
    organizers_on_different_people_never_conflict,
    two_edits_of_one_person_from_one_version,
    rejections_store_nothing,
    merging_two_people_is_atomic,
    an_old_assessment_event_loads_through_its_upcaster,
    forgetting_a_person_leaves_no_plaintext,
    the_demo_loads,
    a_person_command_decides_against_the_campaign_as_it_is_now,
    a_command_on_a_person_another_process_changed_decides_on_the_change,
);

/// A command decides on the person as this process last saw them, without reading the stream first
/// (docs/performance.md, round 12). When another process changed the person since, nothing rests on the
/// stale state: a refusal, an expected version or an acceptance is decided again on the stored one.
async fn a_command_on_a_person_another_process_changed_decides_on_the_change(backend: TestBackend) {
    let world = World::new(backend, 100).await;
    let [first, second] = world.departments;
    // Added to the campaign and to the first unit: version 2, held in this process's cache.
    let person = world.add_person("Stale", "State").await;
    assert_eq!(world.load_version(person).await, 2);
    let elsewhere = world.another_process().await;
    let actor = world.actor(world.lead);
    let join = |unit_id| PersonCommand::JoinUnit { unit_id };
    let leave = |unit_id| PersonCommand::LeaveUnit { unit_id };

    // Elsewhere she leaves the unit; here she is seen in it, yet joining it again is accepted.
    elsewhere
        .execute_person(&actor, person, None, leave(first))
        .await
        .unwrap();
    let joined = world
        .person(world.lead, person, join(first))
        .await
        .expect("she left the unit in another process");
    assert_eq!(joined.version, 4);

    // Elsewhere she joins another unit: the version this process saw last is no longer hers.
    elsewhere
        .execute_person(&actor, person, None, join(second))
        .await
        .unwrap();
    let stale = world
        .groundwork
        .execute_person(&actor, person, Some(4), leave(first))
        .await
        .unwrap_err();
    assert!(
        matches!(
            stale,
            ServiceError::Conflict {
                expected: 4,
                current: 5,
                ..
            }
        ),
        "{stale:?}"
    );
    // The version the client read elsewhere is the current one, though this process saw an older one.
    let left = world
        .groundwork
        .execute_person(&actor, person, Some(5), leave(first))
        .await
        .expect("version 5 is hers");
    assert_eq!(left.version, 6);

    // Elsewhere she leaves the other unit; here she is seen in it, and joining it is accepted, once.
    elsewhere
        .execute_person(&actor, person, None, leave(second))
        .await
        .unwrap();
    world
        .person(world.lead, person, join(second))
        .await
        .expect("she left it elsewhere");
    let again = world
        .person(world.lead, person, join(second))
        .await
        .unwrap_err();
    assert!(matches!(again, ServiceError::Rejected(_)), "{again:?}");

    // A change accepted either way is decided on the stored state, and stored once.
    elsewhere
        .execute_person(
            &actor,
            person,
            None,
            world.one_on_one(world.lead, "elsewhere"),
        )
        .await
        .unwrap();
    world
        .person(world.lead, person, world.one_on_one(world.lead, "here"))
        .await
        .unwrap();
    let stored = AggregateStore::<Person>::new(
        world
            .backend
            .store_with(
                &world.key,
                StoreOptions {
                    aggregate_cache: 0,
                    ..StoreOptions::default()
                },
            )
            .await,
    )
    .load(&person.to_string())
    .await
    .unwrap();
    // Version 8 after the unit changes; each 1:1 (with the issue it raised) is two events.
    assert_eq!(stored.version(), 12);
    assert_eq!(stored.aggregate().units(), [second].into_iter().collect());
    assert_eq!(world.load(person).await.units(), stored.aggregate().units());
}

/// Campaign facts are cached between commands, yet a unit added a moment ago is already known to the next
/// person command, and a unit retired a moment ago already refuses new members.
async fn a_person_command_decides_against_the_campaign_as_it_is_now(backend: TestBackend) {
    let world = World::new(backend, 100).await;
    let person = world.add_person("Nadia", "Rossi").await;
    let night_shift = UnitId::new_random();
    world
        .groundwork
        .execute_campaign(
            &world.actor(world.lead),
            world.campaign,
            None,
            domain::campaign::CampaignCommand::AddUnit {
                unit_id: night_shift,
                name: label("Night shift"),
                kind: label("Shift"),
                parent: Some(world.departments[1]),
            },
        )
        .await
        .unwrap();
    world
        .person(
            world.lead,
            person,
            PersonCommand::JoinUnit {
                unit_id: night_shift,
            },
        )
        .await
        .expect("the new unit is known at once");
    let other = world.add_person("Joy", "Moore").await;
    world
        .groundwork
        .execute_campaign(
            &world.actor(world.lead),
            world.campaign,
            None,
            domain::campaign::CampaignCommand::RetireUnit {
                unit_id: night_shift,
            },
        )
        .await
        .unwrap();
    let refused = world
        .person(
            world.lead,
            other,
            PersonCommand::JoinUnit {
                unit_id: night_shift,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::Rejected(_)), "{refused:?}");

    // Another process (its own service, its own cache) changes the campaign: this one's cached facts are
    // stale, yet neither a refusal nor an acceptance rests on them.
    let elsewhere = Groundwork::with_store(world.groundwork.store().clone());
    let day_shift = UnitId::new_random();
    elsewhere
        .execute_campaign(
            &world.actor(world.lead),
            world.campaign,
            None,
            domain::campaign::CampaignCommand::AddUnit {
                unit_id: day_shift,
                name: label("Day shift"),
                kind: label("Shift"),
                parent: Some(world.departments[1]),
            },
        )
        .await
        .unwrap();
    world
        .person(
            world.lead,
            other,
            PersonCommand::JoinUnit { unit_id: day_shift },
        )
        .await
        .expect("a unit another process added a moment ago is known");
    elsewhere
        .execute_campaign(
            &world.actor(world.lead),
            world.campaign,
            None,
            domain::campaign::CampaignCommand::RetireUnit {
                unit_id: world.departments[0],
            },
        )
        .await
        .unwrap();
    let third = PersonId::new_random();
    world
        .person(
            world.lead,
            third,
            PersonCommand::AddToCampaign {
                person_id: third,
                campaign_id: world.campaign,
                name: PersonName::parse("Ines", "Duarte").unwrap(),
                preferred_language: None,
            },
        )
        .await
        .unwrap();
    let refused = world
        .person(
            world.lead,
            third,
            PersonCommand::JoinUnit {
                unit_id: world.departments[0],
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ServiceError::Rejected(_)),
        "a unit another process retired a moment ago refuses new members: {refused:?}"
    );
}
