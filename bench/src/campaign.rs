//! A synthetic campaign: the campaign, its unit tree four levels deep (region → worksite → department →
//! shift) and its fields through the commands; the base population — people with two contact points, a shift,
//! a field response, an organizer and an assessment — through the import path (`api::import::import_people`,
//! what `groundwork people import` runs); then histories (1:1s with a new assessment, structure-test steps,
//! tasks) through the commands again, on concurrent clients, as organizers add them. Sized for 10,000 or
//! 100,000 people. The chapter is the development identity's, so the GraphQL API run as
//! that identity sees it, and a sixth of the tasks are assigned to that user ("my tasks").

use anyhow::Context as _;
use api::access::{DEV_CHAPTER, DEV_USER};
use api::import::PersonImport;
use api::service::{Committed, Groundwork};
use chrono::{DateTime, Duration, Utc};
use domain::campaign::CampaignCommand;
use domain::chapter::ChapterCommand;
use domain::ids::{
    CampaignId, ConversationId, CorrelationId, FieldId, PersonId, ResponseId, SectionId,
    StructureTestId, TaskId, UnitId, UserId,
};
use domain::person::{FieldResponseRef, OneOnOne, PersonCommand};
use domain::structure_test::StructureTestCommand;
use domain::task::TaskCommand;
use domain::values::{
    AssessmentLevel, Email, FieldType, GoalThreshold, Label, LanguageTag, NoteText, PersonName,
    Phone, StepKind, TaskKind,
};
use domain::Actor;
use projections::ReadModels;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Instant;

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

/// What was built, for the measurements that follow (kept beside a kept campaign, `--campaign-dir`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// The base population's import (figure 4).
    pub import: ImportFigures,
    /// The histories added through the commands afterwards.
    pub history: HistoryFigures,
}

/// The import of the base population: how many, and how long until committed and until projected.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ImportFigures {
    pub people: usize,
    /// Each import transaction's time (one batch of `IMPORT_BATCH` people).
    pub batch_latency: crate::figures::Samples,
    pub events: usize,
    pub committed: std::time::Duration,
    pub projected: std::time::Duration,
}

/// The history commands after the import.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct HistoryFigures {
    /// Each command's latency.
    pub latency: crate::figures::Samples,
    pub commands: usize,
    pub events: usize,
    pub elapsed: std::time::Duration,
    /// How many people got a history.
    pub people: usize,
}

/// The file beside a kept campaign's `bench.db` (`--campaign-dir`).
const KEPT_WORLD_FILE: &str = "world.json";

/// A kept campaign's description: what was built, and the master key its sealed data was written with (a
/// key of the bench's synthetic data only).
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptWorld {
    master_key: String,
    world: World,
}

/// Writes what was built next to the campaign's database in `dir`, for later runs to reuse.
pub fn keep(dir: &std::path::Path, key: &store::MasterKey, world: &World) -> anyhow::Result<()> {
    use secrecy::ExposeSecret as _;
    let kept = KeptWorld {
        master_key: key.to_base64().expose_secret().to_string(),
        world: world.clone(),
    };
    let path = dir.join(KEPT_WORLD_FILE);
    std::fs::write(&path, serde_json::to_vec(&kept)?)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The campaign kept in `dir` by an earlier run, if there is one; it must have `people` people.
pub fn load_kept(
    dir: &std::path::Path,
    people: usize,
) -> anyhow::Result<Option<(store::MasterKey, World)>> {
    let path = dir.join(KEPT_WORLD_FILE);
    if !path.exists() {
        if dir.join("bench.db").exists() {
            anyhow::bail!(
                "{} holds a bench.db without {KEPT_WORLD_FILE} (a build that did not finish?): remove it",
                dir.display()
            );
        }
        return Ok(None);
    }
    let text = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let kept: KeptWorld = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a kept campaign", path.display()))?;
    if kept.world.people.len() != people {
        anyhow::bail!(
            "the campaign kept in {} has {} people, not {people}",
            dir.display(),
            kept.world.people.len()
        );
    }
    Ok(Some((
        store::MasterKey::from_base64(&kept.master_key)?,
        kept.world,
    )))
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
    read_models: &ReadModels,
    people: usize,
    clients: usize,
) -> anyhow::Result<World> {
    let now = Utc::now();
    let start = now - Duration::days(HISTORY_DAYS);
    let lead = UserId::new_random();
    let mut organizers = vec![DEV_USER];
    organizers.extend((0..5).map(|_| UserId::new_random()));
    // Tasks and organizers may name only members of the chapter.
    for organizer in &organizers {
        api::demo::add_member(
            groundwork.store(),
            *organizer,
            DEV_CHAPTER,
            &format!("{}@bench.invalid", organizer.as_uuid().simple()),
            "organizer",
        )
        .await?;
    }
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
    // The base population through the import path, timed until the read models show everyone.
    let started = Instant::now();
    let (imported, batch_latency) = import_population(
        groundwork,
        &setup,
        people,
        &lead_actor_at(lead, setup.start),
    )
    .await?;
    let import_committed = started.elapsed();
    crate::workloads::wait_projected(groundwork, read_models).await?;
    let import_projected = started.elapsed();
    let import = ImportFigures {
        people: imported.len(),
        batch_latency,
        events: imported.iter().map(|(_, events)| *events).sum(),
        committed: import_committed,
        projected: import_projected,
    };
    events += import.events;
    let people_ids: Vec<PersonId> = imported.iter().map(|(person, _)| *person).collect();

    // Histories (1:1s, structure-test steps, tasks) through the command path, as organizers add them.
    let started = Instant::now();
    let shared_people = Arc::new(people_ids.clone());
    // Above HISTORY_PEOPLE people, histories go to that many people spread evenly over the population.
    let stride = people_ids.len().div_ceil(HISTORY_PEOPLE).max(1);
    let with_history: Arc<Vec<usize>> = Arc::new((0..people_ids.len()).step_by(stride).collect());
    let mut workers = Vec::new();
    for client in 0..clients.max(1) {
        let groundwork = groundwork.clone();
        let setup = setup.clone();
        let people = shared_people.clone();
        let with_history = with_history.clone();
        let clients = clients.max(1);
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(client as u64 + 7);
            let mut commands = 0;
            let mut events = 0;
            let mut latency = crate::figures::Samples::default();
            for index in with_history.iter().copied().skip(client).step_by(clients) {
                let (person_commands, person_events, person_latency) =
                    build_history(&groundwork, &setup, people[index], index, &mut rng).await?;
                commands += person_commands;
                events += person_events;
                latency.extend(person_latency);
            }
            Ok::<_, anyhow::Error>((commands, events, latency))
        }));
    }
    let mut history = HistoryFigures::default();
    for worker in workers {
        let (worker_commands, worker_events, worker_latency) = worker.await??;
        history.commands += worker_commands;
        history.events += worker_events;
        history.latency.extend(worker_latency);
    }
    history.elapsed = started.elapsed();
    history.people = with_history.len();
    commands += history.commands;
    events += history.events;
    Ok(World {
        campaign,
        structure_test: test,
        departments,
        shifts,
        people: people_ids,
        organizers,
        units,
        commands,
        events,
        now,
        import,
        history,
    })
}

fn lead_actor_at(lead: UserId, at: DateTime<Utc>) -> Actor {
    actor(lead, at)
}

/// How many people at most get a history through the commands (all of them up to this size).
pub const HISTORY_PEOPLE: usize = 20_000;

/// How many people one import transaction holds, and how many imports run at once.
pub const IMPORT_BATCH: usize = 1_000;
pub const IMPORTERS: usize = 2;

/// Imports `people` people in batches; returns each person with the number of events they got.
async fn import_population(
    groundwork: &Arc<Groundwork>,
    setup: &Arc<Setup>,
    people: usize,
    actor: &Actor,
) -> anyhow::Result<(Vec<(PersonId, usize)>, crate::figures::Samples)> {
    let batches: Vec<std::ops::Range<usize>> = (0..people)
        .step_by(IMPORT_BATCH)
        .map(|start| start..(start + IMPORT_BATCH).min(people))
        .collect();
    let batches = Arc::new(batches);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..IMPORTERS {
        let groundwork = groundwork.clone();
        let setup = setup.clone();
        let batches = batches.clone();
        let next = next.clone();
        let actor = actor.clone();
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            let mut latency = crate::figures::Samples::default();
            loop {
                let batch = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(range) = batches.get(batch) else {
                    break;
                };
                let rows = range
                    .clone()
                    .map(|index| person_row(&setup, index))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let begun = Instant::now();
                let summary =
                    api::import::import_people(&groundwork, &actor, setup.campaign, &rows)
                        .await
                        .map_err(|error| anyhow::anyhow!("importing people {range:?}: {error}"))?;
                latency.push(begun.elapsed());
                let per_person = summary.events / summary.people.len().max(1);
                done.push((range.start, summary.people, per_person, summary.events));
            }
            Ok::<_, anyhow::Error>((done, latency))
        }));
    }
    let mut all = Vec::new();
    let mut latency = crate::figures::Samples::default();
    for worker in workers {
        let (done, worker_latency) = worker.await??;
        all.extend(done);
        latency.extend(worker_latency);
    }
    all.sort_by_key(|(start, ..)| *start);
    let mut people_events = Vec::with_capacity(people);
    for (_, ids, per_person, events) in all {
        let count = ids.len();
        for (position, person) in ids.into_iter().enumerate() {
            // Spread the batch's events over its people (only totals are reported).
            let extra = usize::from(position < events - per_person * count);
            people_events.push((person, per_person + extra));
        }
    }
    Ok((people_events, latency))
}

/// One person's import row: name, email, phone, a shift, an issue, most with an organizer, an assessment.
fn person_row(setup: &Setup, index: usize) -> anyhow::Result<PersonImport> {
    let mut rng = StdRng::seed_from_u64(index as u64);
    let given = GIVEN_NAMES[rng.gen_range(0..GIVEN_NAMES.len())];
    let family = FAMILY_NAMES[rng.gen_range(0..FAMILY_NAMES.len())];
    let mut row = PersonImport::named(PersonName::parse(given, family)?);
    row.preferred_language = LanguageTag::parse(if rng.gen_bool(0.3) { "es" } else { "en" }).ok();
    row.email = Some(Email::parse(&format!("person{index}@example.org"))?);
    row.phone = Some(Phone::parse(&format!(
        "+1 555 {:03} {:04}",
        100 + index / 10_000 % 900,
        index % 10_000
    ))?);
    row.unit = Some(setup.shifts[index % setup.shifts.len()]);
    row.responses = vec![FieldResponseRef {
        field_id: setup.issues_field,
        response_id: setup.responses[rng.gen_range(0..setup.responses.len())],
    }];
    if rng.gen_bool(0.85) {
        row.organizer = Some(setup.organizers[index % setup.organizers.len()]);
    }
    row.level = Some(level(rng.gen_range(1..=5))?);
    Ok(row)
}

/// One imported person's history through the commands: a 1:1 with a new assessment for 40 %, structure-test
/// steps for 60 %, a task for every fifth person.
async fn build_history(
    groundwork: &Groundwork,
    setup: &Setup,
    person: PersonId,
    index: usize,
    rng: &mut StdRng,
) -> anyhow::Result<(usize, usize, crate::figures::Samples)> {
    let given = GIVEN_NAMES[index % GIVEN_NAMES.len()];
    let mut latency = crate::figures::Samples::default();
    let organizer = setup.organizers[index % setup.organizers.len()];
    let lead = setup.organizers[1 % setup.organizers.len()];
    let first_at = setup.start + setup.per_person * index as i32;
    let first_level: u8 = rng.gen_range(1..=5);
    let mut commands = Vec::new();
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
        // A 1:1 is logged half an hour after it was held; the import was a few hours earlier.
        let at = first_at + Duration::minutes(30 * (step as i64 + 8));
        let begun = Instant::now();
        let committed = groundwork
            .execute_person(&actor(user, at), person, None, command)
            .await
            .with_context(|| format!("person {index}, command {step}"))?;
        latency.push(begun.elapsed());
        count += 1;
        events += committed.events;
    }
    if index.is_multiple_of(5) {
        let task = TaskId::new_random();
        let at = first_at + Duration::hours(6);
        let begun = Instant::now();
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
        latency.push(begun.elapsed());
        count += 1;
        events += committed.events;
    }
    Ok((count, events, latency))
}
