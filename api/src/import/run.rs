//! An import from upload to commit: the file is recorded with its mapping (`upload`), previewed row by row
//! without writing anything (`dry_run`), then committed in transactions of [`COMMIT_BATCH`] rows (`commit`),
//! each row's events all in one transaction with the import's id in their metadata. Every step is authorized
//! like any other write of people (`EditPeople` in the campaign, `AssignWork` for an organizer column).

use super::file::{self, FileError, Source};
use super::mapping::{ColumnRule, Mapping, Target};
use super::phone::Region;
use super::plan::{Decided, MatchIndex, Planner, RowPlan, Totals};
use super::{campaign_directory, CampaignDirectory};
use crate::access::{self, Identity, Permission};
use crate::error::ApiError;
use crate::service::Groundwork;
use domain::context::References;
use domain::ids::CampaignId;
use domain::person::{PersonContext, PersonFacts};
use domain::{Actor, Context, EventMetadata};
use projections::ReadModels;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use store::{ImportCounts, ImportRow};

/// The metadata key that carries the id of the import an event was written by.
pub const IMPORT_METADATA: &str = "import";
/// The metadata key that carries the id of the import an undo's compensating event reverts.
pub const UNDO_METADATA: &str = "undo_of";
/// How many rows one commit transaction holds.
pub const COMMIT_BATCH: usize = 500;
/// How long an import waits for the read models to show every earlier write before matching.
const READ_MODELS_TIMEOUT: Duration = Duration::from_secs(30);

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportState {
    /// Uploaded and mapped; not previewed yet.
    Uploaded,
    /// Previewed: the counts are the dry run's.
    Planned,
    Committing,
    Committed,
    /// An undo is running.
    Undoing,
    /// Stopped part way (a person changed during the commit); what was stored stays and can be undone.
    Failed,
    Undone,
    /// Undone except what changed after the import and was left alone.
    PartlyUndone,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploaded => "uploaded",
            Self::Planned => "planned",
            Self::Committing => "committing",
            Self::Committed => "committed",
            Self::Undoing => "undoing",
            Self::Failed => "failed",
            Self::Undone => "undone",
            Self::PartlyUndone => "partly_undone",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Uploaded,
            Self::Planned,
            Self::Committing,
            Self::Committed,
            Self::Undoing,
            Self::Failed,
            Self::Undone,
            Self::PartlyUndone,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// An import's options, kept with it as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The region whose country code numbers without one take (ISO 3166-1 alpha-2), for phone matching.
    #[serde(default)]
    pub default_region: Option<String>,
}

/// What the saved mapping of a campaign holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SavedMapping {
    rules: Vec<ColumnRule>,
    #[serde(default)]
    options: ImportOptions,
}

/// An import as the API shows it.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub row: ImportRow,
    pub state: ImportState,
    pub options: ImportOptions,
    pub rules: Vec<ColumnRule>,
}

impl ImportRecord {
    fn from_row(row: ImportRow) -> Result<Self, ApiError> {
        let state = ImportState::parse(&row.state)
            .ok_or_else(|| ApiError::internal(format!("unknown import state {}", row.state)))?;
        let rules = serde_json::from_str(&row.mapping).map_err(ApiError::internal)?;
        let options = serde_json::from_str(&row.options).map_err(ApiError::internal)?;
        Ok(Self {
            row,
            state,
            options,
            rules,
        })
    }

    pub fn campaign(&self) -> Result<CampaignId, ApiError> {
        CampaignId::parse(&self.row.campaign_id).map_err(ApiError::internal)
    }
}

/// A file read far enough to map it: its encoding, separator, header and the resolved mapping.
#[derive(Debug, Clone)]
pub struct Described {
    pub record: ImportRecord,
    pub encoding: file::Encoding,
    pub delimiter: u8,
    pub mapping: Mapping,
}

fn file_error(error: FileError) -> ApiError {
    match error {
        FileError::Io(error) => ApiError::internal(error),
        other => ApiError::invalid("file", other),
    }
}

fn region(options: &ImportOptions) -> Result<Option<Region>, ApiError> {
    options
        .default_region
        .as_deref()
        .map(|code| {
            Region::parse(code).ok_or_else(|| {
                ApiError::invalid(
                    "defaultRegion",
                    format!(
                        "`{code}` is not a known region; use one of {}",
                        Region::known()
                    ),
                )
            })
        })
        .transpose()
}

/// Checks that `identity` may import into `campaign`.
pub async fn authorize(
    groundwork: &Groundwork,
    identity: &Identity,
    campaign: CampaignId,
) -> Result<(), ApiError> {
    match groundwork.campaign_facts(campaign).await {
        Ok(facts) if facts.chapter == identity.chapter => {}
        Ok(_) | Err(crate::service::ServiceError::NotFound { .. }) => {
            return Err(ApiError::not_found(format!(
                "campaign {campaign} was not found"
            )))
        }
        Err(error) => return Err(error.into()),
    }
    access::authorize_operator(
        groundwork.store(),
        identity,
        Permission::EditPeople,
        Some(campaign),
    )
    .await
}

/// Records a new import of `source` into `campaign`: reads its header and maps its columns (by name, then
/// the campaign's saved mapping, then `rules`). Nothing about people is written.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    groundwork: &Groundwork,
    identity: &Identity,
    campaign: CampaignId,
    file_name: &str,
    source: &Source,
    rules: &[ColumnRule],
    options: Option<ImportOptions>,
) -> Result<Described, ApiError> {
    authorize(groundwork, identity, campaign).await?;
    let file_name = file_name.trim();
    if file_name.is_empty() || file_name.chars().any(char::is_control) || file_name.len() > 255 {
        return Err(ApiError::invalid(
            "fileName",
            "give the file's name (at most 255 characters, one line)",
        ));
    }
    let saved: SavedMapping = match groundwork
        .store()
        .import_mapping(&campaign.to_string())
        .await
        .map_err(ApiError::store)?
    {
        Some(json) => serde_json::from_str(&json).unwrap_or_default(),
        None => SavedMapping::default(),
    };
    let options = options.unwrap_or(saved.options.clone());
    region(&options)?;
    let directory = campaign_directory(groundwork, campaign).await?;
    let opened = file::open(source).map_err(file_error)?;
    let mapping = Mapping::resolve(&opened.header, &directory, &saved.rules, rules)
        .map_err(|error| ApiError::invalid("mapping", error))?;
    let row = ImportRow {
        import_id: uuid::Uuid::new_v4().to_string(),
        chapter_id: identity.chapter.to_string(),
        campaign_id: campaign.to_string(),
        created_by: identity.user.to_string(),
        created_at: groundwork.now(),
        file_name: file_name.to_string(),
        mapping: serde_json::to_string(&mapping.rules()).map_err(ApiError::internal)?,
        options: serde_json::to_string(&options).map_err(ApiError::internal)?,
        state: ImportState::Uploaded.as_str().to_string(),
        counts: ImportCounts::default(),
        committed_at: None,
        undone_at: None,
        undo_report: None,
    };
    // An upload's bytes are kept (in pieces) until the commit; an operator's file stays on their disk.
    let mut kept = match source {
        Source::File(_) => None,
        Source::Bytes(_) | Source::Open(_) => Some(source.raw().map_err(ApiError::internal)?),
    };
    groundwork
        .store()
        .insert_import(
            &row,
            kept.as_mut()
                .map(|content| content as &mut (dyn std::io::Read + Send)),
        )
        .await
        .map_err(ApiError::store)?;
    Ok(Described {
        record: ImportRecord::from_row(row)?,
        encoding: opened.encoding,
        delimiter: opened.delimiter,
        mapping,
    })
}

/// The import `import_id` of the caller's chapter, if the caller may import into its campaign.
pub async fn find(
    groundwork: &Groundwork,
    identity: &Identity,
    import_id: &str,
) -> Result<ImportRecord, ApiError> {
    let not_found = || ApiError::not_found(format!("import {import_id} was not found"));
    if uuid::Uuid::parse_str(import_id).is_err() {
        return Err(not_found());
    }
    let row = groundwork
        .store()
        .import_row(&identity.chapter.to_string(), import_id)
        .await
        .map_err(ApiError::store)?
        .ok_or_else(not_found)?;
    let record = ImportRecord::from_row(row)?;
    authorize(groundwork, identity, record.campaign()?).await?;
    Ok(record)
}

/// The imports of the caller's chapter (of one campaign), newest first.
pub async fn list(
    groundwork: &Groundwork,
    identity: &Identity,
    campaign: Option<CampaignId>,
) -> Result<Vec<ImportRecord>, ApiError> {
    match campaign {
        Some(campaign) => authorize(groundwork, identity, campaign).await?,
        None => access::require(identity, Permission::EditPeople)?,
    }
    let scope = access::Scope::load(groundwork.store(), identity).await?;
    let rows = groundwork
        .store()
        .imports(
            &identity.chapter.to_string(),
            campaign.map(|campaign| campaign.to_string()).as_deref(),
        )
        .await
        .map_err(ApiError::store)?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let record = ImportRecord::from_row(row)?;
        // A member narrowed to some campaigns sees only their imports.
        if scope.reaches(record.campaign()?) {
            records.push(record);
        }
    }
    Ok(records)
}

/// The source of an uploaded import's file: its kept pieces, copied one at a time into an anonymous
/// temporary file (removed when the source is dropped), so the file is never whole in memory.
pub async fn kept_source(
    groundwork: &Groundwork,
    record: &ImportRecord,
) -> Result<Source, ApiError> {
    let mut spool = tempfile::tempfile().map_err(ApiError::internal)?;
    let kept = groundwork
        .store()
        .copy_import_content(&record.row.import_id, &mut spool)
        .await
        .map_err(ApiError::store)?;
    if !kept {
        return Err(ApiError::invalid(
            "importId",
            "the file of this import is no longer kept (it was committed)",
        ));
    }
    Ok(Source::Open(std::sync::Arc::new(spool)))
}

/// Changes the mapping (and options) of an import that is not committed yet; with `save`, the campaign's
/// next imports start from it.
pub async fn remap(
    groundwork: &Groundwork,
    identity: &Identity,
    record: &ImportRecord,
    source: &Source,
    rules: &[ColumnRule],
    options: Option<ImportOptions>,
    save: bool,
) -> Result<Described, ApiError> {
    if !matches!(record.state, ImportState::Uploaded | ImportState::Planned) {
        return Err(ApiError::invalid(
            "importId",
            format!(
                "the import is {}; only an import not committed yet is mapped",
                record.state.as_str()
            ),
        ));
    }
    let campaign = record.campaign()?;
    let options = options.unwrap_or_else(|| record.options.clone());
    region(&options)?;
    let directory = campaign_directory(groundwork, campaign).await?;
    let opened = file::open(source).map_err(file_error)?;
    let mapping = Mapping::resolve(&opened.header, &directory, &record.rules, rules)
        .map_err(|error| ApiError::invalid("mapping", error))?;
    let rules_json = serde_json::to_string(&mapping.rules()).map_err(ApiError::internal)?;
    let options_json = serde_json::to_string(&options).map_err(ApiError::internal)?;
    groundwork
        .store()
        .set_import_mapping(&record.row.import_id, &rules_json, &options_json)
        .await
        .map_err(ApiError::store)?;
    if save {
        save_mapping(groundwork, campaign, &mapping, &options).await?;
    }
    let record = find(groundwork, identity, &record.row.import_id).await?;
    Ok(Described {
        record,
        encoding: opened.encoding,
        delimiter: opened.delimiter,
        mapping,
    })
}

async fn save_mapping(
    groundwork: &Groundwork,
    campaign: CampaignId,
    mapping: &Mapping,
    options: &ImportOptions,
) -> Result<(), ApiError> {
    let saved = SavedMapping {
        rules: mapping.rules(),
        options: options.clone(),
    };
    groundwork
        .store()
        .save_import_mapping(
            &campaign.to_string(),
            &serde_json::to_string(&saved).map_err(ApiError::internal)?,
            groundwork.now(),
        )
        .await
        .map_err(ApiError::store)
}

/// What a pass over the file needs, loaded once.
struct Pass {
    campaign: CampaignId,
    directory: CampaignDirectory,
    mapping: Mapping,
    region: Option<Region>,
    index: MatchIndex,
    context: PersonContext,
}

async fn prepare_pass(
    groundwork: &Groundwork,
    read_models: &ReadModels,
    identity: &Identity,
    record: &ImportRecord,
    header: &[String],
) -> Result<Pass, ApiError> {
    let campaign = record.campaign()?;
    let directory = campaign_directory(groundwork, campaign).await?;
    let mapping = Mapping::resolve(header, &directory, &record.rules, &[])
        .map_err(|error| ApiError::invalid("mapping", error))?;
    if let Some(column) = mapping.unmapped().next() {
        return Err(ApiError::invalid(
            "mapping",
            format!(
                "column `{}` matches nothing; map it to a target or to `ignore`",
                column.header
            ),
        ));
    }
    let identifies = [
        Target::GivenName,
        Target::PersonId,
        Target::Email,
        Target::Phone,
    ]
    .iter()
    .any(|target| mapping.column(target).is_some())
        || mapping
            .columns
            .iter()
            .any(|column| matches!(column.target, Some(Target::ExternalId(_))));
    if !identifies {
        return Err(ApiError::invalid(
            "mapping",
            "no column names or identifies people: map one to given_name, id, external_id:SYSTEM, email or phone",
        ));
    }
    if mapping.column(&Target::Organizer).is_some() {
        access::require(identity, Permission::AssignWork)?;
    }
    let region = region(&record.options)?;
    // Match against every write made before the import started.
    let head = groundwork.store().head().await.map_err(ApiError::store)?;
    if !read_models
        .wait_until(head, READ_MODELS_TIMEOUT)
        .await
        .map_err(ApiError::internal)?
    {
        return Err(ApiError::read_models_behind("an import's matching"));
    }
    let candidates = read_models
        .import_candidates(identity.chapter, campaign)
        .await
        .map_err(ApiError::internal)?;
    let index = MatchIndex::new(&candidates, region);
    drop(candidates);
    let facts = groundwork.campaign_facts(campaign).await?;
    let mut references = References::default();
    references.members.extend(directory.members.keys().copied());
    references.members.insert(identity.user);
    let context = Context::new(
        actor(groundwork, identity),
        PersonFacts::new(facts).with_references(references),
    );
    Ok(Pass {
        campaign,
        directory,
        mapping,
        region,
        index,
        context,
    })
}

pub(super) fn actor(groundwork: &Groundwork, identity: &Identity) -> Actor {
    Actor {
        at: groundwork.now(),
        ..identity.actor()
    }
}

fn counts(totals: &Totals, done: usize) -> ImportCounts {
    let int = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    ImportCounts {
        rows_total: int(totals.rows),
        rows_done: int(done),
        created: int(totals.create),
        updated: int(totals.update),
        unchanged: int(totals.unchanged),
        errors: int(totals.error),
    }
}

/// Plans every row of the import without writing anything about people; each row's plan goes to `sink` as
/// it is made (so a long file is never held in memory). The import's counts become the plan's.
pub async fn dry_run(
    groundwork: &Groundwork,
    read_models: &ReadModels,
    identity: &Identity,
    record: &ImportRecord,
    source: &Source,
    mut sink: impl FnMut(&RowPlan),
) -> Result<Totals, ApiError> {
    if !matches!(record.state, ImportState::Uploaded | ImportState::Planned) {
        return Err(ApiError::invalid(
            "importId",
            format!(
                "the import is {}; only an import not committed yet is previewed",
                record.state.as_str()
            ),
        ));
    }
    let opened = file::open(source).map_err(file_error)?;
    let pass = prepare_pass(groundwork, read_models, identity, record, &opened.header).await?;
    let mut planner = Planner::new(
        groundwork,
        &pass.context,
        pass.campaign,
        &pass.directory,
        &pass.mapping,
        pass.region,
        &pass.index,
    );
    let mut totals = Totals::default();
    for record in opened {
        let record = record.map_err(file_error)?;
        let (plan, _) = planner.plan(record.line, &record.cells).await?;
        totals.count(plan.action);
        sink(&plan);
    }
    groundwork
        .store()
        .move_import(
            &record.row.import_id,
            &[
                ImportState::Uploaded.as_str(),
                ImportState::Planned.as_str(),
            ],
            ImportState::Planned.as_str(),
            counts(&totals, 0),
        )
        .await
        .map_err(ApiError::store)?;
    Ok(totals)
}

/// How a commit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub totals: Totals,
    pub events: usize,
    /// Where the last event sits in the log (for read-your-writes).
    pub position: Option<store::Position>,
}

/// Commits the import: plans the whole file first (each row's plan to `on_plan`) and refuses, writing
/// nothing, when a row has an error (unless `skip_errors`, then those rows are left out whole); then plans again and appends in transactions
/// of [`COMMIT_BATCH`] rows, every row's events together. `progress` hears (rows done, rows in the file)
/// after each transaction.
#[allow(clippy::too_many_arguments)]
pub async fn commit(
    groundwork: &Groundwork,
    read_models: &ReadModels,
    identity: &Identity,
    record: &ImportRecord,
    source: &Source,
    skip_errors: bool,
    mut on_plan: impl FnMut(&RowPlan),
    mut progress: impl FnMut(usize, usize),
) -> Result<Committed, ApiError> {
    let import_id = record.row.import_id.clone();
    let mut first_error = None;
    let planned = dry_run(groundwork, read_models, identity, record, source, |plan| {
        if first_error.is_none() {
            first_error = plan.errors.first().cloned();
        }
        on_plan(plan);
    })
    .await?;
    if let (Some(error), false) = (first_error, skip_errors) {
        return Err(ApiError::Validation {
            message: format!(
                "{} of {} rows have errors (the first: {error}); nothing was imported. Correct the file, or \
                 commit with skipErrors to leave those rows out",
                planned.error, planned.rows
            ),
            field: Some("file".to_string()),
        });
    }
    let moved = groundwork
        .store()
        .move_import(
            &import_id,
            &[
                ImportState::Uploaded.as_str(),
                ImportState::Planned.as_str(),
            ],
            ImportState::Committing.as_str(),
            counts(&Totals::default(), 0),
        )
        .await
        .map_err(ApiError::store)?;
    if !moved {
        return Err(ApiError::invalid(
            "importId",
            "the import is already being committed, or was committed",
        ));
    }
    let outcome = commit_rows(
        groundwork,
        read_models,
        identity,
        record,
        source,
        planned.rows,
        &mut progress,
    )
    .await;
    let (state, totals, done) = match &outcome {
        Ok((committed, done)) => (ImportState::Committed, committed.totals, *done),
        Err((_, totals, done)) => (ImportState::Failed, *totals, *done),
    };
    groundwork
        .store()
        .move_import(
            &import_id,
            &[ImportState::Committing.as_str()],
            state.as_str(),
            ImportCounts {
                rows_total: i64::try_from(planned.rows).unwrap_or(i64::MAX),
                ..counts(&totals, done)
            },
        )
        .await
        .map_err(ApiError::store)?;
    groundwork
        .store()
        .finish_import_commit(&import_id, groundwork.now())
        .await
        .map_err(ApiError::store)?;
    match outcome {
        Ok((committed, _)) => {
            let campaign = record.campaign()?;
            // The campaign's next file starts from this one's mapping.
            if let Ok(saved) = serde_json::to_string(&SavedMapping {
                rules: record.rules.clone(),
                options: record.options.clone(),
            }) {
                groundwork
                    .store()
                    .save_import_mapping(&campaign.to_string(), &saved, groundwork.now())
                    .await
                    .map_err(ApiError::store)?;
            }
            Ok(committed)
        }
        Err((error, _, _)) => Err(error),
    }
}

/// The second pass of a commit. On failure: the error, the totals so far and the rows done (stored).
async fn commit_rows(
    groundwork: &Groundwork,
    read_models: &ReadModels,
    identity: &Identity,
    record: &ImportRecord,
    source: &Source,
    rows_total: usize,
    progress: &mut impl FnMut(usize, usize),
) -> Result<(Committed, usize), (ApiError, Totals, usize)> {
    let mut totals = Totals::default();
    let mut done = 0;
    let fail = |error: ApiError, totals: &Totals, done: usize| (error, *totals, done);
    let opened = file::open(source).map_err(|error| fail(file_error(error), &totals, done))?;
    let pass = prepare_pass(groundwork, read_models, identity, record, &opened.header)
        .await
        .map_err(|error| fail(error, &totals, done))?;
    let mut metadata = EventMetadata::from(&pass.context.actor).to_map();
    metadata.insert(IMPORT_METADATA.to_string(), record.row.import_id.clone());
    let mut planner = Planner::new(
        groundwork,
        &pass.context,
        pass.campaign,
        &pass.directory,
        &pass.mapping,
        pass.region,
        &pass.index,
    );
    let mut batch: Vec<Decided> = Vec::with_capacity(COMMIT_BATCH);
    let mut batch_totals = Totals::default();
    let mut rows_in_batch = 0;
    let mut events = 0;
    let mut position = None;
    for row in opened {
        let row = row.map_err(|error| fail(file_error(error), &totals, done))?;
        let (plan, decided) = planner
            .plan(row.line, &row.cells)
            .await
            .map_err(|error| fail(error.into(), &totals, done))?;
        batch_totals.count(plan.action);
        rows_in_batch += 1;
        if let Some(decided) = decided {
            batch.push(decided);
        }
        if rows_in_batch >= COMMIT_BATCH {
            let (count, last) = append_batch(groundwork, &metadata, &mut batch)
                .await
                .map_err(|error| fail(error, &totals, done))?;
            events += count;
            position = last.or(position);
            add(&mut totals, &batch_totals);
            done += rows_in_batch;
            batch_totals = Totals::default();
            rows_in_batch = 0;
            report(groundwork, record, &totals, done, rows_total).await;
            progress(done, rows_total);
        }
    }
    let (count, last) = append_batch(groundwork, &metadata, &mut batch)
        .await
        .map_err(|error| fail(error, &totals, done))?;
    events += count;
    position = last.or(position);
    add(&mut totals, &batch_totals);
    done += rows_in_batch;
    progress(done, rows_total);
    Ok((
        Committed {
            totals,
            events,
            position,
        },
        done,
    ))
}

fn add(totals: &mut Totals, more: &Totals) {
    totals.rows += more.rows;
    totals.create += more.create;
    totals.update += more.update;
    totals.unchanged += more.unchanged;
    totals.error += more.error;
}

/// Records progress for readers of the import (a failure here only delays what they see).
async fn report(
    groundwork: &Groundwork,
    record: &ImportRecord,
    totals: &Totals,
    done: usize,
    rows_total: usize,
) {
    let mut counts = counts(totals, done);
    counts.rows_total = i64::try_from(rows_total).unwrap_or(i64::MAX);
    if let Err(error) = groundwork
        .store()
        .move_import(
            &record.row.import_id,
            &[ImportState::Committing.as_str()],
            ImportState::Committing.as_str(),
            counts,
        )
        .await
    {
        tracing::warn!(%error, "cannot record an import's progress");
    }
}

/// Appends a batch of rows in one transaction and empties it.
async fn append_batch(
    groundwork: &Groundwork,
    metadata: &std::collections::HashMap<String, String>,
    batch: &mut Vec<Decided>,
) -> Result<(usize, Option<store::Position>), ApiError> {
    if batch.is_empty() {
        return Ok((0, None));
    }
    let mut appends = Vec::with_capacity(batch.len());
    for decided in batch.iter() {
        appends.push(
            groundwork
                .people()
                .prepare(
                    &decided.person.to_string(),
                    decided.version,
                    &decided.events,
                    metadata,
                    &decided.state,
                )
                .map_err(ApiError::store)?,
        );
    }
    let appended = groundwork.store().append(appends).await.map_err(|error| {
        if error.is_conflict() {
            ApiError::Conflict {
                message: format!(
                    "a person of this import changed while it was committed ({error}); the rows before this \
                     transaction are stored: undo the import, or commit the file again as a new import"
                ),
                current: 0,
            }
        } else {
            ApiError::store(error)
        }
    })?;
    // The people of a file are not the people commands are about to work on: only the states this process
    // already holds move forward; the new people take no place in the aggregate cache (memory stays bounded
    // whatever the file's length), nor in the person → campaign cache (a miss reads the person again).
    for decided in batch.iter() {
        groundwork.people().refresh(
            &decided.person.to_string(),
            decided.version + decided.events.len() as u64,
            &decided.state,
        );
    }
    batch.clear();
    Ok((
        appended.len(),
        appended.iter().map(|event| event.position).max(),
    ))
}
