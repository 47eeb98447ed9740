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

/// The most commands the lag workload has running at once.
pub const LAG_IN_FLIGHT: usize = 64;

/// Commands at a steady `rate` for `duration`, and for each the time from its commit until every projection
/// has passed it.
pub async fn projection_lag(
    groundwork: &Arc<Groundwork>,
    read_models: &ReadModels,
    world: &World,
    rate: u32,
    duration: Duration,
) -> anyhow::Result<Lag> {
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
    // Open loop: commands start on a steady clock whether or not earlier ones have finished (at most
    // LAG_IN_FLIGHT at once, each on a person no other running command touches), as a thousand phones would send
    // them. A tick that finds every slot taken is skipped, so the achieved rate says when the rate was not
    // reachable.
    let started = Instant::now();
    let idle_people = Arc::new(std::sync::Mutex::new(
        world
            .people
            .iter()
            .copied()
            .collect::<std::collections::VecDeque<_>>(),
    ));
    let slots = Arc::new(tokio::sync::Semaphore::new(LAG_IN_FLIGHT));
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut running = tokio::task::JoinSet::new();
    let mut round = 0usize;
    while started.elapsed() < duration {
        ticks.tick().await;
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue;
        };
        let Some(person) = lock(&idle_people).pop_front() else {
            continue;
        };
        let groundwork = groundwork.clone();
        let sender = committed_sender.clone();
        let idle_people = idle_people.clone();
        let organizer = world.organizers[round % world.organizers.len()];
        let command = assess(round)?;
        round += 1;
        running.spawn(async move {
            let result = groundwork
                .execute_person(&actor(organizer, Utc::now()), person, None, command)
                .await;
            lock(&idle_people).push_back(person);
            drop(slot);
            if let Some(position) = result?.position {
                let _ = sender.send((position, Instant::now()));
            }
            Ok::<_, anyhow::Error>(())
        });
        // Collect finished commands as we go, so errors surface and the set stays small.
        while let Some(done) = running.try_join_next() {
            done??;
        }
    }
    drop(committed_sender);
    let commands = round;
    while let Some(done) = running.join_next().await {
        done??;
    }
    let elapsed = started.elapsed();
    let lag = tokio::time::timeout(Duration::from_secs(120), observer).await???;
    Ok(Lag {
        lag,
        commands,
        elapsed,
    })
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
