//! GraphQL latency over real HTTP: the queries an organizer's phone and a lead's laptop send most, each on
//! 1 and 8 concurrent kept-alive connections.

use crate::campaign::{World, HISTORY_DAYS};
use crate::figures::{Rate, Samples};
use crate::http_client::HttpConnection;
use chrono::Duration as Days;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One named GraphQL request.
#[derive(Debug, Clone)]
pub struct Query {
    pub name: &'static str,
    body: Vec<u8>,
}

const WALL_CHART: &str = "query($campaign: ID!, $test: ID, $asOf: DateTime) {
  wallChart(campaignId: $campaign, structureTestId: $test, asOf: $asOf) {
    totals { people assessed uncovered perLevel { level count } }
    units { id parentId depth name kind
      figures { people assessed uncovered shareOnesAndTwos majority supermajority perLevel { level count } }
      people { personId name level organizerId followUp step } }
    unplaced { personId name level }
  }
}";

const PEOPLE_PAGE: &str = "query($campaign: ID!, $unit: ID) {
  people(campaignId: $campaign, filter: { unitId: $unit, levels: [1, 2, 3] }, first: 25) {
    totalCount
    edges { cursor node { id name level organizerId followUp status unitIds } }
    pageInfo { hasNextPage endCursor }
  }
}";

const PERSON: &str = "query($person: ID!) {
  person(id: $person) {
    id name level status organizerId followUp unitIds
    contactPoints { id kind label value doNotContact }
    assessments { level previousLevel at }
    oneOnOnes { id heldAt assessment }
    tasks { id title status due }
    history { position at kind summary }
  }
}";

const MY_TASKS: &str = "query {
  myTasks(first: 25) { totalCount edges { node { id title status due subjectIds } } }
}";

fn request(query: &str, variables: Value) -> anyhow::Result<Vec<u8>> {
    Ok(serde_json::to_vec(
        &json!({ "query": query, "variables": variables }),
    )?)
}

/// The five queries of issue 5, against the built campaign.
pub fn queries(world: &World) -> anyhow::Result<Vec<Query>> {
    let campaign = world.campaign.to_string();
    let test = world.structure_test.to_string();
    let person = world
        .people
        .get(world.people.len() / 2)
        .map(ToString::to_string)
        .unwrap_or_default();
    let unit = world
        .departments
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let as_of = (world.now - Days::days(HISTORY_DAYS / 2)).to_rfc3339();
    Ok(vec![
        Query {
            name: "full wall chart",
            body: request(
                WALL_CHART,
                json!({ "campaign": campaign, "test": test, "asOf": null }),
            )?,
        },
        Query {
            name: "people page (unit + levels, 25)",
            body: request(PEOPLE_PAGE, json!({ "campaign": campaign, "unit": unit }))?,
        },
        Query {
            name: "person with history",
            body: request(PERSON, json!({ "person": person }))?,
        },
        Query {
            name: "myTasks (25)",
            body: request(MY_TASKS, json!({}))?,
        },
        Query {
            name: "wall chart asOf 30 days ago",
            body: request(
                WALL_CHART,
                json!({ "campaign": campaign, "test": test, "asOf": as_of }),
            )?,
        },
    ])
}

/// Sends `query` `requests` times on each of `clients` connections (after two warm-up requests each).
pub async fn measure(
    address: SocketAddr,
    query: &Query,
    clients: usize,
    requests: usize,
) -> anyhow::Result<(Samples, Rate, usize)> {
    let mut workers = Vec::new();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(clients));
    for _client in 0..clients {
        let body = query.body.clone();
        let barrier = barrier.clone();
        workers.push(tokio::spawn(async move {
            let mut connection = HttpConnection::open(address).await?;
            let mut size = 0;
            for _warm_up in 0..2 {
                size = checked(connection.post_json("/graphql", &body).await?)?;
            }
            barrier.wait().await;
            let started = Instant::now();
            let mut latency = Samples::default();
            for _request in 0..requests {
                let begun = Instant::now();
                checked(connection.post_json("/graphql", &body).await?)?;
                latency.push(begun.elapsed());
            }
            Ok::<_, anyhow::Error>((latency, started.elapsed(), size))
        }));
    }
    let mut latency = Samples::default();
    let mut longest = Duration::ZERO;
    let mut size = 0;
    for worker in workers {
        let (samples, elapsed, bytes) = worker.await??;
        latency.extend(samples);
        longest = longest.max(elapsed);
        size = bytes;
    }
    let rate = Rate::new(latency.len() as f64, longest, "req");
    Ok((latency, rate, size))
}

/// Fails on an HTTP error or a GraphQL error, so no figure is ever measured on an error answer.
fn checked(answer: crate::http_client::Answer) -> anyhow::Result<usize> {
    if answer.status != 200 {
        anyhow::bail!(
            "HTTP {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    let value: Value = serde_json::from_slice(&answer.body)?;
    if let Some(errors) = value.get("errors") {
        anyhow::bail!("GraphQL errors: {errors}");
    }
    Ok(answer.body.len())
}
