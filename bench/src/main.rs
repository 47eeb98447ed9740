//! `groundwork-bench`: builds a synthetic campaign through the real commands on a fresh database per
//! backend, measures Groundwork beside the database's own limits on the same machine, and prints one table.
//!
//! ```text
//! cargo run --release -p bench -- [--quick] [--size 10000|100000] [--backend sqlite|postgres|both]
//!     [--only throughput,latency,lag,rebuild,graphql,import]
//! ```
//!
//! See `docs/performance.md` for what each figure means and the targets of issue 5.

mod campaign;
mod database;
mod figures;
mod graphql;
mod http_client;
mod imports;
mod probes;
mod server;
mod workloads;

use anyhow::Context as _;
use api::service::Groundwork;
use clap::{Parser, Subcommand, ValueEnum};
use database::{BackendChoice, FreshDatabase};
use figures::{BackendReport, Conditions, Rate, Row};
use projections::{ReadModels, RunnerOptions, PROJECTIONS};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{MasterKey, Store, StoreOptions};

/// The same allocator as the `groundwork` binary (the server child runs in this process).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "groundwork-bench",
    about = "Groundwork's figures beside the database's own limits"
)]
struct Cli {
    /// A small run for CI (under a minute in a debug build): 60 people, short timed phases.
    #[arg(long)]
    quick: bool,
    /// How many people the synthetic campaign has (ignored with --quick).
    #[arg(long, default_value_t = 10_000)]
    size: usize,
    #[arg(long, value_enum, default_value_t = BackendArgument::Both)]
    backend: BackendArgument,
    /// The PostgreSQL server the bench creates its database on.
    #[arg(
        long,
        env = "GROUNDWORK_BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
    /// Only these phases (comma-separated); the probes and the campaign build always run. All by default.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Phase>,
    /// Leave the database in place after the run (its URL goes to standard error), to look into it.
    #[arg(long)]
    keep_database: bool,
    /// SQLite only: build the campaign in this directory and keep it there, or reuse the campaign an
    /// earlier run built there (`bench.db` beside `world.json`, which also holds the bench's master key).
    /// A reused campaign skips the build; its bulk-load rows are the figures of the run that built it.
    #[arg(long)]
    campaign_dir: Option<std::path::PathBuf>,
    /// The `groundwork` binary the import phase runs `people import` with (by default the one beside this
    /// bench, built into the same target folder).
    #[arg(long)]
    groundwork_bin: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArgument {
    Sqlite,
    Postgres,
    Both,
}

/// A phase of the run that `--only` can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Phase {
    /// Figure 2: command throughput and the breakdown of one command.
    Throughput,
    /// Figure 3: command latency against history length.
    Latency,
    /// Figure 6: projection lag under a steady rate.
    Lag,
    /// Figure 5: projection rebuild.
    Rebuild,
    /// Figures 7 and 8: the server child, GraphQL over HTTP, memory.
    Graphql,
    /// Figure 9: a people file of --size rows imported through GraphQL and on the command line: rows/s
    /// and peak memory against the file's size. Alone, it skips building the synthetic campaign.
    Import,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Internal: the server under test, started by the bench as a child process.
    #[command(hide = true)]
    ServeChild {
        #[arg(long)]
        database_url: String,
    },
}

/// How big and how long each phase is.
#[derive(Debug, Clone)]
struct Plan {
    quick: bool,
    people: usize,
    histories: [usize; 3],
    latency_samples: usize,
    probe_time: Duration,
    throughput_time: Duration,
    lag_time: Duration,
    lag_rate: u32,
    graphql_requests: usize,
    only: Vec<Phase>,
    groundwork_bin: std::path::PathBuf,
}

impl Plan {
    /// Whether `phase` runs (every phase does unless `--only` names some).
    fn runs(&self, phase: Phase) -> bool {
        self.only.is_empty() || self.only.contains(&phase)
    }

    /// Whether a chosen phase needs the synthetic campaign (every phase but the import).
    fn needs_world(&self) -> bool {
        self.only.is_empty() || self.only.iter().any(|phase| *phase != Phase::Import)
    }

    fn new(cli: &Cli) -> Self {
        if cli.quick {
            Self {
                quick: true,
                people: 60,
                histories: [10, 50, 200],
                latency_samples: 20,
                probe_time: Duration::from_millis(300),
                throughput_time: Duration::from_millis(500),
                lag_time: Duration::from_millis(500),
                lag_rate: 1_000,
                graphql_requests: 5,
                only: cli.only.clone(),
                groundwork_bin: cli
                    .groundwork_bin
                    .clone()
                    .unwrap_or_else(imports::default_binary),
            }
        } else {
            Self {
                quick: false,
                people: cli.size.max(100),
                histories: [10, 1_000, 10_000],
                latency_samples: 200,
                probe_time: Duration::from_secs(3),
                throughput_time: Duration::from_secs(5),
                lag_time: Duration::from_secs(5),
                lag_rate: 1_000,
                graphql_requests: if cli.size > 20_000 { 20 } else { 50 },
                only: cli.only.clone(),
                groundwork_bin: cli
                    .groundwork_bin
                    .clone()
                    .unwrap_or_else(imports::default_binary),
            }
        }
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Warnings and errors of the code under test (a failed projection batch, say) go to standard error.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the Tokio runtime")?;
    if let Some(Command::ServeChild { database_url }) = &cli.command {
        return runtime.block_on(server::serve_child(database_url));
    }
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let plan = Plan::new(&cli);
    let backends = match cli.backend {
        BackendArgument::Sqlite => vec![BackendChoice::Sqlite],
        BackendArgument::Postgres => vec![BackendChoice::Postgres],
        BackendArgument::Both => vec![BackendChoice::Sqlite, BackendChoice::Postgres],
    };
    let conditions = Conditions::of_this_machine(if plan.quick {
        "--quick".to_string()
    } else {
        format!("--size {}", plan.people)
    });
    if cli.campaign_dir.is_some() && backends != [BackendChoice::Sqlite] {
        anyhow::bail!("--campaign-dir keeps a SQLite campaign: use it with --backend sqlite");
    }
    let mut reports = Vec::new();
    for backend in backends {
        let started = Instant::now();
        eprintln!("groundwork-bench: {} …", backend.name());
        let database = match &cli.campaign_dir {
            Some(dir) => FreshDatabase::in_directory(dir)?,
            None => FreshDatabase::create(backend, &cli.postgres).await?,
        };
        let outcome = run_backend(&database.url, &plan, cli.campaign_dir.as_deref()).await;
        if cli.keep_database {
            database.keep();
        } else {
            database.remove().await?;
        }
        let rows = outcome.with_context(|| format!("the {} run failed", backend.name()))?;
        eprintln!(
            "groundwork-bench: {} done in {:.1} s",
            backend.name(),
            started.elapsed().as_secs_f64()
        );
        reports.push(BackendReport {
            backend: backend.name(),
            people: plan.people,
            rows,
        });
    }
    print!("{}", figures::render(&conditions, &reports));
    Ok(())
}

pub(crate) fn log(step: &str) {
    eprintln!("groundwork-bench:   {step}");
}

/// Every figure of one backend, on one fresh database (or on the campaign kept in `campaign_dir`).
async fn run_backend(
    url: &str,
    plan: &Plan,
    campaign_dir: Option<&std::path::Path>,
) -> anyhow::Result<Vec<Row>> {
    let kept = match campaign_dir {
        Some(dir) => campaign::load_kept(dir, plan.people)?,
        None => None,
    };
    let key = match &kept {
        Some((key, _)) => key.clone(),
        None => MasterKey::generate(),
    };
    let options = StoreOptions {
        max_connections: 24,
        ..StoreOptions::default()
    };
    let store = Store::connect(url, key.clone(), options).await?;
    store.migrate().await?;
    let groundwork = Arc::new(Groundwork::with_store(store.clone()));
    let read_models = ReadModels::new(&store);
    let mut rows = Vec::new();

    // 1. Raw limits, on a scratch table of the same database before anything else is in it.
    log("raw probes");
    probes::create_probe_table(&store).await?;
    let single_1 = probes::single_inserts(&store, 1, plan.probe_time).await?;
    let single_8 = probes::single_inserts(&store, 8, plan.probe_time).await?;
    let batch = probes::batch_inserts(&store, plan.probe_time).await?;
    probes::drop_probe_table(&store).await?;
    rows.push(
        Row::new("1", "raw single-row INSERT txns")
            .clients(1)
            .rate(single_1.rate.clone())
            .latency(&single_1.latency),
    );
    rows.push(
        Row::new("1", "raw single-row INSERT txns")
            .clients(8)
            .rate(single_8.rate.clone())
            .latency(&single_8.latency),
    );
    rows.push(
        Row::new("1", "raw 100-row batch INSERT")
            .clients(1)
            .rate(batch.rate.clone())
            .latency(&batch.latency)
            .note("latency per batch"),
    );
    let batch_rows_per_second = batch.rate.per_second;
    let probes = Probes {
        single_1,
        single_8,
        batch,
    };

    if plan.needs_world() {
        world_phases(
            &store,
            &groundwork,
            &read_models,
            &key,
            url,
            plan,
            (kept.map(|(_, world)| world), campaign_dir),
            &probes,
            &mut rows,
        )
        .await?;
    }
    if plan.runs(Phase::Import) {
        // 9. A people file through GraphQL and on the command line, with the server child running.
        log("imports of a people file: GraphQL and the command line");
        let figures = imports::measure(
            &groundwork,
            &read_models,
            url,
            &key,
            plan.people,
            batch_rows_per_second,
            &plan.groundwork_bin,
        )
        .await?;
        rows.extend(figures);
    }
    store.close().await;
    Ok(rows)
}

/// The raw probes' results the later figures are judged against.
struct Probes {
    single_1: probes::ProbeResult,
    single_8: probes::ProbeResult,
    batch: probes::ProbeResult,
}

/// Figures 1 (ordered read) to 8: everything measured on the synthetic campaign, which is built first.
#[allow(clippy::too_many_arguments)]
async fn world_phases(
    store: &Store,
    groundwork: &Arc<Groundwork>,
    read_models: &ReadModels,
    key: &MasterKey,
    url: &str,
    plan: &Plan,
    (kept, campaign_dir): (Option<campaign::World>, Option<&std::path::Path>),
    raw: &Probes,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    let Probes {
        single_1,
        single_8,
        batch,
    } = raw;
    // 4. Bulk load through the import path, fully projected; then histories through the commands.
    log("bulk load (importing the people, then their histories through the commands)");
    let runner = read_models.start(RunnerOptions::default());
    let (world, build_note) = match kept {
        Some(world) => {
            log("reusing the campaign kept in --campaign-dir");
            (
                world,
                "; measured when the kept campaign was built, not in this run",
            )
        }
        None => {
            let world = campaign::build(groundwork, read_models, plan.people, 8).await?;
            if let Some(dir) = campaign_dir {
                campaign::keep(dir, key, &world)?;
            }
            (world, "")
        }
    };
    let import = &world.import;
    let import_events = Rate::new(import.events as f64, import.projected, "events");
    rows.push(
        Row::new("4", "bulk load (import), fully projected")
            .clients(campaign::IMPORTERS)
            .rate(Rate::new(import.people as f64, import.projected, "people"))
            .latency(&import.batch_latency)
            .ratio(
                import_events.per_second / batch.rate.per_second,
                "events/s ÷ raw batch rows/s",
            )
            .note(format!(
                "{:.0} events/s; {} people, {} events in transactions of {} people (latency per \
                 transaction); {:.2} s to commit + {:.2} s until the read models show everyone \
                 ({:.0} people/s committed){build_note}",
                import_events.per_second,
                import.people,
                import.events,
                campaign::IMPORT_BATCH,
                import.committed.as_secs_f64(),
                (import.projected - import.committed).as_secs_f64(),
                import.people as f64 / import.committed.as_secs_f64()
            )),
    );
    let history = &world.history;
    rows.push(
        Row::new("4", "  then histories through the commands")
            .clients(8)
            .rate(Rate::new(history.commands as f64, history.elapsed, "cmd"))
            .latency(&history.latency)
            .note(format!(
                "{} commands, {} events (1:1s, structure-test steps, tasks) for {} people; {} units in \
                 4 levels; {} commands and {} events in the whole build{build_note}",
                history.commands,
                history.events,
                history.people,
                world.units,
                world.commands,
                world.events
            )),
    );

    // 1 (cont.). The ordered read of the events table, now that it holds the campaign.
    log("raw ordered read");
    let ordered = probes::ordered_read(store, 3).await?;
    rows.insert(
        3,
        Row::new("1", "raw ordered read of events")
            .clients(1)
            .rate(ordered.rate.clone())
            .latency(&ordered.latency)
            .note(format!("{} events; latency per full scan", world.events)),
    );

    if plan.runs(Phase::Throughput) {
        command_throughput(groundwork, &world, plan, single_1, single_8, rows).await?;
    }
    if plan.runs(Phase::Latency) {
        history_latency(groundwork, read_models, &world, plan, rows).await?;
    }

    if plan.runs(Phase::Lag) {
        // 6. Projection lag under a steady rate: the target's, and a quarter of it (what the runner adds when
        // the machine is not saturated by the commands themselves).
        for rate in [plan.lag_rate, plan.lag_rate / 4] {
            log(&format!("projection lag at {rate} commands/s"));
            workloads::wait_projected(groundwork, read_models).await?;
            let lag =
                workloads::projection_lag(groundwork, read_models, &world, rate, plan.lag_time)
                    .await?;
            let achieved = lag.commands as f64 / lag.elapsed.as_secs_f64();
            rows.push(
                Row::new("6", format!("projection lag commit→visible, {rate} cmd/s"))
                    .clients(workloads::LAG_IN_FLIGHT)
                    .rate(Rate::new(lag.commands as f64, lag.elapsed, "cmd"))
                    .latency(&lag.lag)
                    .note(if achieved >= f64::from(rate) * 0.95 {
                        format!(
                            "steady {rate} cmd/s held (open loop: commands start on a clock, at most \
                             {} at once)",
                            workloads::LAG_IN_FLIGHT
                        )
                    } else {
                        format!(
                            "{rate} cmd/s not reachable: {achieved:.0} cmd/s with at most {} commands \
                             at once (open loop)",
                            workloads::LAG_IN_FLIGHT
                        )
                    }),
            );
        }
    }

    runner.stop().await;
    if plan.runs(Phase::Rebuild) {
        // 5. Projection rebuild from position zero.
        log("projection rebuild");
        let head_events = probes::count_events(store).await?;
        let started = Instant::now();
        read_models.rebuild_all().await?;
        let rebuilt = started.elapsed();
        let rebuild_rate = Rate::new(head_events as f64, rebuilt, "events");
        // A rebuild writes every read-model row again: the physical bound it meets is the write rate.
        let mut written = 0;
        for projection in PROJECTIONS {
            for table in projections::projection_tables(projection) {
                written += probes::count_rows(store, table).await?;
            }
        }
        rows.push(
            Row::new("5", "projection rebuild, all projections")
                .clients(1)
                .rate(rebuild_rate.clone())
                .ratio(
                    rebuild_rate.per_second / ordered.rate.per_second,
                    "÷ raw ordered read",
                )
                .note(format!(
                    "{head_events} events read once for {} projections in {:.1} s; its tables hold {written} rows \
                     after it: at least {:.0} rows written/s, {:.2}x the raw 100-row batch INSERT rate",
                    PROJECTIONS.len(),
                    rebuilt.as_secs_f64(),
                    written as f64 / rebuilt.as_secs_f64(),
                    written as f64 / rebuilt.as_secs_f64() / batch.rate.per_second
                )),
        );
    }

    if plan.runs(Phase::Graphql) {
        // 7 and 8. The server as a child process: cold start, GraphQL over HTTP, peak memory.
        log("server: cold start, GraphQL, memory");
        let server = server::ServerChild::start(url, key).await?;
        rows.push(
            Row::new("8", "cold start to serving")
                .note(format!(
                    "{:.0} ms from spawn to first /healthz 200 (migrations already applied)",
                    server.cold_start.as_secs_f64() * 1000.0
                ))
                .single(server.cold_start),
        );
        let (peak, resident) = server.memory()?;
        rows.push(
            Row::new("8", "server resident size when ready").note(format!(
                "VmRSS {resident:.0} MiB (VmHWM {peak:.0} MiB) before the first query"
            )),
        );
        let queries = graphql::queries(&world)?;
        let mut live_p99 = std::collections::HashMap::new();
        for query in &queries {
            for clients in [1, 8] {
                log(&format!("GraphQL {}, {clients} clients", query.name));
                let measured =
                    graphql::measure(server.address, query, clients, plan.graphql_requests).await;
                let (latency, rate, size) = match measured {
                    Ok(measured) => measured,
                    Err(error) => {
                        rows.push(
                            Row::unavailable(
                                "7",
                                format!("GraphQL {}", query.name),
                                &format!("{error:#}"),
                            )
                            .clients(clients),
                        );
                        continue;
                    }
                };
                // The server's memory after each series: where the peak comes from (figure 8).
                let (peak, resident) = server.memory()?;
                let mut row = Row::new("7", format!("GraphQL {}", query.name))
                    .clients(clients)
                    .rate(rate)
                    .latency(&latency)
                    .note(if size.wire == size.decoded {
                        format!(
                            "{} KiB answer; server after it: VmRSS {resident:.0} MiB, VmHWM {peak:.0} MiB",
                            size.decoded / 1024
                        )
                    } else {
                        format!(
                            "{} KiB on the wire for a {} KiB answer ({:.1}x smaller); server after it: \
                             VmRSS {resident:.0} MiB, VmHWM {peak:.0} MiB",
                            size.wire / 1024,
                            size.decoded / 1024,
                            size.decoded as f64 / size.wire.max(1) as f64
                        )
                    });
                if query.name == "full wall chart" {
                    live_p99.insert(clients, latency.p99());
                }
                if query.name.starts_with("wall chart asOf") {
                    if let (Some(Some(live)), Some(past)) = (live_p99.get(&clients), latency.p99())
                    {
                        row = row.ratio(past / live, "p99 ÷ live wall chart p99");
                    }
                }
                rows.push(row);
            }
        }
        let (peak, resident) = server.memory()?;
        rows.push(Row::new("8", "server peak resident size").note(format!(
            "VmHWM {peak:.0} MiB (VmRSS {resident:.0} MiB) after the GraphQL runs"
        )));
        drop(server);
    }
    Ok(())
}

/// Figure 2: command throughput on 1 and 8 clients, then where one command's time goes.
async fn command_throughput(
    groundwork: &Arc<Groundwork>,
    world: &campaign::World,
    plan: &Plan,
    single_1: &probes::ProbeResult,
    single_8: &probes::ProbeResult,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    for clients in [1, 8] {
        log(&format!("command throughput, {clients} clients"));
        let done = workloads::throughput(groundwork, world, clients, plan.throughput_time).await?;
        let probe = if clients == 1 { single_1 } else { single_8 };
        let commands = Rate::new(done.commands as f64, done.elapsed, "cmd");
        let events = Rate::new(done.events as f64, done.elapsed, "events");
        rows.push(
            Row::new("2", "command throughput (Assess)")
                .clients(clients)
                .rate(commands.clone())
                .latency(&done.latency)
                .ratio(
                    events.per_second / probe.rate.per_second,
                    format!("events/s ÷ raw {clients}-conn inserts/s"),
                )
                .note(format!(
                    "{:.0} events/s; projection runner running",
                    events.per_second
                )),
        );
    }

    // Where a command's time goes (one client, nothing else running but the projection runner).
    log("command breakdown");
    let parts = workloads::breakdown(groundwork, world, plan.latency_samples).await?;
    let whole = parts.command.median().unwrap_or(f64::NAN);
    for (figure, samples) in [
        ("  of which: load person aggregate", &parts.load_person),
        (
            "  campaign facts by query (not per command)",
            &parts.load_campaign,
        ),
    ] {
        rows.push(Row::new("2", figure).clients(1).latency(samples).ratio(
            samples.median().unwrap_or(f64::NAN) / whole,
            "of a whole command's median",
        ));
    }
    rows.push(
        Row::new("2", "  whole command, same people")
            .clients(1)
            .latency(&parts.command)
            .ratio(
                parts.command.median().unwrap_or(f64::NAN)
                    / single_1.latency.median().unwrap_or(f64::NAN),
                "÷ raw 1-conn INSERT median",
            ),
    );

    Ok(())
}

/// Figure 3: command latency on people with longer and longer histories.
async fn history_latency(
    groundwork: &Arc<Groundwork>,
    read_models: &ReadModels,
    world: &campaign::World,
    plan: &Plan,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    // 3. Command latency against history length.
    let mut base_p99 = None;
    let mut base_median = None;
    for history in plan.histories {
        log(&format!("latency on a person with {history} prior events"));
        let person = workloads::person_with_history(groundwork, world, history).await?;
        // Measured with the projection runner idle, so the figure is the command's and not the backlog's.
        workloads::wait_projected(groundwork, read_models).await?;
        let latency =
            workloads::latency_on(groundwork, world, person, plan.latency_samples).await?;
        let mut row = Row::new("3", format!("command latency, {history} prior events"))
            .clients(1)
            .latency(&latency);
        match (base_median, base_p99, latency.median(), latency.p99()) {
            (Some(base_median), Some(base_p99), Some(median), Some(p99)) => {
                row = row
                    .ratio(p99 / base_p99, "p99 ÷ p99 at 10 events")
                    .note(format!("median ratio {:.2}x", median / base_median));
            }
            _ => {
                base_median = latency.median();
                base_p99 = latency.p99();
            }
        }
        rows.push(row);
    }

    Ok(())
}
