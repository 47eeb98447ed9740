//! The command-side measurements: throughput on concurrent clients, latency against history length, and
//! projection lag under a steady command rate. Every command goes through `Groundwork::execute_person`,
//! the path the GraphQL mutations take.

use crate::campaign::{actor, level, World};
use crate::figures::Samples;
use api::service::Groundwork;
use chrono::Utc;
use domain::ids::PersonId;
use domain::person::PersonCommand;
use projections::ReadModels;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Position;

/// Commands and events done in a timed run, and each command's latency.
#[derive(Debug, Clone, Default)]
pub struct Throughput {
    pub commands: usize,
    pub events: usize,
    pub elapsed: Duration,
    pub latency: Samples,
}

/// An assessment: one command, one event, on every person whatever their state.
fn assess(round: usize) -> anyhow::Result<PersonCommand> {
    Ok(PersonCommand::Assess {
        level: level(1 + (round % 5) as u8)?,
        note: None,
    })
}

/// `clients` clients, each assessing its own share of the people as fast as it can for `duration`.
pub async fn throughput(
    groundwork: &Arc<Groundwork>,
    world: &World,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Throughput> {
    let started = Instant::now();
    let mut workers = Vec::new();
    for client in 0..clients {
        let groundwork = groundwork.clone();
        let people: Vec<PersonId> = world
            .people
            .iter()
            .skip(client)
            .step_by(clients)
            .copied()
            .collect();
        let organizer = world.organizers[client % world.organizers.len()];
        workers.push(tokio::spawn(async move {
            let mut done = Throughput::default();
            let mut round = 0;
            while started.elapsed() < duration && !people.is_empty() {
                let person = people[round % people.len()];
                let begun = Instant::now();
                let committed = groundwork
                    .execute_person(&actor(organizer, Utc::now()), person, None, assess(round)?)
                    .await?;
                done.latency.push(begun.elapsed());
                done.commands += 1;
                done.events += committed.events;
                round += 1;
            }
            Ok::<_, anyhow::Error>(done)
        }));
    }
    let mut total = Throughput::default();
    for worker in workers {
        let done = worker.await??;
        total.commands += done.commands;
        total.events += done.events;
        total.latency.extend(done.latency);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

/// A person with `history` events (an addition, a unit, and assessments after that).
pub async fn person_with_history(
    groundwork: &Groundwork,
    world: &World,
    history: usize,
) -> anyhow::Result<PersonId> {
    let person = PersonId::new_random();
    let organizer = world.organizers[0];
    groundwork
        .execute_person(
            &actor(organizer, Utc::now()),
            person,
            None,
            PersonCommand::AddToCampaign {
                person_id: person,
                campaign_id: world.campaign,
                name: domain::values::PersonName::parse("Long", "History")?,
                preferred_language: None,
            },
        )
        .await?;
    for round in 1..history {
        let command = if round == 1 {
            PersonCommand::JoinUnit {
                unit_id: world.shifts[0],
            }
        } else {
            assess(round)?
        };
        groundwork
            .execute_person(&actor(organizer, Utc::now()), person, None, command)
            .await?;
    }
    Ok(person)
}

/// The latency of `samples` assessments, one after another, on one person.
pub async fn latency_on(
    groundwork: &Groundwork,
    world: &World,
    person: PersonId,
    samples: usize,
) -> anyhow::Result<Samples> {
    let mut latency = Samples::default();
    for round in 0..samples {
        let begun = Instant::now();
        groundwork
            .execute_person(
                &actor(world.organizers[0], Utc::now()),
                person,
                None,
                assess(round)?,
            )
            .await?;
        latency.push(begun.elapsed());
    }
    Ok(latency)
}

/// Projection lag under a paced command rate.
#[derive(Debug, Clone, Default)]
pub struct Lag {
    pub lag: Samples,
    pub commands: usize,
    pub elapsed: Duration,
}

/// Runs `rate` assessments per second on 8 clients for `duration` while an observer notes, for every
/// committed command, when every projection has passed its position.
pub async fn projection_lag(
    groundwork: &Arc<Groundwork>,
    read_models: &ReadModels,
    world: &World,
    rate: u32,
    duration: Duration,
) -> anyhow::Result<Lag> {
    const CLIENTS: usize = 8;
    let (committed_sender, mut committed) =
        tokio::sync::mpsc::unbounded_channel::<(Position, Instant)>();
    let observer = {
        let read_models = read_models.clone();
        tokio::spawn(async move {
            let mut changes = read_models.changes();
            let mut pending: Vec<(Position, Instant)> = Vec::new();
            let mut lag = Samples::default();
            let mut senders_done = false;
            loop {
                loop {
                    match committed.try_recv() {
                        Ok(entry) => pending.push(entry),
                        Err(tokio::sync::mpsc::error::TryRecvError::Empty) => break,
                        Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => {
                            senders_done = true;
                            break;
                        }
                    }
                }
                if senders_done && pending.is_empty() {
                    break;
                }
                if !pending.is_empty() {
                    let projected = read_models.projected_position().await?;
                    let seen = Instant::now();
                    pending.retain(|(position, at)| {
                        if *position <= projected {
                            lag.push(seen.duration_since(*at));
                            false
                        } else {
                            true
                        }
                    });
                }
                // Woken by a projected batch, or soon anyway (a change of another campaign is not
                // published to us, and commits keep arriving).
                tokio::select! {
                    _ = changes.recv() => {}
                    _ = tokio::time::sleep(Duration::from_millis(1)) => {}
                }
            }
            Ok::<_, anyhow::Error>(lag)
        })
    };
    let started = Instant::now();
    let per_client = Duration::from_secs_f64(CLIENTS as f64 / f64::from(rate.max(1)));
    let mut workers = Vec::new();
    for client in 0..CLIENTS {
        let groundwork = groundwork.clone();
        let sender = committed_sender.clone();
        let people: Vec<PersonId> = world
            .people
            .iter()
            .skip(client)
            .step_by(CLIENTS)
            .copied()
            .collect();
        let organizer = world.organizers[client % world.organizers.len()];
        workers.push(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(per_client);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut commands = 0;
            while started.elapsed() < duration && !people.is_empty() {
                ticks.tick().await;
                let person = people[commands % people.len()];
                let result = groundwork
                    .execute_person(
                        &actor(organizer, Utc::now()),
                        person,
                        None,
                        assess(commands)?,
                    )
                    .await?;
                if let Some(position) = result.position {
                    let _ = sender.send((position, Instant::now()));
                }
                commands += 1;
            }
            Ok::<_, anyhow::Error>(commands)
        }));
    }
    drop(committed_sender);
    let mut commands = 0;
    for worker in workers {
        commands += worker.await??;
    }
    let elapsed = started.elapsed();
    let lag = tokio::time::timeout(Duration::from_secs(120), observer).await???;
    Ok(Lag {
        lag,
        commands,
        elapsed,
    })
}

/// Waits until every projection has passed the log's head.
pub async fn wait_projected(
    groundwork: &Groundwork,
    read_models: &ReadModels,
) -> anyhow::Result<()> {
    let head = groundwork.store().head().await?;
    if !read_models
        .wait_until(head, Duration::from_secs(3_600))
        .await?
    {
        anyhow::bail!("the projections did not catch up within an hour");
    }
    Ok(())
}

/// Where one person command's time goes, measured part by part: loading the person (snapshot and later
/// events), loading the campaign facts the decision needs, and the whole command.
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub load_person: Samples,
    pub load_campaign: Samples,
    pub command: Samples,
}

pub async fn breakdown(
    groundwork: &Groundwork,
    world: &World,
    samples: usize,
) -> anyhow::Result<Breakdown> {
    let people = store::AggregateStore::<domain::person::Person>::new(groundwork.store().clone());
    let mut parts = Breakdown::default();
    for round in 0..samples {
        let person = world.people[round % world.people.len()];
        let begun = Instant::now();
        people.load(&person.to_string()).await?;
        parts.load_person.push(begun.elapsed());
        let begun = Instant::now();
        groundwork.campaign_facts(world.campaign).await?;
        parts.load_campaign.push(begun.elapsed());
        let begun = Instant::now();
        groundwork
            .execute_person(
                &actor(world.organizers[0], Utc::now()),
                person,
                None,
                assess(round)?,
            )
            .await?;
        parts.command.push(begun.elapsed());
    }
    Ok(parts)
}
