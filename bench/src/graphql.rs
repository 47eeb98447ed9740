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
    /// Writes to make before each timed request, untimed, and wait for until the `campaigns` projection has
    /// applied them (so the request meets a read model that moved): one per client, each on its own person.
    writes: Vec<Write>,
    /// The `Accept-Encoding` the client sends (none: the answers come uncompressed).
    accept_encoding: Option<&'static str>,
}

/// How big an answer was: as sent over the connection, and decoded.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnswerSize {
    pub wire: usize,
    pub decoded: usize,
}

/// An `assessPerson` on one person, alternating between two levels so every write changes the chart.
#[derive(Debug, Clone)]
struct Write {
    person: String,
}

impl Write {
    fn body(&self, round: usize) -> anyhow::Result<Vec<u8>> {
        request(
            ASSESS,
            json!({ "person": self.person, "level": 2 + (round % 2) }),
        )
    }
}

const ASSESS: &str = "mutation($person: ID!, $level: Int!) {
  assessPerson(input: { personId: $person, level: $level }) { version }
}";

const LOG_HEAD: &str = "query { logHead { position } }";

const PROJECTION_STATUS: &str = "query { projectionStatus { name position } }";

/// The projection the wall chart is read from.
const CHART_PROJECTION: &str = "campaigns";

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
            writes: Vec::new(),
            accept_encoding: None,
        },
        // The same chart as a browser asks for it (Chrome and Firefox send `gzip, deflate, br, zstd`): the
        // bytes on the wire (issue 15).
        Query {
            name: "full wall chart, compressed (br)",
            body: request(
                WALL_CHART,
                json!({ "campaign": campaign, "test": test, "asOf": null }),
            )?,
            writes: Vec::new(),
            accept_encoding: Some("gzip, deflate, br"),
        },
        Query {
            name: "full wall chart, compressed (gzip)",
            body: request(
                WALL_CHART,
                json!({ "campaign": campaign, "test": test, "asOf": null }),
            )?,
            writes: Vec::new(),
            accept_encoding: Some("gzip"),
        },
        Query {
            name: "people page (unit + levels, 25)",
            body: request(PEOPLE_PAGE, json!({ "campaign": campaign, "unit": unit }))?,
            writes: Vec::new(),
            accept_encoding: None,
        },
        Query {
            name: "person with history",
            body: request(PERSON, json!({ "person": person }))?,
            writes: Vec::new(),
            accept_encoding: None,
        },
        Query {
            name: "myTasks (25)",
            body: request(MY_TASKS, json!({}))?,
            writes: Vec::new(),
            accept_encoding: None,
        },
        Query {
            name: "wall chart asOf 30 days ago",
            body: request(
                WALL_CHART,
                json!({ "campaign": campaign, "test": test, "asOf": as_of }),
            )?,
            writes: Vec::new(),
            accept_encoding: None,
        },
        // Last, as its writes change the campaign the others read.
        Query {
            name: "wall chart right after a write",
            body: request(
                WALL_CHART,
                json!({ "campaign": campaign, "test": test, "asOf": null }),
            )?,
            writes: world
                .people
                .iter()
                .step_by((world.people.len() / 8).max(1))
                .take(8)
                .map(|person| Write {
                    person: person.to_string(),
                })
                .collect(),
            accept_encoding: None,
        },
    ])
}

/// Sends `query` `requests` times on each of `clients` connections (after two warm-up requests each).
pub async fn measure(
    address: SocketAddr,
    query: &Query,
    clients: usize,
    requests: usize,
) -> anyhow::Result<(Samples, Rate, AnswerSize)> {
    let mut workers = Vec::new();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(clients));
    for client in 0..clients {
        let body = query.body.clone();
        let write =
            (!query.writes.is_empty()).then(|| query.writes[client % query.writes.len()].clone());
        let barrier = barrier.clone();
        let accept_encoding = query.accept_encoding;
        workers.push(tokio::spawn(async move {
            let mut connection = HttpConnection::open(address).await?;
            let mut size = AnswerSize::default();
            for _warm_up in 0..2 {
                size = checked(
                    connection
                        .post_json_accepting("/graphql", &body, accept_encoding)
                        .await?,
                )?;
            }
            barrier.wait().await;
            let started = Instant::now();
            let mut waited = Duration::ZERO;
            let mut latency = Samples::default();
            for round in 0..requests {
                if let Some(write) = &write {
                    let writing = Instant::now();
                    write_and_wait(&mut connection, write, round).await?;
                    waited += writing.elapsed();
                }
                let begun = Instant::now();
                let answer = connection
                    .post_json_accepting("/graphql", &body, accept_encoding)
                    .await?;
                // The answer is timed when it has arrived; checking it is the client's own work.
                latency.push(begun.elapsed());
                checked(answer)?;
            }
            Ok::<_, anyhow::Error>((latency, started.elapsed() - waited, size))
        }));
    }
    let mut latency = Samples::default();
    let mut longest = Duration::ZERO;
    let mut size = AnswerSize::default();
    for worker in workers {
        let (samples, elapsed, bytes) = worker.await??;
        latency.extend(samples);
        longest = longest.max(elapsed);
        size = bytes;
    }
    let rate = Rate::new(latency.len() as f64, longest, "req");
    Ok((latency, rate, size))
}

/// Makes `write` and waits until the wall chart's projection has applied it: until its position has reached
/// the log's head as read after the write (with concurrent writers the head may be another's; waiting for it
/// is waiting a little longer, never less).
async fn write_and_wait(
    connection: &mut HttpConnection,
    write: &Write,
    round: usize,
) -> anyhow::Result<()> {
    checked(
        connection
            .post_json("/graphql", &write.body(round)?)
            .await?,
    )?;
    let head = json_answer(connection, LOG_HEAD).await?;
    let head = position(&head["data"]["logHead"]["position"])?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = json_answer(connection, PROJECTION_STATUS).await?;
        let caught_up = status["data"]["projectionStatus"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|projection| projection["name"] == CHART_PROJECTION)
            .any(|projection| position(&projection["position"]).is_ok_and(|at| at >= head));
        if caught_up {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "the {CHART_PROJECTION} projection did not reach position {head} in 30 s"
            );
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn json_answer(connection: &mut HttpConnection, query: &str) -> anyhow::Result<Value> {
    let answer = connection
        .post_json("/graphql", &request(query, json!({}))?)
        .await?;
    checked_json(answer)
}

fn checked_json(answer: crate::http_client::Answer) -> anyhow::Result<Value> {
    let value: Value = serde_json::from_slice(&answer.body)?;
    if answer.status != 200 || value.get("errors").is_some() {
        anyhow::bail!("HTTP {}: {value}", answer.status);
    }
    Ok(value)
}

/// A log position (a 64-bit number as a string).
fn position(value: &Value) -> anyhow::Result<i64> {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("not a log position: {value}"))
}

/// Fails on an HTTP error or a GraphQL error, so no figure is ever measured on an error answer.
///
/// A multi-megabyte wall chart is not parsed on every request (that would put the client's parsing on the
/// same two cores as the server): a top-level `errors` key is written as the literal `"errors"`, so an
/// answer without that text has none; one with it is parsed to look.
///
/// A compressed answer is decoded first (after the request was timed), and its sizes on the wire and
/// decoded are returned.
fn checked(answer: crate::http_client::Answer) -> anyhow::Result<AnswerSize> {
    let decoded = answer.decoded()?;
    if answer.status != 200 {
        anyhow::bail!(
            "HTTP {}: {}",
            answer.status,
            String::from_utf8_lossy(&decoded)
        );
    }
    let text = std::str::from_utf8(&decoded)?;
    if text.contains("\"errors\"") {
        let value: Value = serde_json::from_str(text)?;
        if let Some(errors) = value.get("errors") {
            anyhow::bail!("GraphQL errors: {errors}");
        }
    }
    Ok(AnswerSize {
        wire: answer.body.len(),
        decoded: decoded.len(),
    })
}
