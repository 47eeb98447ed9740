//! The `groundwork` binary: serve, migrate, demo, keygen, the event log's backup and restore, and the GraphQL
//! schema's SDL.

use anyhow::Context as _;
use api::access::{Identity, Permission};
use api::config::{ProcessEnvironment, Settings};
use api::service::Groundwork;
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;
use std::sync::Arc;

/// mimalloc rather than the system allocator: allocation-heavy paths (decoding events, building answers)
/// spent a third of their time in glibc malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Prints the GraphQL schema (SDL), as committed in `schema.graphql`.
    GraphqlSchema,
    /// The event log: backup and restore.
    Events {
        #[command(subcommand)]
        command: EventsCommand,
    },
    /// Accounts: the first admin of a chapter.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// People: bulk import from CSV, erasure.
    People {
        #[command(subcommand)]
        command: PeopleCommand,
    },
    /// The read models: rebuild from the log, or show how far each projection has got.
    Projections {
        #[command(subcommand)]
        command: ProjectionsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ProjectionsCommand {
    /// Empties a projection's read models and replays the whole log into them (all projections without NAME).
    Rebuild {
        /// The projection's name (see `groundwork projections status`).
        name: Option<String>,
    },
    /// Each projection's position, lag behind the log, and the events it passed over (quarantined).
    Status,
}

#[derive(Debug, Subcommand)]
enum EventsCommand {
    /// Writes the whole log as JSON lines to standard output, with wrapped per-person keys.
    Export,
    /// Reads an export into an empty store that uses the same master key.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Creates a chapter and its first admin; or, with --chapter, an admin of a chapter already in the log
    /// (after `events import`: an export carries no accounts). The password is read from
    /// GROUNDWORK_ADMIN_PASSWORD, or else from the first line of standard input; there is no default password.
    Create {
        /// The admin's email address (their sign-in name).
        #[arg(long)]
        email: String,
        /// The new chapter's name.
        #[arg(long, required_unless_present = "chapter", conflicts_with = "chapter")]
        chapter_name: Option<String>,
        /// The id of a chapter the log already holds (a restored backup's), instead of a new chapter.
        #[arg(long)]
        chapter: Option<String>,
        /// With --chapter: the user id the log knows this admin by (their events' actor, the organizer and
        /// assignee it names), so their history and tasks are theirs again. A new id by default.
        #[arg(long, requires = "chapter")]
        user: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PeopleCommand {
    /// Imports the people of a CSV file into a campaign: matches each row to an existing person (Groundwork
    /// id, then an id in another system, then email, then phone) or adds a new one. Columns are mapped by
    /// their names (Action Builder's included: `First Name`, `Phone Number`, `Action Builder ID`…), then by
    /// the campaign's saved mapping, then by --map. The whole file is planned first (create, update,
    /// unchanged, or an error naming its line and column); nothing is written when a row has an error
    /// (unless --skip-errors) or with --dry-run. Then it is stored in transactions of 500 rows, every event
    /// carrying the import's id, so `people undo-import` can undo it. UTF-8, UTF-16 and Windows-1252 files
    /// separated by commas, semicolons or tabs are read as they are.
    Import {
        /// The campaign's id.
        #[arg(long)]
        campaign: String,
        /// The email of the account the import is done as: it needs a role that may add people (lead,
        /// organizer or admin) in the campaign's chapter, reaching this campaign (and one that assigns work
        /// for an organizer column). The people's history names this account.
        #[arg(long = "as", value_name = "EMAIL")]
        as_account: String,
        /// Maps a column to a target: `"Badge=external_id:badge"`, `"Notes=ignore"`, `"Shift=field:Shift"`.
        /// Targets: id, external_id:SYSTEM, given_name, family_name, email, phone, unit, responses,
        /// field:FIELD, organizer, level, language, ignore.
        #[arg(long = "map", value_name = "COLUMN=TARGET")]
        map: Vec<String>,
        /// A column whose values replace a person's (by default a value only fills an empty one).
        #[arg(long = "overwrite", value_name = "COLUMN")]
        overwrite: Vec<String>,
        /// The region whose country code phone numbers without one take (ISO code such as US, GB, DE);
        /// saved for the campaign's next import.
        #[arg(long)]
        region: Option<String>,
        /// Prints the plan of every row and writes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leaves out rows with errors (whole) and imports the rest.
        #[arg(long)]
        skip_errors: bool,
        /// The CSV file.
        file: PathBuf,
    },
    /// Writes a campaign's people (or with --wall-chart its wall chart) as CSV to standard output, as the
    /// `exportPeople` / `exportWallChart` GraphQL fields answer it: the account named with --as needs the
    /// export grant, sees only what it may read, and the export is in the access log.
    Export {
        /// The campaign's id.
        #[arg(long)]
        campaign: String,
        /// The email of the account the export is done as.
        #[arg(long = "as", value_name = "EMAIL")]
        as_account: String,
        /// The columns, comma-separated (PERSON_ID, NAME, LEVEL, ORGANIZER_ID, FOLLOW_UP, STATUS,
        /// PREFERRED_LANGUAGE, UNIT_IDS); all by default.
        #[arg(long)]
        columns: Option<String>,
        /// A people filter as the `PeopleFilter` GraphQL input, in JSON (e.g. `{"levels":[1,2]}`).
        #[arg(long)]
        filter: Option<String>,
        /// The wall chart's unit figures instead of the people.
        #[arg(long, conflicts_with_all = ["columns", "filter"])]
        wall_chart: bool,
    },
    /// Lists a chapter's imports: when, who, file, counts and state.
    Imports {
        /// The email of the account that asks (a role that may add people).
        #[arg(long = "as", value_name = "EMAIL")]
        as_account: String,
        /// Only this campaign's imports.
        #[arg(long)]
        campaign: String,
    },
    /// Undoes an import with compensating events. People it created are removed from the campaign; what it
    /// changed in existing people goes back to what it was. What someone changed after the import is listed
    /// and left alone, unless --overwrite-later-changes.
    UndoImport {
        /// The import's id (see `people imports`).
        import: String,
        /// The email of the account the undo is done as.
        #[arg(long = "as", value_name = "EMAIL")]
        as_account: String,
        /// Also undoes what was changed after the import in what it wrote.
        #[arg(long)]
        overwrite_later_changes: bool,
    },
    /// Forgets a person for good: destroys their key, so their personal fields read as erased everywhere.
    Forget {
        /// The person's id.
        person: String,
        /// The email of the account the erasure is done as: an admin of the person's chapter. The access log
        /// records it.
        #[arg(long = "as", value_name = "EMAIL")]
        as_account: String,
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
    // Colour codes only when a person watches: a log file or a pipe gets plain text.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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
    if let Command::GraphqlSchema = cli.command {
        print!("{}", api::graphql::sdl());
        return Ok(());
    }
    // Refused before anything is opened, so a forgotten `--yes` leaves no key file or database behind.
    if let Command::People {
        command: PeopleCommand::Forget { yes: false, .. },
    } = cli.command
    {
        anyhow::bail!("forgetting a person cannot be undone; add --yes to confirm");
    }
    let settings = Settings::load(cli.config.as_deref(), &ProcessEnvironment)?;
    let groundwork = Groundwork::open(&settings).await?;
    match cli.command {
        Command::Keygen | Command::GraphqlSchema => Ok(()),
        Command::Migrate => {
            groundwork.migrate().await?;
            eprintln!("groundwork: the database is up to date");
            Ok(())
        }
        Command::Serve => serve(settings, groundwork).await,
        Command::Demo { people } => {
            groundwork.migrate().await?;
            let identity = api::config::development_identity(&ProcessEnvironment)?;
            let summary = api::demo::load_into(
                &groundwork,
                identity.chapter,
                identity.user,
                people,
                chrono::Utc::now(),
            )
            .await?;
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
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    chapter_name: None,
                    chapter: Some(chapter),
                    user,
                },
        } => {
            let chapter = domain::ids::ChapterId::parse(&chapter).map_err(|_| {
                anyhow::anyhow!("--chapter `{chapter}` is not a chapter id (a UUID)")
            })?;
            let user = user
                .map(|text| {
                    domain::ids::UserId::parse(&text)
                        .map_err(|_| anyhow::anyhow!("--user `{text}` is not a user id (a UUID)"))
                })
                .transpose()?;
            groundwork.migrate().await?;
            let password = admin_password().await?;
            let user =
                api::accounts::add_admin_to_chapter(&groundwork, &email, chapter, user, &password)
                    .await?;
            eprintln!(
                "groundwork: {email} (user {user}) is an admin of chapter {chapter}; sign in at /auth/sign-in"
            );
            println!("{chapter}");
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    chapter_name,
                    ..
                },
        } => {
            let chapter_name = chapter_name
                .ok_or_else(|| anyhow::anyhow!("--chapter-name or --chapter is needed"))?;
            groundwork.migrate().await?;
            let password = admin_password().await?;
            let (user, chapter) = api::accounts::create_chapter_with_admin(
                &groundwork,
                &email,
                &chapter_name,
                &password,
            )
            .await?;
            eprintln!(
                "groundwork: created chapter {chapter} and its admin {email} (user {user}); sign in at /auth/sign-in"
            );
            println!("{chapter}");
            Ok(())
        }
        Command::Projections { command } => {
            groundwork.migrate().await?;
            let read_models = projections::ReadModels::new(groundwork.store());
            match command {
                ProjectionsCommand::Rebuild { name: Some(name) } => {
                    let started = std::time::Instant::now();
                    read_models.rebuild(&name).await?;
                    eprintln!("groundwork: rebuilt {name} in {:.1?}", started.elapsed());
                }
                ProjectionsCommand::Rebuild { name: None } => {
                    let started = std::time::Instant::now();
                    read_models.rebuild_all().await?;
                    eprintln!(
                        "groundwork: rebuilt every projection in {:.1?}",
                        started.elapsed()
                    );
                }
                ProjectionsCommand::Status => {
                    println!(
                        "{:<12} {:>14} {:>12} {:>12}",
                        "projection", "position", "lag events", "lag seconds"
                    );
                    for status in read_models.status().await? {
                        println!(
                            "{:<12} {:>14} {:>12} {:>12.1}",
                            status.name,
                            status.position.position,
                            status.lag_events,
                            status.lag_seconds
                        );
                    }
                    let quarantined = read_models.quarantined(None).await?;
                    if !quarantined.is_empty() {
                        println!(
                            "\nquarantined (not projected; `groundwork projections rebuild` tries them again):"
                        );
                    }
                    for event in quarantined {
                        println!(
                            "{:<12} {:>14} {}/{} {}: {}",
                            event.projection,
                            event.position.position,
                            event.stream_type,
                            event.stream_id,
                            event.event_type,
                            event.reason
                        );
                    }
                }
            }
            Ok(())
        }
        Command::People {
            command:
                PeopleCommand::Import {
                    campaign,
                    as_account,
                    map,
                    overwrite,
                    region,
                    dry_run,
                    skip_errors,
                    file,
                },
        } => {
            groundwork.migrate().await?;
            let campaign = domain::ids::CampaignId::parse(&campaign)
                .map_err(|_| anyhow::anyhow!("`{campaign}` is not a campaign id (a UUID)"))?;
            let chapter = groundwork.campaign_facts(campaign).await?.chapter;
            let identity = operator(&groundwork, &as_account, chapter).await?;
            let rules = column_rules(&map, &overwrite)?;
            let read_models = caught_up_read_models(&groundwork).await?;
            import_file(
                &groundwork,
                &read_models,
                &identity,
                campaign,
                &file,
                &rules,
                &overwrite,
                region,
                dry_run,
                skip_errors,
            )
            .await
            .with_context(|| format!("{} was not imported", file.display()))
        }
        Command::People {
            command:
                PeopleCommand::Imports {
                    as_account,
                    campaign,
                },
        } => {
            groundwork.migrate().await?;
            let campaign = domain::ids::CampaignId::parse(&campaign)
                .map_err(|_| anyhow::anyhow!("`{campaign}` is not a campaign id (a UUID)"))?;
            let chapter = groundwork.campaign_facts(campaign).await?.chapter;
            let identity = operator(&groundwork, &as_account, chapter).await?;
            println!(
                "{:<36}  {:<20}  {:<36}  {:<14}  {:>7} {:>7} {:>9} {:>6}  file",
                "import", "when", "by", "state", "created", "updated", "unchanged", "errors"
            );
            for import in api::import::run::list(&groundwork, &identity, Some(campaign)).await? {
                let row = &import.row;
                println!(
                    "{:<36}  {:<20}  {:<36}  {:<14}  {:>7} {:>7} {:>9} {:>6}  {}",
                    row.import_id,
                    row.created_at.format("%Y-%m-%d %H:%M:%S"),
                    row.created_by,
                    row.state,
                    row.counts.created,
                    row.counts.updated,
                    row.counts.unchanged,
                    row.counts.errors,
                    row.file_name
                );
            }
            Ok(())
        }
        Command::People {
            command:
                PeopleCommand::UndoImport {
                    import,
                    as_account,
                    overwrite_later_changes,
                },
        } => {
            groundwork.migrate().await?;
            let chapters = groundwork.store().import_chapter(&import).await?;
            let chapter = chapters
                .and_then(|chapter| domain::ids::ChapterId::parse(&chapter).ok())
                .ok_or_else(|| anyhow::anyhow!("import {import} was not found"))?;
            let identity = operator(&groundwork, &as_account, chapter).await?;
            let record = api::import::run::find(&groundwork, &identity, &import).await?;
            let report =
                api::import::undo::undo(&groundwork, &identity, &record, overwrite_later_changes)
                    .await?;
            for change in &report.later_changes {
                eprintln!(
                    "groundwork: person {}: {} changed after the import ({} by {} at {}){}",
                    change.person,
                    change.aspect,
                    change.event_type,
                    change.changed_by.as_deref().unwrap_or("someone"),
                    change
                        .changed_at
                        .map(|at| at.to_rfc3339())
                        .unwrap_or_default(),
                    if change.overwritten {
                        "; undone anyway"
                    } else {
                        "; left as it is"
                    }
                );
            }
            for (person, reason) in &report.refused {
                eprintln!("groundwork: person {person} could not be restored: {reason}");
            }
            eprintln!(
                "groundwork: undid import {import}: {} events for {} people; {} later changes {}",
                report.events,
                report.people,
                report.later_changes.len(),
                if overwrite_later_changes {
                    "overwritten"
                } else {
                    "left alone (undo again with --overwrite-later-changes to undo them too)"
                }
            );
            Ok(())
        }
        Command::People {
            command:
                PeopleCommand::Export {
                    campaign,
                    as_account,
                    columns,
                    filter,
                    wall_chart,
                },
        } => {
            groundwork.migrate().await?;
            let campaign_id = domain::ids::CampaignId::parse(&campaign)
                .map_err(|_| anyhow::anyhow!("`{campaign}` is not a campaign id (a UUID)"))?;
            let chapter = groundwork.campaign_facts(campaign_id).await?.chapter;
            let identity = operator(&groundwork, &as_account, chapter).await?;
            let filter = filter
                .map(|filter| serde_json::from_str::<serde_json::Value>(&filter))
                .transpose()
                .context("--filter is not JSON")?;
            let csv =
                export_csv(groundwork, identity, &campaign, columns, filter, wall_chart).await?;
            print!("{csv}");
            Ok(())
        }
        Command::People {
            command: PeopleCommand::Forget {
                person, as_account, ..
            },
        } => {
            groundwork.migrate().await?;
            let person = domain::ids::PersonId::parse(&person)
                .map_err(|_| anyhow::anyhow!("`{person}` is not a person id (a UUID)"))?;
            let chapter = groundwork.person_chapter(person).await?;
            let identity = operator(&groundwork, &as_account, chapter).await?;
            api::access::authorize_operator(
                groundwork.store(),
                &identity,
                Permission::ForgetPeople,
                None,
            )
            .await?;
            groundwork
                .execute_person(
                    &identity.actor(),
                    person,
                    None,
                    domain::person::PersonCommand::Forget,
                )
                .await?;
            api::access::record_access(
                groundwork.store(),
                &identity,
                "FORGET_PERSON",
                Some(person.to_string()),
            )
            .await?;
            // The key is gone, so no process can open their data any more. The read models (names, contact
            // points) are erased by projecting the forgetting: do it now rather than wait for a server to,
            // so every server reads them erased as soon as this command ends. Batches lock their projection's
            // checkpoint, so this is safe beside running servers.
            let read_models = projections::ReadModels::new(groundwork.store());
            for projection in projections::PROJECTIONS {
                read_models.catch_up(projection).await?;
            }
            eprintln!("groundwork: person {person} is forgotten");
            Ok(())
        }
    }
}

/// The identity a command acts as: the account the operator named with `--as`, with its role in `chapter`.
async fn operator(
    groundwork: &Groundwork,
    email: &str,
    chapter: domain::ids::ChapterId,
) -> anyhow::Result<Identity> {
    let accounts = api::accounts::Accounts::new(groundwork.store().clone());
    Ok(accounts.operator_identity(email, chapter).await?)
}

/// The read models, caught up with the log (the command line runs no projection runner of its own).
async fn caught_up_read_models(groundwork: &Groundwork) -> anyhow::Result<projections::ReadModels> {
    let read_models = projections::ReadModels::new(groundwork.store());
    for projection in projections::runner::PROJECTIONS {
        read_models.catch_up(projection).await?;
    }
    Ok(read_models)
}

/// `--map COLUMN=TARGET` and `--overwrite COLUMN` as mapping rules.
fn column_rules(
    map: &[String],
    overwrite: &[String],
) -> anyhow::Result<Vec<api::import::mapping::ColumnRule>> {
    use api::import::mapping::{header_key, ColumnRule, Mode};
    let mut rules = Vec::new();
    for entry in map {
        let (column, target) = entry
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--map `{entry}`: write COLUMN=TARGET"))?;
        let mode = if overwrite
            .iter()
            .any(|name| header_key(name) == header_key(column))
        {
            Mode::Overwrite
        } else {
            Mode::Fill
        };
        rules.push(ColumnRule {
            column: column.trim().to_string(),
            target: target.trim().to_string(),
            mode,
        });
    }
    Ok(rules)
}

/// Uploads, previews and (unless `dry_run`) commits a file, reporting to the operator.
#[allow(clippy::too_many_arguments)]
async fn import_file(
    groundwork: &Groundwork,
    read_models: &projections::ReadModels,
    identity: &Identity,
    campaign: domain::ids::CampaignId,
    file: &std::path::Path,
    rules: &[api::import::mapping::ColumnRule],
    overwrite: &[String],
    region: Option<String>,
    dry_run: bool,
    skip_errors: bool,
) -> anyhow::Result<()> {
    use api::import::file::Source;
    use api::import::mapping::Mode;
    use api::import::plan::Action;
    use api::import::run;
    let source = Source::File(file.to_path_buf());
    let options = region.map(|region| run::ImportOptions {
        default_region: Some(region),
    });
    let mut described = run::upload(
        groundwork,
        identity,
        campaign,
        &file
            .file_name()
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_else(|| "import.csv".to_string()),
        &source,
        &[],
        options,
    )
    .await?;
    // The operator's --overwrite applies to columns mapped by name too.
    let mut rules = rules.to_vec();
    for name in overwrite {
        let key = api::import::mapping::header_key(name);
        if rules
            .iter()
            .any(|rule| api::import::mapping::header_key(&rule.column) == key)
        {
            continue;
        }
        let column = described
            .mapping
            .columns
            .iter()
            .find(|column| api::import::mapping::header_key(&column.header) == key)
            .ok_or_else(|| anyhow::anyhow!("--overwrite {name}: the file has no such column"))?;
        let target = column.target.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "--overwrite {name}: the column maps to nothing; give it a target with --map"
            )
        })?;
        rules.push(api::import::mapping::ColumnRule {
            column: column.header.clone(),
            target: target.name(),
            mode: Mode::Overwrite,
        });
    }
    if !rules.is_empty() {
        described = run::remap(
            groundwork,
            identity,
            &described.record,
            &source,
            &rules,
            None,
            false,
        )
        .await?;
    }
    let import_id = described.record.row.import_id.clone();
    eprintln!(
        "groundwork: import {import_id}: {} separated by {}",
        described.encoding.as_str(),
        match described.delimiter {
            b'\t' => "tabs",
            b';' => "semicolons",
            _ => "commas",
        }
    );
    for column in &described.mapping.columns {
        eprintln!(
            "groundwork:   column `{}` → {}{}",
            column.header,
            column.target.as_ref().map_or_else(
                || "nothing (map it with --map, or ignore it)".to_string(),
                |t| t.name()
            ),
            if column.mode == Mode::Overwrite {
                " (overwrite)"
            } else {
                ""
            }
        );
    }
    let show = |plan: &api::import::plan::RowPlan| {
        let shown = dry_run || plan.action == Action::Error || !plan.suggestions.is_empty();
        if !shown {
            return;
        }
        let person = plan.person.map(|p| p.to_string()).unwrap_or_default();
        let mut text = format!("line {}: {} {}", plan.line, plan.action.as_str(), person);
        if let Some(column) = &plan.matched_by {
            text.push_str(&format!(" (matched by {column})"));
        }
        if !plan.changes.is_empty() {
            text.push_str(&format!(" changes {}", plan.changes.join(", ")));
        }
        for error in &plan.errors {
            text.push_str(&format!("; {}", error.message));
            if let Some(column) = &error.column {
                text.push_str(&format!(" [column {column}]"));
            }
        }
        for suggestion in &plan.suggestions {
            text.push_str(&format!(
                "; resembles {suggestion} (same name and unit; not merged)"
            ));
        }
        println!("{}", text.trim_end());
    };
    if dry_run {
        let totals = run::dry_run(
            groundwork,
            read_models,
            identity,
            &described.record,
            &source,
            show,
        )
        .await?;
        eprintln!(
            "groundwork: plan: {} rows: {} to create, {} to update, {} unchanged, {} with errors",
            totals.rows, totals.create, totals.update, totals.unchanged, totals.error
        );
        eprintln!("groundwork: dry run: nothing was written (import {import_id})");
        return Ok(());
    }
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // The whole file is planned before anything is stored: say how far that got too.
    let mut planned = 0usize;
    let on_plan = |plan: &api::import::plan::RowPlan| {
        show(plan);
        planned += 1;
        if planned.is_multiple_of(PLANNING_REPORT_EVERY) {
            if terminal {
                eprint!("\rgroundwork: checking the file: {planned} rows planned");
            } else {
                eprintln!("groundwork: checking the file: {planned} rows planned");
            }
        }
    };
    let committed = run::commit(
        groundwork,
        read_models,
        identity,
        &described.record,
        &source,
        skip_errors,
        on_plan,
        |done, total| progress_bar(terminal, done, total),
    )
    .await?;
    if terminal {
        eprintln!();
    }
    eprintln!(
        "groundwork: imported {} rows ({} created, {} updated, {} unchanged, {} left out) into campaign \
         {campaign} as import {import_id} ({} events)",
        committed.totals.rows,
        committed.totals.create,
        committed.totals.update,
        committed.totals.unchanged,
        committed.totals.error,
        committed.events
    );
    Ok(())
}

/// The commit's progress: a bar redrawn in place on a terminal, a line per transaction otherwise.
/// How many rows of a file's first pass (the plan) go between two reports of how far it got.
const PLANNING_REPORT_EVERY: usize = 10_000;

fn progress_bar(terminal: bool, done: usize, total: usize) {
    let total = total.max(1);
    if terminal {
        const WIDTH: usize = 30;
        let filled = done * WIDTH / total;
        eprint!(
            "\rgroundwork: [{}{}] {:>3}% {done}/{total} rows",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            done * 100 / total
        );
    } else {
        eprintln!("groundwork: progress {done}/{total} rows");
    }
}

/// Runs an export field of the GraphQL schema as `identity`, after bringing the read models up to the log.
async fn export_csv(
    groundwork: Groundwork,
    identity: Identity,
    campaign: &str,
    columns: Option<String>,
    filter: Option<serde_json::Value>,
    wall_chart: bool,
) -> anyhow::Result<String> {
    let read_models = projections::ReadModels::new(groundwork.store());
    for status in read_models.status().await? {
        read_models.catch_up(&status.name).await?;
    }
    let accounts = Arc::new(api::accounts::Accounts::new(groundwork.store().clone()));
    let schema = api::graphql::schema(api::graphql::SchemaDeps {
        groundwork: Arc::new(groundwork),
        read_models,
        accounts,
        settings: api::graphql::GraphqlSettings::default(),
    });
    let mut variables = serde_json::json!({ "campaignId": campaign });
    let query = if wall_chart {
        "query($campaignId: ID!) { export: exportWallChart(campaignId: $campaignId) { csv } }"
    } else {
        if let Some(columns) = columns {
            variables["columns"] = columns
                .split(',')
                .map(|column| column.trim().to_ascii_uppercase())
                .filter(|column| !column.is_empty())
                .collect();
        }
        if let Some(filter) = filter {
            variables["filter"] = filter;
        }
        "query($campaignId: ID!, $filter: PeopleFilter, $columns: [PeopleExportColumn!]) { export: \
         exportPeople(campaignId: $campaignId, filter: $filter, columns: $columns) { csv } }"
    };
    let response = schema
        .execute(
            async_graphql::Request::new(query)
                .variables(async_graphql::Variables::from_json(variables))
                .data(identity),
        )
        .await;
    if let Some(error) = response.errors.first() {
        anyhow::bail!("{}", error.message);
    }
    let data = response.data.into_json()?;
    data["export"]["csv"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("campaign {campaign} is not in this account's reach"))
}

/// The new admin's password: GROUNDWORK_ADMIN_PASSWORD, or the first line of standard input.
async fn admin_password() -> anyhow::Result<SecretString> {
    if let Ok(password) = std::env::var("GROUNDWORK_ADMIN_PASSWORD") {
        if !password.is_empty() {
            return Ok(SecretString::from(password));
        }
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprint!(
            "password for the new admin (at least {} characters): ",
            api::accounts::MIN_PASSWORD_LENGTH
        );
    }
    let mut line = String::new();
    tokio::io::AsyncBufReadExt::read_line(
        &mut tokio::io::BufReader::new(tokio::io::stdin()),
        &mut line,
    )
    .await
    .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(
        !password.is_empty(),
        "no password given: set GROUNDWORK_ADMIN_PASSWORD or write it on standard input"
    );
    Ok(SecretString::from(password))
}

async fn serve(settings: Settings, groundwork: Groundwork) -> anyhow::Result<()> {
    let mut options =
        api::http::ApiOptions::from_environment(&ProcessEnvironment, settings.listen)?;
    groundwork.migrate().await?;
    // A new database has no account to sign in with: offer a one-time setup address in the browser.
    let first_start = if api::setup::FirstStart::needed(&groundwork).await? {
        let first_start = Arc::new(api::setup::FirstStart::new());
        options.first_start = Some(first_start.clone());
        Some(first_start)
    } else {
        None
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    tracing::info!(address = %settings.listen, "groundwork is serving");
    eprintln!("groundwork: serving on http://{}", settings.listen);
    if let Some(path) = match &first_start {
        Some(first_start) => first_start.path().await,
        None => None,
    } {
        eprintln!(
            "groundwork: no account yet; set up the chapter and its first admin at http://{}{path} \
             (this address works once, until the server stops; or use `groundwork admin create`)",
            settings.listen
        );
    }
    if let Some(identity) = &options.dev_identity {
        tracing::warn!(
            user = %identity.user,
            chapter = %identity.chapter,
            role = identity.role.as_str(),
            "GROUNDWORK_DEV_IDENTITY is on: requests without credentials run as this identity; never do this in production"
        );
    }
    // The projections run beside the server and feed the read models its queries and subscriptions use.
    let read_models = projections::ReadModels::new(groundwork.store());
    let runner = read_models.start(projections::RunnerOptions::default());
    // Webhook deliveries follow the log beside the projections (of several servers, one delivers).
    let webhook_options = api::webhooks::WebhookOptions::from_environment(&ProcessEnvironment)?;
    let webhooks = api::webhooks::Dispatcher::start(groundwork.store().clone(), webhook_options)
        .context("cannot start the webhook dispatcher")?;
    let served = axum::serve(
        listener,
        api::http::app_with(Arc::new(groundwork), read_models, options)
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the server stopped");
    webhooks.stop().await;
    runner.stop().await;
    served
}
