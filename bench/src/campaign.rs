//! A synthetic campaign built through the real commands (the same service path as the GraphQL mutations):
//! a unit tree four levels deep (region → worksite → department → shift), people with contact points, a field
//! response, assessment histories, 1:1s, tasks and a structure test. Like `api::demo`, but concurrent and
//! sized for 10,000 or 100,000 people. The chapter is the development identity's, so the GraphQL API run as
//! that identity sees it, and a sixth of the tasks are assigned to that user ("my tasks").

use anyhow::Context as _;
use api::graphql::authz::{DEV_CHAPTER, DEV_USER};
use api::service::{Committed, Groundwork};
use chrono::{DateTime, Duration, Utc};
use domain::campaign::CampaignCommand;
use domain::chapter::ChapterCommand;
use domain::ids::{
    CampaignId, ContactPointId, ConversationId, CorrelationId, FieldId, PersonId, ResponseId,
    SectionId, StructureTestId, TaskId, UnitId, UserId,
};
use domain::person::{FieldResponseRef, OneOnOne, PersonCommand};
use domain::structure_test::StructureTestCommand;
use domain::task::TaskCommand;
use domain::values::{
    AssessmentLevel, ContactLabel, ContactValue, Email, FieldType, GoalThreshold, Label,
    LanguageTag, NoteText, PersonName, Phone, StepKind, TaskKind,
};
use domain::Actor;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

const GIVEN_NAMES: &[&str] = &[
    "Ana", "Luis", "Maria", "James", "Keisha", "Tomás", "Priya", "Daniel", "Fatima", "Grace",
    "Miguel", "Olga", "Samuel", "Lucía", "Chen", "Aisha", "Robert", "Carmen", "Dmitri", "Joy",
];
const FAMILY_NAMES: &[&str] = &[
    "García", "Johnson", "Nguyen", "Okafor", "Martinez", "Smith", "Kowalski", "Patel", "Williams",
    "Brown", "Rossi", "Haddad", "Kim", "Mensah", "Davis", "Ivanova", "Torres", "Silva",
];
const DEPARTMENTS: &[&str] = &["Emergency", "Intensive Care", "Pediatrics", "Surgery"];
const SHIFTS: &[&str] = &["Day shift", "Evening shift", "Night shift"];
const ISSUES: &[&str] = &["Staffing", "Pay", "Scheduling", "Safety", "Respect"];

/// How far back the synthetic history starts.
pub const HISTORY_DAYS: i64 = 60;

/// What was built, for the measurements that follow.
#[derive(Debug, Clone)]
pub struct World {
    pub campaign: CampaignId,
    pub structure_test: StructureTestId,
    pub departments: Vec<UnitId>,
    pub shifts: Vec<UnitId>,
    pub people: Vec<PersonId>,
    pub organizers: Vec<UserId>,
    pub units: usize,
    pub commands: usize,
    pub events: usize,
    /// When the synthetic history ends (the build's start).
    pub now: DateTime<Utc>,
}

/// The campaign's fields, shared by the people builders.
#[derive(Debug, Clone)]
struct Setup {
    campaign: CampaignId,
    test: StructureTestId,
    shifts: Vec<UnitId>,
    issues_field: FieldId,
    responses: Vec<ResponseId>,
    organizers: Vec<UserId>,
    start: DateTime<Utc>,
    per_person: Duration,
    now: DateTime<Utc>,
}

pub fn label(text: &str) -> anyhow::Result<Label> {
    Label::parse(text).with_context(|| format!("`{text}` is not a label"))
}

pub fn level(value: u8) -> anyhow::Result<AssessmentLevel> {
    AssessmentLevel::new(value).with_context(|| format!("{value} is not an assessment level"))
}

pub fn actor(user: UserId, at: DateTime<Utc>) -> Actor {
    Actor {
        user,
        chapter: DEV_CHAPTER,
        at,
        correlation: CorrelationId::new_random(),
    }
}

/// Builds the campaign of `people` people on `clients` concurrent clients.
pub async fn build(
    groundwork: &Arc<Groundwork>,
    people: usize,
    clients: usize,
) -> anyhow::Result<World> {
    let now = Utc::now();
    let start = now - Duration::days(HISTORY_DAYS);
    let lead = UserId::new_random();
    let mut organizers = vec![DEV_USER];
    organizers.extend((0..5).map(|_| UserId::new_random()));
    let mut commands = 0;
    let mut events = 0;
    let mut tally = |committed: Committed| {
        commands += 1;
        events += committed.events;
    };
    let at = |step: i64| start + Duration::seconds(step);

    tally(
        groundwork
            .execute_chapter(
                &actor(lead, at(0)),
                DEV_CHAPTER,
                None,
                ChapterCommand::CreateChapter {
                    chapter_id: DEV_CHAPTER,
                    name: label("Bench Health Workers United")?,
                },
            )
            .await?,
    );
    let campaign = CampaignId::new_random();
    let mut setup = vec![CampaignCommand::CreateCampaign {
        campaign_id: campaign,
        chapter: DEV_CHAPTER,
        name: label("Bench campaign")?,
        goal: u32::try_from(people * 7 / 10).unwrap_or(u32::MAX),
    }];
    // Four levels: regions, worksites (enough for about 2,000 people each), departments, shifts.
    let worksites_per_region = people.div_ceil(4_000).clamp(1, 25);
    let mut departments = Vec::new();
    let mut shifts = Vec::new();
    let mut units = 0;
    for region in 0..2 {
        let region_id = UnitId::new_random();
        setup.push(CampaignCommand::AddUnit {
            unit_id: region_id,
            name: label(&format!("Region {}", region + 1))?,
            kind: label("Region")?,
            parent: None,
        });
        units += 1;
        for worksite in 0..worksites_per_region {
            let worksite_id = UnitId::new_random();
            setup.push(CampaignCommand::AddUnit {
                unit_id: worksite_id,
                name: label(&format!("Hospital {}-{}", region + 1, worksite + 1))?,
                kind: label("Worksite")?,
                parent: Some(region_id),
            });
            units += 1;
            for department in DEPARTMENTS {
                let department_id = UnitId::new_random();
                setup.push(CampaignCommand::AddUnit {
                    unit_id: department_id,
                    name: label(department)?,
                    kind: label("Department")?,
                    parent: Some(worksite_id),
                });
                departments.push(department_id);
                units += 1;
                for shift in SHIFTS {
                    let shift_id = UnitId::new_random();
                    setup.push(CampaignCommand::AddUnit {
                        unit_id: shift_id,
                        name: label(shift)?,
                        kind: label("Shift")?,
                        parent: Some(department_id),
                    });
                    shifts.push(shift_id);
                    units += 1;
                }
            }
        }
    }
    let section = SectionId::new_random();
    let issues_field = FieldId::new_random();
    setup.push(CampaignCommand::AddSection {
        section_id: section,
        name: label("Workplace issues")?,
    });
    setup.push(CampaignCommand::AddField {
        field_id: issues_field,
        section_id: section,
        name: label("Top issues")?,
        field_type: FieldType::Standard,
        allows_multiple: true,
    });
    let mut responses = Vec::new();
    for issue in ISSUES {
        let response_id = ResponseId::new_random();
        setup.push(CampaignCommand::AddResponse {
            field_id: issues_field,
            response_id,
            name: label(issue)?,
        });
        responses.push(response_id);
    }
    for (step, command) in setup.into_iter().enumerate() {
        tally(
            groundwork
                .execute_campaign(&actor(lead, at(1 + step as i64)), campaign, None, command)
                .await?,
        );
    }
    let test = StructureTestId::new_random();
    tally(
        groundwork
            .execute_structure_test(
                &actor(lead, at(3_600)),
                test,
                None,
                StructureTestCommand::CreateStructureTest {
                    test_id: test,
                    campaign_id: campaign,
                    name: label("Sign the safe-staffing petition")?,
                    scope: Vec::new(),
                    goal: GoalThreshold::new(70)?,
                    deadline: (now + Duration::days(14)).date_naive(),
                },
            )
            .await?,
    );

    let setup = Arc::new(Setup {
        campaign,
        test,
        shifts: shifts.clone(),
        issues_field,
        responses,
        organizers: organizers.clone(),
        start: at(7_200),
        per_person: Duration::milliseconds(
            ((Duration::days(HISTORY_DAYS) - Duration::hours(4)).num_milliseconds()
                / people.max(1) as i64)
                .max(1),
        ),
        now,
    });
    let mut workers = Vec::new();
    for client in 0..clients.max(1) {
        let groundwork = groundwork.clone();
        let setup = setup.clone();
        let clients = clients.max(1);
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(client as u64 + 7);
            let mut built = Vec::new();
            let mut commands = 0;
            let mut events = 0;
            for index in (client..people).step_by(clients) {
                let (person, person_commands, person_events) =
                    build_person(&groundwork, &setup, index, &mut rng).await?;
                built.push((index, person));
                commands += person_commands;
                events += person_events;
            }
            Ok::<_, anyhow::Error>((built, commands, events))
        }));
    }
    let mut built = Vec::new();
    for worker in workers {
        let (people, worker_commands, worker_events) = worker.await??;
        built.extend(people);
        commands += worker_commands;
        events += worker_events;
    }
    built.sort_by_key(|(index, _)| *index);
    Ok(World {
        campaign,
        structure_test: test,
        departments,
        shifts,
        people: built.into_iter().map(|(_, person)| person).collect(),
        organizers,
        units,
        commands,
        events,
        now,
    })
}

/// One person's history: about eight commands, a task for every fifth person.
async fn build_person(
    groundwork: &Groundwork,
    setup: &Setup,
    index: usize,
    rng: &mut StdRng,
) -> anyhow::Result<(PersonId, usize, usize)> {
    let person = PersonId::new_random();
    let given = GIVEN_NAMES[rng.gen_range(0..GIVEN_NAMES.len())];
    let family = FAMILY_NAMES[rng.gen_range(0..FAMILY_NAMES.len())];
    let organizer = setup.organizers[index % setup.organizers.len()];
    let lead = setup.organizers[1 % setup.organizers.len()];
    let first_at = setup.start + setup.per_person * index as i32;
    let mut commands = vec![
        (
            lead,
            PersonCommand::AddToCampaign {
                person_id: person,
                campaign_id: setup.campaign,
                name: PersonName::parse(given, family)?,
                preferred_language: LanguageTag::parse(if rng.gen_bool(0.3) { "es" } else { "en" })
                    .ok(),
            },
        ),
        (
            lead,
            PersonCommand::JoinUnit {
                unit_id: setup.shifts[index % setup.shifts.len()],
            },
        ),
        (
            lead,
            PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Home,
                value: ContactValue::Email(Email::parse(&format!("person{index}@example.org"))?),
                do_not_contact: false,
            },
        ),
        (
            lead,
            PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Mobile,
                value: ContactValue::Phone(Phone::parse(&format!(
                    "+1 555 {:03} {:04}",
                    100 + index / 10_000 % 900,
                    index % 10_000
                ))?),
                do_not_contact: rng.gen_bool(0.05),
            },
        ),
        (
            organizer,
            PersonCommand::AddFieldResponse {
                field_id: setup.issues_field,
                response_id: setup.responses[rng.gen_range(0..setup.responses.len())],
            },
        ),
    ];
    if rng.gen_bool(0.85) {
        commands.push((lead, PersonCommand::AssignOrganizer { organizer }));
    }
    let first_level: u8 = rng.gen_range(1..=5);
    commands.push((
        organizer,
        PersonCommand::Assess {
            level: level(first_level)?,
            note: None,
        },
    ));
    if rng.gen_bool(0.4) {
        commands.push((
            organizer,
            PersonCommand::LogOneOnOne(OneOnOne {
                conversation_id: ConversationId::new_random(),
                organizer,
                held_at: first_at,
                issues: vec![FieldResponseRef {
                    field_id: setup.issues_field,
                    response_id: setup.responses[rng.gen_range(0..setup.responses.len())],
                }],
                notes: NoteText::parse(&format!(
                    "{given} talked about short staffing and is worried about retaliation."
                ))
                .ok(),
                assessment: Some(level(first_level.saturating_sub(1).max(1))?),
                next_step: NoteText::parse("Bring to the next unit meeting").ok(),
            }),
        ));
    }
    if rng.gen_bool(0.6) {
        commands.push((
            organizer,
            PersonCommand::RecordStructureTestStep {
                test_id: setup.test,
                step: StepKind::Asked,
            },
        ));
        if rng.gen_bool(0.7) {
            commands.push((
                organizer,
                PersonCommand::RecordStructureTestStep {
                    test_id: setup.test,
                    step: if rng.gen_bool(0.6) {
                        StepKind::Participated
                    } else {
                        StepKind::Committed
                    },
                },
            ));
        }
    }
    let mut count = 0;
    let mut events = 0;
    for (step, (user, command)) in commands.into_iter().enumerate() {
        // A 1:1 is logged half an hour after it was held.
        let at = first_at + Duration::minutes(30 * (step as i64 + 1));
        let committed = groundwork
            .execute_person(&actor(user, at), person, None, command)
            .await
            .with_context(|| format!("person {index}, command {step}"))?;
        count += 1;
        events += committed.events;
    }
    if index.is_multiple_of(5) {
        let task = TaskId::new_random();
        let at = first_at + Duration::hours(6);
        let committed = groundwork
            .execute_task(
                &actor(lead, at),
                task,
                None,
                TaskCommand::AssignTask {
                    task_id: task,
                    campaign_id: setup.campaign,
                    kind: if index.is_multiple_of(10) {
                        TaskKind::OneOnOne
                    } else {
                        TaskKind::FollowUp
                    },
                    title: label("Follow up after the petition ask")?,
                    assignee: organizer,
                    subjects: vec![person],
                    due: Some((setup.now + Duration::days(rng.gen_range(-5..10))).date_naive()),
                },
            )
            .await
            .with_context(|| format!("task of person {index}"))?;
        count += 1;
        events += committed.events;
    }
    Ok((person, count, events))
}
