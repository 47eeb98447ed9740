//! Importing people in bulk. Two paths share the domain's decisions:
//!
//! - Files (`groundwork people import`, the `uploadImport` … `commitImport` mutations): a file is read as
//!   people have them (`file`: UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab), its columns mapped to
//!   a person's parts by name (`mapping`, Action Builder's column names included), each row matched to an
//!   existing person or planned as a new one (`plan`, with phone numbers compared as E.164 by `phone`), the
//!   whole plan shown before anything is written, then committed in transactions of rows, every event
//!   carrying the import's id (`run`); and undone with compensating events (`undo`). docs/adr/0014.
//! - Rows built in code (the bench): [`import_people`] brings many new people in memory and appends them in
//!   one transaction (`decide`).
//!
//! The columns a file may have, by the target they fill (header names in brackets map by themselves,
//! case-insensitively; any header can be mapped to any target):
//!
//! | target                    | value                                                                    |
//! | ------------------------- | ------------------------------------------------------------------------ |
//! | `id` (`id`, `groundwork_id`) | a person's Groundwork id: matches that person                         |
//! | `external_id:SYSTEM` (`Action Builder ID`, `Employee Number`, `Member ID`) | the person's id in SYSTEM: matches, and is recorded |
//! | `given_name` (`First Name`) / `family_name` (`Last Name`) | the name; a new person needs a given name |
//! | `email` (`Email`, `Email Address`) | an email address (matches; a contact point labelled home)      |
//! | `phone` (`Phone Number`, `Mobile`) | a phone number (matches as E.164; a contact point labelled mobile) |
//! | `unit`                    | a unit id, or the unit's path of names from the top: `Region 1/Hospital A/ICU` |
//! | `responses` (`Tags`)      | `Field: Response` pairs separated by `;` (names as in the campaign)      |
//! | `field:FIELD` (a field's name) | the responses of that field, separated by `;`                        |
//! | `organizer`               | a member of the chapter: their user id or their email address            |
//! | `level` (`Assessment`)    | an assessment level on the campaign's scale (1–5 by default)             |
//! | `language` (`Preferred Language`) | the preferred language, a tag such as `es` or `en-US`            |
//! | `ignore`                  | the column is read and left out                                          |
//!
//! Empty cells mean "nothing". A column that maps to nothing is an error until it is mapped or ignored (a
//! typo must not drop data silently).

mod decide;
pub mod file;
pub mod mapping;
pub mod phone;
pub mod plan;
pub mod run;
pub mod undo;

pub use decide::{campaign_directory, check_import, import_people, ImportRejected, ImportSummary};
use domain::campaign::CampaignEvent;
use domain::ids::{FieldId, ResponseId, UnitId, UserId};
use domain::person::FieldResponseRef;
use domain::values::{AssessmentLevel, Email, LanguageTag, PersonName, Phone};
pub use run::{IMPORT_METADATA, UNDO_METADATA};
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

    /// Whether the campaign has the field `field`.
    pub fn has_field(&self, field: FieldId) -> bool {
        self.fields.contains_key(&field)
    }

    /// The name of the field `field`.
    pub fn field_name(&self, field: FieldId) -> Option<String> {
        self.fields.get(&field).cloned()
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
