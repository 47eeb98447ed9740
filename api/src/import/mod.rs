//! Importing people in bulk. A CSV file (or rows built in code, as the bench does) becomes, per person, the
//! commands an organizer would have issued one by one — add to the campaign, join a unit, contact points,
//! field responses, an organizer, an assessment — decided in memory by the domain and stored in one
//! transaction per batch ([`import_people`], decided in `decide`). This module reads the file format.
//!
//! The CSV format (`groundwork people import --campaign ID FILE.csv`): a header row naming the columns, in
//! any order, case-insensitive; every other row is one person. Columns:
//!
//! | column        | required | value                                                                        |
//! | ------------- | -------- | ---------------------------------------------------------------------------- |
//! | `given_name`  | yes      | the given name                                                               |
//! | `family_name` | yes      | the family name                                                              |
//! | `email`       | no       | an email address (a contact point labelled home)                             |
//! | `phone`       | no       | a phone number (a contact point labelled mobile)                             |
//! | `unit`        | no       | a unit id, or the unit's path of names from the top: `Region 1/Hospital A/ICU` |
//! | `responses`   | no       | `Field: Response` pairs separated by `;` (names as in the campaign)          |
//! | `organizer`   | no       | a member of the chapter: their user id or their email address                |
//! | `level`       | no       | an assessment level on the campaign's scale (1–5 by default)                 |
//! | `language`    | no       | the preferred language, a tag such as `es` or `en-US`                        |
//!
//! Empty cells mean "none". A column not in this list is an error (a typo must not drop data silently).
//! Fields may be quoted with `"` (RFC 4180: `""` is a quote, quoted fields may hold commas and line breaks).

mod decide;

pub use decide::{campaign_directory, check_import, import_people, ImportRejected, ImportSummary};
use domain::campaign::CampaignEvent;
use domain::ids::{FieldId, ResponseId, UnitId, UserId};
use domain::person::FieldResponseRef;
use domain::values::{AssessmentLevel, Email, LanguageTag, PersonName, Phone};
use std::collections::HashMap;

/// One person to import, already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonImport {
    pub name: PersonName,
    pub preferred_language: Option<LanguageTag>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub unit: Option<UnitId>,
    pub responses: Vec<FieldResponseRef>,
    pub organizer: Option<UserId>,
    pub level: Option<AssessmentLevel>,
}

impl PersonImport {
    /// A person with a name and nothing else yet.
    pub fn named(name: PersonName) -> Self {
        Self {
            name,
            preferred_language: None,
            email: None,
            phone: None,
            unit: None,
            responses: Vec::new(),
            organizer: None,
            level: None,
        }
    }
}

/// Why a file could not be imported. Nothing of the file is written when any row is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("line {line}, column {column}: {reason}")]
    Cell {
        line: usize,
        column: String,
        reason: String,
    },
    #[error("line {line}: {reason}")]
    Row { line: usize, reason: String },
    #[error("{0}")]
    File(String),
}

impl ImportError {
    /// The domain's refusal of the person on `line`, naming the column to blame when the refusal names an
    /// input field that a column fills.
    pub fn refused(line: usize, error: &crate::service::ServiceError) -> Self {
        use crate::service::ServiceError;
        let field = match error {
            ServiceError::Rejected(refusal) | ServiceError::Missing(refusal) => refusal.field,
            _ => None,
        };
        let column = match field {
            Some("level") => Some("level"),
            Some("organizerId") => Some("organizer"),
            Some("unitId") => Some("unit"),
            Some("fieldId" | "responseId") => Some("responses"),
            Some("language") => Some("language"),
            _ => None,
        };
        match column {
            Some(column) => Self::Cell {
                line,
                column: column.to_string(),
                reason: error.to_string(),
            },
            None => Self::Row {
                line,
                reason: error.to_string(),
            },
        }
    }
}

/// The columns the importer understands.
const COLUMNS: &[&str] = &[
    "given_name",
    "family_name",
    "email",
    "phone",
    "unit",
    "responses",
    "organizer",
    "level",
    "language",
];

/// One CSV record and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Splits CSV text into records (RFC 4180). Blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<Record>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut quoted_cell = false;
    let mut chars = text.chars().peekable();
    let finish = |cells: &mut Vec<String>,
                  cell: &mut String,
                  records: &mut Vec<Record>,
                  record_line: usize,
                  quoted: bool| {
        cells.push(std::mem::take(cell));
        let record = std::mem::take(cells);
        let blank = !quoted && record.len() == 1 && record[0].trim().is_empty();
        if !blank {
            records.push(Record {
                line: record_line,
                cells: record,
            });
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    cell.push(c);
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                in_quotes = true;
                quoted_cell = true;
            }
            '"' => return Err(ImportError::Row {
                line,
                reason:
                    "a quote inside an unquoted field; quote the whole field and double the quote"
                        .to_string(),
            }),
            ',' => cells.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                finish(
                    &mut cells,
                    &mut cell,
                    &mut records,
                    record_line,
                    quoted_cell,
                );
                quoted_cell = false;
                line += 1;
                record_line = line;
            }
            _ => cell.push(c),
        }
    }
    if in_quotes {
        return Err(ImportError::Row {
            line: record_line,
            reason: "a quoted field is never closed".to_string(),
        });
    }
    if !cell.is_empty() || !cells.is_empty() || quoted_cell {
        finish(
            &mut cells,
            &mut cell,
            &mut records,
            record_line,
            quoted_cell,
        );
    }
    Ok(records)
}

/// The names of a campaign's units, fields and responses, to turn a CSV's words into ids.
#[derive(Debug, Clone, Default)]
pub struct CampaignDirectory {
    units: HashMap<UnitId, (String, Option<UnitId>)>,
    fields: HashMap<FieldId, String>,
    responses: HashMap<(FieldId, ResponseId), String>,
    /// The chapter's members and their email addresses (lower case), for the `organizer` column.
    members: HashMap<UserId, String>,
}

impl CampaignDirectory {
    /// Folds the campaign's events (names are not part of the facts other aggregates decide on).
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a CampaignEvent>) -> Self {
        let mut directory = Self::default();
        for event in events {
            match event {
                CampaignEvent::UnitAdded {
                    unit_id,
                    name,
                    parent,
                    ..
                } => {
                    directory
                        .units
                        .insert(*unit_id, (name.as_str().to_string(), *parent));
                }
                CampaignEvent::UnitRenamed { unit_id, name } => {
                    if let Some(unit) = directory.units.get_mut(unit_id) {
                        unit.0 = name.as_str().to_string();
                    }
                }
                CampaignEvent::UnitMoved {
                    unit_id, parent, ..
                } => {
                    if let Some(unit) = directory.units.get_mut(unit_id) {
                        unit.1 = *parent;
                    }
                }
                CampaignEvent::FieldAdded { field_id, name, .. }
                | CampaignEvent::FieldRenamed { field_id, name } => {
                    directory
                        .fields
                        .insert(*field_id, name.as_str().to_string());
                }
                CampaignEvent::FieldResponseAdded {
                    field_id,
                    response_id,
                    name,
                }
                | CampaignEvent::FieldResponseRenamed {
                    field_id,
                    response_id,
                    name,
                } => {
                    directory
                        .responses
                        .insert((*field_id, *response_id), name.as_str().to_string());
                }
                _ => {}
            }
        }
        directory
    }

    /// The same directory knowing the chapter's members (user id and email address).
    pub fn with_members(self, members: impl IntoIterator<Item = (UserId, String)>) -> Self {
        Self {
            members: members
                .into_iter()
                .map(|(user, email)| (user, email.trim().to_lowercase()))
                .collect(),
            ..self
        }
    }

    /// The member a CSV cell names by user id or email address.
    fn member(&self, text: &str) -> Option<UserId> {
        match UserId::parse(text) {
            Ok(user) => self.members.contains_key(&user).then_some(user),
            Err(_) => {
                let wanted = text.trim().to_lowercase();
                self.members
                    .iter()
                    .find(|(_, email)| **email == wanted)
                    .map(|(user, _)| *user)
            }
        }
    }

    /// The id of `field`'s response called `name` (case and surrounding spaces ignored), if exactly one is.
    pub fn response_named(&self, field: FieldId, name: &str) -> Option<ResponseId> {
        let wanted = normalize(name);
        let mut matches = self
            .responses
            .iter()
            .filter(|((f, _), n)| *f == field && normalize(n) == wanted);
        match (matches.next(), matches.next()) {
            (Some(((_, response), _)), None) => Some(*response),
            _ => None,
        }
    }

    /// The id of the field called `name`, if exactly one is.
    pub fn field_named(&self, name: &str) -> Option<FieldId> {
        let wanted = normalize(name);
        let mut matches = self.fields.iter().filter(|(_, n)| normalize(n) == wanted);
        match (matches.next(), matches.next()) {
            (Some((field, _)), None) => Some(*field),
            _ => None,
        }
    }

    /// The names from the top of the tree down to `unit`.
    fn path_of(&self, unit: UnitId) -> Vec<String> {
        let mut path = Vec::new();
        let mut current = Some(unit);
        while let Some(id) = current {
            let Some((name, parent)) = self.units.get(&id) else {
                break;
            };
            path.push(normalize(name));
            current = *parent;
            if path.len() > self.units.len() {
                break;
            }
        }
        path.reverse();
        path
    }

    /// Every unit by its normalized path (a path two units share maps to `None`: ambiguous).
    fn unit_paths(&self) -> HashMap<Vec<String>, Option<UnitId>> {
        let mut paths: HashMap<Vec<String>, Option<UnitId>> = HashMap::new();
        for unit in self.units.keys() {
            paths
                .entry(self.path_of(*unit))
                .and_modify(|existing| *existing = None)
                .or_insert(Some(*unit));
        }
        paths
    }
}

fn normalize(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Turns CSV records (the first is the header) into people, checking every cell. Nothing is written here:
/// the first wrong cell fails the whole file.
pub fn people_from_records(
    records: &[Record],
    directory: &CampaignDirectory,
) -> Result<Vec<(usize, PersonImport)>, ImportError> {
    let Some((header, rows)) = records.split_first() else {
        return Err(ImportError::File(
            "the file is empty; the first line must name the columns".to_string(),
        ));
    };
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (index, name) in header.cells.iter().enumerate() {
        let wanted = normalize(name);
        let Some(known) = COLUMNS.iter().find(|column| **column == wanted) else {
            return Err(ImportError::Cell {
                line: header.line,
                column: name.trim().to_string(),
                reason: format!("unknown column; the columns are {}", COLUMNS.join(", ")),
            });
        };
        if columns.insert(known, index).is_some() {
            return Err(ImportError::Cell {
                line: header.line,
                column: (*known).to_string(),
                reason: "the column appears twice".to_string(),
            });
        }
    }
    for required in ["given_name", "family_name"] {
        if !columns.contains_key(required) {
            return Err(ImportError::Cell {
                line: header.line,
                column: required.to_string(),
                reason: "this column is required".to_string(),
            });
        }
    }
    let unit_paths = directory.unit_paths();
    let field_names: HashMap<String, Vec<FieldId>> =
        directory
            .fields
            .iter()
            .fold(HashMap::new(), |mut names, (id, name)| {
                names.entry(normalize(name)).or_default().push(*id);
                names
            });
    let mut people = Vec::with_capacity(rows.len());
    for row in rows {
        if row.cells.len() != header.cells.len() {
            return Err(ImportError::Row {
                line: row.line,
                reason: format!(
                    "{} fields, but the header names {} columns",
                    row.cells.len(),
                    header.cells.len()
                ),
            });
        }
        let cell = |column: &'static str| -> Option<&str> {
            columns
                .get(column)
                .map(|index| row.cells[*index].trim())
                .filter(|value| !value.is_empty())
        };
        let wrong = |column: &str, reason: String| ImportError::Cell {
            line: row.line,
            column: column.to_string(),
            reason,
        };
        let name = PersonName::parse(
            cell("given_name").unwrap_or_default(),
            cell("family_name").unwrap_or_default(),
        )
        .map_err(|error| {
            let given = cell("given_name").unwrap_or_default();
            let column = if PersonName::parse(given, "").is_err() {
                "given_name"
            } else {
                "family_name"
            };
            wrong(column, error.to_string())
        })?;
        let mut person = PersonImport::named(name);
        if let Some(text) = cell("email") {
            person.email =
                Some(Email::parse(text).map_err(|error| wrong("email", error.to_string()))?);
        }
        if let Some(text) = cell("phone") {
            person.phone =
                Some(Phone::parse(text).map_err(|error| wrong("phone", error.to_string()))?);
        }
        if let Some(text) = cell("language") {
            person.preferred_language = Some(
                LanguageTag::parse(text).map_err(|error| wrong("language", error.to_string()))?,
            );
        }
        if let Some(text) = cell("level") {
            let level = text
                .parse::<u8>()
                .map_err(|_| wrong("level", format!("`{text}` is not a whole number")))?;
            person.level = Some(
                AssessmentLevel::new(level).map_err(|error| wrong("level", error.to_string()))?,
            );
        }
        if let Some(text) = cell("organizer") {
            person.organizer = Some(directory.member(text).ok_or_else(|| {
                wrong(
                    "organizer",
                    format!(
                        "`{text}` is not a member of the chapter; give a member's user id or email address"
                    ),
                )
            })?);
        }
        if let Some(text) = cell("unit") {
            let unit = match UnitId::parse(text) {
                Ok(unit) if directory.units.contains_key(&unit) => unit,
                Ok(_) => {
                    return Err(wrong(
                        "unit",
                        format!("unit {text} is not a unit of this campaign"),
                    ))
                }
                Err(_) => {
                    let path: Vec<String> = text.split('/').map(normalize).collect();
                    match unit_paths.get(&path) {
                        Some(Some(unit)) => *unit,
                        Some(None) => {
                            return Err(wrong(
                                "unit",
                                format!("`{text}` names more than one unit; use the unit's id"),
                            ))
                        }
                        None => {
                            return Err(wrong(
                                "unit",
                                format!(
                                    "no unit `{text}`; give the path of names from the top, separated by /"
                                ),
                            ))
                        }
                    }
                }
            };
            person.unit = Some(unit);
        }
        if let Some(text) = cell("responses") {
            for pair in text.split(';').filter(|pair| !pair.trim().is_empty()) {
                let Some((field, response)) = pair.split_once(':') else {
                    return Err(wrong(
                        "responses",
                        format!("`{}` is not `Field: Response`", pair.trim()),
                    ));
                };
                let field_id = match field_names.get(&normalize(field)).map(Vec::as_slice) {
                    Some([field_id]) => *field_id,
                    Some(_) => {
                        return Err(wrong(
                            "responses",
                            format!("more than one field is called `{}`", field.trim()),
                        ))
                    }
                    None => {
                        return Err(wrong(
                            "responses",
                            format!("the campaign has no field `{}`", field.trim()),
                        ))
                    }
                };
                let wanted = normalize(response);
                let matches: Vec<ResponseId> = directory
                    .responses
                    .iter()
                    .filter(|((field, _), name)| *field == field_id && normalize(name) == wanted)
                    .map(|((_, response), _)| *response)
                    .collect();
                let [response_id] = matches.as_slice() else {
                    return Err(wrong(
                        "responses",
                        format!(
                            "field `{}` has {} response called `{}`",
                            field.trim(),
                            if matches.is_empty() {
                                "no"
                            } else {
                                "more than one"
                            },
                            response.trim()
                        ),
                    ));
                };
                person.responses.push(FieldResponseRef {
                    field_id,
                    response_id: *response_id,
                });
            }
        }
        people.push((row.line, person));
    }
    Ok(people)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let records =
            parse_csv("given_name,family_name\r\n\"Ana, Jr.\",\"O\"\"Neil\"\n\n\"Two\nlines\",X\n")
                .unwrap_or_default();
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].cells, vec!["Ana, Jr.", "O\"Neil"]);
        assert_eq!(records[1].line, 2);
        assert_eq!(records[2].cells, vec!["Two\nlines", "X"]);
        assert_eq!(records[2].line, 4);
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        let error = parse_csv("a,b\n\"open,x\n")
            .err()
            .map(|error| error.to_string());
        assert_eq!(
            error.as_deref(),
            Some("line 2: a quoted field is never closed")
        );
    }
}
