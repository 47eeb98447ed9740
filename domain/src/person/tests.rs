//! Given / when / then tests of the person aggregate, and of its upcaster.

use super::*;
use crate::campaign::CampaignFacts;
use crate::fixtures::{
    self, level, person_added, CAMPAIGN, CHAPTER, CLOSED_STORE, DAY_SHIFT, DEPARTMENT,
    HIRE_DATE_FIELD,
};
use crate::fixtures::{
    ISSUES_FIELD, LEAD, NIGHT_SHIFT, NIGHT_SHIFT_UNIT, ORGANIZER, OTHER_CAMPAIGN, OTHER_CHAPTER,
};
use crate::fixtures::{
    OTHER_ORGANIZER, OTHER_PERSON, PERSON, SAFETY, SCHEDULING, SHIFT_FIELD, STRUCTURE_TEST,
};
use crate::fixtures::{UNKNOWN_FIELD, UNKNOWN_UNIT, WAGES, WAREHOUSE, WORKSITE};
use crate::values::{Email, FieldNumber, Phone};
use chrono::{NaiveDate, TimeZone};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

const CONTACT: ContactPointId = ContactPointId::from_uuid(Uuid::from_u128(0xcc_0001));
const CONNECTION: ConnectionId = ConnectionId::from_uuid(Uuid::from_u128(0xc2_0001));
const NOTE: NoteId = NoteId::from_uuid(Uuid::from_u128(0x20_0001));
const CONVERSATION: ConversationId = ConversationId::from_uuid(Uuid::from_u128(0x11_0001));

fn text(text: &str) -> NoteText {
    NoteText::parse(text).unwrap()
}

fn email(address: &str) -> ContactValue {
    ContactValue::Email(Email::parse(address).unwrap())
}

fn response(field_id: FieldId, response_id: ResponseId) -> FieldResponseRef {
    FieldResponseRef {
        field_id,
        response_id,
    }
}

fn hire_date() -> FieldValue {
    FieldValue::Date(NaiveDate::from_ymd_opt(2019, 5, 1).unwrap())
}

fn coworker() -> ConnectionKind {
    ConnectionKind::parse("coworker of").unwrap()
}

/// Ana, just added to the fixture campaign.
fn ana() -> Vec<PersonEvent> {
    vec![person_added(PERSON)]
}

/// Ana and more history.
fn ana_and(more: Vec<PersonEvent>) -> Vec<PersonEvent> {
    let mut events = ana();
    events.extend(more);
    events
}

fn joined(unit_id: UnitId) -> PersonEvent {
    PersonEvent::PersonJoinedUnit { unit_id }
}

fn contact_added() -> PersonEvent {
    PersonEvent::ContactPointAdded(ContactPoint {
        contact_point_id: CONTACT,
        kind: ContactKind::Email,
        label: ContactLabel::Home,
        value: Sensitive::new(email("ana@example.org")),
        do_not_contact: false,
    })
}

fn assessed(level_now: Option<AssessmentLevel>, previous: Option<AssessmentLevel>) -> PersonEvent {
    assessed_on(level_now, previous, fixtures::at())
}

/// An assessment that became current, dated `at`.
fn assessed_on(
    level_now: Option<AssessmentLevel>,
    previous: Option<AssessmentLevel>,
    at: DateTime<Utc>,
) -> PersonEvent {
    PersonEvent::PersonAssessed {
        level: level_now,
        previous_level: previous,
        note: None,
        assessed_by: LEAD,
        at,
        becomes_current: true,
    }
}

fn step(step: StepKind, previous_step: Option<StepKind>) -> PersonEvent {
    PersonEvent::StructureTestStepRecorded {
        test_id: STRUCTURE_TEST,
        step,
        previous_step,
        recorded_by: LEAD,
    }
}

async fn run(
    facts: PersonFacts,
    given: Vec<PersonEvent>,
    command: PersonCommand,
) -> Result<Vec<PersonEvent>, PersonError> {
    TestFramework::<Person>::with(fixtures::context(facts))
        .given(given)
        .when_async(command)
        .await
        .inspect_result()
}

async fn expect_events(given: Vec<PersonEvent>, command: PersonCommand, events: Vec<PersonEvent>) {
    TestFramework::<Person>::with(fixtures::context(fixtures::person_facts()))
        .given(given)
        .when_async(command)
        .await
        .then_expect_events(events);
}

async fn expect_error(given: Vec<PersonEvent>, command: PersonCommand, error: PersonError) {
    TestFramework::<Person>::with(fixtures::context(fixtures::person_facts()))
        .given(given)
        .when_async(command)
        .await
        .then_expect_error(error);
}

fn add_to_campaign(campaign_id: CampaignId) -> PersonCommand {
    PersonCommand::AddToCampaign {
        person_id: PERSON,
        campaign_id,
        name: fixtures::person_name(),
        preferred_language: None,
    }
}

// Adding to a campaign, chapters and campaigns.

#[tokio::test]
async fn a_person_is_added_to_a_campaign() {
    let spanish = LanguageTag::parse("es").unwrap();
    expect_events(
        vec![],
        PersonCommand::AddToCampaign {
            person_id: PERSON,
            campaign_id: CAMPAIGN,
            name: fixtures::person_name(),
            preferred_language: Some(spanish.clone()),
        },
        vec![PersonEvent::PersonAddedToCampaign {
            person_id: PERSON,
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            name: Sensitive::new(fixtures::person_name()),
            preferred_language: Some(spanish),
        }],
    )
    .await;
}

#[tokio::test]
async fn adding_a_person_twice_is_rejected() {
    expect_error(ana(), add_to_campaign(CAMPAIGN), PersonError::AlreadyExists).await;
}

#[tokio::test]
async fn adding_a_person_to_another_campaign_or_an_archived_one_is_rejected() {
    expect_error(
        vec![],
        add_to_campaign(OTHER_CAMPAIGN),
        PersonError::CampaignNotFound,
    )
    .await;
    let archived = PersonFacts::new(fixtures::archived_campaign_facts());
    assert_eq!(
        run(archived, vec![], add_to_campaign(CAMPAIGN)).await,
        Err(PersonError::CampaignArchived)
    );
    let result = TestFramework::<Person>::with(Context::new(
        fixtures::actor_in(OTHER_CHAPTER),
        fixtures::person_facts(),
    ))
    .given_no_previous_events()
    .when_async(add_to_campaign(CAMPAIGN))
    .await
    .inspect_result();
    assert_eq!(result, Err(PersonError::CampaignNotFound));
}

#[tokio::test]
async fn a_missing_person_is_not_found() {
    expect_error(vec![], PersonCommand::FlagFollowUp, PersonError::NotFound).await;
}

#[tokio::test]
async fn another_chapter_does_not_see_the_person() {
    let result = TestFramework::<Person>::with(Context::new(
        fixtures::actor_in(OTHER_CHAPTER),
        fixtures::person_facts(),
    ))
    .given(ana())
    .when_async(PersonCommand::Forget)
    .await
    .inspect_result();
    assert_eq!(result, Err(PersonError::NotFound));
}

#[tokio::test]
async fn commands_need_the_persons_own_campaign_and_it_must_not_be_archived() {
    let other = PersonFacts::new(CampaignFacts {
        campaign_id: OTHER_CAMPAIGN,
        ..fixtures::campaign_facts()
    });
    assert_eq!(
        run(other, ana(), PersonCommand::FlagFollowUp).await,
        Err(PersonError::CampaignNotFound)
    );
    let archived = PersonFacts::new(fixtures::archived_campaign_facts());
    assert_eq!(
        run(archived, ana(), PersonCommand::FlagFollowUp).await,
        Err(PersonError::CampaignArchived)
    );
}

// Name, contact points, language.

#[tokio::test]
async fn a_person_is_renamed() {
    let name = PersonName::parse("Ana María", "García").unwrap();
    expect_events(
        ana(),
        PersonCommand::ChangeName { name: name.clone() },
        vec![PersonEvent::PersonRenamed {
            name: Sensitive::new(name),
        }],
    )
    .await;
}

#[tokio::test]
async fn a_contact_point_is_added() {
    let command = PersonCommand::AddContactPoint {
        contact_point_id: CONTACT,
        label: ContactLabel::Home,
        value: email("ana@example.org"),
        do_not_contact: false,
    };
    expect_events(ana(), command.clone(), vec![contact_added()]).await;
    expect_error(
        ana_and(vec![contact_added()]),
        command,
        PersonError::ContactPointAlreadyExists,
    )
    .await;
}

#[tokio::test]
async fn do_not_contact_is_set_on_a_contact_point() {
    let set = |do_not_contact| PersonCommand::SetDoNotContact {
        contact_point_id: CONTACT,
        do_not_contact,
    };
    expect_events(
        ana_and(vec![contact_added()]),
        set(true),
        vec![PersonEvent::ContactPointDoNotContactChanged {
            contact_point_id: CONTACT,
            do_not_contact: true,
        }],
    )
    .await;
    expect_error(
        ana_and(vec![contact_added()]),
        set(false),
        PersonError::DoNotContactUnchanged,
    )
    .await;
    expect_error(ana(), set(true), PersonError::ContactPointNotFound).await;
}

#[tokio::test]
async fn a_contact_point_is_removed() {
    let remove = PersonCommand::RemoveContactPoint {
        contact_point_id: CONTACT,
    };
    expect_events(
        ana_and(vec![contact_added()]),
        remove.clone(),
        vec![PersonEvent::ContactPointRemoved {
            contact_point_id: CONTACT,
        }],
    )
    .await;
    expect_error(ana(), remove, PersonError::ContactPointNotFound).await;
}

#[tokio::test]
async fn the_preferred_language_is_set() {
    let language = Some(LanguageTag::parse("en-US").unwrap());
    expect_events(
        ana(),
        PersonCommand::SetPreferredLanguage {
            language: language.clone(),
        },
        vec![PersonEvent::PreferredLanguageSet { language }],
    )
    .await;
}

// Units.

#[tokio::test]
async fn a_person_joins_and_leaves_units() {
    expect_events(
        ana(),
        PersonCommand::JoinUnit {
            unit_id: DEPARTMENT,
        },
        vec![joined(DEPARTMENT)],
    )
    .await;
    expect_events(
        ana_and(vec![joined(DEPARTMENT)]),
        PersonCommand::LeaveUnit {
            unit_id: DEPARTMENT,
        },
        vec![PersonEvent::PersonLeftUnit {
            unit_id: DEPARTMENT,
        }],
    )
    .await;
}

#[tokio::test]
async fn joining_an_unknown_retired_or_current_unit_is_rejected() {
    let join = |unit_id| PersonCommand::JoinUnit { unit_id };
    expect_error(ana(), join(UNKNOWN_UNIT), PersonError::UnitNotFound).await;
    expect_error(ana(), join(CLOSED_STORE), PersonError::UnitRetired).await;
    expect_error(
        ana_and(vec![joined(WORKSITE)]),
        join(WORKSITE),
        PersonError::AlreadyInUnit,
    )
    .await;
}

#[tokio::test]
async fn leaving_a_unit_one_is_not_in_is_rejected() {
    expect_error(
        ana(),
        PersonCommand::LeaveUnit { unit_id: WORKSITE },
        PersonError::NotInUnit,
    )
    .await;
}

// Field responses and values.

#[tokio::test]
async fn responses_are_added_to_a_multiple_response_field() {
    expect_events(
        ana_and(vec![PersonEvent::PersonFieldResponseAdded(response(
            ISSUES_FIELD,
            WAGES,
        ))]),
        PersonCommand::AddFieldResponse {
            field_id: ISSUES_FIELD,
            response_id: SAFETY,
        },
        vec![PersonEvent::PersonFieldResponseAdded(response(
            ISSUES_FIELD,
            SAFETY,
        ))],
    )
    .await;
}

#[tokio::test]
async fn a_single_response_field_replaces_the_previous_response() {
    expect_events(
        ana_and(vec![PersonEvent::PersonFieldResponseAdded(response(
            SHIFT_FIELD,
            DAY_SHIFT,
        ))]),
        PersonCommand::AddFieldResponse {
            field_id: SHIFT_FIELD,
            response_id: NIGHT_SHIFT,
        },
        vec![
            PersonEvent::PersonFieldResponseRemoved(response(SHIFT_FIELD, DAY_SHIFT)),
            PersonEvent::PersonFieldResponseAdded(response(SHIFT_FIELD, NIGHT_SHIFT)),
        ],
    )
    .await;
}

#[tokio::test]
async fn adding_a_bad_or_repeated_response_is_rejected() {
    let add = |field_id, response_id| PersonCommand::AddFieldResponse {
        field_id,
        response_id,
    };
    expect_error(ana(), add(UNKNOWN_FIELD, WAGES), PersonError::FieldNotFound).await;
    expect_error(
        ana(),
        add(HIRE_DATE_FIELD, WAGES),
        PersonError::FieldTakesNoResponses(FieldType::Date),
    )
    .await;
    expect_error(
        ana(),
        add(ISSUES_FIELD, SCHEDULING),
        PersonError::ResponseNotFound,
    )
    .await;
    expect_error(
        ana(),
        add(ISSUES_FIELD, DAY_SHIFT),
        PersonError::ResponseNotFound,
    )
    .await;
    expect_error(
        ana_and(vec![PersonEvent::PersonFieldResponseAdded(response(
            ISSUES_FIELD,
            WAGES,
        ))]),
        add(ISSUES_FIELD, WAGES),
        PersonError::ResponseAlreadyRecorded,
    )
    .await;
}

#[tokio::test]
async fn a_response_is_removed() {
    let remove = PersonCommand::RemoveFieldResponse {
        field_id: ISSUES_FIELD,
        response_id: WAGES,
    };
    expect_events(
        ana_and(vec![PersonEvent::PersonFieldResponseAdded(response(
            ISSUES_FIELD,
            WAGES,
        ))]),
        remove.clone(),
        vec![PersonEvent::PersonFieldResponseRemoved(response(
            ISSUES_FIELD,
            WAGES,
        ))],
    )
    .await;
    expect_error(ana(), remove, PersonError::ResponseNotRecorded).await;
}

#[tokio::test]
async fn a_field_value_is_set_and_cleared() {
    let value_set = PersonEvent::PersonFieldValueSet(FieldValueEntry {
        field_id: HIRE_DATE_FIELD,
        value: Sensitive::new(hire_date()),
    });
    expect_events(
        ana(),
        PersonCommand::SetFieldValue {
            field_id: HIRE_DATE_FIELD,
            value: hire_date(),
        },
        vec![value_set.clone()],
    )
    .await;
    expect_events(
        ana_and(vec![value_set]),
        PersonCommand::ClearFieldValue {
            field_id: HIRE_DATE_FIELD,
        },
        vec![PersonEvent::PersonFieldValueCleared {
            field_id: HIRE_DATE_FIELD,
        }],
    )
    .await;
}

#[tokio::test]
async fn a_bad_field_value_is_rejected() {
    let set = |field_id, value| PersonCommand::SetFieldValue { field_id, value };
    let number = FieldValue::Number(FieldNumber::new(4.0).unwrap());
    expect_error(
        ana(),
        set(UNKNOWN_FIELD, hire_date()),
        PersonError::FieldNotFound,
    )
    .await;
    expect_error(
        ana(),
        set(SHIFT_FIELD, hire_date()),
        PersonError::FieldTakesResponses(FieldType::Shift),
    )
    .await;
    expect_error(
        ana(),
        set(HIRE_DATE_FIELD, number),
        PersonError::FieldValueMismatch {
            expected: FieldType::Date,
        },
    )
    .await;
    expect_error(
        ana(),
        PersonCommand::ClearFieldValue {
            field_id: HIRE_DATE_FIELD,
        },
        PersonError::NoFieldValue,
    )
    .await;
}

// Assessments.

#[tokio::test]
async fn a_person_is_assessed_with_a_note() {
    expect_events(
        ana_and(vec![assessed(Some(level(3)), None)]),
        PersonCommand::Assess {
            level: level(2),
            note: Some(text("Talked about the schedule")),
        },
        vec![PersonEvent::PersonAssessed {
            level: Some(level(2)),
            previous_level: Some(level(3)),
            note: Some(Sensitive::new(text("Talked about the schedule"))),
            assessed_by: LEAD,
            at: fixtures::at(),
            becomes_current: true,
        }],
    )
    .await;
}

#[tokio::test]
async fn a_level_off_the_scale_is_rejected() {
    let assess = PersonCommand::Assess {
        level: level(6),
        note: None,
    };
    expect_error(ana(), assess, PersonError::LevelNotOnScale(level(6))).await;
}

#[tokio::test]
async fn an_assessment_is_cleared() {
    expect_events(
        ana_and(vec![assessed(Some(level(4)), None)]),
        PersonCommand::ClearAssessment,
        vec![assessed(None, Some(level(4)))],
    )
    .await;
    expect_error(
        ana(),
        PersonCommand::ClearAssessment,
        PersonError::NotAssessed,
    )
    .await;
}

// Connections.

#[tokio::test]
async fn a_person_is_connected_to_a_person_and_a_unit() {
    for target in [EntityRef::Person(OTHER_PERSON), EntityRef::Unit(WAREHOUSE)] {
        let connection = Connection {
            connection_id: CONNECTION,
            target,
            kind: coworker(),
        };
        expect_events(
            ana(),
            PersonCommand::Connect {
                connection_id: CONNECTION,
                target,
                kind: coworker(),
            },
            vec![PersonEvent::ConnectionMade(connection)],
        )
        .await;
    }
}

#[tokio::test]
async fn bad_connections_are_rejected() {
    let connect = |connection_id, target| PersonCommand::Connect {
        connection_id,
        target,
        kind: coworker(),
    };
    let made = PersonEvent::ConnectionMade(Connection {
        connection_id: CONNECTION,
        target: EntityRef::Person(OTHER_PERSON),
        kind: coworker(),
    });
    let other = ConnectionId::from_uuid(Uuid::from_u128(0xc2_0002));
    expect_error(
        ana_and(vec![made]),
        connect(CONNECTION, EntityRef::Person(OTHER_PERSON)),
        PersonError::ConnectionAlreadyExists,
    )
    .await;
    expect_error(
        ana(),
        connect(other, EntityRef::Person(PERSON)),
        PersonError::CannotConnectToSelf,
    )
    .await;
    expect_error(
        ana(),
        connect(other, EntityRef::Unit(UNKNOWN_UNIT)),
        PersonError::UnitNotFound,
    )
    .await;
    expect_error(
        ana(),
        connect(other, EntityRef::Unit(CLOSED_STORE)),
        PersonError::UnitRetired,
    )
    .await;
}

#[tokio::test]
async fn a_connection_is_deactivated_once() {
    let made = PersonEvent::ConnectionMade(Connection {
        connection_id: CONNECTION,
        target: EntityRef::Person(OTHER_PERSON),
        kind: coworker(),
    });
    let deactivated = PersonEvent::ConnectionDeactivated {
        connection_id: CONNECTION,
    };
    let deactivate = PersonCommand::DeactivateConnection {
        connection_id: CONNECTION,
    };
    expect_events(
        ana_and(vec![made.clone()]),
        deactivate.clone(),
        vec![deactivated.clone()],
    )
    .await;
    expect_error(
        ana_and(vec![made, deactivated]),
        deactivate.clone(),
        PersonError::ConnectionAlreadyInactive,
    )
    .await;
    expect_error(ana(), deactivate, PersonError::ConnectionNotFound).await;
}

// Organizer, follow-up, notes.

#[tokio::test]
async fn an_organizer_is_assigned_and_unassigned() {
    let assigned = PersonEvent::OrganizerAssigned {
        organizer: ORGANIZER,
        previous_organizer: None,
    };
    expect_events(
        ana(),
        PersonCommand::AssignOrganizer {
            organizer: ORGANIZER,
        },
        vec![assigned.clone()],
    )
    .await;
    expect_events(
        ana_and(vec![assigned.clone()]),
        PersonCommand::AssignOrganizer {
            organizer: OTHER_ORGANIZER,
        },
        vec![PersonEvent::OrganizerAssigned {
            organizer: OTHER_ORGANIZER,
            previous_organizer: Some(ORGANIZER),
        }],
    )
    .await;
    expect_events(
        ana_and(vec![assigned.clone()]),
        PersonCommand::UnassignOrganizer,
        vec![PersonEvent::OrganizerUnassigned {
            previous_organizer: ORGANIZER,
        }],
    )
    .await;
    expect_error(
        ana_and(vec![assigned]),
        PersonCommand::AssignOrganizer {
            organizer: ORGANIZER,
        },
        PersonError::AlreadyAssignedTo(ORGANIZER),
    )
    .await;
    expect_error(
        ana(),
        PersonCommand::UnassignOrganizer,
        PersonError::NoOrganizer,
    )
    .await;
}

#[tokio::test]
async fn follow_up_is_flagged_and_cleared() {
    expect_events(
        ana(),
        PersonCommand::FlagFollowUp,
        vec![PersonEvent::FollowUpFlagged],
    )
    .await;
    expect_events(
        ana_and(vec![PersonEvent::FollowUpFlagged]),
        PersonCommand::ClearFollowUp,
        vec![PersonEvent::FollowUpCleared],
    )
    .await;
    expect_error(
        ana_and(vec![PersonEvent::FollowUpFlagged]),
        PersonCommand::FlagFollowUp,
        PersonError::AlreadyFlaggedForFollowUp,
    )
    .await;
    expect_error(
        ana(),
        PersonCommand::ClearFollowUp,
        PersonError::NotFlaggedForFollowUp,
    )
    .await;
}

#[tokio::test]
async fn a_note_is_added_once() {
    let note_added = PersonEvent::NoteAdded {
        note_id: NOTE,
        text: Sensitive::new(text("Works nights, call after 4pm")),
        written_by: LEAD,
    };
    let add = PersonCommand::AddNote {
        note_id: NOTE,
        text: text("Works nights, call after 4pm"),
    };
    expect_events(ana(), add.clone(), vec![note_added.clone()]).await;
    expect_error(
        ana_and(vec![note_added]),
        add,
        PersonError::NoteAlreadyExists,
    )
    .await;
}

// One-on-ones.

fn held_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 12, 30, 0)
        .single()
        .unwrap()
}

fn one_on_one(assessment: Option<AssessmentLevel>) -> OneOnOne {
    OneOnOne {
        conversation_id: CONVERSATION,
        organizer: ORGANIZER,
        held_at: held_at(),
        issues: vec![response(ISSUES_FIELD, WAGES)],
        notes: Some(text("Worried about retaliation")),
        assessment,
        next_step: Some(text("Bring her to Thursday's meeting")),
    }
}

fn one_on_one_logged(assessment: Option<AssessmentLevel>) -> PersonEvent {
    PersonEvent::OneOnOneLogged {
        conversation_id: CONVERSATION,
        organizer: ORGANIZER,
        held_at: held_at(),
        issues: vec![response(ISSUES_FIELD, WAGES)],
        notes: Some(Sensitive::new(text("Worried about retaliation"))),
        assessment,
        next_step: Some(Sensitive::new(text("Bring her to Thursday's meeting"))),
        logged_by: LEAD,
    }
}

#[tokio::test]
async fn a_one_on_one_with_an_assessment_updates_the_level() {
    expect_events(
        ana_and(vec![assessed_on(Some(level(3)), None, days_before_now(2))]),
        PersonCommand::LogOneOnOne(one_on_one(Some(level(2)))),
        vec![
            one_on_one_logged(Some(level(2))),
            PersonEvent::PersonAssessed {
                level: Some(level(2)),
                previous_level: Some(level(3)),
                note: None,
                assessed_by: ORGANIZER,
                at: held_at(),
                becomes_current: true,
            },
        ],
    )
    .await;
}

// The level of record (ADR 12): the current level is the one with the latest date of record.

/// `days` days before the fixtures' "now" ([`fixtures::at`]).
fn days_before_now(days: i64) -> DateTime<Utc> {
    fixtures::at() - chrono::Duration::days(days)
}

/// A one-on-one with an assessment, held `days` days before now.
fn one_on_one_held_days_ago(days: i64, assessment: AssessmentLevel) -> OneOnOne {
    OneOnOne {
        held_at: days_before_now(days),
        ..one_on_one(Some(assessment))
    }
}

fn apply_all(events: Vec<PersonEvent>) -> Person {
    let mut person = Person::default();
    for event in events {
        person.apply(event);
    }
    person
}

#[tokio::test]
async fn a_one_on_one_logged_late_does_not_replace_a_newer_assessment() {
    // Given Ana assessed 3 today, when a 1:1 held 8 days ago is logged with level 1,
    let given = ana_and(vec![assessed(Some(level(3)), None)]);
    let command = PersonCommand::LogOneOnOne(one_on_one_held_days_ago(8, level(1)));
    // then the assessment is recorded at its own date, without becoming current,
    let late = PersonEvent::PersonAssessed {
        level: Some(level(1)),
        previous_level: Some(level(3)),
        note: None,
        assessed_by: ORGANIZER,
        at: days_before_now(8),
        becomes_current: false,
    };
    let logged = PersonEvent::OneOnOneLogged {
        conversation_id: CONVERSATION,
        organizer: ORGANIZER,
        held_at: days_before_now(8),
        issues: vec![response(ISSUES_FIELD, WAGES)],
        notes: Some(Sensitive::new(text("Worried about retaliation"))),
        assessment: Some(level(1)),
        next_step: Some(Sensitive::new(text("Bring her to Thursday's meeting"))),
        logged_by: LEAD,
    };
    expect_events(given.clone(), command, vec![logged.clone(), late.clone()]).await;
    // and Ana stays at 3, dated today.
    let person = apply_all([given, vec![logged, late]].concat());
    assert_eq!(person.assessment(), Some(level(3)));
    assert_eq!(person.assessment_at(), Some(fixtures::at()));
    // The date of record survives a snapshot.
    let back: Person = serde_json::from_value(serde_json::to_value(&person).unwrap()).unwrap();
    assert_eq!(back.assessment_at(), Some(fixtures::at()));
}

#[tokio::test]
async fn an_assessment_given_after_a_one_on_one_held_earlier_replaces_its_level() {
    // Given a 1:1 held 8 days ago set level 1, when Ana is assessed 3 today, then 3 is current.
    let given = ana_and(vec![assessed_on(Some(level(1)), None, days_before_now(8))]);
    let assess = PersonCommand::Assess {
        level: level(3),
        note: None,
    };
    let replaced = PersonEvent::PersonAssessed {
        level: Some(level(3)),
        previous_level: Some(level(1)),
        note: None,
        assessed_by: LEAD,
        at: fixtures::at(),
        becomes_current: true,
    };
    expect_events(given.clone(), assess, vec![replaced.clone()]).await;
    let person = apply_all([given, vec![replaced]].concat());
    assert_eq!(person.assessment(), Some(level(3)));
    assert_eq!(person.assessment_at(), Some(fixtures::at()));
}

#[tokio::test]
async fn of_two_one_on_ones_logged_out_of_order_the_later_held_one_counts() {
    // Given a 1:1 held 2 days ago gave level 2, when one held 5 days ago is logged with level 4, 2 stays.
    let given = ana_and(vec![assessed_on(Some(level(2)), None, days_before_now(2))]);
    let events = run(
        fixtures::person_facts(),
        given.clone(),
        PersonCommand::LogOneOnOne(one_on_one_held_days_ago(5, level(4))),
    )
    .await
    .unwrap();
    assert!(matches!(
        events.last(),
        Some(PersonEvent::PersonAssessed {
            level: Some(four),
            previous_level: Some(two),
            becomes_current: false,
            ..
        }) if *four == level(4) && *two == level(2)
    ));
    let person = apply_all([given, events].concat());
    assert_eq!(person.assessment(), Some(level(2)));
    assert_eq!(person.assessment_at(), Some(days_before_now(2)));
}

#[tokio::test]
async fn an_assessment_dated_like_the_current_one_replaces_it() {
    // Ties go to the later event in the log: a 1:1 held at the very moment of the current assessment.
    let given = ana_and(vec![assessed_on(Some(level(3)), None, held_at())]);
    let events = run(
        fixtures::person_facts(),
        given.clone(),
        PersonCommand::LogOneOnOne(one_on_one(Some(level(1)))),
    )
    .await
    .unwrap();
    assert!(matches!(
        events.last(),
        Some(PersonEvent::PersonAssessed {
            becomes_current: true,
            ..
        })
    ));
    assert_eq!(
        apply_all([given, events].concat()).assessment(),
        Some(level(1))
    );
}

#[tokio::test]
async fn a_one_on_one_held_before_a_clearing_does_not_reassess() {
    // Given Ana assessed 8 days ago and cleared yesterday, a 1:1 held 3 days ago leaves her unassessed.
    let given = ana_and(vec![
        assessed_on(Some(level(2)), None, days_before_now(8)),
        assessed_on(None, Some(level(2)), days_before_now(1)),
    ]);
    let events = run(
        fixtures::person_facts(),
        given.clone(),
        PersonCommand::LogOneOnOne(one_on_one_held_days_ago(3, level(1))),
    )
    .await
    .unwrap();
    let person = apply_all([given, events].concat());
    assert_eq!(person.assessment(), None);
    assert_eq!(person.assessment_at(), Some(days_before_now(1)));
}

#[test]
fn a_never_assessed_person_has_no_date_of_record() {
    let person = apply_all(ana());
    assert_eq!(person.assessment(), None);
    assert_eq!(person.assessment_at(), None);
}

#[test]
fn events_written_before_version_3_keep_replacing_the_level() {
    // A late 1:1 stored at version 2 replaced the level back then; replaying it does the same, so the
    // state and the read models built from those events stay as they were.
    let v2 = |level: u8, at: &str| {
        let payload = serde_json::json!({"PersonAssessed": {
            "level": level, "previous_level": null, "note": null,
            "assessed_by": LEAD.to_string(), "at": at,
        }});
        serde_json::from_value::<PersonEvent>(Person::upcast(PERSON_ASSESSED, 2, payload).unwrap())
            .unwrap()
    };
    let person = apply_all(ana_and(vec![
        v2(3, "2026-03-02T15:00:00Z"),
        v2(1, "2026-02-22T15:00:00Z"),
    ]));
    assert_eq!(person.assessment(), Some(level(1)));
}

#[tokio::test]
async fn a_one_on_one_without_an_assessment_is_logged() {
    expect_events(
        ana(),
        PersonCommand::LogOneOnOne(one_on_one(None)),
        vec![one_on_one_logged(None)],
    )
    .await;
}

#[tokio::test]
async fn bad_one_on_ones_are_rejected() {
    expect_error(
        ana_and(vec![one_on_one_logged(None)]),
        PersonCommand::LogOneOnOne(one_on_one(None)),
        PersonError::ConversationAlreadyLogged,
    )
    .await;
    let future = OneOnOne {
        held_at: Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).single().unwrap(),
        ..one_on_one(None)
    };
    expect_error(
        ana(),
        PersonCommand::LogOneOnOne(future),
        PersonError::ConversationInFuture,
    )
    .await;
    let retired_issue = OneOnOne {
        issues: vec![response(ISSUES_FIELD, SCHEDULING)],
        ..one_on_one(None)
    };
    expect_error(
        ana(),
        PersonCommand::LogOneOnOne(retired_issue),
        PersonError::ResponseNotFound,
    )
    .await;
    expect_error(
        ana(),
        PersonCommand::LogOneOnOne(one_on_one(Some(level(9)))),
        PersonError::AssessmentNotOnScale(level(9)),
    )
    .await;
    let stranger = UserId::from_uuid(uuid::Uuid::from_u128(0xdead));
    expect_error(
        ana(),
        PersonCommand::LogOneOnOne(OneOnOne {
            organizer: stranger,
            ..one_on_one(None)
        }),
        PersonError::OrganizerNotMember(stranger),
    )
    .await;
}

#[tokio::test]
async fn organizers_and_connection_targets_must_exist_in_the_chapter() {
    let stranger = UserId::from_uuid(uuid::Uuid::from_u128(0xdead));
    expect_error(
        ana(),
        PersonCommand::AssignOrganizer {
            organizer: stranger,
        },
        PersonError::OrganizerNotMember(stranger),
    )
    .await;
    let nobody = PersonId::from_uuid(uuid::Uuid::from_u128(0xbeef));
    expect_error(
        ana(),
        PersonCommand::Connect {
            connection_id: ConnectionId::from_uuid(uuid::Uuid::from_u128(0xc0)),
            target: EntityRef::Person(nobody),
            kind: coworker(),
        },
        PersonError::ConnectionTargetNotFound(nobody),
    )
    .await;
    use crate::rejection::Rejection as _;
    assert_eq!(
        PersonError::OrganizerNotMember(stranger).field(),
        Some("organizerId")
    );
    assert_eq!(
        PersonError::LevelNotOnScale(level(9)).field(),
        Some("level")
    );
}

// Structure-test steps.

fn record(step: StepKind) -> PersonCommand {
    PersonCommand::RecordStructureTestStep {
        test_id: STRUCTURE_TEST,
        step,
    }
}

/// Ana works the night shift, inside the fixture test's scope (DEPARTMENT).
fn ana_on_nights(more: Vec<PersonEvent>) -> Vec<PersonEvent> {
    let mut events = ana_and(vec![joined(NIGHT_SHIFT_UNIT)]);
    events.extend(more);
    events
}

#[tokio::test]
async fn steps_are_recorded_along_the_ladder() {
    use StepKind::*;
    expect_events(
        ana_on_nights(vec![]),
        record(Asked),
        vec![step(Asked, None)],
    )
    .await;
    expect_events(
        ana_on_nights(vec![step(Asked, None)]),
        record(Committed),
        vec![step(Committed, Some(Asked))],
    )
    .await;
    expect_events(
        ana_on_nights(vec![step(Asked, None), step(Committed, Some(Asked))]),
        record(Participated),
        vec![step(Participated, Some(Committed))],
    )
    .await;
    expect_events(
        ana_on_nights(vec![step(Asked, None)]),
        record(Declined),
        vec![step(Declined, Some(Asked))],
    )
    .await;
}

#[tokio::test]
async fn a_person_who_declined_may_be_asked_again() {
    use StepKind::*;
    expect_events(
        ana_on_nights(vec![step(Asked, None), step(Declined, Some(Asked))]),
        record(Asked),
        vec![step(Asked, Some(Declined))],
    )
    .await;
}

#[tokio::test]
async fn nonsensical_steps_are_rejected() {
    use StepKind::*;
    let participated = vec![step(Asked, None), step(Participated, Some(Asked))];
    expect_error(
        ana_on_nights(participated.clone()),
        record(Asked),
        PersonError::StepNotAllowed {
            from: Some(Participated),
            to: Asked,
        },
    )
    .await;
    expect_error(
        ana_on_nights(participated),
        record(Declined),
        PersonError::StepNotAllowed {
            from: Some(Participated),
            to: Declined,
        },
    )
    .await;
    expect_error(
        ana_on_nights(vec![step(Asked, None)]),
        record(Asked),
        PersonError::StepAlreadyRecorded(Asked),
    )
    .await;
}

#[tokio::test]
async fn steps_need_an_open_test_of_the_campaign_covering_the_person() {
    let facts = |test: Option<StructureTestFacts>| PersonFacts {
        structure_test: test,
        ..fixtures::person_facts()
    };
    let asked = record(StepKind::Asked);
    assert_eq!(
        run(facts(None), ana_on_nights(vec![]), asked.clone()).await,
        Err(PersonError::StructureTestNotFound)
    );
    let other_campaign = StructureTestFacts {
        campaign_id: OTHER_CAMPAIGN,
        ..fixtures::structure_test_facts()
    };
    assert_eq!(
        run(
            facts(Some(other_campaign)),
            ana_on_nights(vec![]),
            asked.clone()
        )
        .await,
        Err(PersonError::StructureTestNotFound)
    );
    let other_test = StructureTestFacts {
        test_id: StructureTestId::from_uuid(Uuid::from_u128(0x57_0002)),
        ..fixtures::structure_test_facts()
    };
    assert_eq!(
        run(
            facts(Some(other_test)),
            ana_on_nights(vec![]),
            asked.clone()
        )
        .await,
        Err(PersonError::StructureTestNotFound)
    );
    let closed = StructureTestFacts {
        open: false,
        ..fixtures::structure_test_facts()
    };
    assert_eq!(
        run(facts(Some(closed)), ana_on_nights(vec![]), asked.clone()).await,
        Err(PersonError::StructureTestClosed)
    );
    expect_error(
        ana_and(vec![joined(WAREHOUSE)]),
        asked,
        PersonError::NotInStructureTestScope,
    )
    .await;
}

// Merging.

fn duplicate_events() -> Vec<PersonEvent> {
    let phone = ContactValue::Phone(Phone::parse("+1 555 123 4567").unwrap());
    vec![
        person_added(OTHER_PERSON),
        // The same email as Ana's: not copied again.
        PersonEvent::ContactPointAdded(ContactPoint {
            contact_point_id: ContactPointId::from_uuid(Uuid::from_u128(0xcc_0002)),
            kind: ContactKind::Email,
            label: ContactLabel::Work,
            value: Sensitive::new(email("ana@example.org")),
            do_not_contact: false,
        }),
        PersonEvent::ContactPointAdded(ContactPoint {
            contact_point_id: ContactPointId::from_uuid(Uuid::from_u128(0xcc_0003)),
            kind: ContactKind::Phone,
            label: ContactLabel::Mobile,
            value: Sensitive::new(phone),
            do_not_contact: true,
        }),
        joined(WORKSITE),
        joined(WAREHOUSE),
        PersonEvent::PersonFieldResponseAdded(response(ISSUES_FIELD, SAFETY)),
        PersonEvent::PersonFieldResponseAdded(response(SHIFT_FIELD, NIGHT_SHIFT)),
        PersonEvent::PersonFieldValueSet(FieldValueEntry {
            field_id: HIRE_DATE_FIELD,
            value: Sensitive::new(hire_date()),
        }),
        PersonEvent::ConnectionMade(Connection {
            connection_id: ConnectionId::from_uuid(Uuid::from_u128(0xc2_0002)),
            target: EntityRef::Unit(WAREHOUSE),
            kind: coworker(),
        }),
        // A connection to the survivor would become a connection to oneself: not copied.
        PersonEvent::ConnectionMade(Connection {
            connection_id: ConnectionId::from_uuid(Uuid::from_u128(0xc2_0003)),
            target: EntityRef::Person(PERSON),
            kind: coworker(),
        }),
    ]
}

fn duplicate_facts_from(events: Vec<PersonEvent>) -> DuplicateFacts {
    let mut duplicate = Person::default();
    for event in events {
        duplicate.apply(event);
    }
    duplicate.duplicate_facts().unwrap()
}

fn survivor() -> Vec<PersonEvent> {
    ana_and(vec![
        contact_added(),
        joined(WORKSITE),
        PersonEvent::PersonFieldResponseAdded(response(SHIFT_FIELD, DAY_SHIFT)),
    ])
}

#[tokio::test]
async fn a_survivor_absorbs_what_it_lacks_from_the_duplicate() {
    let facts = fixtures::person_facts().with_duplicate(duplicate_facts_from(duplicate_events()));
    let events = run(
        facts,
        survivor(),
        PersonCommand::MergeDuplicate {
            duplicate: OTHER_PERSON,
        },
    )
    .await
    .unwrap();
    let expected_phone = match &duplicate_events()[2] {
        PersonEvent::ContactPointAdded(point) => point.clone(),
        _ => unreachable!(),
    };
    let expected_connection = match &duplicate_events()[8] {
        PersonEvent::ConnectionMade(connection) => connection.clone(),
        _ => unreachable!(),
    };
    assert_eq!(
        events,
        vec![PersonEvent::DuplicateMerged {
            duplicate: OTHER_PERSON,
            contact_points: vec![expected_phone],
            units: vec![WAREHOUSE],
            field_responses: vec![response(ISSUES_FIELD, SAFETY)],
            field_values: vec![FieldValueEntry {
                field_id: HIRE_DATE_FIELD,
                value: Sensitive::new(hire_date()),
            }],
            connections: vec![expected_connection],
        }]
    );
}

#[tokio::test]
async fn merging_is_rejected_without_a_matching_active_duplicate() {
    let merge = PersonCommand::MergeDuplicate {
        duplicate: OTHER_PERSON,
    };
    expect_error(
        survivor(),
        PersonCommand::MergeDuplicate { duplicate: PERSON },
        PersonError::CannotMergeWithSelf,
    )
    .await;
    expect_error(survivor(), merge.clone(), PersonError::DuplicateNotFound).await;
    let elsewhere = DuplicateFacts {
        campaign_id: OTHER_CAMPAIGN,
        ..duplicate_facts_from(duplicate_events())
    };
    assert_eq!(
        run(
            fixtures::person_facts().with_duplicate(elsewhere),
            survivor(),
            merge.clone()
        )
        .await,
        Err(PersonError::DuplicateInAnotherCampaign)
    );
    let mut removed = duplicate_events();
    removed.push(PersonEvent::PersonRemovedFromCampaign);
    assert_eq!(
        run(
            fixtures::person_facts().with_duplicate(duplicate_facts_from(removed)),
            survivor(),
            merge
        )
        .await,
        Err(PersonError::DuplicateNotActive)
    );
}

#[tokio::test]
async fn a_duplicate_is_marked_merged_and_then_rejects_everything_but_forgetting() {
    expect_events(
        ana(),
        PersonCommand::MarkMergedInto {
            survivor: OTHER_PERSON,
        },
        vec![PersonEvent::PersonMergedInto {
            survivor: OTHER_PERSON,
        }],
    )
    .await;
    expect_error(
        ana(),
        PersonCommand::MarkMergedInto { survivor: PERSON },
        PersonError::CannotMergeWithSelf,
    )
    .await;
    let merged = ana_and(vec![PersonEvent::PersonMergedInto {
        survivor: OTHER_PERSON,
    }]);
    expect_error(
        merged.clone(),
        PersonCommand::FlagFollowUp,
        PersonError::Merged {
            survivor: OTHER_PERSON,
        },
    )
    .await;
    expect_events(
        merged,
        PersonCommand::Forget,
        vec![PersonEvent::PersonForgotten],
    )
    .await;
}

// Removal and forgetting.

#[tokio::test]
async fn a_removed_person_rejects_commands_but_can_be_forgotten() {
    expect_events(
        ana(),
        PersonCommand::RemoveFromCampaign,
        vec![PersonEvent::PersonRemovedFromCampaign],
    )
    .await;
    let removed = ana_and(vec![PersonEvent::PersonRemovedFromCampaign]);
    expect_error(
        removed.clone(),
        PersonCommand::Assess {
            level: level(1),
            note: None,
        },
        PersonError::Removed,
    )
    .await;
    expect_error(
        removed.clone(),
        PersonCommand::RemoveFromCampaign,
        PersonError::Removed,
    )
    .await;
    expect_events(
        removed,
        PersonCommand::Forget,
        vec![PersonEvent::PersonForgotten],
    )
    .await;
}

#[tokio::test]
async fn a_forgotten_person_is_forgotten_once_and_rejects_everything() {
    expect_events(
        ana(),
        PersonCommand::Forget,
        vec![PersonEvent::PersonForgotten],
    )
    .await;
    let forgotten = ana_and(vec![PersonEvent::PersonForgotten]);
    expect_error(
        forgotten.clone(),
        PersonCommand::Forget,
        PersonError::AlreadyForgotten,
    )
    .await;
    expect_error(
        forgotten,
        PersonCommand::FlagFollowUp,
        PersonError::Forgotten,
    )
    .await;
}

#[test]
fn forgetting_erases_personal_data_from_state() {
    let mut person = Person::default();
    for event in ana_and(vec![
        contact_added(),
        PersonEvent::PersonFieldValueSet(FieldValueEntry {
            field_id: HIRE_DATE_FIELD,
            value: Sensitive::new(hire_date()),
        }),
        PersonEvent::PersonForgotten,
    ]) {
        person.apply(event);
    }
    assert_eq!(person.status(), Some(PersonStatus::Forgotten));
    let snapshot = serde_json::to_string(&person).unwrap();
    assert!(!snapshot.contains("Ana"), "{snapshot}");
    assert!(!snapshot.contains("ana@example.org"), "{snapshot}");
    assert!(!snapshot.contains("2019-05-01"), "{snapshot}");
}

#[tokio::test]
async fn erased_values_read_back_from_storage_do_not_break_the_person() {
    // What the store hands back after the person's key is destroyed, replayed before the forget event.
    let erased = vec![
        PersonEvent::PersonAddedToCampaign {
            person_id: PERSON,
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            name: Sensitive::Erased,
            preferred_language: None,
        },
        PersonEvent::ContactPointAdded(ContactPoint {
            contact_point_id: CONTACT,
            kind: ContactKind::Email,
            label: ContactLabel::Home,
            value: Sensitive::Erased,
            do_not_contact: false,
        }),
        PersonEvent::NoteAdded {
            note_id: NOTE,
            text: Sensitive::Erased,
            written_by: LEAD,
        },
        PersonEvent::PersonAssessed {
            level: Some(level(2)),
            previous_level: None,
            note: Some(Sensitive::Erased),
            assessed_by: LEAD,
            at: fixtures::at(),
            becomes_current: true,
        },
    ];
    let mut person = Person::default();
    for event in erased.clone() {
        person.apply(event);
    }
    assert_eq!(person.name(), Some(&Sensitive::Erased));
    assert_eq!(person.assessment(), Some(level(2)));
    let json = serde_json::to_value(&erased).unwrap();
    let back: Vec<PersonEvent> = serde_json::from_value(json).unwrap();
    assert_eq!(back, erased);
    expect_events(
        erased,
        PersonCommand::Forget,
        vec![PersonEvent::PersonForgotten],
    )
    .await;
}

// Storage: upcasting, data subject, snapshots.

#[test]
fn a_version_1_assessment_is_upcast_to_the_current_event() {
    let v1 = serde_json::json!({"PersonAssessed": {
        "level": 2,
        "by": LEAD.to_string(),
        "at": "2025-11-01T18:30:00Z",
    }});
    let current = Person::upcast(PERSON_ASSESSED, 1, v1).unwrap();
    let event: PersonEvent = serde_json::from_value(current).unwrap();
    assert_eq!(
        event,
        PersonEvent::PersonAssessed {
            level: Some(level(2)),
            previous_level: None,
            note: None,
            assessed_by: LEAD,
            at: Utc
                .with_ymd_and_hms(2025, 11, 1, 18, 30, 0)
                .single()
                .unwrap(),
            becomes_current: true,
        }
    );
}

#[test]
fn a_version_2_assessment_is_upcast_as_one_that_became_current() {
    let v2 = serde_json::json!({"PersonAssessed": {
        "level": 2,
        "previous_level": 4,
        "note": null,
        "assessed_by": LEAD.to_string(),
        "at": "2025-11-01T18:30:00Z",
    }});
    let event: PersonEvent =
        serde_json::from_value(Person::upcast(PERSON_ASSESSED, 2, v2).unwrap()).unwrap();
    assert_eq!(
        event,
        PersonEvent::PersonAssessed {
            level: Some(level(2)),
            previous_level: Some(level(4)),
            note: None,
            assessed_by: LEAD,
            at: Utc
                .with_ymd_and_hms(2025, 11, 1, 18, 30, 0)
                .single()
                .unwrap(),
            becomes_current: true,
        }
    );
    assert!(Person::upcast(PERSON_ASSESSED, 2, serde_json::json!({"Other": {}})).is_err());
}

#[test]
fn a_version_1_level_zero_means_unassessed() {
    let v1 = serde_json::json!({"PersonAssessed": {"level": 0, "by": LEAD.to_string(), "at": "2025-11-01T18:30:00Z"}});
    let event: PersonEvent =
        serde_json::from_value(Person::upcast(PERSON_ASSESSED, 1, v1).unwrap()).unwrap();
    assert!(matches!(
        event,
        PersonEvent::PersonAssessed { level: None, .. }
    ));
}

#[test]
fn malformed_or_unknown_versions_are_not_upcast() {
    let bad = serde_json::json!({"PersonAssessed": {"level": 300, "by": "x", "at": "y"}});
    assert!(Person::upcast(PERSON_ASSESSED, 1, bad).is_err());
    assert!(Person::upcast(PERSON_ASSESSED, 1, serde_json::json!({"Other": {}})).is_err());
    assert!(Person::upcast("FollowUpFlagged", 0, serde_json::json!("FollowUpFlagged")).is_err());
    assert!(Person::upcast(
        PERSON_ASSESSED,
        4,
        serde_json::json!({"PersonAssessed": {}})
    )
    .is_err());
    let current = serde_json::to_value(assessed(Some(level(1)), None)).unwrap();
    assert_eq!(
        Person::upcast(PERSON_ASSESSED, 3, current.clone()).unwrap(),
        current
    );
}

#[test]
fn assessments_are_stored_at_version_3_and_everything_else_at_version_1() {
    assert_eq!(assessed(None, None).event_version(), "3");
    assert_eq!(Person::event_schema_version(PERSON_ASSESSED), 3);
    assert_eq!(PersonEvent::FollowUpFlagged.event_version(), "1");
    assert_eq!(PersonEvent::FollowUpFlagged.event_type(), "FollowUpFlagged");
}

#[test]
fn a_person_stream_belongs_to_its_person() {
    assert_eq!(
        Person::data_subject(&PERSON.to_string()),
        Some(PERSON.as_uuid())
    );
    assert_eq!(Person::data_subject("not-a-uuid"), None);
}

#[test]
fn personal_values_are_marked_in_the_stored_form() {
    let json = serde_json::to_value(person_added(PERSON)).unwrap();
    assert_eq!(
        json["PersonAddedToCampaign"]["name"]["$personal"]["given"],
        "Ana"
    );
}

#[test]
fn state_survives_a_snapshot() {
    let mut person = Person::default();
    for event in survivor() {
        person.apply(event);
    }
    let back: Person = serde_json::from_value(serde_json::to_value(&person).unwrap()).unwrap();
    assert_eq!(back, person);
    assert_eq!(back.units(), BTreeSet::from([WORKSITE]));
}

fn badge(value: &str) -> (ExternalSystem, ExternalIdValue) {
    (
        ExternalSystem::normalized("Employee Number").unwrap(),
        ExternalIdValue::parse(value).unwrap(),
    )
}

fn external_id_set(value: Option<&str>) -> PersonEvent {
    let (system, _) = badge("x");
    PersonEvent::PersonExternalIdSet {
        system,
        value: value.map(|value| Sensitive::new(ExternalIdValue::parse(value).unwrap())),
    }
}

#[tokio::test]
async fn an_external_id_is_recorded_replaced_and_cleared() {
    let (system, value) = badge("E-17");
    assert_eq!(system.as_str(), "employee_number");
    expect_events(
        ana(),
        PersonCommand::SetExternalId {
            system: system.clone(),
            value: Some(value.clone()),
        },
        vec![external_id_set(Some("E-17"))],
    )
    .await;
    expect_events(
        ana_and(vec![external_id_set(Some("E-17"))]),
        PersonCommand::SetExternalId {
            system: system.clone(),
            value: None,
        },
        vec![external_id_set(None)],
    )
    .await;
    expect_error(
        ana_and(vec![external_id_set(Some("E-17"))]),
        PersonCommand::SetExternalId {
            system,
            value: Some(value),
        },
        PersonError::ExternalIdUnchanged,
    )
    .await;
}

fn folded(events: Vec<PersonEvent>) -> Person {
    let mut person = Person::default();
    for event in events {
        person.apply(event);
    }
    person
}

#[test]
fn restoring_an_aspect_gives_the_commands_back_to_the_earlier_state() {
    use super::restore::Aspect;
    let before = folded(ana_and(vec![contact_added(), joined(NIGHT_SHIFT_UNIT)]));
    let later = folded(ana_and(vec![
        contact_added(),
        joined(NIGHT_SHIFT_UNIT),
        PersonEvent::ContactPointRemoved {
            contact_point_id: CONTACT,
        },
        PersonEvent::PersonLeftUnit {
            unit_id: NIGHT_SHIFT_UNIT,
        },
        joined(DEPARTMENT),
        external_id_set(Some("E-17")),
    ]));
    // The removed address comes back with its id; the unit moves back; the external id goes.
    assert_eq!(
        later.restore(&before, &Aspect::Contacts(ContactKind::Email)),
        vec![PersonCommand::AddContactPoint {
            contact_point_id: CONTACT,
            label: ContactLabel::Home,
            value: email("ana@example.org"),
            do_not_contact: false,
        }]
    );
    assert_eq!(
        later.restore(&before, &Aspect::Units),
        vec![
            PersonCommand::LeaveUnit {
                unit_id: DEPARTMENT
            },
            PersonCommand::JoinUnit {
                unit_id: NIGHT_SHIFT_UNIT
            }
        ]
    );
    assert_eq!(
        later.restore(&before, &Aspect::ExternalId(badge("x").0)),
        vec![PersonCommand::SetExternalId {
            system: badge("x").0,
            value: None
        }]
    );
    // What already agrees needs nothing; a person who did not exist before is removed.
    assert_eq!(later.restore(&before, &Aspect::Name), vec![]);
    assert_eq!(
        later.restore(&Person::default(), &Aspect::Existence),
        vec![PersonCommand::RemoveFromCampaign]
    );
    // Each event names the aspects it changes; a removal is known by the kind the point had before.
    assert_eq!(
        Aspect::of(
            &PersonEvent::ContactPointRemoved {
                contact_point_id: CONTACT
            },
            &before
        ),
        vec![Aspect::Contacts(ContactKind::Email)]
    );
    assert_eq!(
        Aspect::of(&external_id_set(None), &before),
        vec![Aspect::ExternalId(badge("x").0)]
    );
}
