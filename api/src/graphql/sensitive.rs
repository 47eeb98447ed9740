//! Sensitive reads: a person's notes and exports. Notes are never projected into read-model tables: they are
//! read here from the person's own event stream, opened with the person's key by the store, so a forgotten
//! person's notes read as erased. Every notes read and every export is recorded in the access log first;
//! a read whose record cannot be written shows nothing.

use super::authz::{Policy, ReadAccess};
use super::parse;
use super::read::{PeopleFilter, PeopleSort, PersonSummary};
use crate::access::record_access;
use crate::error::ApiError;
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use domain::context::EventMetadata;
use domain::ids::{CampaignId, PersonId};
use domain::person::{Person, PersonEvent};
use domain::sensitive::Sensitive;
use domain::values::NoteText;
use projections::read as q;
use store::AggregateStore;

/// Where a note was written.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// A note added on its own (`addNote`).
    Note,
    /// The notes of a 1:1 (`logOneOnOne`).
    OneOnOne,
    /// The next step agreed in a 1:1.
    NextStep,
    /// The note given with an assessment.
    Assessment,
}

/// One note about a person.
#[derive(SimpleObject, Debug, Clone)]
pub struct PersonNote {
    /// The note's id (for a 1:1's notes and next step, the conversation's id).
    pub id: Option<ID>,
    pub kind: NoteKind,
    /// Null once the person was forgotten.
    pub text: Option<String>,
    /// True when the person was forgotten and the text is gone for good.
    pub erased: bool,
    /// Who wrote it (who logged the 1:1, who assessed).
    pub written_by_id: ID,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// People of a campaign as CSV text, one row per person.
#[derive(SimpleObject, Debug, Clone)]
pub struct PeopleExport {
    pub campaign_id: ID,
    /// The number of people (rows after the header).
    pub rows: i32,
    /// A header of the chosen columns (by default `person_id,name,level,organizer_id,follow_up,status,
    /// preferred_language,unit_ids`) and one line per person (RFC 4180 quoting; cells starting with `=`,
    /// `+`, `-`, `@`, a tab or a carriage return get a leading `'` so a spreadsheet does not run them).
    pub csv: String,
}

/// The most people one export holds.
pub const MAX_EXPORT_ROWS: usize = 100_000;

#[derive(Default)]
pub struct SensitiveQuery;

#[Object]
impl SensitiveQuery {
    /// The notes about a person (standalone notes, 1:1 notes and next steps, assessment notes), oldest
    /// first; null when there is no such person the caller may see. Activists see only the notes they wrote
    /// themselves; analysts only with the personal-data grant. Every read is recorded in the access log
    /// (`READ_NOTES`).
    async fn person_notes(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
    ) -> Result<Option<Vec<PersonNote>>, ApiError> {
        let access = Policy::read_people(ctx)?;
        if access.masks_personal_data() {
            return Err(ApiError::forbidden(
                "an analyst reads notes only with the personal-data grant",
            ));
        }
        let person: PersonId = parse::id("personId", &person_id)?;
        let people = AggregateStore::<Person>::new(access.store().clone());
        let loaded = people.load(&person.to_string()).await?;
        let state = loaded.aggregate();
        let (Some(chapter), Some(campaign)) = (state.chapter(), state.campaign()) else {
            return Ok(None);
        };
        let units: Vec<_> = state.units().into_iter().collect();
        if chapter != access.chapter()
            || !access
                .sees_person(campaign, state.organizer(), &units)
                .await?
        {
            return Ok(None);
        }
        record_access(
            access.store(),
            access.identity,
            "READ_NOTES",
            Some(person.to_string()),
        )
        .await?;
        let only_by = access.turf_bound().then_some(access.identity.user);
        let mut notes = Vec::new();
        for envelope in people.load_all_events(&person.to_string()).await? {
            let at = EventMetadata::from_map(&envelope.metadata)
                .map_err(|error| ApiError::internal(format!("event metadata: {error:?}")))?
                .at;
            let mut push = |id: Option<String>,
                            kind: NoteKind,
                            text: &Sensitive<NoteText>,
                            by: domain::ids::UserId| {
                if only_by.is_none_or(|me| me == by) {
                    notes.push(PersonNote {
                        id: id.map(ID),
                        kind,
                        text: text.value().map(|text| text.as_str().to_string()),
                        erased: text.is_erased(),
                        written_by_id: ID(by.to_string()),
                        at,
                    });
                }
            };
            match &envelope.payload {
                PersonEvent::NoteAdded {
                    note_id,
                    text,
                    written_by,
                } => push(Some(note_id.to_string()), NoteKind::Note, text, *written_by),
                PersonEvent::OneOnOneLogged {
                    conversation_id,
                    notes: conversation_notes,
                    next_step,
                    logged_by,
                    ..
                } => {
                    if let Some(text) = conversation_notes {
                        push(
                            Some(conversation_id.to_string()),
                            NoteKind::OneOnOne,
                            text,
                            *logged_by,
                        );
                    }
                    if let Some(text) = next_step {
                        push(
                            Some(conversation_id.to_string()),
                            NoteKind::NextStep,
                            text,
                            *logged_by,
                        );
                    }
                }
                PersonEvent::PersonAssessed {
                    note: Some(text),
                    assessed_by,
                    ..
                } => push(None, NoteKind::Assessment, text, *assessed_by),
                _ => {}
            }
        }
        Ok(Some(notes))
    }

    /// The people of a campaign as CSV (filtered like `people`), for those granted export (`canExport`).
    /// Holds only what the caller may read: their campaigns, their turf, names masked for analysts without
    /// personal data; contact points are never exported. Recorded in the access log (`EXPORT`, with the row
    /// count). Null for a campaign the caller does not reach. One export per request. The same CSV downloads
    /// from `GET /export/people.csv` (docs/api.md).
    #[graphql(complexity = "EXPORT_COMPLEXITY + child_complexity")]
    async fn export_people(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        filter: Option<PeopleFilter>,
        #[graphql(
            desc = "The order; by default by name (for callers who see names masked: RECENTLY_CHANGED, \
                    the only order they may ask for)."
        )]
        sort: Option<PeopleSort>,
        #[graphql(
            desc = "The columns, in this order; by default every column (`PERSON_ID` … `UNIT_IDS`)."
        )]
        columns: Option<Vec<PeopleExportColumn>>,
    ) -> Result<Option<PeopleExport>, ApiError> {
        let access = Policy::export(ctx)?;
        take_the_export(ctx, "exportPeople")?;
        let columns = parse_columns(columns)?;
        let campaign: CampaignId = parse::id("campaignId", &campaign_id)?;
        let mut filter = filter.unwrap_or_default().parse()?;
        let sort = super::read::unmasked_query(&access, &filter, sort)?;
        if !access.reaches(campaign).await?
            || access
                .read_models()
                .campaign(access.chapter(), campaign)
                .await?
                .is_none()
        {
            return Ok(None);
        }
        if let Some(turf) = access.turf(campaign).await? {
            filter.turf = Some((turf.organizer, turf.units.into_iter().collect()));
        }
        let people = all_people(&access, campaign, &filter, sort).await?;
        let rows = i32::try_from(people.len()).unwrap_or(i32::MAX);
        crate::access::record_access_detail(
            access.store(),
            access.identity,
            "EXPORT",
            Some(campaign.to_string()),
            &format!("{rows} rows"),
        )
        .await?;
        let mut csv = csv_line(columns.iter().map(|column| column.header()));
        for person in people {
            let person = access.masked(person);
            csv.push_str(&csv_line(columns.iter().map(|column| column.cell(&person))));
        }
        Ok(Some(PeopleExport {
            campaign_id,
            rows,
            csv,
        }))
    }

    /// A campaign's wall chart as CSV: one row per unit in tree order (its figures include its sub-units'),
    /// then the campaign's totals; live or as it stood at `asOf`, with a structure test's participation when
    /// one is named. Figures only, no names. For those granted export (`canExport`) who read the whole
    /// chapter; recorded in the access log (`EXPORT_WALL_CHART`). Null for a campaign the caller does not
    /// reach. One export per request; also `GET /export/wall-chart.csv`.
    #[graphql(complexity = "EXPORT_COMPLEXITY + child_complexity")]
    async fn export_wall_chart(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        structure_test_id: Option<ID>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Option<WallChartExport>, ApiError> {
        let access = Policy::export(ctx)?;
        Policy::require(access.identity, crate::access::Permission::Read)?;
        take_the_export(ctx, "exportWallChart")?;
        let campaign: CampaignId = parse::id("campaignId", &campaign_id)?;
        let test = parse::optional_id("structureTestId", structure_test_id.as_ref())?;
        if !access.reaches(campaign).await? {
            return Ok(None);
        }
        let Some(chart) = access
            .read_models()
            .wall_chart(access.chapter(), campaign, test, as_of)
            .await?
        else {
            return Ok(None);
        };
        let rows = i32::try_from(chart.units.len() + 1).unwrap_or(i32::MAX);
        crate::access::record_access_detail(
            access.store(),
            access.identity,
            "EXPORT_WALL_CHART",
            Some(campaign.to_string()),
            &format!("{rows} rows"),
        )
        .await?;
        Ok(Some(WallChartExport {
            campaign_id,
            rows,
            csv: wall_chart_csv(&chart),
        }))
    }
}

/// A campaign's wall chart as CSV text.
#[derive(SimpleObject, Debug, Clone)]
pub struct WallChartExport {
    pub campaign_id: ID,
    /// The number of rows after the header: one per unit, and the totals.
    pub rows: i32,
    /// `unit_id,parent_id,depth,unit,kind,retired,people,assessed,level_1,…,level_N,share_ones_and_twos,
    /// uncovered,majority,supermajority` (one `level_n` column per level of the campaign's scale), and with a
    /// structure test `test_in_scope,test_asked,test_committed,test_participated,test_declined,
    /// test_participation,test_goal_reached`; the last row is the campaign's totals (`unit_id` empty, `unit`
    /// `Total`). Shares are fractions from 0 to 1.
    pub csv: String,
}

/// A column of a people export.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleExportColumn {
    PersonId,
    /// Empty when masked or forgotten.
    Name,
    Level,
    OrganizerId,
    FollowUp,
    Status,
    PreferredLanguage,
    /// The ids of the person's units, separated by spaces.
    UnitIds,
}

impl PeopleExportColumn {
    const ALL: [Self; 8] = [
        Self::PersonId,
        Self::Name,
        Self::Level,
        Self::OrganizerId,
        Self::FollowUp,
        Self::Status,
        Self::PreferredLanguage,
        Self::UnitIds,
    ];

    fn header(self) -> String {
        match self {
            Self::PersonId => "person_id",
            Self::Name => "name",
            Self::Level => "level",
            Self::OrganizerId => "organizer_id",
            Self::FollowUp => "follow_up",
            Self::Status => "status",
            Self::PreferredLanguage => "preferred_language",
            Self::UnitIds => "unit_ids",
        }
        .to_string()
    }

    fn cell(self, person: &PersonSummary) -> String {
        match self {
            Self::PersonId => person.id.0.clone(),
            Self::Name => person.name.clone().unwrap_or_default(),
            Self::Level => person
                .level
                .map(|level| level.to_string())
                .unwrap_or_default(),
            Self::OrganizerId => person
                .organizer_id
                .as_ref()
                .map(|id| id.0.clone())
                .unwrap_or_default(),
            Self::FollowUp => person.follow_up.to_string(),
            Self::Status => status_text(person.status).to_string(),
            Self::PreferredLanguage => person.preferred_language.clone().unwrap_or_default(),
            Self::UnitIds => person
                .unit_ids
                .iter()
                .map(|id| id.0.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// The columns asked for: every column when none are named; at least one, each once.
fn parse_columns(
    columns: Option<Vec<PeopleExportColumn>>,
) -> Result<Vec<PeopleExportColumn>, ApiError> {
    let Some(columns) = columns else {
        return Ok(PeopleExportColumn::ALL.to_vec());
    };
    if columns.is_empty() {
        return Err(ApiError::invalid(
            "columns",
            "name at least one column, or leave columns out for all",
        ));
    }
    for (index, column) in columns.iter().enumerate() {
        if columns[..index].contains(column) {
            return Err(ApiError::invalid(
                &format!("columns[{index}]"),
                "a column is named twice",
            ));
        }
    }
    Ok(columns)
}

/// Takes this request's one export; refuses a second, naming the refused field.
fn take_the_export(ctx: &Context<'_>, field: &str) -> Result<(), ApiError> {
    if let Some(taken) = ctx.data_opt::<ExportTaken>() {
        if taken.0.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Err(ApiError::invalid(
                field,
                "one export per request; send another request for another export",
            ));
        }
    }
    Ok(())
}

/// The wall chart's CSV: a header, one row per unit, the totals.
fn wall_chart_csv(chart: &q::WallChart) -> String {
    let levels: Vec<u8> = chart
        .campaign
        .scale
        .iter()
        .map(|level| level.level)
        .collect();
    let with_test = chart.test.is_some();
    let mut header: Vec<String> = [
        "unit_id",
        "parent_id",
        "depth",
        "unit",
        "kind",
        "retired",
        "people",
        "assessed",
    ]
    .iter()
    .map(|name| name.to_string())
    .collect();
    header.extend(levels.iter().map(|level| format!("level_{level}")));
    header.extend(
        [
            "share_ones_and_twos",
            "uncovered",
            "majority",
            "supermajority",
        ]
        .iter()
        .map(|name| name.to_string()),
    );
    if with_test {
        header.extend(
            [
                "test_in_scope",
                "test_asked",
                "test_committed",
                "test_participated",
                "test_declined",
                "test_participation",
                "test_goal_reached",
            ]
            .iter()
            .map(|name| name.to_string()),
        );
    }
    let figures = |figures: &q::UnitFigures| -> Vec<String> {
        let mut cells = vec![figures.people.to_string(), figures.assessed.to_string()];
        cells.extend(levels.iter().map(|level| {
            figures
                .per_level
                .iter()
                .find(|count| count.level == *level)
                .map_or(0, |count| count.count)
                .to_string()
        }));
        cells.extend([
            format!("{:.4}", figures.share_ones_and_twos),
            figures.uncovered.to_string(),
            figures.majority.to_string(),
            figures.supermajority.to_string(),
        ]);
        if with_test {
            match &figures.test {
                Some(test) => cells.extend([
                    test.in_scope.to_string(),
                    test.asked.to_string(),
                    test.committed.to_string(),
                    test.participated.to_string(),
                    test.declined.to_string(),
                    format!("{:.4}", test.participation),
                    test.goal_reached.to_string(),
                ]),
                None => cells.extend(std::iter::repeat_n(String::new(), 7)),
            }
        }
        cells
    };
    let mut csv = csv_line(header);
    for unit in &chart.units {
        let mut cells = vec![
            unit.unit_id.to_string(),
            unit.parent
                .map(|parent| parent.to_string())
                .unwrap_or_default(),
            unit.depth.to_string(),
            unit.name.clone(),
            unit.kind.clone(),
            unit.retired.to_string(),
        ];
        cells.extend(figures(&unit.figures));
        csv.push_str(&csv_line(cells));
    }
    let mut totals = vec![
        String::new(),
        String::new(),
        String::new(),
        "Total".to_string(),
        String::new(),
        String::new(),
    ];
    totals.extend(figures(&chart.totals));
    csv.push_str(&csv_line(totals));
    csv
}

/// One CSV line of `cells`, each quoted and defused as [`csv_cell`] says, ending in a line break.
fn csv_line(cells: impl IntoIterator<Item = String>) -> String {
    let mut line = cells
        .into_iter()
        .map(|cell| csv_cell(&cell))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// What an export costs in a query's complexity: nearly half the default limit (2,000), since it reads a
/// whole campaign; two fit in a request beside little else, and only the first of them runs.
pub const EXPORT_COMPLEXITY: usize = 900;

/// Whether this request has run its export (see [`with_export_untaken`]).
struct ExportTaken(std::sync::atomic::AtomicBool);

/// One export per request, however many aliases ask for it: each request starts with its export untaken
/// (the schema's extension, `super::extension`, calls this as it prepares the request), and the first
/// `exportPeople` to run takes it.
pub(super) fn with_export_untaken(request: async_graphql::Request) -> async_graphql::Request {
    request.data(ExportTaken(std::sync::atomic::AtomicBool::new(false)))
}

/// Every person the filter selects, page by page.
async fn all_people(
    access: &ReadAccess<'_>,
    campaign: CampaignId,
    filter: &q::PeopleFilter,
    sort: q::PeopleSort,
) -> Result<Vec<PersonSummary>, ApiError> {
    let mut people = Vec::new();
    let mut after = None;
    loop {
        let page = access
            .read_models()
            .people(
                access.chapter(),
                campaign,
                filter,
                sort,
                &q::PageRequest {
                    after: after.clone(),
                    first: q::MAX_PAGE_SIZE,
                },
            )
            .await?;
        let next = page
            .has_next_page
            .then(|| page.end_cursor().map(str::to_string));
        people.extend(
            page.edges
                .into_iter()
                .map(|edge| PersonSummary::from(edge.node)),
        );
        if people.len() > MAX_EXPORT_ROWS {
            return Err(ApiError::invalid(
                "filter",
                format!("an export holds at most {MAX_EXPORT_ROWS} people; narrow the filter"),
            ));
        }
        match next.flatten() {
            Some(cursor) => after = Some(cursor),
            None => return Ok(people),
        }
    }
}

fn status_text(status: super::read::PersonStatus) -> &'static str {
    use super::read::PersonStatus as S;
    match status {
        S::Active => "active",
        S::Removed => "removed",
        S::Merged => "merged",
        S::Forgotten => "forgotten",
    }
}

/// One CSV cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@`, tab or
/// carriage return is defused with `'` so a spreadsheet shows it rather than running it as a formula.
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("Ana Rivera"), "Ana Rivera");
        assert_eq!(csv_cell("Rivera, Ana"), "\"Rivera, Ana\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_cell("+1 555"), "'+1 555");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
    }
}
