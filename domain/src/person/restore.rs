//! Undoing a set of a person's events (an import's) without losing what happened since: every event touches
//! one or more [`Aspect`]s of the person (the name, their email addresses, their units, one field…), and
//! [`Person::restore`] gives the commands that bring one aspect back to what an earlier state held. The
//! caller decides which aspects to restore: those that later events did not touch, or all of them when told to
//! overwrite (docs/adr/0014).

use super::{Person, PersonCommand, PersonEvent};
use crate::ids::FieldId;
use crate::values::{ContactKind, ExternalSystem};

/// One part of a person that events change independently of the others.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Aspect {
    /// Being in the campaign at all (added, removed, merged, forgotten).
    Existence,
    Name,
    /// The contact points of one kind (email addresses, phone numbers, postal addresses).
    Contacts(ContactKind),
    Language,
    Units,
    /// The responses or the value of one field.
    Field(FieldId),
    Assessment,
    Organizer,
    ExternalId(ExternalSystem),
    /// Anything an import never writes (notes, 1:1s, connections, follow-up, structure-test steps).
    Other,
}

impl Aspect {
    /// The aspects `event` changes, given the person as it was just before the event.
    pub fn of(event: &PersonEvent, before: &Person) -> Vec<Aspect> {
        use PersonEvent as V;
        let kind_of = |id| {
            before
                .contact_points()
                .find(|point| point.contact_point_id == id)
                .map(|point| Aspect::Contacts(point.kind))
        };
        match event {
            V::PersonAddedToCampaign { .. }
            | V::PersonMergedInto { .. }
            | V::PersonRemovedFromCampaign
            | V::PersonForgotten => vec![Aspect::Existence],
            V::PersonRenamed { .. } => vec![Aspect::Name],
            V::ContactPointAdded(point) => vec![Aspect::Contacts(point.kind)],
            V::ContactPointDoNotContactChanged {
                contact_point_id, ..
            }
            | V::ContactPointRemoved { contact_point_id } => {
                kind_of(*contact_point_id).into_iter().collect()
            }
            V::PreferredLanguageSet { .. } => vec![Aspect::Language],
            V::PersonJoinedUnit { .. } | V::PersonLeftUnit { .. } => vec![Aspect::Units],
            V::PersonFieldResponseAdded(response) | V::PersonFieldResponseRemoved(response) => {
                vec![Aspect::Field(response.field_id)]
            }
            V::PersonFieldValueSet(entry) => vec![Aspect::Field(entry.field_id)],
            V::PersonFieldValueCleared { field_id } => vec![Aspect::Field(*field_id)],
            V::PersonAssessed { .. } => vec![Aspect::Assessment],
            V::OrganizerAssigned { .. } | V::OrganizerUnassigned { .. } => vec![Aspect::Organizer],
            V::PersonExternalIdSet { system, .. } => vec![Aspect::ExternalId(system.clone())],
            V::DuplicateMerged {
                contact_points,
                units,
                field_responses,
                field_values,
                ..
            } => {
                let mut aspects: Vec<Aspect> = contact_points
                    .iter()
                    .map(|point| Aspect::Contacts(point.kind))
                    .collect();
                if !units.is_empty() {
                    aspects.push(Aspect::Units);
                }
                aspects.extend(
                    field_responses
                        .iter()
                        .map(|response| Aspect::Field(response.field_id)),
                );
                aspects.extend(
                    field_values
                        .iter()
                        .map(|entry| Aspect::Field(entry.field_id)),
                );
                aspects.dedup();
                aspects
            }
            V::ConnectionMade(_)
            | V::ConnectionDeactivated { .. }
            | V::FollowUpFlagged
            | V::FollowUpCleared
            | V::NoteAdded { .. }
            | V::OneOnOneLogged { .. }
            | V::StructureTestStepRecorded { .. } => vec![Aspect::Other],
        }
    }

    /// The aspect in the words of the import's columns, for reports.
    pub fn describe(&self) -> String {
        match self {
            Aspect::Existence => "the person".to_string(),
            Aspect::Name => "name".to_string(),
            Aspect::Contacts(ContactKind::Email) => "email".to_string(),
            Aspect::Contacts(ContactKind::Phone) => "phone".to_string(),
            Aspect::Contacts(ContactKind::Postal) => "address".to_string(),
            Aspect::Language => "language".to_string(),
            Aspect::Units => "unit".to_string(),
            Aspect::Field(field) => format!("field {field}"),
            Aspect::Assessment => "level".to_string(),
            Aspect::Organizer => "organizer".to_string(),
            Aspect::ExternalId(system) => format!("external id ({system})"),
            Aspect::Other => "other".to_string(),
        }
    }
}

impl Person {
    /// The commands that bring `aspect` of this person back to what it was in `before` (an earlier state of
    /// the same person). Nothing when they already agree. For a person `before` did not know (added since),
    /// restoring [`Aspect::Existence`] removes them from the campaign.
    pub fn restore(&self, before: &Person, aspect: &Aspect) -> Vec<PersonCommand> {
        use PersonCommand as C;
        let (Some(now), then) = (self.state.as_ref(), before.state.as_ref()) else {
            return Vec::new();
        };
        let Some(then) = then else {
            return match aspect {
                Aspect::Existence
                    if !now.removed && !now.forgotten && now.merged_into.is_none() =>
                {
                    vec![C::RemoveFromCampaign]
                }
                _ => Vec::new(),
            };
        };
        match aspect {
            Aspect::Existence | Aspect::Other => Vec::new(),
            Aspect::Name => match then.name.value() {
                Some(name) if now.name.value() != Some(name) => {
                    vec![C::ChangeName { name: name.clone() }]
                }
                _ => Vec::new(),
            },
            Aspect::Contacts(kind) => {
                let mut commands = Vec::new();
                for point in now.contact_points.values().filter(|p| p.kind == *kind) {
                    match then.contact_points.get(&point.contact_point_id) {
                        None => commands.push(C::RemoveContactPoint {
                            contact_point_id: point.contact_point_id,
                        }),
                        Some(old) if old.do_not_contact != point.do_not_contact => {
                            commands.push(C::SetDoNotContact {
                                contact_point_id: point.contact_point_id,
                                do_not_contact: old.do_not_contact,
                            })
                        }
                        Some(_) => {}
                    }
                }
                for old in then.contact_points.values().filter(|p| p.kind == *kind) {
                    if now.contact_points.contains_key(&old.contact_point_id) {
                        continue;
                    }
                    // The same id again: the point comes back as it was.
                    if let Some(value) = old.value.value() {
                        commands.push(C::AddContactPoint {
                            contact_point_id: old.contact_point_id,
                            label: old.label,
                            value: value.clone(),
                            do_not_contact: old.do_not_contact,
                        });
                    }
                }
                commands
            }
            Aspect::Language if now.preferred_language != then.preferred_language => {
                vec![C::SetPreferredLanguage {
                    language: then.preferred_language.clone(),
                }]
            }
            Aspect::Language => Vec::new(),
            Aspect::Units => {
                let mut commands: Vec<PersonCommand> = now
                    .units
                    .difference(&then.units)
                    .map(|unit_id| C::LeaveUnit { unit_id: *unit_id })
                    .collect();
                commands.extend(
                    then.units
                        .difference(&now.units)
                        .map(|unit_id| C::JoinUnit { unit_id: *unit_id }),
                );
                commands
            }
            Aspect::Field(field) => {
                let of_field = |responses: &std::collections::BTreeSet<super::FieldResponseRef>| {
                    responses
                        .iter()
                        .filter(|response| response.field_id == *field)
                        .copied()
                        .collect::<std::collections::BTreeSet<_>>()
                };
                let (now_responses, then_responses) = (
                    of_field(&now.field_responses),
                    of_field(&then.field_responses),
                );
                let mut commands: Vec<PersonCommand> = now_responses
                    .difference(&then_responses)
                    .map(|response| C::RemoveFieldResponse {
                        field_id: response.field_id,
                        response_id: response.response_id,
                    })
                    .collect();
                commands.extend(then_responses.difference(&now_responses).map(|response| {
                    C::AddFieldResponse {
                        field_id: response.field_id,
                        response_id: response.response_id,
                    }
                }));
                match (
                    now.field_values.get(field).and_then(|v| v.value()),
                    then.field_values.get(field).and_then(|v| v.value()),
                ) {
                    (Some(_), None) => commands.push(C::ClearFieldValue { field_id: *field }),
                    (current, Some(old)) if current != Some(old) => {
                        commands.push(C::SetFieldValue {
                            field_id: *field,
                            value: old.clone(),
                        })
                    }
                    _ => {}
                }
                commands
            }
            Aspect::Assessment => match (now.assessment, then.assessment) {
                (current, old) if current == old => Vec::new(),
                (_, Some(level)) => vec![C::Assess { level, note: None }],
                (_, None) => vec![C::ClearAssessment],
            },
            Aspect::Organizer => match (now.organizer, then.organizer) {
                (current, old) if current == old => Vec::new(),
                (_, Some(organizer)) => vec![C::AssignOrganizer { organizer }],
                (_, None) => vec![C::UnassignOrganizer],
            },
            Aspect::ExternalId(system) => {
                let current = now.external_ids.get(system).and_then(|v| v.value());
                let old = then.external_ids.get(system).and_then(|v| v.value());
                if current == old {
                    Vec::new()
                } else {
                    vec![C::SetExternalId {
                        system: system.clone(),
                        value: old.cloned(),
                    }]
                }
            }
        }
    }
}
