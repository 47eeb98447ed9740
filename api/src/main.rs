//! The `groundwork` binary: serve, migrate, demo, keygen, and the event log's backup and restore.

use anyhow::Context as _;
use api::config::{ProcessEnvironment, Settings};
use api::service::Groundwork;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "groundwork",
    version,
    about = "An event-sourced organizing CRM"
)]
struct Cli {
    /// A TOML configuration file (also GROUNDWORK_CONFIG; `groundwork.toml` is read when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the server (HTTP on 127.0.0.1:8080 by default), migrating the database first.
    Serve,
    /// Runs the database migrations and exits.
    Migrate,
    /// Loads a realistic demo chapter through the real commands.
    Demo {
        /// How many people the demo campaign has.
        #[arg(long, default_value_t = 300)]
        people: usize,
    },
    /// Prints a fresh master key for GROUNDWORK_MASTER_KEY.
    Keygen,
    /// The event log: backup and restore.
    Events {
        #[command(subcommand)]
        command: EventsCommand,
    },
    /// People: erasure.
    People {
        #[command(subcommand)]
        command: PeopleCommand,
    },
}

#[derive(Debug, Subcommand)]
enum EventsCommand {
    /// Writes the whole log as JSON lines to standard output, with wrapped per-person keys.
    Export,
    /// Reads an export into an empty store that uses the same master key.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum PeopleCommand {
    /// Forgets a person for good: destroys their key, so their personal fields read as erased everywhere.
    Forget {
        /// The person's id.
        person: String,
        /// Confirms the erasure; it cannot be undone.
        #[arg(long)]
        yes: bool,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    init_tracing();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("groundwork: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GROUNDWORK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Keygen = cli.command {
        println!(
            "{}",
            store::MasterKey::generate().to_base64().expose_secret()
        );
        return Ok(());
    }
    let settings = Settings::load(cli.config.as_deref(), &ProcessEnvironment)?;
    let groundwork = Groundwork::open(&settings).await?;
    match cli.command {
        Command::Keygen => Ok(()),
        Command::Migrate => {
            groundwork.migrate().await?;
            eprintln!("groundwork: the database is up to date");
            Ok(())
        }
        Command::Serve => serve(settings, groundwork).await,
        Command::Demo { people } => {
            groundwork.migrate().await?;
            let summary = api::demo::load(&groundwork, people).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Events {
            command: EventsCommand::Export,
        } => {
            let stdout = tokio::io::stdout();
            groundwork.export(stdout).await
        }
        Command::Events {
            command: EventsCommand::Import { file },
        } => {
            groundwork.migrate().await?;
            let input = tokio::fs::File::open(&file)
                .await
                .with_context(|| format!("cannot open {}", file.display()))?;
            let count = groundwork.import(input).await?;
            eprintln!("groundwork: imported {count} events");
            Ok(())
        }
        Command::People {
            command: PeopleCommand::Forget { person, yes },
        } => {
            if !yes {
                anyhow::bail!("forgetting a person cannot be undone; add --yes to confirm");
            }
            groundwork.migrate().await?;
            let person = domain::ids::PersonId::parse(&person)
                .map_err(|_| anyhow::anyhow!("`{person}` is not a person id (a UUID)"))?;
            groundwork.forget_person_as_operator(person).await?;
            eprintln!("groundwork: person {person} is forgotten");
            Ok(())
        }
    }
}

async fn serve(settings: Settings, groundwork: Groundwork) -> anyhow::Result<()> {
    groundwork.migrate().await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    tracing::info!(address = %settings.listen, "groundwork is serving");
    eprintln!("groundwork: serving on http://{}", settings.listen);
    axum::serve(listener, api::http::app(Arc::new(groundwork)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the server stopped")
}
