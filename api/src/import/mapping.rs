//! Which column of a file fills which part of a person. Columns are matched to targets by name — the
//! importer's own names, the column names of Action Builder's exports and uploads (`First Name`, `Phone
//! Number`, `Action Builder ID`…) and the campaign's field names —, then by the mapping saved for the
//! campaign, then by what the caller says. Each column either fills a value only when the person has none
//! (`fill`, the default) or overwrites it (`overwrite`). A column that maps to nothing is an error unless it is
//! mapped to `ignore`: a typo must not drop data silently.

use super::CampaignDirectory;
use domain::ids::FieldId;
use domain::values::ExternalSystem;
use serde::{Deserialize, Serialize};

/// What a column fills.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// The person's Groundwork id: matches an existing person.
    PersonId,
    /// The person's id in another system: matches, and is recorded.
    ExternalId(ExternalSystem),
    GivenName,
    FamilyName,
    Email,
    Phone,
    /// A unit's id or its path of names from the top.
    Unit,
    /// `Field: Response` pairs separated by `;`.
    Responses,
    /// The responses (names, separated by `;`) of one field.
    Field(FieldId),
    /// A member of the chapter, by user id or email address.
    Organizer,
    Level,
    Language,
    Ignore,
}

impl Target {
    /// The target's stable name, as the mapping is written: `given_name`, `external_id:action_builder`,
    /// `field:<field id>`…
    pub fn name(&self) -> String {
        match self {
            Target::PersonId => "id".to_string(),
            Target::ExternalId(system) => format!("external_id:{system}"),
            Target::GivenName => "given_name".to_string(),
            Target::FamilyName => "family_name".to_string(),
            Target::Email => "email".to_string(),
            Target::Phone => "phone".to_string(),
            Target::Unit => "unit".to_string(),
            Target::Responses => "responses".to_string(),
            Target::Field(field) => format!("field:{field}"),
            Target::Organizer => "organizer".to_string(),
            Target::Level => "level".to_string(),
            Target::Language => "language".to_string(),
            Target::Ignore => "ignore".to_string(),
        }
    }

    /// Reads a target's name (see [`Target::name`]); a field may also be named by its name in the campaign.
    pub fn parse(text: &str, directory: &CampaignDirectory) -> Result<Target, String> {
        let text = text.trim();
        if let Some(system) = text.strip_prefix("external_id:") {
            return ExternalSystem::normalized(system)
                .map(Target::ExternalId)
                .map_err(|error| error.to_string());
        }
        if let Some(field) = text.strip_prefix("field:") {
            return match FieldId::parse(field.trim()) {
                Ok(id) if directory.has_field(id) => Ok(Target::Field(id)),
                Ok(_) => Err(format!("the campaign has no field {field}")),
                Err(_) => directory
                    .field_named(field)
                    .map(Target::Field)
                    .ok_or_else(|| format!("the campaign has no field called `{}`", field.trim())),
            };
        }
        Ok(match text {
            "id" => Target::PersonId,
            "given_name" => Target::GivenName,
            "family_name" => Target::FamilyName,
            "email" => Target::Email,
            "phone" => Target::Phone,
            "unit" => Target::Unit,
            "responses" => Target::Responses,
            "organizer" => Target::Organizer,
            "level" => Target::Level,
            "language" => Target::Language,
            "ignore" => Target::Ignore,
            other => {
                return Err(format!(
                    "`{other}` is not a target; use id, external_id:SYSTEM, given_name, family_name, \
                     email, phone, unit, responses, field:FIELD, organizer, level, language or ignore"
                ))
            }
        })
    }

    /// The target a column's header names by itself, if any.
    pub fn from_header(header: &str, directory: &CampaignDirectory) -> Option<Target> {
        let key = header_key(header);
        if let Some(system) = key.strip_prefix("external_id:") {
            return ExternalSystem::normalized(system)
                .ok()
                .map(Target::ExternalId);
        }
        let action_builder = || ExternalSystem::normalized("action_builder").ok();
        let target = match key.as_str() {
            "id" | "groundwork_id" | "person_id" => Target::PersonId,
            "given_name" | "first_name" | "firstname" | "first" | "given" => Target::GivenName,
            "family_name" | "last_name" | "lastname" | "surname" | "last" | "family" => {
                Target::FamilyName
            }
            "email" | "email_address" | "e_mail" | "primary_email" | "email_1" => Target::Email,
            "phone" | "phone_number" | "mobile" | "mobile_phone" | "cell" | "cell_phone"
            | "primary_phone" | "phone_1" => Target::Phone,
            "unit" | "unit_path" => Target::Unit,
            "responses" | "tags" => Target::Responses,
            "organizer" | "organizer_email" => Target::Organizer,
            "level" | "assessment" | "latest_assessment" | "current_assessment" => Target::Level,
            "language" | "preferred_language" => Target::Language,
            // Action Builder's own id of an entity, as its exports and uploads name it.
            "action_builder_id"
            | "actionbuilder_id"
            | "action_builder_uuid"
            | "interact_id"
            | "entity_id" => Target::ExternalId(action_builder()?),
            // Common custom ids (Action Builder allows four per campaign).
            "employee_number" | "employee_id" | "employee_no" => {
                Target::ExternalId(ExternalSystem::normalized("employee_number").ok()?)
            }
            "member_id" | "membership_number" | "member_number" => {
                Target::ExternalId(ExternalSystem::normalized("member_id").ok()?)
            }
            _ => return directory.field_named(header).map(Target::Field),
        };
        Some(target)
    }
}

/// A header as compared: lower case, trimmed, spaces, dashes and dots as `_`.
pub fn header_key(header: &str) -> String {
    let lower = header.trim().to_lowercase();
    let mut key = String::with_capacity(lower.len());
    for c in lower.chars() {
        let c = if matches!(c, ' ' | '-' | '.') { '_' } else { c };
        if c == '_' && key.ends_with('_') {
            continue;
        }
        key.push(c);
    }
    key
}

/// How a column treats a value the person already has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Only fill a value the person does not have yet.
    #[default]
    Fill,
    /// Replace the person's value with the file's.
    Overwrite,
}

/// One column's entry in a mapping, as saved and as clients send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRule {
    pub column: String,
    pub target: String,
    #[serde(default)]
    pub mode: Mode,
}

/// A file's columns, each with its target and mode (in the file's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Vec<MappedColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedColumn {
    pub header: String,
    pub index: usize,
    /// `None`: nothing matched the header; the plan refuses the file until it is mapped or ignored.
    pub target: Option<Target>,
    pub mode: Mode,
}

/// A mistake in a mapping: the column to blame and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column `{column}`: {reason}")]
pub struct MappingError {
    pub column: String,
    pub reason: String,
}

impl Mapping {
    /// The mapping of a file with `header`: by name first, then the `saved` rules of the campaign, then
    /// the caller's `rules` (later ones win). A rule naming a column the file does not have is an error.
    pub fn resolve(
        header: &[String],
        directory: &CampaignDirectory,
        saved: &[ColumnRule],
        rules: &[ColumnRule],
    ) -> Result<Mapping, MappingError> {
        let mut columns: Vec<MappedColumn> = header
            .iter()
            .enumerate()
            .map(|(index, header)| MappedColumn {
                header: header.clone(),
                index,
                target: Target::from_header(header, directory),
                mode: Mode::Fill,
            })
            .collect();
        for (rule, strict) in saved
            .iter()
            .map(|rule| (rule, false))
            .chain(rules.iter().map(|rule| (rule, true)))
        {
            let wanted = header_key(&rule.column);
            let Some(column) = columns
                .iter_mut()
                .find(|column| header_key(&column.header) == wanted)
            else {
                if strict {
                    return Err(MappingError {
                        column: rule.column.clone(),
                        reason: "the file has no such column".to_string(),
                    });
                }
                continue;
            };
            match Target::parse(&rule.target, directory) {
                Ok(target) => {
                    column.target = Some(target);
                    column.mode = rule.mode;
                }
                // A saved rule that no longer applies (a field renamed since) is dropped, not an error.
                Err(_) if !strict => {}
                Err(reason) => {
                    return Err(MappingError {
                        column: rule.column.clone(),
                        reason,
                    })
                }
            }
        }
        let mapping = Mapping { columns };
        mapping.check()?;
        Ok(mapping)
    }

    /// Two columns may not fill the same target (except `ignore`).
    fn check(&self) -> Result<(), MappingError> {
        for (position, column) in self.columns.iter().enumerate() {
            let Some(target) = &column.target else {
                continue;
            };
            if *target == Target::Ignore {
                continue;
            }
            if let Some(earlier) = self.columns[..position]
                .iter()
                .find(|earlier| earlier.target.as_ref() == Some(target))
            {
                return Err(MappingError {
                    column: column.header.clone(),
                    reason: format!(
                        "column `{}` already fills {}; ignore one of them",
                        earlier.header,
                        target.name()
                    ),
                });
            }
        }
        Ok(())
    }

    /// The columns nothing matched.
    pub fn unmapped(&self) -> impl Iterator<Item = &MappedColumn> {
        self.columns.iter().filter(|column| column.target.is_none())
    }

    /// The rules to save for the campaign (every mapped column).
    pub fn rules(&self) -> Vec<ColumnRule> {
        self.columns
            .iter()
            .filter_map(|column| {
                column.target.as_ref().map(|target| ColumnRule {
                    column: column.header.clone(),
                    target: target.name(),
                    mode: column.mode,
                })
            })
            .collect()
    }

    /// The column filling `target`, if any.
    pub fn column(&self, target: &Target) -> Option<&MappedColumn> {
        self.columns
            .iter()
            .find(|column| column.target.as_ref() == Some(target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn action_builder_column_names_map_by_themselves() {
        let directory = CampaignDirectory::default();
        let mapping = Mapping::resolve(
            &headers(&[
                "Action Builder ID",
                "First Name",
                "Last Name",
                "Email",
                "Phone Number",
                "Preferred Language",
                "Assessment",
                "Employee Number",
            ]),
            &directory,
            &[],
            &[],
        )
        .expect("a mapping");
        let names: Vec<String> = mapping
            .columns
            .iter()
            .map(|column| column.target.as_ref().map(Target::name).unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            vec![
                "external_id:action_builder",
                "given_name",
                "family_name",
                "email",
                "phone",
                "language",
                "level",
                "external_id:employee_number"
            ]
        );
    }

    #[test]
    fn saved_rules_then_the_callers_decide_and_unknown_columns_stay_unmapped() {
        let directory = CampaignDirectory::default();
        let saved = vec![ColumnRule {
            column: "Badge".to_string(),
            target: "external_id:badge".to_string(),
            mode: Mode::Overwrite,
        }];
        let mapping = Mapping::resolve(
            &headers(&["given_name", "Badge", "Shoe size"]),
            &directory,
            &saved,
            &[],
        )
        .expect("a mapping");
        assert_eq!(
            mapping.columns[1].target,
            Some(Target::ExternalId(
                ExternalSystem::parse("badge").expect("a system")
            ))
        );
        assert_eq!(mapping.columns[1].mode, Mode::Overwrite);
        assert_eq!(
            mapping
                .unmapped()
                .map(|column| column.header.as_str())
                .collect::<Vec<_>>(),
            vec!["Shoe size"]
        );
        let ignored = Mapping::resolve(
            &headers(&["given_name", "Shoe size"]),
            &directory,
            &[],
            &[ColumnRule {
                column: "shoe size".to_string(),
                target: "ignore".to_string(),
                mode: Mode::Fill,
            }],
        )
        .expect("a mapping");
        assert_eq!(ignored.unmapped().count(), 0);
    }

    #[test]
    fn a_rule_for_a_missing_column_or_two_columns_for_one_target_are_refused() {
        let directory = CampaignDirectory::default();
        let missing = Mapping::resolve(
            &headers(&["given_name"]),
            &directory,
            &[],
            &[ColumnRule {
                column: "Nope".to_string(),
                target: "email".to_string(),
                mode: Mode::Fill,
            }],
        );
        assert_eq!(
            missing.err().map(|error| error.column),
            Some("Nope".to_string())
        );
        let twice = Mapping::resolve(&headers(&["Email", "email_address"]), &directory, &[], &[]);
        assert_eq!(
            twice.err().map(|error| error.column),
            Some("email_address".to_string())
        );
    }
}
