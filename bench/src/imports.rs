//! Figure 9: a people file as a chapter has one (names, email, phone, employee number, unit path, a field's
//! responses, preferred language; about 150 bytes a row) imported whole, twice, each into a fresh campaign:
//! through GraphQL (a multipart upload to the server child, the preview, the commit while another
//! connection polls `import(id) { progress }`) and through `groundwork people import` (the command line as
//! a child process, its progress lines read). Each import's rate is judged against the raw 100-row batch
//! INSERT, and each process's peak resident size (`VmHWM`) against the file's size and the idle server's.

use crate::figures::{load_average, Rate, Row};
use crate::http_client::HttpConnection;
use crate::server::{memory_of, ServerChild};
use anyhow::Context as _;
use api::access::{Role, DEV_CHAPTER, DEV_USER};
use api::service::Groundwork;
use domain::campaign::CampaignCommand;
use domain::chapter::ChapterCommand;
use domain::ids::{CampaignId, CorrelationId, FieldId, ResponseId, SectionId, UnitId};
use domain::values::FieldType;
use domain::Actor;
use secrecy::ExposeSecret as _;
use serde_json::{json, Value};
use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::MasterKey;

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
/// The account the command line imports as (a lead of the development chapter).
const IMPORTER: &str = "importer@bench.invalid";
/// How often the bench reads a child's memory and the import's progress while an import runs.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// A campaign ready for a file: its id and the unit paths and response names the file uses.
pub struct ImportCampaign {
    pub campaign: CampaignId,
    unit_paths: Vec<String>,
}

/// Creates a campaign of the development chapter with a unit tree (two regions, two hospitals each, four
/// departments, three shifts) and a "Top issues" field, through the commands.
pub async fn campaign(groundwork: &Groundwork, name: &str) -> anyhow::Result<ImportCampaign> {
    let actor = Actor {
        user: DEV_USER,
        chapter: DEV_CHAPTER,
        at: chrono::Utc::now(),
        correlation: CorrelationId::new_random(),
    };
    let chapter_version = groundwork
        .store()
        .stream_version(
            api::command::StreamKind::Chapter.stream_type(),
            &DEV_CHAPTER.to_string(),
        )
        .await?;
    if chapter_version == 0 {
        groundwork
            .execute_chapter(
                &actor,
                DEV_CHAPTER,
                None,
                ChapterCommand::CreateChapter {
                    chapter_id: DEV_CHAPTER,
                    name: crate::campaign::label("Bench Health Workers United")?,
                },
            )
            .await?;
    }
    let campaign = CampaignId::new_random();
    let label = crate::campaign::label;
    let mut commands = vec![CampaignCommand::CreateCampaign {
        campaign_id: campaign,
        chapter: DEV_CHAPTER,
        name: label(name)?,
        goal: 1_000,
    }];
    let mut unit_paths = Vec::new();
    for region in 1..=2 {
        let region_id = UnitId::new_random();
        let region_name = format!("Region {region}");
        commands.push(CampaignCommand::AddUnit {
            unit_id: region_id,
            name: label(&region_name)?,
            kind: label("Region")?,
            parent: None,
        });
        for hospital in 1..=2 {
            let hospital_id = UnitId::new_random();
            let hospital_name = format!("Hospital {region}-{hospital}");
            commands.push(CampaignCommand::AddUnit {
                unit_id: hospital_id,
                name: label(&hospital_name)?,
                kind: label("Worksite")?,
                parent: Some(region_id),
            });
            for department in DEPARTMENTS {
                let department_id = UnitId::new_random();
                commands.push(CampaignCommand::AddUnit {
                    unit_id: department_id,
                    name: label(department)?,
                    kind: label("Department")?,
                    parent: Some(hospital_id),
                });
                for shift in SHIFTS {
                    commands.push(CampaignCommand::AddUnit {
                        unit_id: UnitId::new_random(),
                        name: label(shift)?,
                        kind: label("Shift")?,
                        parent: Some(department_id),
                    });
                    unit_paths.push(format!(
                        "{region_name}/{hospital_name}/{department}/{shift}"
                    ));
                }
            }
        }
    }
    let section = SectionId::new_random();
    let field = FieldId::new_random();
    commands.push(CampaignCommand::AddSection {
        section_id: section,
        name: label("Workplace issues")?,
    });
    commands.push(CampaignCommand::AddField {
        field_id: field,
        section_id: section,
        name: label("Top issues")?,
        field_type: FieldType::Standard,
        allows_multiple: true,
    });
    for issue in ISSUES {
        commands.push(CampaignCommand::AddResponse {
            field_id: field,
            response_id: ResponseId::new_random(),
            name: label(issue)?,
        });
    }
    for command in commands {
        groundwork
            .execute_campaign(&actor, campaign, None, command)
            .await?;
    }
    Ok(ImportCampaign {
        campaign,
        unit_paths,
    })
}

/// Writes a file of `rows` new people for `campaign` (every email, phone and employee number its own, so
/// every row creates someone) and returns its size in bytes. `tag` keeps two files' identifiers apart.
pub fn write_file(
    path: &Path,
    campaign: &ImportCampaign,
    rows: usize,
    tag: &str,
) -> anyhow::Result<u64> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    writeln!(
        out,
        "First Name,Last Name,Email,Phone Number,Employee Number,unit,Top issues,Preferred Language"
    )?;
    for row in 0..rows {
        let given = GIVEN_NAMES[row % GIVEN_NAMES.len()];
        let family = FAMILY_NAMES[(row / GIVEN_NAMES.len()) % FAMILY_NAMES.len()];
        let issues = match row % 4 {
            0 => ISSUES[row % ISSUES.len()].to_string(),
            1 => format!(
                "{};{}",
                ISSUES[row % ISSUES.len()],
                ISSUES[(row + 2) % ISSUES.len()]
            ),
            _ => String::new(),
        };
        writeln!(
            out,
            "{given},{family},{}.{}.{row}@{tag}.example.org,+1 (415) {:03}-{:04},{tag}-{row:07},{},{issues},{}",
            given.to_lowercase(),
            family.to_lowercase(),
            200 + row / 10_000,
            row % 10_000,
            campaign.unit_paths[row % campaign.unit_paths.len()],
            if row % 5 == 0 { "es" } else { "en" }
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

/// GraphQL over one connection: the answer's `data`, or the errors as a failure.
async fn graphql(
    connection: &mut HttpConnection,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let body = serde_json::to_vec(&json!({"query": query, "variables": variables}))?;
    let answer = connection.post_json("/graphql", &body).await?;
    let value: Value = serde_json::from_slice(&answer.decoded()?)
        .with_context(|| format!("the server answered {} with no JSON", answer.status))?;
    if let Some(errors) = value.get("errors") {
        anyhow::bail!("the server answered with errors: {errors}");
    }
    Ok(value["data"].clone())
}

/// What the import through GraphQL measured.
struct GraphqlImport {
    upload: Duration,
    preview: Duration,
    commit: Duration,
    events: u64,
    progress_reads: usize,
    progress_seen: Vec<i64>,
    peak_after_upload: f64,
    peak_after_preview: f64,
    peak_after_commit: f64,
}

/// The rows of figure 9 for one backend: the file imported through GraphQL into one fresh campaign and
/// through the command line into another, with the server child running throughout.
#[allow(clippy::too_many_arguments)]
pub async fn measure(
    groundwork: &Arc<Groundwork>,
    read_models: &projections::ReadModels,
    database_url: &str,
    key: &MasterKey,
    rows: usize,
    raw_batch_rows_per_second: f64,
    groundwork_binary: &Path,
) -> anyhow::Result<Vec<Row>> {
    let mut figures = Vec::new();
    let folder = tempfile::tempdir()?;
    let through_graphql = campaign(groundwork, "Imported through GraphQL").await?;
    let through_cli = campaign(groundwork, "Imported on the command line").await?;
    let graphql_file = folder.path().join("members-graphql.csv");
    let cli_file = folder.path().join("members-cli.csv");
    let file_bytes = write_file(&graphql_file, &through_graphql, rows, "g")?;
    write_file(&cli_file, &through_cli, rows, "c")?;
    let file_mib = mib(file_bytes);
    api::demo::add_member(
        groundwork.store(),
        domain::ids::UserId::new_random(),
        DEV_CHAPTER,
        IMPORTER,
        Role::Lead.as_str(),
    )
    .await?;

    // The server child's runner projects the campaigns (this process runs none in this phase).
    let server = ServerChild::start(database_url, key).await?;
    crate::workloads::wait_projected(groundwork, read_models).await?;
    // Idle: ready, and a first request answered.
    let mut connection = HttpConnection::open(server.address).await?;
    graphql(&mut connection, "{ importUploadLimit }", json!(null)).await?;
    let (idle_peak, idle_resident) = server.memory()?;
    figures.push(Row::new("9", "server resident size, idle").note(format!(
        "VmRSS {idle_resident:.0} MiB (VmHWM {idle_peak:.0} MiB) before the import; the file is {file_mib:.1} MiB \
         ({rows} rows, {:.0} bytes a row)",
        file_bytes as f64 / rows.max(1) as f64
    )));

    crate::log(&format!(
        "import through GraphQL: {rows} rows, {file_mib:.1} MiB"
    ));
    match import_through_graphql(&server, &through_graphql, &graphql_file, rows).await {
        Ok(done) => {
            let whole = done.upload + done.preview + done.commit;
            let rate = Rate::new(rows as f64, done.commit, "rows");
            let events = Rate::new(done.events as f64, done.commit, "events");
            figures.push(
                Row::new("9", "import through GraphQL: commit")
                    .clients(1)
                    .rate(rate)
                    .single(done.commit)
                    .ratio(
                        events.per_second / raw_batch_rows_per_second,
                        "events/s ÷ raw batch rows/s",
                    )
                    .note(format!(
                        "{:.0} events/s; upload {:.1} s, preview {:.1} s, commit {:.1} s ({:.1} s in all); \
                         progress read {} times during the commit ({}); load average {}",
                        events.per_second,
                        done.upload.as_secs_f64(),
                        done.preview.as_secs_f64(),
                        done.commit.as_secs_f64(),
                        whole.as_secs_f64(),
                        done.progress_reads,
                        progress_summary(&done.progress_seen, rows),
                        load_average()
                    )),
            );
            let (peak, resident) = server.memory()?;
            figures.push(
                Row::new("9", "  server peak resident size")
                    .ratio(
                        (done.peak_after_commit - idle_resident) / file_mib,
                        "(peak − idle) ÷ file size",
                    )
                    .note(format!(
                        "VmHWM {:.0} MiB after the upload, {:.0} MiB after the preview, {:.0} MiB after the \
                         commit (idle VmRSS {idle_resident:.0} MiB; file {file_mib:.1} MiB); VmRSS {resident:.0} \
                         MiB, VmHWM {peak:.0} MiB once the read models show everyone",
                        done.peak_after_upload, done.peak_after_preview, done.peak_after_commit
                    )),
            );
        }
        Err(error) => figures.push(Row::unavailable(
            "9",
            "import through GraphQL",
            &format!("{error:#}"),
        )),
    }
    crate::workloads::wait_projected(groundwork, read_models).await?;

    crate::log(&format!("import on the command line: {rows} rows"));
    let (server_peak_before_cli, _) = server.memory()?;
    match import_on_the_command_line(
        groundwork_binary,
        database_url,
        key,
        &through_cli,
        &cli_file,
    )
    .await
    {
        Ok(done) => {
            let rate = Rate::new(rows as f64, done.elapsed, "rows");
            figures.push(
                Row::new("9", "import on the command line")
                    .clients(1)
                    .rate(rate.clone())
                    .single(done.elapsed)
                    .ratio(
                        rate.per_second / raw_batch_rows_per_second,
                        "rows/s ÷ raw batch rows/s",
                    )
                    .note(format!(
                        "`groundwork people import` as a child process, start to exit (reading the file twice: \
                         plan, then commit); {} progress lines; load average {}",
                        done.progress_lines,
                        load_average()
                    )),
            );
            figures.push(
                Row::new("9", "  command line peak resident size")
                    .ratio(done.peak / file_mib, "peak ÷ file size")
                    .note(format!(
                        "VmHWM {:.0} MiB (read every {} ms until it exited) for a {file_mib:.1} MiB file",
                        done.peak,
                        SAMPLE_EVERY.as_millis()
                    )),
            );
        }
        Err(error) => figures.push(Row::unavailable(
            "9",
            "import on the command line",
            &format!("{error:#}"),
        )),
    }
    crate::workloads::wait_projected(groundwork, read_models).await?;
    let (peak, resident) = server.memory()?;
    figures.push(Row::new("9", "  server while the command line imported").note(format!(
        "VmHWM {server_peak_before_cli:.0} → {peak:.0} MiB, VmRSS {resident:.0} MiB after projecting its rows"
    )));
    drop(server);
    Ok(figures)
}

fn progress_summary(seen: &[i64], rows: usize) -> String {
    let moving: Vec<String> = seen
        .iter()
        .filter(|done| **done > 0)
        .map(ToString::to_string)
        .collect();
    match moving.as_slice() {
        [] => format!("no rows done yet at any read, of {rows}"),
        [one] => format!("{one} of {rows} rows done at one read"),
        many => format!(
            "rows done went {} … {} of {rows} over {} reads",
            many[0],
            many[many.len() - 1],
            many.len()
        ),
    }
}

const UPLOAD: &str = "mutation($input: UploadImportInput!) {
  uploadImport(input: $input) { import { id } columns { column target } }
}";
const PREVIEW: &str = "mutation($id: ID!) {
  previewImport(input: { importId: $id, first: 10 }) { totals { rows create update unchanged error } }
}";
const COMMIT: &str = "mutation($id: ID!) {
  commitImport(input: { importId: $id }) { totals { rows create error } events }
}";
const PROGRESS: &str =
    "query($id: ID!) { import(id: $id) { state progress { rowsDone rowsTotal } } }";

/// Samples a process's `VmHWM` every [`SAMPLE_EVERY`] until `stop`; the highest seen.
fn watch_memory(pid: u32, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<f64> {
    tokio::spawn(async move {
        let mut peak: f64 = 0.0;
        while !stop.load(Ordering::Relaxed) {
            match memory_of(pid) {
                Some((hwm, _)) => peak = peak.max(hwm),
                None => break,
            }
            tokio::time::sleep(SAMPLE_EVERY).await;
        }
        peak
    })
}

async fn import_through_graphql(
    server: &ServerChild,
    campaign: &ImportCampaign,
    file: &Path,
    rows: usize,
) -> anyhow::Result<GraphqlImport> {
    let boundary = "groundwork-bench-boundary-5f3a9c";
    let operations = json!({
        "query": UPLOAD,
        "variables": {"input": {
            "campaignId": campaign.campaign.to_string(),
            "fileName": "members.csv",
            "file": null,
            "defaultRegion": "US",
        }},
    });
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"members.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let mut connection = HttpConnection::open(server.address).await?;
    let started = Instant::now();
    let answer = connection
        .post_multipart_file("/graphql", boundary, head.as_bytes(), file, tail.as_bytes())
        .await?;
    let upload = started.elapsed();
    let value: Value = serde_json::from_slice(&answer.decoded()?)?;
    if answer.status != 200 || value.get("errors").is_some() {
        anyhow::bail!("the upload was refused ({}): {value}", answer.status);
    }
    let id = value["data"]["uploadImport"]["import"]["id"]
        .as_str()
        .context("the upload answered no import id")?
        .to_string();
    let (peak_after_upload, _) = server.memory()?;

    let started = Instant::now();
    let plan = graphql(&mut connection, PREVIEW, json!({"id": id})).await?;
    let preview = started.elapsed();
    let totals = &plan["previewImport"]["totals"];
    if totals["create"] != json!(rows) {
        anyhow::bail!("the preview does not create every row: {totals}");
    }
    let (peak_after_preview, _) = server.memory()?;

    // The commit on one connection; its progress read on another, as the app reads it.
    let address = server.address;
    let commit_id = id.clone();
    let started = Instant::now();
    let commit = tokio::spawn(async move {
        let mut connection = HttpConnection::open(address).await?;
        let done = graphql(&mut connection, COMMIT, json!({"id": commit_id})).await?;
        Ok::<_, anyhow::Error>((done, started.elapsed()))
    });
    let mut progress = HttpConnection::open(server.address).await?;
    let mut progress_seen = Vec::new();
    while !commit.is_finished() {
        let read = graphql(&mut progress, PROGRESS, json!({"id": id})).await?;
        progress_seen.push(read["import"]["progress"]["rowsDone"].as_i64().unwrap_or(0));
        tokio::time::sleep(PROGRESS_EVERY).await;
    }
    let (committed, commit_time) = commit.await??;
    let (peak_after_commit, _) = server.memory()?;
    let created = &committed["commitImport"]["totals"]["create"];
    if *created != json!(rows) {
        anyhow::bail!("the commit did not create every row: {committed}");
    }
    Ok(GraphqlImport {
        upload,
        preview,
        commit: commit_time,
        events: committed["commitImport"]["events"].as_u64().unwrap_or(0),
        progress_reads: progress_seen.len(),
        progress_seen,
        peak_after_upload,
        peak_after_preview,
        peak_after_commit,
    })
}

/// What the command line's import measured.
struct CommandLineImport {
    elapsed: Duration,
    peak: f64,
    progress_lines: usize,
}

async fn import_on_the_command_line(
    binary: &Path,
    database_url: &str,
    key: &MasterKey,
    campaign: &ImportCampaign,
    file: &Path,
) -> anyhow::Result<CommandLineImport> {
    if !binary.exists() {
        anyhow::bail!(
            "{} is missing: build it beside the bench (cargo build --release -p api -p bench) or name it with --groundwork-bin",
            binary.display()
        );
    }
    let started = Instant::now();
    let mut child = std::process::Command::new(binary)
        .args(["people", "import", "--campaign"])
        .arg(campaign.campaign.to_string())
        .args(["--as", IMPORTER, "--region", "US"])
        .arg(file)
        .env("GROUNDWORK_DATABASE_URL", database_url)
        .env("GROUNDWORK_MASTER_KEY", key.to_base64().expose_secret())
        .env("GROUNDWORK_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_memory(child.id(), stop.clone());
    let stderr = child
        .stderr
        .take()
        .context("the child has no standard error")?;
    // Standard error is read to its end, which comes when the process exits.
    let lines = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stderr)
            .lines()
            .collect::<Result<Vec<String>, _>>()
    });
    let lines = lines.await??;
    let status = tokio::task::spawn_blocking(move || child.wait()).await??;
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let peak = watcher.await?;
    if !status.success() {
        anyhow::bail!(
            "groundwork people import failed ({status}): {}",
            lines.join("\n")
        );
    }
    Ok(CommandLineImport {
        elapsed,
        peak,
        progress_lines: lines
            .iter()
            .filter(|line| line.contains("progress"))
            .count(),
    })
}

/// The `groundwork` binary beside this one (both built into the same target folder), unless named.
pub fn default_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|folder| folder.join("groundwork")))
        .unwrap_or_else(|| PathBuf::from("groundwork"))
}
