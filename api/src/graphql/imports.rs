//! Imports of people from files: upload (with the column mapping), preview (a plan per row and totals,
//! nothing written), commit, undo, and the list of a campaign's imports with their progress. The service is
//! `crate::import::run`; docs/adr/0014 says why it works as it does.

use super::authz::Policy;
use super::parse;
use crate::error::ApiError;
use crate::import::file::Source;
use crate::import::mapping::{ColumnRule, Mode};
use crate::import::plan::{Action, RowPlan};
use crate::import::run::{self, Described, ImportOptions, ImportRecord};
use crate::import::undo::{self, UndoReport};
use crate::messages::{self, Language};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Upload, ID};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use domain::ids::CampaignId;

/// Where an import stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportState {
    Uploaded,
    Planned,
    Committing,
    Committed,
    Undoing,
    /// Stopped part way; what was stored stays and can be undone.
    Failed,
    Undone,
    /// Undone except later changes that were left alone.
    PartlyUndone,
}

impl From<run::ImportState> for ImportState {
    fn from(state: run::ImportState) -> Self {
        use run::ImportState as S;
        match state {
            S::Uploaded => Self::Uploaded,
            S::Planned => Self::Planned,
            S::Committing => Self::Committing,
            S::Committed => Self::Committed,
            S::Undoing => Self::Undoing,
            S::Failed => Self::Failed,
            S::Undone => Self::Undone,
            S::PartlyUndone => Self::PartlyUndone,
        }
    }
}

/// What a row of an import does.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAction {
    Create,
    Update,
    Unchanged,
    Error,
}

impl From<Action> for ImportAction {
    fn from(action: Action) -> Self {
        match action {
            Action::Create => Self::Create,
            Action::Update => Self::Update,
            Action::Unchanged => Self::Unchanged,
            Action::Error => Self::Error,
        }
    }
}

/// One column of an import's mapping.
#[derive(InputObject, Debug, Clone)]
pub struct ColumnMappingInput {
    /// The column's header, as in the file (case and spaces ignored).
    pub column: String,
    /// `id`, `external_id:SYSTEM`, `given_name`, `family_name`, `email`, `phone`, `unit`, `responses`,
    /// `field:FIELD` (a field's id or name), `organizer`, `level`, `language` or `ignore`.
    pub target: String,
    /// Whether the column's values replace a person's; by default they only fill empty ones.
    #[graphql(default)]
    pub overwrite: bool,
}

fn rules(mapping: Option<Vec<ColumnMappingInput>>) -> Vec<ColumnRule> {
    mapping
        .unwrap_or_default()
        .into_iter()
        .map(|column| ColumnRule {
            column: column.column,
            target: column.target,
            mode: if column.overwrite {
                Mode::Overwrite
            } else {
                Mode::Fill
            },
        })
        .collect()
}

#[derive(InputObject)]
pub struct UploadImportInput {
    pub campaign_id: ID,
    /// The file's name, as the import list shows it.
    pub file_name: String,
    /// The file (UTF-8, UTF-16 or Windows-1252; commas, semicolons or tabs), sent as a GraphQL multipart
    /// request: up to the server's upload limit (`importUploadLimit`, 64 MiB by default), received into a
    /// temporary file rather than memory. Give this or `contentBase64`.
    pub file: Option<Upload>,
    /// The file's bytes in base64, in a JSON request: such a request holds at most 1 MiB in all, so this
    /// suits small files; larger ones go in `file`. Give this or `file`.
    pub content_base64: Option<String>,
    /// Columns to map differently from what their names and the campaign's saved mapping say.
    pub mapping: Option<Vec<ColumnMappingInput>>,
    /// The region whose country code phone numbers without one take (`US`, `GB`…); the campaign's saved
    /// one when omitted.
    pub default_region: Option<String>,
}

#[derive(InputObject)]
pub struct MapImportInput {
    pub import_id: ID,
    pub mapping: Vec<ColumnMappingInput>,
    pub default_region: Option<String>,
    /// Whether the campaign's next imports start from this mapping (a commit saves it too).
    #[graphql(default)]
    pub save_for_campaign: bool,
}

#[derive(InputObject)]
pub struct PreviewImportInput {
    pub import_id: ID,
    /// How many row plans to return (at most 1000); the totals count every row.
    #[graphql(default = 100)]
    pub first: i32,
    /// Only rows with these actions (all when omitted).
    pub actions: Option<Vec<ImportAction>>,
}

#[derive(InputObject)]
pub struct CommitImportInput {
    pub import_id: ID,
    /// Leaves out rows with errors (whole) instead of refusing the file.
    #[graphql(default)]
    pub skip_errors: bool,
}

#[derive(InputObject)]
pub struct UndoImportInput {
    pub import_id: ID,
    /// Also undoes what was changed after the import in what it wrote (by default left alone and listed).
    #[graphql(default)]
    pub overwrite_later_changes: bool,
}

/// A column of the file and what it fills.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportColumn {
    pub column: String,
    /// The target (see `ColumnMappingInput.target`); null when nothing matched the header: the import is
    /// refused until the column is mapped or ignored.
    pub target: Option<String>,
    pub overwrite: bool,
}

/// Row counts of an import: the preview's, then the commit's.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ImportCounts {
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub errors: i64,
}

/// How far a commit has got.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ImportProgress {
    pub rows_done: i64,
    pub rows_total: i64,
}

/// A change made after an import to something it wrote.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportLaterChange {
    pub person_id: ID,
    /// What changed, in the words of the import's columns (`email`, `unit`, `the person`…).
    pub aspect: String,
    pub event_type: String,
    pub changed_by_id: Option<ID>,
    pub changed_at: Option<DateTime<Utc>>,
    /// Whether the undo overwrote it (it was told to) or left it alone.
    pub overwritten: bool,
}

/// A person an undo could not restore, and why.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportUndoRefusal {
    pub person_id: ID,
    pub reason: String,
}

/// An import of a file into a campaign.
#[derive(SimpleObject, Debug, Clone)]
pub struct Import {
    pub id: ID,
    pub campaign_id: ID,
    pub file_name: String,
    pub created_by_id: ID,
    pub created_at: DateTime<Utc>,
    pub state: ImportState,
    pub counts: ImportCounts,
    pub progress: ImportProgress,
    /// The mapped columns.
    pub mapping: Vec<ImportColumn>,
    pub default_region: Option<String>,
    pub committed_at: Option<DateTime<Utc>>,
    pub undone_at: Option<DateTime<Utc>>,
    /// What the last undo found changed after the import.
    pub later_changes: Vec<ImportLaterChange>,
}

impl From<&ImportRecord> for Import {
    fn from(record: &ImportRecord) -> Self {
        let row = &record.row;
        let report: Option<UndoReport> = row
            .undo_report
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok());
        Self {
            id: ID(row.import_id.clone()),
            campaign_id: ID(row.campaign_id.clone()),
            file_name: row.file_name.clone(),
            created_by_id: ID(row.created_by.clone()),
            created_at: row.created_at,
            state: record.state.into(),
            counts: ImportCounts {
                rows: row.counts.rows_total,
                created: row.counts.created,
                updated: row.counts.updated,
                unchanged: row.counts.unchanged,
                errors: row.counts.errors,
            },
            progress: ImportProgress {
                rows_done: row.counts.rows_done,
                rows_total: row.counts.rows_total,
            },
            mapping: record
                .rules
                .iter()
                .map(|rule| ImportColumn {
                    column: rule.column.clone(),
                    target: Some(rule.target.clone()),
                    overwrite: rule.mode == Mode::Overwrite,
                })
                .collect(),
            default_region: record.options.default_region.clone(),
            committed_at: row.committed_at,
            undone_at: row.undone_at,
            later_changes: report
                .map(|report| later_changes(&report))
                .unwrap_or_default(),
        }
    }
}

fn later_changes(report: &UndoReport) -> Vec<ImportLaterChange> {
    report
        .later_changes
        .iter()
        .map(|change| ImportLaterChange {
            person_id: ID(change.person.clone()),
            aspect: change.aspect.clone(),
            event_type: change.event_type.clone(),
            changed_by_id: change.changed_by.clone().map(ID),
            changed_at: change.changed_at,
            overwritten: change.overwritten,
        })
        .collect()
}

/// An uploaded file as read: its encoding, separator and every column with its target.
#[derive(SimpleObject, Debug, Clone)]
pub struct UploadedImport {
    pub import: Import,
    /// `UTF-8`, `UTF-16LE`, `UTF-16BE` or `windows-1252`.
    pub encoding: String,
    /// `,`, `;` or a tab.
    pub delimiter: String,
    pub columns: Vec<ImportColumn>,
}

impl From<Described> for UploadedImport {
    fn from(described: Described) -> Self {
        Self {
            import: Import::from(&described.record),
            encoding: described.encoding.as_str().to_string(),
            delimiter: (described.delimiter as char).to_string(),
            columns: described
                .mapping
                .columns
                .iter()
                .map(|column| ImportColumn {
                    column: column.header.clone(),
                    target: column.target.as_ref().map(|target| target.name()),
                    overwrite: column.mode == Mode::Overwrite,
                })
                .collect(),
        }
    }
}

/// A mistake in a row.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportRowError {
    pub line: i32,
    /// The column to blame, when one is.
    pub column: Option<String>,
    pub message: String,
}

/// What one row of the file does.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportRowPlan {
    /// The line the row starts on (the header is line 1).
    pub line: i32,
    pub action: ImportAction,
    /// The person the row matched or would create.
    pub person_id: Option<ID>,
    /// The column whose value matched an existing person.
    pub matched_by: Option<String>,
    /// The columns whose values change the person.
    pub changes: Vec<String>,
    pub errors: Vec<ImportRowError>,
    /// People who resemble a new person (same name and unit): for a human to look at; never merged.
    pub suggestions: Vec<ID>,
}

fn line(line: usize) -> i32 {
    i32::try_from(line).unwrap_or(i32::MAX)
}

impl ImportRowPlan {
    /// A row's plan with its errors' messages in `language` (lines, columns and actions never change).
    fn in_language(plan: &RowPlan, language: Language) -> Self {
        Self {
            line: line(plan.line),
            action: plan.action.into(),
            person_id: plan.person.map(|person| ID(person.to_string())),
            matched_by: plan.matched_by.clone(),
            changes: plan.changes.clone(),
            errors: plan
                .errors
                .iter()
                .map(|error| ImportRowError {
                    line: line(error.line),
                    column: error.column.clone(),
                    message: messages::translate(&error.message, language),
                })
                .collect(),
            suggestions: plan
                .suggestions
                .iter()
                .map(|person| ID(person.to_string()))
                .collect(),
        }
    }
}

/// Totals of a plan.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ImportTotals {
    pub rows: i32,
    pub create: i32,
    pub update: i32,
    pub unchanged: i32,
    pub error: i32,
}

impl From<crate::import::plan::Totals> for ImportTotals {
    fn from(totals: crate::import::plan::Totals) -> Self {
        Self {
            rows: line(totals.rows),
            create: line(totals.create),
            update: line(totals.update),
            unchanged: line(totals.unchanged),
            error: line(totals.error),
        }
    }
}

/// The preview of an import: nothing was written.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportPlan {
    pub import: Import,
    pub totals: ImportTotals,
    /// The first `first` rows with the asked actions.
    pub rows: Vec<ImportRowPlan>,
}

/// What a commit did.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportCommit {
    pub import: Import,
    pub totals: ImportTotals,
    pub events: i32,
}

/// What an undo did.
#[derive(SimpleObject, Debug, Clone)]
pub struct ImportUndo {
    pub import: Import,
    /// People who got compensating events.
    pub people: i32,
    pub events: i32,
    /// Changes made after the import to what it wrote: left alone unless `overwriteLaterChanges`.
    pub later_changes: Vec<ImportLaterChange>,
    pub refused: Vec<ImportUndoRefusal>,
}

fn options(default_region: Option<String>) -> Option<ImportOptions> {
    default_region.map(|region| ImportOptions {
        default_region: Some(region),
    })
}

/// The largest file a multipart request may carry, as schema data (`GraphqlSettings::max_upload_bytes`).
pub(crate) struct UploadLimit(pub usize);

#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    /// The largest file `uploadImport` takes in `file`, in bytes: the server's upload limit
    /// (`GROUNDWORK_MAX_UPLOAD_BYTES`, 64 MiB by default). Larger files go through `groundwork people import`.
    async fn import_upload_limit(&self, ctx: &Context<'_>) -> Result<i32, ApiError> {
        Policy::imports(ctx)?;
        let limit = ctx
            .data_opt::<UploadLimit>()
            .map_or(crate::upload::DEFAULT_MAX_UPLOAD_BYTES, |limit| limit.0);
        Ok(i32::try_from(limit).unwrap_or(i32::MAX))
    }

    /// A campaign's imports, newest first: who, when, which file, counts and state.
    async fn imports(&self, ctx: &Context<'_>, campaign_id: ID) -> Result<Vec<Import>, ApiError> {
        let access = Policy::imports(ctx)?;
        let campaign: CampaignId = parse::id("campaignId", &campaign_id)?;
        let records = run::list(access.groundwork(), access.identity, Some(campaign)).await?;
        Ok(records.iter().map(Import::from).collect())
    }

    /// One import, with its progress while it is committed.
    async fn import(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Import>, ApiError> {
        let access = Policy::imports(ctx)?;
        match run::find(access.groundwork(), access.identity, id.as_str()).await {
            Ok(record) => Ok(Some(Import::from(&record))),
            Err(ApiError::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Uploads a file into a campaign and maps its columns. Nothing about people is written.
    async fn upload_import(
        &self,
        ctx: &Context<'_>,
        input: UploadImportInput,
    ) -> Result<UploadedImport, ApiError> {
        let access = Policy::imports(ctx)?;
        let campaign: CampaignId = parse::id("input.campaignId", &input.campaign_id)?;
        let source = match (&input.file, &input.content_base64) {
            (Some(file), None) => {
                // The file was received into a temporary file (crate::upload); it is read from there.
                let upload = file.value(ctx).map_err(|_| {
                    ApiError::invalid(
                        "input.file",
                        "the request carries no file for this variable; send the file as a GraphQL multipart request",
                    )
                })?;
                Source::Open(std::sync::Arc::new(upload.content))
            }
            (None, Some(content)) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(content.trim())
                    .map_err(|_| ApiError::invalid("input.contentBase64", "this is not base64"))?;
                Source::Bytes(std::sync::Arc::new(bytes))
            }
            _ => {
                return Err(ApiError::invalid(
                    "input.file",
                    "give the file either as `file` (a multipart upload) or as `contentBase64`, not both",
                ))
            }
        };
        let described = run::upload(
            access.groundwork(),
            access.identity,
            campaign,
            &input.file_name,
            &source,
            &rules(input.mapping),
            options(input.default_region),
        )
        .await
        .map_err(|error| prefix(error, "input"))?;
        Ok(described.into())
    }

    /// Maps an uploaded import's columns differently.
    async fn map_import(
        &self,
        ctx: &Context<'_>,
        input: MapImportInput,
    ) -> Result<UploadedImport, ApiError> {
        let access = Policy::imports(ctx)?;
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        let source = run::kept_source(access.groundwork(), &record).await?;
        let described = run::remap(
            access.groundwork(),
            access.identity,
            &record,
            &source,
            &rules(Some(input.mapping)),
            options(input.default_region),
            input.save_for_campaign,
        )
        .await
        .map_err(|error| prefix(error, "input"))?;
        Ok(described.into())
    }

    /// Plans every row (create, update, unchanged or an error with its line and column) and counts them.
    /// Nothing about people is written.
    async fn preview_import(
        &self,
        ctx: &Context<'_>,
        input: PreviewImportInput,
    ) -> Result<ImportPlan, ApiError> {
        let access = Policy::imports(ctx)?;
        let first = usize::try_from(input.first.clamp(0, 1000)).unwrap_or(0);
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        let source = run::kept_source(access.groundwork(), &record).await?;
        let wanted: Option<Vec<ImportAction>> = input.actions;
        let language = ctx.data_opt::<Language>().copied().unwrap_or_default();
        let mut rows = Vec::new();
        let totals = run::dry_run(
            access.groundwork(),
            access.read_models(),
            access.identity,
            &record,
            &source,
            |plan| {
                let action = ImportAction::from(plan.action);
                if rows.len() < first
                    && wanted
                        .as_ref()
                        .is_none_or(|wanted| wanted.contains(&action))
                {
                    rows.push(ImportRowPlan::in_language(plan, language));
                }
            },
        )
        .await
        .map_err(|error| prefix(error, "input"))?;
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        Ok(ImportPlan {
            import: Import::from(&record),
            totals: totals.into(),
            rows,
        })
    }

    /// Commits an import: refused, with nothing written, while a row has an error (unless `skipErrors`);
    /// then stored in transactions of 500 rows, each row whole. Answers when every row is stored and
    /// projected; meanwhile `import(id) { progress }` shows how far it got.
    async fn commit_import(
        &self,
        ctx: &Context<'_>,
        input: CommitImportInput,
    ) -> Result<ImportCommit, ApiError> {
        let access = Policy::imports(ctx)?;
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        let source = run::kept_source(access.groundwork(), &record).await?;
        let committed = run::commit(
            access.groundwork(),
            access.read_models(),
            access.identity,
            &record,
            &source,
            input.skip_errors,
            |_| {},
            |_, _| {},
        )
        .await
        .map_err(|error| prefix(error, "input"))?;
        if let Some(position) = committed.position {
            wait_for(ctx, &access, position).await?;
        }
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        Ok(ImportCommit {
            import: Import::from(&record),
            totals: committed.totals.into(),
            events: line(committed.events),
        })
    }

    /// Undoes a committed import with compensating events. Changes made since to what it wrote are listed
    /// and left alone unless `overwriteLaterChanges`.
    async fn undo_import(
        &self,
        ctx: &Context<'_>,
        input: UndoImportInput,
    ) -> Result<ImportUndo, ApiError> {
        let access = Policy::imports(ctx)?;
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        let report = undo::undo(
            access.groundwork(),
            access.identity,
            &record,
            input.overwrite_later_changes,
        )
        .await
        .map_err(|error| prefix(error, "input"))?;
        let head = access
            .groundwork()
            .store()
            .head()
            .await
            .map_err(ApiError::store)?;
        wait_for(ctx, &access, head).await?;
        let record = run::find(
            access.groundwork(),
            access.identity,
            input.import_id.as_str(),
        )
        .await?;
        Ok(ImportUndo {
            import: Import::from(&record),
            people: line(report.people),
            events: line(report.events),
            later_changes: later_changes(&report),
            refused: report
                .refused
                .iter()
                .map(|(person, reason)| ImportUndoRefusal {
                    person_id: ID(person.clone()),
                    reason: reason.clone(),
                })
                .collect(),
        })
    }
}

/// Waits until the read models show `position` (so the answer's reader sees the import), and remembers it
/// as the caller's last write.
async fn wait_for(
    ctx: &Context<'_>,
    access: &super::authz::ImportAccess<'_>,
    position: store::Position,
) -> Result<(), ApiError> {
    if let Ok(writes) = ctx.data::<std::sync::Arc<super::read_your_writes::LastWrites>>() {
        writes.record(access.identity.chapter, access.identity.user, position);
    }
    access
        .read_models()
        .wait_until(position, std::time::Duration::from_secs(30))
        .await
        .map_err(ApiError::internal)?;
    Ok(())
}

/// A validation error's field as an input path (`input.mapping`), as the API names them.
fn prefix(error: ApiError, root: &str) -> ApiError {
    match error {
        ApiError::Validation {
            message,
            field: Some(field),
        } if !field.starts_with(root) => {
            let path = format!("{root}.{field}");
            ApiError::Validation {
                message: message
                    .strip_prefix(&format!("{field}: "))
                    .map_or(message.clone(), |rest| format!("{path}: {rest}")),
                field: Some(path),
            }
        }
        other => other,
    }
}
