//! `groundwork demo`: a realistic demo chapter, loaded through the real commands so that it exercises the
//! same validation, events and store as an organizer's phone would. Deterministic apart from the ids.

use crate::service::{Groundwork, ServiceError};
use chrono::{DateTime, Duration, Utc};
use domain::campaign::CampaignCommand;
use domain::chapter::ChapterCommand;
use domain::ids::{
    CampaignId, ChapterId, ContactPointId, ConversationId, CorrelationId, FieldId, NoteId,
    PersonId, ResponseId, SectionId, StructureTestId, TaskId, UnitId, UserId,
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
use std::fmt;

const GIVEN_NAMES: &[&str] = &[
    "Ana", "Luis", "Maria", "James", "Keisha", "Tomás", "Priya", "Daniel", "Fatima", "Grace",
    "Miguel", "Olga", "Samuel", "Lucía", "Chen", "Aisha", "Robert", "Carmen", "Dmitri", "Joy",
    "Hector", "Nadia", "Peter", "Rosa", "Kwame", "Elena", "Omar", "Sofia", "Tyrone", "Mei",
];
const FAMILY_NAMES: &[&str] = &[
    "García",
    "Johnson",
    "Nguyen",
    "Okafor",
    "Martínez",
    "Smith",
    "Hernández",
    "Kowalski",
    "Patel",
    "Williams",
    "López",
    "Brown",
    "Rossi",
    "Haddad",
    "Kim",
    "Mensah",
    "Ramírez",
    "Davis",
    "Ivanova",
    "Torres",
    "Chen",
    "Moore",
    "Silva",
    "Jackson",
    "Flores",
];
const DEPARTMENTS: &[&str] = &["Emergency", "Intensive Care", "Pediatrics", "Surgery"];
const SHIFTS: &[&str] = &["Day shift", "Evening shift", "Night shift"];
const ISSUES: &[&str] = &["Staffing", "Pay", "Scheduling", "Safety", "Respect"];

/// What the demo created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub chapter: Option<ChapterId>,
    pub campaign: Option<CampaignId>,
    pub units: usize,
    pub people: usize,
    pub assessments: usize,
    pub one_on_ones: usize,
    pub tasks: usize,
    pub structure_test_steps: usize,
    pub commands: usize,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = |value: Option<String>| value.unwrap_or_default();
        writeln!(
            f,
            "demo chapter  {}",
            id(self.chapter.map(|c| c.to_string()))
        )?;
        writeln!(
            f,
            "campaign      {}",
            id(self.campaign.map(|c| c.to_string()))
        )?;
        write!(
            f,
            "{} units, {} people, {} assessments, {} one-on-ones, {} tasks, {} structure-test steps ({} commands)",
            self.units,
            self.people,
            self.assessments,
            self.one_on_ones,
            self.tasks,
            self.structure_test_steps,
            self.commands
        )
    }
}

/// The demo could not be loaded: a command was refused (a bug in the demo) or the store failed.
#[derive(Debug, thiserror::Error)]
#[error("the demo could not be loaded: {step}: {source}")]
pub struct DemoError {
    step: String,
    #[source]
    source: ServiceError,
}

/// Makes `user` a member of `chapter` with `role`, with an account that has no password (the demo's and the
/// benchmark's organizers, whom tasks and people name).
pub async fn add_member(
    store: &store::Store,
    user: UserId,
    chapter: ChapterId,
    email: &str,
    role: &str,
) -> Result<(), store::StoreError> {
    let now = Utc::now();
    store
        .create_user(&store::UserRow {
            id: user.to_string(),
            email: email.to_string(),
            password_hash: None,
            oidc_subject: None,
            disabled_at: None,
            created_at: now,
        })
        .await?;
    store
        .put_membership(&store::MembershipRow {
            user_id: user.to_string(),
            chapter_id: chapter.to_string(),
            role: role.to_string(),
            personal_data: false,
            can_export: false,
            created_at: now,
            disabled_at: None,
        })
        .await
}

/// A clock that moves forward a little with every command, so the demo has a believable history.
struct DemoClock {
    now: DateTime<Utc>,
    chapter: ChapterId,
}

impl DemoClock {
    fn actor(&mut self, user: UserId, step: Duration) -> Actor {
        self.now += step;
        Actor {
            user,
            chapter: self.chapter,
            at: self.now,
            correlation: CorrelationId::new_random(),
        }
    }
}

fn label(text: &str) -> Label {
    // Every demo label is a short literal, which `Label::parse` accepts.
    Label::parse(text).unwrap_or_else(|_| unreachable_label())
}

fn unreachable_label() -> Label {
    Label::parse("demo").unwrap_or_else(|_| unreachable!("`demo` is a valid label"))
}

fn level(value: u8) -> AssessmentLevel {
    AssessmentLevel::new(value).unwrap_or_else(|_| unreachable!("levels 1 to 5 are valid"))
}

/// Loads a demo chapter with a hospital campaign of `people` people. `now` anchors the history: the demo
/// spans the sixty days before it.
pub async fn load(groundwork: &Groundwork, people: usize) -> Result<DemoSummary, DemoError> {
    load_at(groundwork, people, Utc::now()).await
}

/// As [`load`], with the moment the history ends given explicitly (tests use a fixed one).
pub async fn load_at(
    groundwork: &Groundwork,
    people: usize,
    now: DateTime<Utc>,
) -> Result<DemoSummary, DemoError> {
    load_into(
        groundwork,
        ChapterId::new_random(),
        UserId::new_random(),
        people,
        now,
    )
    .await
}

/// Loads the demo into `chapter` (created unless it exists already), with `lead` as the campaign lead who
/// sets it up and assigns the tasks. `groundwork demo` uses the development identity's chapter and user, so
/// a server started with `GROUNDWORK_DEV_IDENTITY=true` shows the demo at once.
pub async fn load_into(
    groundwork: &Groundwork,
    chapter: ChapterId,
    lead: UserId,
    people: usize,
    now: DateTime<Utc>,
) -> Result<DemoSummary, DemoError> {
    let mut rng = StdRng::seed_from_u64(12);
    let organizers: Vec<UserId> = (0..6).map(|_| UserId::new_random()).collect();
    // Tasks and organizers may name only members of the chapter: the demo's organizers get accounts
    // without a password (nobody signs in as them).
    for (index, organizer) in organizers.iter().enumerate() {
        add_member(
            groundwork.store(),
            *organizer,
            chapter,
            &format!(
                "organizer{}-{}@demo.invalid",
                index + 1,
                organizer.as_uuid().simple()
            ),
            "organizer",
        )
        .await
        .map_err(|source| DemoError {
            step: "add the demo's organizers".to_string(),
            source: source.into(),
        })?;
    }
    let history = Duration::days(60);
    // Spread the commands over the sixty days, leaving the last hour of the window free.
    let commands_expected = 40 + people as i64 * 9;
    let tick = Duration::milliseconds(
        ((history - Duration::hours(1)).num_milliseconds() / commands_expected).max(1),
    );
    let mut clock = DemoClock {
        now: now - history,
        chapter,
    };
    let mut summary = DemoSummary {
        chapter: Some(chapter),
        ..DemoSummary::default()
    };
    macro_rules! run {
        ($step:expr, $call:expr) => {{
            summary.commands += 1;
            $call.await.map_err(|source| DemoError {
                step: $step.to_string(),
                source,
            })?
        }};
    }

    let actor = clock.actor(lead, tick);
    summary.commands += 1;
    match groundwork
        .execute_chapter(
            &actor,
            chapter,
            None,
            ChapterCommand::CreateChapter {
                chapter_id: chapter,
                name: label("Riverside Health Workers United"),
            },
        )
        .await
    {
        // A second demo goes into the same chapter as a second campaign.
        Ok(_) | Err(ServiceError::Rejected(_)) => {}
        Err(source) => {
            return Err(DemoError {
                step: "create the chapter".to_string(),
                source,
            })
        }
    }

    let campaign = CampaignId::new_random();
    summary.campaign = Some(campaign);
    let campaign_command = |command: CampaignCommand| (campaign, command);
    let mut setup = vec![campaign_command(CampaignCommand::CreateCampaign {
        campaign_id: campaign,
        chapter,
        name: label("Riverside General: nurses' first contract"),
        goal: u32::try_from(people * 7 / 10).unwrap_or(u32::MAX),
    })];
    let hospital = UnitId::new_random();
    setup.push(campaign_command(CampaignCommand::AddUnit {
        unit_id: hospital,
        name: label("Riverside General Hospital"),
        kind: label("Worksite"),
        parent: None,
    }));
    let mut shifts = Vec::new();
    for department in DEPARTMENTS {
        let department_id = UnitId::new_random();
        setup.push(campaign_command(CampaignCommand::AddUnit {
            unit_id: department_id,
            name: label(department),
            kind: label("Department"),
            parent: Some(hospital),
        }));
        for shift in SHIFTS {
            let shift_id = UnitId::new_random();
            setup.push(campaign_command(CampaignCommand::AddUnit {
                unit_id: shift_id,
                name: label(shift),
                kind: label("Shift"),
                parent: Some(department_id),
            }));
            shifts.push(shift_id);
        }
    }
    summary.units = 1 + DEPARTMENTS.len() * (1 + SHIFTS.len());
    let section = SectionId::new_random();
    let issues_field = FieldId::new_random();
    setup.push(campaign_command(CampaignCommand::AddSection {
        section_id: section,
        name: label("Workplace issues"),
    }));
    setup.push(campaign_command(CampaignCommand::AddField {
        field_id: issues_field,
        section_id: section,
        name: label("Top issues"),
        field_type: FieldType::Standard,
        allows_multiple: true,
    }));
    let mut issue_responses = Vec::new();
    for issue in ISSUES {
        let response_id = ResponseId::new_random();
        setup.push(campaign_command(CampaignCommand::AddResponse {
            field_id: issues_field,
            response_id,
            name: label(issue),
        }));
        issue_responses.push(response_id);
    }
    for (campaign_id, command) in setup {
        let actor = clock.actor(lead, tick);
        run!(
            "set up the campaign",
            groundwork.execute_campaign(&actor, campaign_id, None, command)
        );
    }

    let petition = StructureTestId::new_random();
    let actor = clock.actor(lead, tick);
    run!(
        "create the structure test",
        groundwork.execute_structure_test(
            &actor,
            petition,
            None,
            StructureTestCommand::CreateStructureTest {
                test_id: petition,
                campaign_id: campaign,
                name: label("Sign the safe-staffing petition"),
                scope: Vec::new(),
                goal: GoalThreshold::new(70)
                    .unwrap_or_else(|_| unreachable!("70 % is a valid goal")),
                deadline: (now + Duration::days(14)).date_naive(),
            },
        )
    );

    for index in 0..people {
        let person = PersonId::new_random();
        let given = GIVEN_NAMES[rng.gen_range(0..GIVEN_NAMES.len())];
        let family = FAMILY_NAMES[rng.gen_range(0..FAMILY_NAMES.len())];
        let organizer = organizers[index % organizers.len()];
        let mut commands = vec![
            (
                lead,
                PersonCommand::AddToCampaign {
                    person_id: person,
                    campaign_id: campaign,
                    name: PersonName::parse(given, family)
                        .unwrap_or_else(|_| unreachable!("demo names are valid")),
                    preferred_language: LanguageTag::parse(if rng.gen_bool(0.3) {
                        "es"
                    } else {
                        "en"
                    })
                    .ok(),
                },
            ),
            (
                lead,
                PersonCommand::JoinUnit {
                    unit_id: shifts[rng.gen_range(0..shifts.len())],
                },
            ),
        ];
        let mailbox = format!(
            "{}.{}{index}@example.org",
            given.to_lowercase().replace(['á', 'é', 'í', 'ó', 'ú'], "a"),
            family
                .to_lowercase()
                .replace(['á', 'é', 'í', 'ó', 'ú'], "a")
        );
        if let Ok(email) = Email::parse(&mailbox) {
            commands.push((
                lead,
                PersonCommand::AddContactPoint {
                    contact_point_id: ContactPointId::new_random(),
                    label: ContactLabel::Home,
                    value: ContactValue::Email(email),
                    do_not_contact: false,
                },
            ));
        }
        if let Ok(phone) = Phone::parse(&format!(
            "+1 555 {:03} {:04}",
            rng.gen_range(100..999),
            index
        )) {
            commands.push((
                lead,
                PersonCommand::AddContactPoint {
                    contact_point_id: ContactPointId::new_random(),
                    label: ContactLabel::Mobile,
                    value: ContactValue::Phone(phone),
                    do_not_contact: rng.gen_bool(0.05),
                },
            ));
        }
        // Most people have an organizer; the rest are the campaign's uncovered people.
        if rng.gen_bool(0.85) {
            commands.push((lead, PersonCommand::AssignOrganizer { organizer }));
        }
        commands.push((
            organizer,
            PersonCommand::AddFieldResponse {
                field_id: issues_field,
                response_id: issue_responses[rng.gen_range(0..issue_responses.len())],
            },
        ));
        let first_level: u8 = rng.gen_range(1..=5);
        if rng.gen_bool(0.7) {
            commands.push((
                organizer,
                PersonCommand::Assess {
                    level: level(first_level),
                    note: None,
                },
            ));
            summary.assessments += 1;
        }
        if rng.gen_bool(0.4) {
            let improved = first_level.saturating_sub(rng.gen_range(0..=1)).max(1);
            commands.push((
                organizer,
                PersonCommand::LogOneOnOne(OneOnOne {
                    conversation_id: ConversationId::new_random(),
                    organizer,
                    held_at: clock.now,
                    issues: vec![FieldResponseRef {
                        field_id: issues_field,
                        response_id: issue_responses[rng.gen_range(0..issue_responses.len())],
                    }],
                    notes: NoteText::parse(&format!(
                        "{given} talked about short staffing on the ward and is worried about retaliation."
                    ))
                    .ok(),
                    assessment: Some(level(improved)),
                    next_step: NoteText::parse("Bring to the next unit meeting").ok(),
                }),
            ));
            summary.one_on_ones += 1;
            summary.assessments += 1;
        }
        if rng.gen_bool(0.1) {
            commands.push((organizer, PersonCommand::FlagFollowUp));
        }
        if rng.gen_bool(0.6) {
            commands.push((
                organizer,
                PersonCommand::RecordStructureTestStep {
                    test_id: petition,
                    step: StepKind::Asked,
                },
            ));
            summary.structure_test_steps += 1;
            let next = match rng.gen_range(0..10) {
                0..=4 => Some(StepKind::Participated),
                5..=6 => Some(StepKind::Committed),
                7 => Some(StepKind::Declined),
                _ => None,
            };
            if let Some(step) = next {
                commands.push((
                    organizer,
                    PersonCommand::RecordStructureTestStep {
                        test_id: petition,
                        step,
                    },
                ));
                summary.structure_test_steps += 1;
            }
        }
        if rng.gen_bool(0.05) {
            commands.push((
                organizer,
                PersonCommand::AddNote {
                    note_id: NoteId::new_random(),
                    text: NoteText::parse(&format!("{given} asked to be called after 6 pm."))
                        .unwrap_or_else(|_| unreachable!("demo notes are valid")),
                },
            ));
        }
        for (user, command) in commands {
            let actor = clock.actor(user, tick);
            // A 1:1 is held just before it is logged.
            let command = match command {
                PersonCommand::LogOneOnOne(mut one_on_one) => {
                    one_on_one.held_at = actor.at - Duration::minutes(30);
                    PersonCommand::LogOneOnOne(one_on_one)
                }
                other => other,
            };
            run!(
                format!("person {index}"),
                groundwork.execute_person(&actor, person, None, command)
            );
        }
        summary.people += 1;

        if index % 5 == 0 {
            let task = TaskId::new_random();
            let actor = clock.actor(lead, tick);
            let kind = if index % 10 == 0 {
                TaskKind::OneOnOne
            } else {
                TaskKind::FollowUp
            };
            run!(
                "assign a task",
                groundwork.execute_task(
                    &actor,
                    task,
                    None,
                    TaskCommand::AssignTask {
                        task_id: task,
                        campaign_id: campaign,
                        kind,
                        title: label(if kind == TaskKind::OneOnOne {
                            "Hold a one-on-one"
                        } else {
                            "Follow up after the petition ask"
                        }),
                        assignee: organizer,
                        subjects: vec![person],
                        due: Some((now + Duration::days(rng.gen_range(-5..10))).date_naive()),
                    },
                )
            );
            summary.tasks += 1;
            if rng.gen_bool(0.4) {
                let actor = clock.actor(organizer, tick);
                run!(
                    "complete a task",
                    groundwork.execute_task(&actor, task, None, TaskCommand::CompleteTask)
                );
            }
        }
    }
    Ok(summary)
}
