//! The plan of an import, row by row: which existing person a row matches (by Groundwork id, then an id in
//! an external system, then email address, then phone number; two people matched is an error, never a guess),
//! what would change (a value only fills an empty one unless its column overwrites), and the events the
//! domain decides for it — all without writing anything. The same plan, made again at commit time, is what
//! is appended. A name-and-unit resemblance to someone who did not match is only shown as a suggestion.

use super::mapping::{Mapping, Mode, Target};
use super::phone::{self, Region};
use super::CampaignDirectory;
use crate::service::{decide_and_apply, Groundwork, ServiceError};
use domain::ids::{CampaignId, ContactPointId, FieldId, PersonId, ResponseId, UnitId, UserId};
use domain::person::{FieldResponseRef, Person, PersonCommand, PersonContext, PersonEvent};
use domain::values::{
    AssessmentLevel, ContactKind, ContactLabel, ContactValue, Email, ExternalIdValue,
    ExternalSystem, LanguageTag, PersonName, Phone,
};
use std::collections::{HashMap, HashSet};

/// What a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Error,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Error => "error",
        }
    }
}

/// A mistake in a row: its line, the column to blame when one is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The plan of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPlan {
    pub line: usize,
    pub action: Action,
    /// The person the row creates or matched.
    pub person: Option<PersonId>,
    /// The column whose value matched the person (`None` for a new person).
    pub matched_by: Option<String>,
    /// The columns whose values change the person.
    pub changes: Vec<String>,
    pub errors: Vec<RowError>,
    /// People who resemble a new person (same name, same unit): shown, never merged.
    pub suggestions: Vec<PersonId>,
}

/// A row's events, decided and ready to append.
#[derive(Debug, Clone)]
pub struct Decided {
    pub person: PersonId,
    /// The stream's version before the row (0 for a new person).
    pub version: u64,
    pub events: Vec<PersonEvent>,
    /// The person after the events.
    pub state: Person,
}

/// Totals of a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub rows: usize,
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub error: usize,
}

impl Totals {
    pub fn count(&mut self, action: Action) {
        self.rows += 1;
        match action {
            Action::Create => self.create += 1,
            Action::Update => self.update += 1,
            Action::Unchanged => self.unchanged += 1,
            Action::Error => self.error += 1,
        }
    }
}

/// The campaign's active people by what rows match them on. It is as large as the campaign (the file
/// never adds to it), so it is kept compact: every identifier (an external id, an email address, a phone
/// number, a lower-case full name) is held as its 128-bit digest ([`key_digest`]) beside the one person
/// it names — about 40 bytes an identifier however long it is — and the rare identifier of several people
/// in a second, small map.
#[derive(Debug, Default)]
pub struct MatchIndex {
    ids: HashSet<PersonId>,
    /// External ids, email addresses and phone numbers (each digest says which of them it is).
    keys: Keyed,
    /// Full names, for resemblances only.
    names: Keyed,
    /// Who is in which unit (for a resemblance in the row's unit).
    units: HashSet<(PersonId, UnitId)>,
}

/// People by the digests of an identifier.
#[derive(Debug, Default)]
struct Keyed {
    one: HashMap<[u8; 16], PersonId>,
    /// Identifiers shared by several people (the first of them stays in `one`).
    more: HashMap<[u8; 16], Vec<PersonId>>,
}

impl Keyed {
    fn insert(&mut self, key: [u8; 16], person: PersonId) {
        match self.one.get(&key) {
            None => {
                self.one.insert(key, person);
            }
            Some(first) if *first == person => {}
            Some(first) => {
                let first = *first;
                let others = self.more.entry(key).or_insert_with(|| vec![first]);
                if !others.contains(&person) {
                    others.push(person);
                }
            }
        }
    }

    /// Everyone with the identifier.
    fn get(&self, key: &[u8; 16]) -> &[PersonId] {
        match self.more.get(key) {
            Some(people) => people,
            None => self.one.get(key).map(std::slice::from_ref).unwrap_or(&[]),
        }
    }
}

impl MatchIndex {
    pub fn new(candidates: &[projections::read::ImportCandidate], region: Option<Region>) -> Self {
        let mut index = Self::default();
        for candidate in candidates {
            let Ok(person) = PersonId::parse(&candidate.person_id) else {
                continue;
            };
            index.ids.insert(person);
            for (system, value) in &candidate.external_ids {
                index.keys.insert(external_key(system, value), person);
            }
            for email in &candidate.emails {
                index
                    .keys
                    .insert(key_digest("email", &email.trim().to_lowercase()), person);
            }
            for number in &candidate.phones {
                if let Some(number) = phone::normalize(number, region) {
                    index.keys.insert(key_digest("phone", &number), person);
                }
            }
            if let Some(name) = &candidate.name {
                index
                    .names
                    .insert(key_digest("name", &name.to_lowercase()), person);
                for unit in &candidate.units {
                    if let Ok(unit) = UnitId::parse(unit) {
                        index.units.insert((person, unit));
                    }
                }
            }
        }
        index
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The digest of an id in an external system.
fn external_key(system: &str, value: &str) -> [u8; 16] {
    key_digest(&format!("external:{system}"), value)
}

/// Why a row cannot be matched: the column to blame and why.
type NoMatch = (Option<String>, String);

/// A value of a row with its column and mode.
#[derive(Debug, Clone)]
struct Cell<T> {
    value: T,
    column: String,
    mode: Mode,
}

/// A row's values, parsed and checked.
#[derive(Debug, Default)]
struct Values {
    person_id: Option<Cell<PersonId>>,
    external_ids: Vec<Cell<(ExternalSystem, ExternalIdValue)>>,
    given: Option<Cell<String>>,
    family: Option<Cell<String>>,
    email: Option<Cell<Email>>,
    phone: Option<Cell<(Phone, String)>>,
    unit: Option<Cell<UnitId>>,
    responses: Vec<Cell<FieldResponseRef>>,
    organizer: Option<Cell<UserId>>,
    level: Option<Cell<AssessmentLevel>>,
    language: Option<Cell<LanguageTag>>,
}

fn make_cell<T>(column: &super::mapping::MappedColumn, value: T) -> Cell<T> {
    Cell {
        value,
        column: column.header.clone(),
        mode: column.mode,
    }
}

/// Plans rows one at a time, remembering what earlier rows of the same file claimed.
pub struct Planner<'a> {
    groundwork: &'a Groundwork,
    context: &'a PersonContext,
    campaign: CampaignId,
    directory: &'a CampaignDirectory,
    mapping: &'a Mapping,
    region: Option<Region>,
    index: &'a MatchIndex,
    unit_paths: HashMap<Vec<String>, Option<UnitId>>,
    /// People earlier rows of the file matched, with their line.
    claimed: HashMap<PersonId, usize>,
    /// Identifiers of the people earlier rows create, as 128-bit digests ([`key_digest`]), with their
    /// line: 20 bytes a key however long the identifier, the only thing a planner keeps per created row.
    new_keys: HashMap<[u8; 16], u32>,
}

/// The first 128 bits of SHA-256 over an identifier's kind and value (a kind cannot run into its value: it
/// ends at the first NUL). Two different identifiers share a digest with a chance of about n²/2¹²⁹ in a
/// file of n of them (10⁻²⁶ for a million), so a row is refused as "the same value" only for the same value.
fn key_digest(kind: &str, value: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    hasher.update([0]);
    hasher.update(value.as_bytes());
    let digest = hasher.finalize();
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

impl<'a> Planner<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        groundwork: &'a Groundwork,
        context: &'a PersonContext,
        campaign: CampaignId,
        directory: &'a CampaignDirectory,
        mapping: &'a Mapping,
        region: Option<Region>,
        index: &'a MatchIndex,
    ) -> Self {
        Self {
            groundwork,
            context,
            campaign,
            directory,
            mapping,
            region,
            index,
            unit_paths: directory.unit_paths(),
            claimed: HashMap::new(),
            new_keys: HashMap::new(),
        }
    }

    /// The plan of the row at `line` with `cells`, and its events when it creates or updates someone.
    pub async fn plan(
        &mut self,
        line: usize,
        cells: &[String],
    ) -> Result<(RowPlan, Option<Decided>), ServiceError> {
        let mut plan = RowPlan {
            line,
            action: Action::Error,
            person: None,
            matched_by: None,
            changes: Vec::new(),
            errors: Vec::new(),
            suggestions: Vec::new(),
        };
        let values = self.values(line, cells, &mut plan.errors);
        if !plan.errors.is_empty() {
            return Ok((plan, None));
        }
        let matched = match self.find(&values) {
            Ok(matched) => matched,
            Err((column, message)) => {
                plan.errors.push(RowError {
                    line,
                    column,
                    message,
                });
                return Ok((plan, None));
            }
        };
        let (person, version, mut state, commands) = match matched {
            Some((person, column)) => {
                if let Some(earlier) = self.claimed.insert(person, line) {
                    plan.errors.push(RowError {
                        line,
                        column: Some(column),
                        message: format!(
                            "line {earlier} already matched this person; merge the two rows"
                        ),
                    });
                    return Ok((plan, None));
                }
                plan.person = Some(person);
                plan.matched_by = Some(column);
                let loaded = self
                    .groundwork
                    .people()
                    .load_in_passing(&person.to_string())
                    .await?;
                let version = loaded.version();
                let state = loaded.into_aggregate();
                let commands = self.update_commands(&state, &values, &mut plan.changes);
                (person, version, state, commands)
            }
            None => {
                let Some(name) = self.new_name(&values, &mut plan.errors, line) else {
                    return Ok((plan, None));
                };
                if let Some(conflict) = self.claim_new_keys(&values, line) {
                    plan.errors.push(conflict);
                    return Ok((plan, None));
                }
                plan.suggestions = self.resemblances(&name, values.unit.as_ref());
                let person = PersonId::new_random();
                plan.person = Some(person);
                let commands = self.create_commands(person, name, &values, &mut plan.changes);
                (person, 0, Person::default(), commands)
            }
        };
        let mut events = Vec::new();
        for (column, command) in commands {
            match decide_and_apply(&mut state, command, self.context).await {
                Ok(decided) => events.extend(decided),
                Err(error @ (ServiceError::Rejected(_) | ServiceError::Missing(_))) => {
                    plan.errors.push(RowError {
                        line,
                        column: Some(column),
                        message: error.to_string(),
                    });
                    plan.changes.clear();
                    return Ok((plan, None));
                }
                Err(other) => return Err(other),
            }
        }
        plan.action = match (version, events.is_empty()) {
            (0, _) => Action::Create,
            (_, true) => Action::Unchanged,
            (_, false) => Action::Update,
        };
        let decided = (!events.is_empty()).then_some(Decided {
            person,
            version,
            events,
            state,
        });
        Ok((plan, decided))
    }

    /// Parses every mapped cell of the row; every wrong cell is reported, not only the first.
    fn values(&self, line: usize, cells: &[String], errors: &mut Vec<RowError>) -> Values {
        let mut values = Values::default();
        for column in &self.mapping.columns {
            let Some(target) = &column.target else {
                continue;
            };
            let text = cells.get(column.index).map_or("", |cell| cell.trim());
            if text.is_empty() || *target == Target::Ignore {
                continue;
            }
            let mut wrong = |message: String| {
                errors.push(RowError {
                    line,
                    column: Some(column.header.clone()),
                    message,
                })
            };
            match target {
                Target::Ignore => {}
                Target::PersonId => match PersonId::parse(text) {
                    Ok(id) => values.person_id = Some(make_cell(column, id)),
                    Err(_) => wrong(format!("`{text}` is not a Groundwork person id (a UUID)")),
                },
                Target::ExternalId(system) => {
                    // Action Builder writes its ids as `action_builder:<uuid>` in its API; accept both.
                    let text = text
                        .strip_prefix(&format!("{system}:"))
                        .unwrap_or(text)
                        .trim();
                    match ExternalIdValue::parse(text) {
                        Ok(value) => values.external_ids.push(make_cell(column, (system.clone(), value))),
                        Err(error) => wrong(error.to_string()),
                    }
                }
                Target::GivenName => values.given = Some(make_cell(column, text.to_string())),
                Target::FamilyName => values.family = Some(make_cell(column, text.to_string())),
                Target::Email => match Email::parse(text) {
                    Ok(email) => values.email = Some(make_cell(column, email)),
                    Err(error) => wrong(error.to_string()),
                },
                Target::Phone => {
                    // Spreadsheets write numbers with brackets, dashes and dots; the person's contact point
                    // keeps the digits (and a leading +).
                    let kept: String = text
                        .chars()
                        .filter(|c| c.is_ascii_digit() || *c == '+' || *c == ' ')
                        .collect();
                    match (
                        Phone::parse(kept.trim()),
                        phone::normalize(text, self.region),
                    ) {
                        (Ok(number), Some(normalized)) => {
                            values.phone = Some(make_cell(column, (number, normalized)))
                        }
                        (Err(error), _) => wrong(error.to_string()),
                        (_, None) => wrong("the phone number has no digits".to_string()),
                    }
                }
                Target::Unit => match self.unit(text) {
                    Ok(unit) => values.unit = Some(make_cell(column, unit)),
                    Err(message) => wrong(message),
                },
                Target::Responses => {
                    for pair in text.split(';').filter(|pair| !pair.trim().is_empty()) {
                        let Some((field, response)) = pair.split_once(':') else {
                            wrong(format!("`{}` is not `Field: Response`", pair.trim()));
                            continue;
                        };
                        match self.directory.field_named(field) {
                            Some(field_id) => match self.response(field_id, field, response) {
                                Ok(response) => values.responses.push(make_cell(column, response)),
                                Err(message) => wrong(message),
                            },
                            None => wrong(format!(
                                "the campaign has no field `{}` (or more than one)",
                                field.trim()
                            )),
                        }
                    }
                }
                Target::Field(field_id) => {
                    let field = self.directory.field_name(*field_id).unwrap_or_default();
                    for response in text.split(';').filter(|name| !name.trim().is_empty()) {
                        match self.response(*field_id, &field, response) {
                            Ok(response) => values.responses.push(make_cell(column, response)),
                            Err(message) => wrong(message),
                        }
                    }
                }
                Target::Organizer => match self.directory.member(text) {
                    Some(user) => values.organizer = Some(make_cell(column, user)),
                    None => wrong(format!(
                        "`{text}` is not a member of the chapter; give a member's user id or email address"
                    )),
                },
                Target::Level => match text
                    .parse::<u8>()
                    .map_err(|_| format!("`{text}` is not a whole number"))
                    .and_then(|level| {
                        AssessmentLevel::new(level).map_err(|error| error.to_string())
                    }) {
                    Ok(level) => values.level = Some(make_cell(column, level)),
                    Err(message) => wrong(message),
                },
                Target::Language => match LanguageTag::parse(text) {
                    Ok(language) => values.language = Some(make_cell(column, language)),
                    Err(error) => wrong(error.to_string()),
                },
            }
        }
        values
    }

    fn unit(&self, text: &str) -> Result<UnitId, String> {
        match UnitId::parse(text) {
            Ok(unit) if self.directory.units.contains_key(&unit) => Ok(unit),
            Ok(_) => Err(format!("unit {text} is not a unit of this campaign")),
            Err(_) => {
                let path: Vec<String> = text.split('/').map(super::normalize).collect();
                match self.unit_paths.get(&path) {
                    Some(Some(unit)) => Ok(*unit),
                    Some(None) => Err(format!(
                        "`{text}` names more than one unit; use the unit's id"
                    )),
                    None => Err(format!(
                        "no unit `{text}`; give the path of names from the top, separated by /"
                    )),
                }
            }
        }
    }

    fn response(
        &self,
        field_id: FieldId,
        field: &str,
        response: &str,
    ) -> Result<FieldResponseRef, String> {
        let response_id: ResponseId = self
            .directory
            .response_named(field_id, response)
            .ok_or_else(|| {
                format!(
                    "field `{}` has no response called `{}` (or more than one)",
                    field.trim(),
                    response.trim()
                )
            })?;
        Ok(FieldResponseRef {
            field_id,
            response_id,
        })
    }

    /// The person the row matches: by id, then external id, then email, then phone. `Err` names the
    /// column when the row matches two people, or names a person who is not in the campaign.
    fn find(&self, values: &Values) -> Result<Option<(PersonId, String)>, NoMatch> {
        if let Some(cell) = &values.person_id {
            return if self.index.ids.contains(&cell.value) {
                Ok(Some((cell.value, cell.column.clone())))
            } else {
                Err((
                    Some(cell.column.clone()),
                    format!(
                        "person {} is not an active person of this campaign",
                        cell.value
                    ),
                ))
            };
        }
        let mut keys: Vec<(&str, &[PersonId])> = Vec::new();
        for cell in &values.external_ids {
            let (system, value) = &cell.value;
            keys.push((
                cell.column.as_str(),
                self.index
                    .keys
                    .get(&external_key(system.as_str(), value.as_str())),
            ));
        }
        if let Some(cell) = &values.email {
            keys.push((
                cell.column.as_str(),
                self.index
                    .keys
                    .get(&key_digest("email", &cell.value.as_str().to_lowercase())),
            ));
        }
        if let Some(cell) = &values.phone {
            keys.push((
                cell.column.as_str(),
                self.index.keys.get(&key_digest("phone", &cell.value.1)),
            ));
        }
        for (column, people) in keys {
            match people {
                [] => continue,
                [person] => return Ok(Some((*person, column.to_string()))),
                people => {
                    return Err((
                        Some(column.to_string()),
                        format!(
                            "matches {} people ({}); give their Groundwork id, or merge them first",
                            people.len(),
                            people
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ))
                }
            }
        }
        Ok(None)
    }

    /// A new person's name, from the row's name columns.
    fn new_name(
        &self,
        values: &Values,
        errors: &mut Vec<RowError>,
        line: usize,
    ) -> Option<PersonName> {
        let given = values.given.as_ref().map_or("", |cell| cell.value.as_str());
        let family = values
            .family
            .as_ref()
            .map_or("", |cell| cell.value.as_str());
        match PersonName::parse(given, family) {
            Ok(name) => Some(name),
            Err(error) => {
                let column = if given.is_empty() || PersonName::parse(given, "").is_err() {
                    values
                        .given
                        .as_ref()
                        .map_or_else(|| "given_name".to_string(), |cell| cell.column.clone())
                } else {
                    values
                        .family
                        .as_ref()
                        .map_or_else(|| "family_name".to_string(), |cell| cell.column.clone())
                };
                let message = if given.is_empty() {
                    "no one matches this row, and a new person needs a given name".to_string()
                } else {
                    error.to_string()
                };
                errors.push(RowError {
                    line,
                    column: Some(column),
                    message,
                });
                None
            }
        }
    }

    /// Remembers the identifiers of a new person; `Some` when an earlier row creates someone with one of them.
    fn claim_new_keys(&mut self, values: &Values, line: usize) -> Option<RowError> {
        let mut keys: Vec<([u8; 16], &str)> = Vec::new();
        for cell in &values.external_ids {
            keys.push((
                external_key(cell.value.0.as_str(), cell.value.1.as_str()),
                &cell.column,
            ));
        }
        if let Some(cell) = &values.email {
            keys.push((
                key_digest("email", &cell.value.as_str().to_lowercase()),
                &cell.column,
            ));
        }
        if let Some(cell) = &values.phone {
            keys.push((key_digest("phone", &cell.value.1), &cell.column));
        }
        for (key, column) in &keys {
            if let Some(earlier) = self.new_keys.get(key) {
                return Some(RowError {
                    line,
                    column: Some(column.to_string()),
                    message: format!(
                        "line {earlier} adds a new person with the same value; merge the two rows"
                    ),
                });
            }
        }
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        for (key, _) in keys {
            self.new_keys.insert(key, line);
        }
        None
    }

    /// Active people with the same name (and, when the row names a unit, in that unit).
    fn resemblances(&self, name: &PersonName, unit: Option<&Cell<UnitId>>) -> Vec<PersonId> {
        self.index
            .names
            .get(&key_digest("name", &name.to_string().to_lowercase()))
            .iter()
            .filter(|person| {
                unit.is_none_or(|unit| self.index.units.contains(&(**person, unit.value)))
            })
            .copied()
            .collect()
    }

    fn create_commands(
        &self,
        person: PersonId,
        name: PersonName,
        values: &Values,
        changes: &mut Vec<String>,
    ) -> Vec<(String, PersonCommand)> {
        let mut commands = Vec::new();
        let name_column = values
            .given
            .as_ref()
            .map_or_else(|| "given_name".to_string(), |cell| cell.column.clone());
        commands.push((
            name_column,
            PersonCommand::AddToCampaign {
                person_id: person,
                campaign_id: self.campaign,
                name,
                preferred_language: values.language.as_ref().map(|cell| cell.value.clone()),
            },
        ));
        let empty = Person::default();
        commands.extend(self.value_commands(&empty, values));
        for (column, _) in &commands {
            if !changes.contains(column) {
                changes.push(column.clone());
            }
        }
        commands
    }

    fn update_commands(
        &self,
        person: &Person,
        values: &Values,
        changes: &mut Vec<String>,
    ) -> Vec<(String, PersonCommand)> {
        let mut commands = Vec::new();
        // A name changes only when a name column overwrites, and then only the part it gives.
        if let Some(current) = person.name().and_then(|name| name.value()) {
            let overwrite = |cell: &Option<Cell<String>>| {
                cell.as_ref()
                    .filter(|cell| cell.mode == Mode::Overwrite)
                    .map(|cell| (cell.value.clone(), cell.column.clone()))
            };
            let (given, family) = (overwrite(&values.given), overwrite(&values.family));
            if given.is_some() || family.is_some() {
                let new_given = given.as_ref().map_or(current.given(), |(v, _)| v.as_str());
                let new_family = family
                    .as_ref()
                    .map_or(current.family(), |(v, _)| v.as_str());
                if let Ok(name) = PersonName::parse(new_given, new_family) {
                    if name != *current {
                        let column = given
                            .or(family)
                            .map(|(_, column)| column)
                            .unwrap_or_default();
                        commands.push((column, PersonCommand::ChangeName { name }));
                    }
                }
            }
        }
        if let Some(cell) = &values.language {
            let current = person.preferred_language();
            if current != Some(&cell.value) && (current.is_none() || cell.mode == Mode::Overwrite) {
                commands.push((
                    cell.column.clone(),
                    PersonCommand::SetPreferredLanguage {
                        language: Some(cell.value.clone()),
                    },
                ));
            }
        }
        commands.extend(self.value_commands(person, values));
        for (column, _) in &commands {
            if !changes.contains(column) {
                changes.push(column.clone());
            }
        }
        commands
    }

    /// The commands that bring `person` to the row's values (other than name and language), column by column.
    fn value_commands(&self, person: &Person, values: &Values) -> Vec<(String, PersonCommand)> {
        let mut commands: Vec<(String, PersonCommand)> = Vec::new();
        for cell in &values.external_ids {
            let (system, value) = &cell.value;
            let current = person.external_id(system);
            if current != Some(value) && (current.is_none() || cell.mode == Mode::Overwrite) {
                commands.push((
                    cell.column.clone(),
                    PersonCommand::SetExternalId {
                        system: system.clone(),
                        value: Some(value.clone()),
                    },
                ));
            }
        }
        if let Some(cell) = &values.unit {
            let units = person.units();
            if !units.contains(&cell.value) && (units.is_empty() || cell.mode == Mode::Overwrite) {
                for unit_id in units {
                    commands.push((cell.column.clone(), PersonCommand::LeaveUnit { unit_id }));
                }
                commands.push((
                    cell.column.clone(),
                    PersonCommand::JoinUnit {
                        unit_id: cell.value,
                    },
                ));
            }
        }
        if let Some(cell) = &values.email {
            let wanted = cell.value.as_str().to_lowercase();
            self.contact_commands(
                person,
                ContactKind::Email,
                |value| match value {
                    ContactValue::Email(email) => email.as_str().to_lowercase() == wanted,
                    _ => false,
                },
                cell.mode,
                &cell.column,
                ContactLabel::Home,
                ContactValue::Email(cell.value.clone()),
                &mut commands,
            );
        }
        if let Some(cell) = &values.phone {
            let wanted = &cell.value.1;
            let region = self.region;
            self.contact_commands(
                person,
                ContactKind::Phone,
                |value| match value {
                    ContactValue::Phone(number) => {
                        phone::normalize(number.as_str(), region).as_ref() == Some(wanted)
                    }
                    _ => false,
                },
                cell.mode,
                &cell.column,
                ContactLabel::Mobile,
                ContactValue::Phone(cell.value.0.clone()),
                &mut commands,
            );
        }
        let current = person.field_responses();
        let mut overwritten: HashSet<FieldId> = HashSet::new();
        for cell in &values.responses {
            let response = cell.value;
            if current.contains(&response) {
                continue;
            }
            let has_field = current
                .iter()
                .any(|existing| existing.field_id == response.field_id);
            if has_field && cell.mode == Mode::Fill {
                continue;
            }
            if has_field && overwritten.insert(response.field_id) {
                // Overwrite: the field's responses become the file's (on a field that allows several too).
                let wanted: Vec<FieldResponseRef> = values
                    .responses
                    .iter()
                    .filter(|other| other.value.field_id == response.field_id)
                    .map(|other| other.value)
                    .collect();
                for existing in current
                    .iter()
                    .filter(|existing| existing.field_id == response.field_id)
                    .filter(|existing| !wanted.contains(existing))
                {
                    commands.push((
                        cell.column.clone(),
                        PersonCommand::RemoveFieldResponse {
                            field_id: existing.field_id,
                            response_id: existing.response_id,
                        },
                    ));
                }
            }
            commands.push((
                cell.column.clone(),
                PersonCommand::AddFieldResponse {
                    field_id: response.field_id,
                    response_id: response.response_id,
                },
            ));
        }
        if let Some(cell) = &values.organizer {
            let current = person.organizer();
            if current != Some(cell.value) && (current.is_none() || cell.mode == Mode::Overwrite) {
                commands.push((
                    cell.column.clone(),
                    PersonCommand::AssignOrganizer {
                        organizer: cell.value,
                    },
                ));
            }
        }
        if let Some(cell) = &values.level {
            let current = person.assessment();
            if current != Some(cell.value) && (current.is_none() || cell.mode == Mode::Overwrite) {
                commands.push((
                    cell.column.clone(),
                    PersonCommand::Assess {
                        level: cell.value,
                        note: None,
                    },
                ));
            }
        }
        commands
    }

    #[allow(clippy::too_many_arguments)]
    fn contact_commands(
        &self,
        person: &Person,
        kind: ContactKind,
        same: impl Fn(&ContactValue) -> bool,
        mode: Mode,
        column: &str,
        label: ContactLabel,
        value: ContactValue,
        commands: &mut Vec<(String, PersonCommand)>,
    ) {
        let points: Vec<_> = person
            .contact_points()
            .filter(|point| point.kind == kind)
            .collect();
        if points
            .iter()
            .any(|point| point.value.value().is_some_and(&same))
        {
            return;
        }
        if !points.is_empty() && mode == Mode::Fill {
            return;
        }
        for point in points {
            commands.push((
                column.to_string(),
                PersonCommand::RemoveContactPoint {
                    contact_point_id: point.contact_point_id,
                },
            ));
        }
        commands.push((
            column.to_string(),
            PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label,
                value,
                do_not_contact: false,
            },
        ));
    }
}
