//! Crash safety of the real `groundwork serve` process (issue 12, "keep it that way"): writers send
//! mutations with idempotency keys side by side while the server is killed with SIGKILL at random moments,
//! several rounds over; after each restart every request that was in flight is retried with its key. In the
//! end every acknowledged write is there exactly once, every key answers (a replay, never "still
//! running"), the people forgotten on the way stay unreadable, and the read models equal a rebuild.
//!
//! The idempotency lease is cut to a millisecond (`GROUNDWORK_IDEMPOTENCY_LEASE_MS`) so a retry after a
//! restart never waits for the 30 s lease: no request of the killed process can still commit. The test
//! waits only on signals: the server's "serving on" line, acknowledged writes, answers. Every failure names
//! the seed (`GROUNDWORK_CRASH_SEED` repeats a run), the key, the write and the person concerned.

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::process::{GraphqlClient, Sandbox, Sent, Server};
use tests::Kind;

const WRITERS: usize = 8;
const ROUNDS: usize = 5;
/// The rounds in which writers 0 and 1 forget one of their people (a note of theirs acknowledged first).
const FORGET_ROUNDS: [usize; 2] = [1, 3];
const ADMIN: &str = "crash@example.org";
const PASSWORD: &str = "crash test passphrase 4471";
/// A round's writers must reach their acknowledged writes well within this; a hang fails the test.
const ROUND_TIMEOUT: Duration = Duration::from_secs(30);

mod sqlite {
    #[test]
    fn kill_nine_under_concurrent_writers_loses_nothing_and_sticks_nowhere() {
        super::kill_nine_under_concurrent_writers(tests::Kind::Sqlite);
    }
}

mod postgres {
    #[test]
    fn kill_nine_under_concurrent_writers_loses_nothing_and_sticks_nowhere() {
        super::kill_nine_under_concurrent_writers(tests::Kind::Postgres);
    }
}

/// A small deterministic generator (splitmix64), so a failing run can be repeated from its seed.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn uuid(&mut self) -> String {
        let bytes = (u128::from(self.next()) << 64) | u128::from(self.next());
        uuid::Builder::from_random_bytes(bytes.to_le_bytes())
            .into_uuid()
            .to_string()
    }
}

/// What a write, once applied, must have left behind.
#[derive(Debug, Clone)]
enum Effect {
    Person { person: String, name: String },
    Note { person: String, note: String },
    Assessment { person: String, level: i64 },
    Task { task: String },
    Unit { person: String, unit: String },
    Forget { person: String },
}

/// One write: its idempotency key, the mutation and its input, and what it must leave behind.
#[derive(Debug, Clone)]
struct Write {
    key: String,
    field: &'static str,
    input: Value,
    effect: Effect,
}

impl Write {
    fn query(&self) -> String {
        let input_type = match self.field {
            "addPerson" => "AddPersonInput",
            "addNote" => "AddNoteInput",
            "assessPerson" => "AssessPersonInput",
            "assignTask" => "AssignTaskInput",
            "joinUnit" => "JoinUnitInput",
            "forgetPerson" => "ForgetPersonInput",
            other => unreachable!("no input type for {other}"),
        };
        let confirm = if self.field == "forgetPerson" {
            ", confirm: \"FORGET\""
        } else {
            ""
        };
        format!(
            "mutation($input: {input_type}!, $key: String) {{ result: {}(input: $input{confirm}, \
             idempotencyKey: $key) {{ id createdId version replayed }} }}",
            self.field
        )
    }

    fn variables(&self) -> Value {
        json!({"input": self.input, "key": self.key})
    }

    /// The write as failures name it: its key, mutation and input. (Notes, assessment notes and task
    /// titles carry the key, so a write applied twice shows.)
    fn describe(&self) -> String {
        format!("write {} ({} {})", self.key, self.field, self.input)
    }
}

/// The campaign the writers work in, set up (and acknowledged) before the first kill.
#[derive(Clone)]
struct Campaign {
    id: String,
    units: Vec<String>,
    /// The admin's user id: tasks are assigned to them.
    assignee: String,
}

/// A writer's own people, so no two writers race on one stream; it survives the rounds.
struct Writer {
    index: usize,
    rng: Rng,
    next: usize,
    /// People whose `addPerson` was acknowledged and who are not being forgotten.
    people: Vec<String>,
    /// Of those, people with an acknowledged note: candidates for forgetting.
    noted: Vec<String>,
    /// Units each person was sent to (joining twice is refused, so it is never asked).
    joined: BTreeSet<(String, String)>,
    /// In a forgetting round: forget after this many more writes (once a person with a note exists).
    forget_in: Option<usize>,
    /// Told when the forgetting is sent, so the round is not ended before it.
    forgets_sent: Arc<AtomicUsize>,
}

impl Writer {
    fn next_write(&mut self, campaign: &Campaign) -> Write {
        self.next += 1;
        let key = format!("w{}-{}", self.index, self.next);
        if let Some(0) = self.forget_in {
            if let Some(position) =
                (!self.noted.is_empty()).then(|| self.rng.below(self.noted.len()))
            {
                self.forget_in = None;
                self.forgets_sent.fetch_add(1, Ordering::SeqCst);
                let person = self.noted.swap_remove(position);
                // No more writes to a person being forgotten.
                self.people.retain(|other| *other != person);
                return Write {
                    key,
                    field: "forgetPerson",
                    input: json!({"personId": person}),
                    effect: Effect::Forget { person },
                };
            }
        }
        if let Some(left) = self.forget_in.as_mut() {
            *left = left.saturating_sub(1);
        }
        let choice = if self.people.len() < 2 {
            0
        } else {
            self.rng.below(10)
        };
        let person = (!self.people.is_empty())
            .then(|| self.people[self.rng.below(self.people.len())].clone());
        match (choice, person) {
            (0..=2, _) | (_, None) => {
                let person = self.rng.uuid();
                let (given, family) = (format!("W{}", self.index), format!("N{}", self.next));
                Write {
                    key,
                    field: "addPerson",
                    input: json!({"id": person, "campaignId": campaign.id, "givenName": given, "familyName": family}),
                    effect: Effect::Person {
                        person,
                        name: format!("W{} N{}", self.index, self.next),
                    },
                }
            }
            (3..=5, Some(person)) => {
                let note = self.rng.uuid();
                Write {
                    input: json!({"personId": person, "id": note, "text": format!("note {key}")}),
                    key,
                    field: "addNote",
                    effect: Effect::Note { person, note },
                }
            }
            (6, Some(person)) => {
                let level = 1 + self.rng.below(5) as i64;
                Write {
                    input: json!({"personId": person, "level": level, "note": format!("assessed {key}")}),
                    key,
                    field: "assessPerson",
                    effect: Effect::Assessment { person, level },
                }
            }
            (7 | 8, Some(person)) => {
                let task = self.rng.uuid();
                Write {
                    input: json!({
                        "id": task, "campaignId": campaign.id, "kind": "FOLLOW_UP", "title": format!("task {key}"),
                        "assigneeId": campaign.assignee, "subjectIds": [person],
                    }),
                    key,
                    field: "assignTask",
                    effect: Effect::Task { task },
                }
            }
            (_, Some(person)) => {
                let unit = campaign.units[self.rng.below(campaign.units.len())].clone();
                if !self.joined.insert((person.clone(), unit.clone())) {
                    let note = self.rng.uuid();
                    return Write {
                        input: json!({"personId": person, "id": note, "text": format!("note {key}")}),
                        key,
                        field: "addNote",
                        effect: Effect::Note { person, note },
                    };
                }
                Write {
                    input: json!({"personId": person, "unitId": unit}),
                    key,
                    field: "joinUnit",
                    effect: Effect::Unit { person, unit },
                }
            }
        }
    }

    /// The writer learns that `write` is applied (acknowledged, or answered when retried).
    fn applied(&mut self, write: &Write) {
        match &write.effect {
            Effect::Person { person, .. } => self.people.push(person.clone()),
            Effect::Note { person, .. } if !self.noted.contains(person) => {
                self.noted.push(person.clone())
            }
            _ => {}
        }
    }
}

/// A write and the answer that acknowledged it (`id`, `createdId`, `version`, `replayed`).
struct Acknowledged {
    write: Write,
    answer: Value,
}

/// What one writer did in a round: its acknowledged writes and the one that was cut off, if any.
struct RoundOutcome {
    writer: Writer,
    acknowledged: Vec<Acknowledged>,
    in_flight: Option<(Write, String)>,
}

/// Writes until the server goes away; every answer must be a success.
async fn write_until_killed(
    mut writer: Writer,
    client: GraphqlClient,
    campaign: Campaign,
    acknowledged_count: Arc<AtomicUsize>,
    progress: Arc<tokio::sync::Notify>,
    seed: u64,
) -> RoundOutcome {
    let mut acknowledged = Vec::new();
    loop {
        let write = writer.next_write(&campaign);
        match client.send(&write.query(), write.variables()).await {
            Sent::Answer(answer) => {
                assert!(
                    answer.get("errors").is_none(),
                    "seed {seed}: {} was refused while the server ran: {answer}",
                    write.describe()
                );
                writer.applied(&write);
                acknowledged.push(Acknowledged {
                    answer: answer["data"]["result"].clone(),
                    write,
                });
                acknowledged_count.fetch_add(1, Ordering::SeqCst);
                progress.notify_one();
            }
            Sent::Lost(error) => {
                return RoundOutcome {
                    writer,
                    acknowledged,
                    in_flight: Some((write, error)),
                }
            }
        }
    }
}

fn kill_nine_under_concurrent_writers(kind: Kind) {
    let started = Instant::now();
    let seed = std::env::var("GROUNDWORK_CRASH_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash safety on {kind:?}: seed {seed} (GROUNDWORK_CRASH_SEED={seed} repeats it)");
    let mut rng = Rng(seed);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let mut sandbox = Sandbox::new(kind);
    sandbox.create_admin(ADMIN, PASSWORD);
    sandbox.set("GROUNDWORK_IDEMPOTENCY_LEASE_MS", "1");
    let mut server = Server::start(&mut sandbox);

    // A token (tokens and idempotency keys once met "database is locked" on SQLite), a campaign, units.
    let (client, campaign) = runtime.block_on(async {
        let session = GraphqlClient::sign_in(&server.base_url(), ADMIN, PASSWORD).await;
        let created = session
            .ok(
                "mutation { createApiToken(input: {name: \"crash writers\", role: ADMIN}) { token } }",
                json!({}),
            )
            .await;
        let client = GraphqlClient::with_token(
            &server.base_url(),
            created["createApiToken"]["token"].as_str().unwrap(),
        );
        let me = client.ok("{ me { userId } }", json!({})).await;
        let campaign_id = rng.uuid();
        client
            .ok(
                "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
                json!({"input": {"id": campaign_id, "name": "Crash campaign", "goal": 500}}),
            )
            .await;
        let mut units = Vec::new();
        for name in ["Day shift", "Night shift", "Weekend"] {
            let unit = rng.uuid();
            client
                .ok(
                    "mutation($input: AddUnitInput!) { addUnit(input: $input) { id } }",
                    json!({"input": {"campaignId": campaign_id, "id": unit, "name": name, "kind": "shift"}}),
                )
                .await;
            units.push(unit);
        }
        client
            .ok(
                "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { id } }",
                json!({"input": {"campaignId": campaign_id, "name": "Petition", "scopeUnitIds": units, "goalPercent": 60, "deadline": "2030-01-31"}}),
            )
            .await;
        let campaign = Campaign {
            id: campaign_id,
            units,
            assignee: me["me"]["userId"].as_str().unwrap().to_string(),
        };
        (client, campaign)
    });

    let forgets_sent = Arc::new(AtomicUsize::new(0));
    let mut forgets_planned = 0;
    let mut writers: Vec<Writer> = (0..WRITERS)
        .map(|index| Writer {
            index,
            rng: Rng(seed ^ (index as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d)),
            next: 0,
            people: Vec::new(),
            noted: Vec::new(),
            joined: BTreeSet::new(),
            forget_in: None,
            forgets_sent: forgets_sent.clone(),
        })
        .collect();
    let mut done: Vec<Acknowledged> = Vec::new();
    let mut retried_counts = (0usize, 0usize); // (replayed, ran once)
    let mut client = client;
    let mut server_logs = Vec::new();

    for round in 0..ROUNDS {
        if FORGET_ROUNDS.contains(&round) {
            for writer in writers.iter_mut().take(2) {
                writer.forget_in = Some(rng.below(4));
                forgets_planned += 1;
            }
        }
        // Kill after a random number of acknowledged writes in this round; writes are in flight then.
        let target = 20 + rng.below(40);
        let count = Arc::new(AtomicUsize::new(0));
        let progress = Arc::new(tokio::sync::Notify::new());
        let mut tasks = tokio::task::JoinSet::new();
        for writer in writers.drain(..) {
            tasks.spawn_on(
                write_until_killed(
                    writer,
                    client.clone(),
                    campaign.clone(),
                    count.clone(),
                    progress.clone(),
                    seed,
                ),
                runtime.handle(),
            );
        }
        let ended_early = runtime.block_on(async {
            let reached = async {
                while count.load(Ordering::SeqCst) < target
                    || forgets_sent.load(Ordering::SeqCst) < forgets_planned
                {
                    progress.notified().await;
                }
            };
            let first = async {
                tokio::select! {
                    () = reached => None,
                    ended = tasks.join_next() => Some(ended),
                }
            };
            tokio::time::timeout(ROUND_TIMEOUT, first).await
        });
        match ended_early {
            Ok(None) => {}
            Ok(Some(Some(Err(error)))) if error.is_panic() => {
                std::panic::resume_unwind(error.into_panic())
            }
            Ok(Some(ended)) => panic!(
                "seed {seed}, round {round}: a writer stopped while the server ran: {:?}",
                ended.map(|result| result.map(|outcome| outcome
                    .in_flight
                    .map(|(write, error)| format!("{} lost: {error}", write.describe()))))
            ),
            Err(_) => panic!(
                "seed {seed}, round {round}: {} of {target} writes and {} of {forgets_planned} forgettings \
                 within {ROUND_TIMEOUT:?}",
                count.load(Ordering::SeqCst),
                forgets_sent.load(Ordering::SeqCst)
            ),
        }
        let killed = server.child.kill();
        assert!(
            !killed.status.success(),
            "seed {seed}, round {round}: the server had ended on its own: {killed:#?}"
        );
        server_logs.push(killed.stderr);
        let mut in_flight = Vec::new();
        runtime.block_on(async {
            while let Some(outcome) = tasks.join_next().await {
                let outcome =
                    outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
                done.extend(outcome.acknowledged);
                in_flight.extend(outcome.in_flight);
                writers.push(outcome.writer);
            }
        });
        writers.sort_by_key(|writer| writer.index);
        eprintln!(
            "round {round}: killed after {} acknowledged writes, {} in flight",
            count.load(Ordering::SeqCst),
            in_flight.len()
        );

        // Restarted: every write that was in flight is retried with its key and answers, once.
        server = Server::start(&mut sandbox);
        client = client.at(&server.base_url());
        for (write, lost) in in_flight {
            let answer = match runtime.block_on(client.send(&write.query(), write.variables())) {
                Sent::Answer(answer) => answer,
                Sent::Lost(error) => panic!(
                    "seed {seed}, round {round}: the restarted server dropped the retry of {}: {error}",
                    write.describe()
                ),
            };
            assert!(
                answer.get("errors").is_none(),
                "seed {seed}, round {round}: the key of {} (cut off by the kill: {lost}) is stuck after a \
                 restart: {answer}",
                write.describe()
            );
            let result = answer["data"]["result"].clone();
            if result["replayed"] == true {
                retried_counts.0 += 1;
            } else {
                retried_counts.1 += 1;
            }
            writers[write_writer(&write)].applied(&write);
            done.push(Acknowledged {
                write,
                answer: result,
            });
        }
    }
    let rounds_took = started.elapsed();

    // Projected to the end: a last write, which the writer's next queries wait for (read your writes).
    runtime.block_on(client.ok(
        "mutation($input: RenameCampaignInput!) { renameCampaign(input: $input) { id } }",
        json!({"input": {"campaignId": campaign.id, "name": "Crash campaign, after the kills"}}),
    ));
    let live = runtime.block_on(read_models(&client, &campaign.id));
    check_every_write(
        &runtime,
        &client,
        &sandbox,
        &done,
        &live,
        &campaign.id,
        seed,
    );

    // Every key, retried once more, replays what it answered (none is stuck or runs again).
    runtime.block_on(async {
        for acknowledged in &done {
            let write = &acknowledged.write;
            let again = client.ok(&write.query(), write.variables()).await;
            let again = &again["result"];
            assert_eq!(
                again["replayed"],
                true,
                "seed {seed}: {} ran again instead of replaying: {again}",
                write.describe()
            );
            assert_eq!(
                (&again["id"], &again["createdId"]),
                (
                    &acknowledged.answer["id"],
                    &acknowledged.answer["createdId"]
                ),
                "seed {seed}: the replay of {} answers another result",
                write.describe()
            );
        }
    });
    let stuck: Vec<(String,)> =
        sandbox.select("SELECT key FROM idempotency_keys WHERE response IS NULL ORDER BY key");
    assert!(
        stuck.is_empty(),
        "seed {seed}: idempotency keys without an answer: {stuck:?}"
    );

    // The read models equal a rebuild from the log: every table row for row, and the answers.
    server_logs.push(server.child.kill().stderr);
    let live_tables = sandbox.read_model_tables();
    sandbox.run(&["projections", "rebuild"]).assert_success();
    let rebuilt_tables = sandbox.read_model_tables();
    assert!(
        live_tables
            .iter()
            .any(|(table, rows)| table == "rm_people" && !rows.is_empty()),
        "seed {seed}: the read models hold the people"
    );
    for ((table, live_rows), (_, rebuilt_rows)) in live_tables.iter().zip(&rebuilt_tables) {
        let missing: Vec<&String> = live_rows
            .iter()
            .filter(|row| !rebuilt_rows.contains(row))
            .collect();
        let extra: Vec<&String> = rebuilt_rows
            .iter()
            .filter(|row| !live_rows.contains(row))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty() && live_rows.len() == rebuilt_rows.len(),
            "seed {seed}: {table} differs from its rebuild; only live: {missing:?}; only rebuilt: {extra:?}"
        );
    }
    let server = Server::start(&mut sandbox);
    let client = client.at(&server.base_url());
    let rebuilt = runtime.block_on(read_models(&client, &campaign.id));
    for (part, answer) in &live {
        assert_same(
            &format!("seed {seed}: the live {part} against its rebuild"),
            answer,
            &rebuilt[part],
        );
    }
    drop(server);
    eprintln!(
        "crash safety on {kind:?}: {} writes acknowledged over {ROUNDS} kills ({} retried keys replayed, {} ran once) in {:.1?}; {:.1?} with the checks and the rebuild",
        done.len(),
        retried_counts.0,
        retried_counts.1,
        rounds_took,
        started.elapsed()
    );
    if std::env::var_os("GROUNDWORK_CRASH_LOGS").is_some() {
        for (run, log) in server_logs.iter().enumerate() {
            eprintln!("--- server run {run} ---\n{log}");
        }
    }
}

fn write_writer(write: &Write) -> usize {
    write.key[1..]
        .split('-')
        .next()
        .and_then(|index| index.parse().ok())
        .expect("keys are w<writer>-<n>")
}

/// The answers that show the read models: the people, the wall chart, the tasks, the structure tests and
/// the projections' quarantine, each as one JSON value.
async fn read_models(client: &GraphqlClient, campaign: &str) -> BTreeMap<&'static str, Value> {
    let people = client
        .all_edges(
                "query($c: ID!, $after: String) { people(campaignId: $c, filter: {includeInactive: true}, first: 100, after: $after) { \
                 edges { node { id name status level organizerId followUp unitIds version } } \
                 pageInfo { hasNextPage endCursor } } }",
            "people",
            json!({"c": campaign}),
        )
        .await;
    let tasks = client
        .all_edges(
                "query($c: ID!, $after: String) { tasks(filter: {campaignId: $c}, first: 100, after: $after) { \
                 totalCount edges { node { id kind title assigneeId status subjectIds due version } } \
                 pageInfo { hasNextPage endCursor } } }",
            "tasks",
            json!({"c": campaign}),
        )
        .await;
    let chart = client
        .ok(
            "query($c: ID!) { wallChart(campaignId: $c) { \
             units { id name depth figures { people assessed perLevel { level count } uncovered } \
             people { personId name level followUp } } \
             unplaced { personId name level } \
             totals { people assessed perLevel { level count } uncovered } } }",
            json!({"c": campaign}),
        )
        .await;
    let tests = client
        .ok(
            "query($c: ID!) { structureTests(campaignId: $c) { id name closed \
             totals { inScope asked committed participated declined } people { personId name unitIds step } } }",
            json!({"c": campaign}),
        )
        .await;
    let status = client
        .ok(
            "{ projectionStatus { name position lagEvents quarantined { streamId eventType reason } } }",
            json!({}),
        )
        .await;
    BTreeMap::from([
        ("people", Value::Array(people)),
        ("tasks", Value::Array(tasks)),
        ("wall chart", chart),
        ("structure tests", tests),
        ("projection status", status),
    ])
}

/// Every acknowledged write is in the read models and the log exactly once; the forgotten stay unreadable.
fn check_every_write(
    runtime: &tokio::runtime::Runtime,
    client: &GraphqlClient,
    sandbox: &Sandbox,
    done: &[Acknowledged],
    live: &BTreeMap<&'static str, Value>,
    campaign: &str,
    seed: u64,
) {
    let people: BTreeMap<String, Value> = live["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["node"]["id"].as_str().unwrap().to_string(),
                edge["node"].clone(),
            )
        })
        .collect();
    let tasks: BTreeMap<String, Value> = live["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["node"]["id"].as_str().unwrap().to_string(),
                edge["node"].clone(),
            )
        })
        .collect();
    let quarantined = &live["projection status"]["projectionStatus"];
    assert!(
        quarantined
            .as_array()
            .unwrap()
            .iter()
            .all(|projection| projection["quarantined"].as_array().unwrap().is_empty()),
        "seed {seed}: events were quarantined: {quarantined}"
    );
    let forgotten: Vec<&str> = done
        .iter()
        .filter_map(|acknowledged| match &acknowledged.write.effect {
            Effect::Forget { person } => Some(person.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        forgotten.len(),
        FORGET_ROUNDS.len() * 2,
        "seed {seed}: every planned forgetting was done"
    );
    // Each person's notes, read once (sealed in their stream, so this also reads the log).
    let mut notes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    runtime.block_on(async {
        for acknowledged in done {
            let person = match &acknowledged.write.effect {
                Effect::Note { person, .. }
                | Effect::Assessment { person, .. }
                | Effect::Forget { person } => person,
                _ => continue,
            };
            if notes.contains_key(person) {
                continue;
            }
            let answer = client
                .ok(
                    "query($p: ID!) { personNotes(personId: $p) { id kind text erased } }",
                    json!({"p": person}),
                )
                .await;
            let list = answer["personNotes"].as_array().cloned().unwrap_or_else(|| {
                panic!("seed {seed}: the notes of person {person} are not readable at all: {answer}")
            });
            notes.insert(person.clone(), list);
        }
    });
    let listed = |person: &str, what: &str| -> &Value {
        people.get(person).unwrap_or_else(|| {
            panic!("seed {seed}: {what}: person {person} is not in campaign {campaign}")
        })
    };
    let count_text = |person: &str, text: &str| {
        notes[person]
            .iter()
            .filter(|note| note["text"] == text)
            .count()
    };
    for acknowledged in done {
        let write = &acknowledged.write;
        let what = write.describe();
        match &write.effect {
            Effect::Person { person, name } => {
                let node = people.get(person).unwrap_or_else(|| {
                    panic!("seed {seed}: {what} is acknowledged but person {person} is not in campaign {campaign}")
                });
                if forgotten.contains(&person.as_str()) {
                    assert!(
                        node["name"].is_null(),
                        "seed {seed}: forgotten person {person} still has a name: {node}"
                    );
                } else {
                    assert_eq!(
                        node["name"],
                        name.as_str(),
                        "seed {seed}: {what}: person {person}"
                    );
                    let same = people
                        .values()
                        .filter(|other| other["name"] == name.as_str())
                        .count();
                    assert_eq!(same, 1, "seed {seed}: {what}: {same} people named {name}");
                }
            }
            Effect::Note { person, note } => {
                let found: Vec<&Value> = notes[person]
                    .iter()
                    .filter(|stored| stored["id"] == note.as_str())
                    .collect();
                assert_eq!(
                    found.len(),
                    1,
                    "seed {seed}: {what}: note {note} of person {person} found {} times: {:?}",
                    found.len(),
                    notes[person]
                );
                if !forgotten.contains(&person.as_str()) {
                    let text = format!("note {}", write.key);
                    assert_eq!(
                        found[0]["text"],
                        text.as_str(),
                        "seed {seed}: {what}: note {note} of person {person}"
                    );
                    assert_eq!(count_text(person, &text), 1, "seed {seed}: {what}: the text of note {note} is on person {person} more than once");
                }
            }
            Effect::Assessment { person, .. } => {
                if !forgotten.contains(&person.as_str()) {
                    let text = format!("assessed {}", write.key);
                    assert_eq!(count_text(person, &text), 1, "seed {seed}: {what}: person {person}'s assessment note, exactly once: {:?}", notes[person]);
                }
                // A writer's writes to its own people are sequential: the last assessment is the level.
                let last = done
                    .iter()
                    .rev()
                    .find_map(|later| match &later.write.effect {
                        Effect::Assessment {
                            person: other,
                            level,
                        } if other == person => Some(*level),
                        _ => None,
                    });
                let node = listed(person, &what);
                assert_eq!(
                    node["level"].as_i64(),
                    last,
                    "seed {seed}: {what}: person {person}'s level is not their last assessment's: {node}"
                );
            }
            Effect::Task { task } => {
                let node = tasks.get(task).unwrap_or_else(|| {
                    panic!("seed {seed}: {what} is acknowledged but task {task} is not listed")
                });
                let title = format!("task {}", write.key);
                assert_eq!(
                    node["title"],
                    title.as_str(),
                    "seed {seed}: {what}: task {task}"
                );
                let same = tasks
                    .values()
                    .filter(|other| other["title"] == title.as_str())
                    .count();
                assert_eq!(same, 1, "seed {seed}: {what}: {same} tasks titled {title}");
            }
            Effect::Unit { person, unit } => {
                let node = listed(person, &what);
                assert!(
                    node["unitIds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|id| id == unit.as_str()),
                    "seed {seed}: {what}: person {person} is not in unit {unit}: {node}"
                );
            }
            Effect::Forget { person } => {
                let list = &notes[person];
                assert!(
                    !list.is_empty(),
                    "seed {seed}: {what}: person {person} was forgotten after a note"
                );
                assert!(
                    list.iter()
                        .all(|note| note["text"].is_null() && note["erased"] == true),
                    "seed {seed}: {what}: forgotten person {person}'s notes are readable: {list:?}"
                );
                let node = listed(person, &what);
                assert!(
                    node["name"].is_null(),
                    "seed {seed}: {what}: forgotten person {person} has a name: {node}"
                );
                let keys: Vec<(String,)> = sandbox.select(&format!(
                    "SELECT person_id FROM person_keys WHERE person_id = '{person}'"
                ));
                assert!(
                    keys.is_empty(),
                    "seed {seed}: {what}: forgotten person {person} still has a key"
                );
                let recorded: Vec<(String,)> = sandbox.select(&format!(
                    "SELECT person_id FROM forgotten_people WHERE person_id = '{person}'"
                ));
                assert_eq!(
                    recorded.len(),
                    1,
                    "seed {seed}: {what}: person {person} is not recorded as forgotten"
                );
            }
        }
    }
}

/// Fails naming the first place where two answers differ, and both values there.
fn assert_same(what: &str, left: &Value, right: &Value) {
    fn first_difference(path: String, left: &Value, right: &Value) -> Option<String> {
        match (left, right) {
            (Value::Object(a), Value::Object(b)) => {
                for key in a.keys().chain(b.keys()) {
                    let (x, y) = (
                        a.get(key).unwrap_or(&Value::Null),
                        b.get(key).unwrap_or(&Value::Null),
                    );
                    if let Some(found) = first_difference(format!("{path}.{key}"), x, y) {
                        return Some(found);
                    }
                }
                None
            }
            (Value::Array(a), Value::Array(b)) => {
                for (index, (x, y)) in a.iter().zip(b).enumerate() {
                    if let Some(found) = first_difference(format!("{path}[{index}]"), x, y) {
                        return Some(found);
                    }
                }
                (a.len() != b.len())
                    .then(|| format!("{path}: {} items against {}", a.len(), b.len()))
            }
            _ => (left != right).then(|| format!("{path}: {left} against {right}")),
        }
    }
    if let Some(difference) = first_difference(String::new(), left, right) {
        panic!("{what} differ at {difference}");
    }
}

/// The lease the test shortens is a setting like any other: a value that is not a positive number of
/// milliseconds is refused, naming the variable; without it the lease is the documented 30 s.
#[test]
fn the_idempotency_lease_setting_is_checked() {
    struct Settings(Option<&'static str>);
    impl api::config::Environment for Settings {
        fn var(&self, name: &str) -> Option<String> {
            (name == "GROUNDWORK_IDEMPOTENCY_LEASE_MS")
                .then(|| self.0.map(str::to_string))
                .flatten()
        }
    }
    let read = |value| api::graphql::GraphqlSettings::from_environment(&Settings(value));
    assert_eq!(
        read(None).unwrap().idempotency_lease,
        Duration::from_secs(30)
    );
    assert_eq!(
        read(Some("250")).unwrap().idempotency_lease,
        Duration::from_millis(250)
    );
    for wrong in ["0", "-5", "soon", "1.5"] {
        let error = read(Some(wrong)).unwrap_err().to_string();
        assert!(
            error.contains("GROUNDWORK_IDEMPOTENCY_LEASE_MS") && error.contains(wrong),
            "{error}"
        );
    }
}
