//! Person mutations: adding people to a campaign, contact points, units, fields, assessments, connections,
//! organizers, follow-up, notes, 1:1s, structure-test steps, merging duplicates and forgetting.

use super::authz::Policy;
use super::enums::StepKind;
use super::parse::{self, PostalAddressInput};
use super::write::{mutate, MutationResult};
use crate::command::Command;
use crate::error::ApiError;
use async_graphql::{Context, Enum, InputObject, Object, ID};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::PersonId;
use domain::person::{FieldResponseRef, OneOnOne, PersonCommand};
use domain::values::{ContactValue, Email, EntityRef, FieldNumber, FieldValue, Phone};

/// How a person labels a contact point.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::values::ContactLabel")]
pub enum ContactLabel {
    Home,
    Work,
    Mobile,
    Other,
}

#[derive(InputObject)]
pub struct AddPersonInput {
    /// The new person's id; the server picks one when left out.
    pub id: Option<ID>,
    pub campaign_id: ID,
    pub given_name: String,
    #[graphql(default)]
    pub family_name: String,
    /// A language tag such as `es` or `en-US`.
    pub preferred_language: Option<String>,
}

/// Declares input types that name only a person, one per mutation so each can grow on its own.
macro_rules! person_inputs {
    ($($name:ident),*) => {$(
        #[derive(InputObject)]
        pub struct $name {
            pub person_id: ID,
        }
    )*};
}

person_inputs!(
    ClearAssessmentInput,
    UnassignOrganizerInput,
    FlagFollowUpInput,
    ClearFollowUpInput,
    RemovePersonFromCampaignInput,
    ForgetPersonInput
);

#[derive(InputObject)]
pub struct RenamePersonInput {
    pub person_id: ID,
    pub given_name: String,
    #[graphql(default)]
    pub family_name: String,
}

/// Exactly one of `email`, `phone` and `address`.
#[derive(InputObject)]
pub struct AddContactPointInput {
    pub person_id: ID,
    pub id: Option<ID>,
    pub label: ContactLabel,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<PostalAddressInput>,
    #[graphql(default)]
    pub do_not_contact: bool,
}

#[derive(InputObject)]
pub struct SetDoNotContactInput {
    pub person_id: ID,
    pub contact_point_id: ID,
    pub do_not_contact: bool,
}

#[derive(InputObject)]
pub struct RemoveContactPointInput {
    pub person_id: ID,
    pub contact_point_id: ID,
}

#[derive(InputObject)]
pub struct SetPreferredLanguageInput {
    pub person_id: ID,
    /// A language tag such as `es`; none clears it.
    pub language: Option<String>,
}

#[derive(InputObject)]
pub struct JoinUnitInput {
    pub person_id: ID,
    pub unit_id: ID,
}

#[derive(InputObject)]
pub struct LeaveUnitInput {
    pub person_id: ID,
    pub unit_id: ID,
}

#[derive(InputObject)]
pub struct AddPersonFieldResponseInput {
    pub person_id: ID,
    pub field_id: ID,
    pub response_id: ID,
}

#[derive(InputObject)]
pub struct RemovePersonFieldResponseInput {
    pub person_id: ID,
    pub field_id: ID,
    pub response_id: ID,
}

/// Exactly one of `number`, `date`, `text` and `address`, matching the field's type.
#[derive(InputObject)]
pub struct SetPersonFieldValueInput {
    pub person_id: ID,
    pub field_id: ID,
    pub number: Option<f64>,
    pub date: Option<NaiveDate>,
    pub text: Option<String>,
    pub address: Option<PostalAddressInput>,
}

#[derive(InputObject)]
pub struct ClearPersonFieldValueInput {
    pub person_id: ID,
    pub field_id: ID,
}

#[derive(InputObject)]
pub struct AssessPersonInput {
    pub person_id: ID,
    /// A level of the campaign's scale (1 is the strongest supporter).
    pub level: i32,
    pub note: Option<String>,
}

/// Exactly one of `targetPersonId` and `targetUnitId`.
#[derive(InputObject)]
pub struct ConnectInput {
    pub person_id: ID,
    pub id: Option<ID>,
    pub target_person_id: Option<ID>,
    pub target_unit_id: Option<ID>,
    /// In the organizers' words: "organizer of", "coworker of".
    pub kind: String,
}

#[derive(InputObject)]
pub struct DeactivateConnectionInput {
    pub person_id: ID,
    pub connection_id: ID,
}

#[derive(InputObject)]
pub struct AssignOrganizerInput {
    pub person_id: ID,
    pub organizer_id: ID,
}

#[derive(InputObject)]
pub struct AddNoteInput {
    pub person_id: ID,
    pub id: Option<ID>,
    pub text: String,
}

/// A response of one of the campaign's fields: by ids (`fieldId`, `responseId`) or by the names the campaign
/// shows (`field: "Top issues", response: "Pay"`, case and surrounding spaces ignored); each pair one way.
#[derive(InputObject)]
pub struct FieldResponseRefInput {
    pub field_id: Option<ID>,
    pub response_id: Option<ID>,
    /// The field's name, instead of `fieldId`.
    pub field: Option<String>,
    /// The response's name, instead of `responseId`.
    pub response: Option<String>,
}

/// The issues of a 1:1 as ids: pairs given by name are looked up in the person's campaign (only when there
/// are any, so the usual call costs nothing more).
async fn issue_refs(
    ctx: &Context<'_>,
    person: &ID,
    issues: &[FieldResponseRefInput],
) -> Result<Vec<FieldResponseRef>, ApiError> {
    let by_name = issues
        .iter()
        .any(|issue| issue.field.is_some() || issue.response.is_some());
    let names = if by_name {
        Some(Policy::campaign_names_of(ctx, parse::id("input.personId", person)?).await?)
    } else {
        None
    };
    let mut refs = Vec::with_capacity(issues.len());
    for (index, issue) in issues.iter().enumerate() {
        let at = |name: &str| format!("input.issues[{index}].{name}");
        let field_id = match (&issue.field_id, &issue.field, &names) {
            (Some(id), None, _) => parse::id(&at("fieldId"), id)?,
            (None, Some(name), Some(names)) => names.field_named(name).ok_or_else(|| {
                ApiError::invalid(
                    &at("field"),
                    format!("the campaign has no field called `{}`", name.trim()),
                )
            })?,
            _ => {
                return Err(ApiError::invalid(
                    &at("fieldId"),
                    "give exactly one of fieldId and field",
                ))
            }
        };
        let response_id = match (&issue.response_id, &issue.response, &names) {
            (Some(id), None, _) => parse::id(&at("responseId"), id)?,
            (None, Some(name), Some(names)) => {
                names.response_named(field_id, name).ok_or_else(|| {
                    ApiError::invalid(
                        &at("response"),
                        format!("the field has no response called `{}`", name.trim()),
                    )
                })?
            }
            _ => {
                return Err(ApiError::invalid(
                    &at("responseId"),
                    "give exactly one of responseId and response",
                ))
            }
        };
        refs.push(FieldResponseRef {
            field_id,
            response_id,
        });
    }
    Ok(refs)
}

#[derive(InputObject)]
pub struct LogOneOnOneInput {
    pub person_id: ID,
    pub id: Option<ID>,
    /// Who held the conversation; the caller when left out.
    pub organizer_id: Option<ID>,
    /// When it was held; now (the server's clock) when left out.
    pub held_at: Option<DateTime<Utc>>,
    /// Issues raised, as responses of the campaign's fields (by ids or by names).
    #[graphql(default)]
    pub issues: Vec<FieldResponseRefInput>,
    pub notes: Option<String>,
    /// The assessment after the conversation.
    pub assessment: Option<i32>,
    pub next_step: Option<String>,
}

#[derive(InputObject)]
pub struct RecordStructureTestStepInput {
    pub person_id: ID,
    pub structure_test_id: ID,
    pub step: StepKind,
}

#[derive(InputObject)]
pub struct MergePeopleInput {
    /// The person who stays; `expectedVersion` is this person's.
    pub survivor_id: ID,
    /// The duplicate, marked as merged into the survivor.
    pub duplicate_id: ID,
}

fn person(id: &ID) -> Result<PersonId, ApiError> {
    parse::id("input.personId", id)
}

fn on_person(id: &ID, command: PersonCommand) -> Result<Command, ApiError> {
    Ok(Command::Person(person(id)?, command))
}

fn person_name(given: &str, family: &str) -> Result<domain::values::PersonName, ApiError> {
    domain::values::PersonName::parse(given, family).map_err(|error| {
        // The given name is to blame when it fails on its own (empty, too long, a control character).
        let field = if domain::values::PersonName::parse(given, "").is_err() {
            "input.givenName"
        } else {
            "input.familyName"
        };
        ApiError::value(field, error)
    })
}

fn contact_value(input: &AddContactPointInput) -> Result<ContactValue, ApiError> {
    match (&input.email, &input.phone, &input.address) {
        (Some(email), None, None) => Email::parse(email)
            .map(ContactValue::Email)
            .map_err(|error| ApiError::value("input.email", error)),
        (None, Some(phone), None) => Phone::parse(phone)
            .map(ContactValue::Phone)
            .map_err(|error| ApiError::value("input.phone", error)),
        (None, None, Some(address)) => {
            parse::postal_address("input.address", address).map(ContactValue::Postal)
        }
        _ => Err(ApiError::invalid(
            "input",
            "give exactly one of email, phone and address",
        )),
    }
}

fn field_value(input: &SetPersonFieldValueInput) -> Result<FieldValue, ApiError> {
    match (&input.number, &input.date, &input.text, &input.address) {
        (Some(number), None, None, None) => FieldNumber::new(*number)
            .map(FieldValue::Number)
            .map_err(|error| ApiError::value("input.number", error)),
        (None, Some(date), None, None) => Ok(FieldValue::Date(*date)),
        (None, None, Some(text), None) => parse::note("input.text", text).map(FieldValue::Text),
        (None, None, None, Some(address)) => {
            parse::postal_address("input.address", address).map(FieldValue::Address)
        }
        _ => Err(ApiError::invalid(
            "input",
            "give exactly one of number, date, text and address",
        )),
    }
}

#[derive(Default)]
pub struct PersonMutation;

#[Object]
impl PersonMutation {
    /// Adds a person to a campaign.
    async fn add_person(
        &self,
        ctx: &Context<'_>,
        input: AddPersonInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let person_id = parse::new_id("input.id", input.id.as_ref())?;
            Ok(Command::Person(
                person_id,
                PersonCommand::AddToCampaign {
                    person_id,
                    campaign_id: parse::id("input.campaignId", &input.campaign_id)?,
                    name: person_name(&input.given_name, &input.family_name)?,
                    preferred_language: parse::language(
                        "input.preferredLanguage",
                        input.preferred_language.as_deref(),
                    )?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn rename_person(
        &self,
        ctx: &Context<'_>,
        input: RenamePersonInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::ChangeName {
                    name: person_name(&input.given_name, &input.family_name)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn add_contact_point(
        &self,
        ctx: &Context<'_>,
        input: AddContactPointInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::AddContactPoint {
                    contact_point_id: parse::new_id("input.id", input.id.as_ref())?,
                    label: input.label.into(),
                    value: contact_value(&input)?,
                    do_not_contact: input.do_not_contact,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn set_do_not_contact(
        &self,
        ctx: &Context<'_>,
        input: SetDoNotContactInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::SetDoNotContact {
                    contact_point_id: parse::id("input.contactPointId", &input.contact_point_id)?,
                    do_not_contact: input.do_not_contact,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn remove_contact_point(
        &self,
        ctx: &Context<'_>,
        input: RemoveContactPointInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::RemoveContactPoint {
                    contact_point_id: parse::id("input.contactPointId", &input.contact_point_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn set_preferred_language(
        &self,
        ctx: &Context<'_>,
        input: SetPreferredLanguageInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::SetPreferredLanguage {
                    language: parse::language("input.language", input.language.as_deref())?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn join_unit(
        &self,
        ctx: &Context<'_>,
        input: JoinUnitInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::JoinUnit {
                    unit_id: parse::id("input.unitId", &input.unit_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn leave_unit(
        &self,
        ctx: &Context<'_>,
        input: LeaveUnitInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::LeaveUnit {
                    unit_id: parse::id("input.unitId", &input.unit_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn add_person_field_response(
        &self,
        ctx: &Context<'_>,
        input: AddPersonFieldResponseInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::AddFieldResponse {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    response_id: parse::id("input.responseId", &input.response_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn remove_person_field_response(
        &self,
        ctx: &Context<'_>,
        input: RemovePersonFieldResponseInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::RemoveFieldResponse {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    response_id: parse::id("input.responseId", &input.response_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn set_person_field_value(
        &self,
        ctx: &Context<'_>,
        input: SetPersonFieldValueInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::SetFieldValue {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                    value: field_value(&input)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn clear_person_field_value(
        &self,
        ctx: &Context<'_>,
        input: ClearPersonFieldValueInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::ClearFieldValue {
                    field_id: parse::id("input.fieldId", &input.field_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Records an assessment on the campaign's scale, with who gave it and when.
    async fn assess_person(
        &self,
        ctx: &Context<'_>,
        input: AssessPersonInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::Assess {
                    level: parse::level("input.level", input.level)?,
                    note: parse::optional_note("input.note", input.note.as_deref())?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Makes the person unassessed again (the history keeps every earlier assessment).
    async fn clear_assessment(
        &self,
        ctx: &Context<'_>,
        input: ClearAssessmentInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_person(&input.person_id, PersonCommand::ClearAssessment);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Links the person to another person or a unit of the same campaign.
    async fn connect(
        &self,
        ctx: &Context<'_>,
        input: ConnectInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let target = match (&input.target_person_id, &input.target_unit_id) {
                (Some(person), None) => {
                    EntityRef::Person(parse::id("input.targetPersonId", person)?)
                }
                (None, Some(unit)) => EntityRef::Unit(parse::id("input.targetUnitId", unit)?),
                _ => {
                    return Err(ApiError::invalid(
                        "input",
                        "give exactly one of targetPersonId and targetUnitId",
                    ))
                }
            };
            on_person(
                &input.person_id,
                PersonCommand::Connect {
                    connection_id: parse::new_id("input.id", input.id.as_ref())?,
                    target,
                    kind: parse::connection_kind("input.kind", &input.kind)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Deactivates a connection; it stays in the history.
    async fn deactivate_connection(
        &self,
        ctx: &Context<'_>,
        input: DeactivateConnectionInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::DeactivateConnection {
                    connection_id: parse::id("input.connectionId", &input.connection_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn assign_organizer(
        &self,
        ctx: &Context<'_>,
        input: AssignOrganizerInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::AssignOrganizer {
                    organizer: parse::id("input.organizerId", &input.organizer_id)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Leaves the person uncovered.
    async fn unassign_organizer(
        &self,
        ctx: &Context<'_>,
        input: UnassignOrganizerInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_person(&input.person_id, PersonCommand::UnassignOrganizer);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn flag_follow_up(
        &self,
        ctx: &Context<'_>,
        input: FlagFollowUpInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_person(&input.person_id, PersonCommand::FlagFollowUp);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn clear_follow_up(
        &self,
        ctx: &Context<'_>,
        input: ClearFollowUpInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_person(&input.person_id, PersonCommand::ClearFollowUp);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn add_note(
        &self,
        ctx: &Context<'_>,
        input: AddNoteInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::AddNote {
                    note_id: parse::new_id("input.id", input.id.as_ref())?,
                    text: parse::note("input.text", &input.text)?,
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Logs a one-on-one conversation (its notes are sealed with the person's key).
    async fn log_one_on_one(
        &self,
        ctx: &Context<'_>,
        input: LogOneOnOneInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let issues = issue_refs(ctx, &input.person_id, &input.issues).await;
        let command = (|| {
            let organizer = match &input.organizer_id {
                Some(organizer) => parse::id("input.organizerId", organizer)?,
                None => Policy::identity(ctx)?.user,
            };
            let issues = issues?;
            let held_at = match input.held_at {
                Some(held_at) => held_at,
                None => Policy::now(ctx)?,
            };
            on_person(
                &input.person_id,
                PersonCommand::LogOneOnOne(OneOnOne {
                    conversation_id: parse::new_id("input.id", input.id.as_ref())?,
                    organizer,
                    held_at,
                    issues,
                    notes: parse::optional_note("input.notes", input.notes.as_deref())?,
                    assessment: input
                        .assessment
                        .map(|level| parse::level("input.assessment", level))
                        .transpose()?,
                    next_step: parse::optional_note("input.nextStep", input.next_step.as_deref())?,
                }),
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn record_structure_test_step(
        &self,
        ctx: &Context<'_>,
        input: RecordStructureTestStepInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            on_person(
                &input.person_id,
                PersonCommand::RecordStructureTestStep {
                    test_id: parse::id("input.structureTestId", &input.structure_test_id)?,
                    step: input.step.into(),
                },
            )
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Merges a duplicate into the survivor, atomically.
    async fn merge_people(
        &self,
        ctx: &Context<'_>,
        input: MergePeopleInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            Ok(Command::Person(
                parse::id("input.survivorId", &input.survivor_id)?,
                PersonCommand::MergeDuplicate {
                    duplicate: parse::id("input.duplicateId", &input.duplicate_id)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    async fn remove_person_from_campaign(
        &self,
        ctx: &Context<'_>,
        input: RemovePersonFromCampaignInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = on_person(&input.person_id, PersonCommand::RemoveFromCampaign);
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Forgets the person for good: their key is destroyed, so their personal data reads as erased
    /// everywhere. Cannot be undone.
    async fn forget_person(
        &self,
        ctx: &Context<'_>,
        input: ForgetPersonInput,
        #[graphql(desc = "Must be `FORGET`: erasure cannot be undone.")] confirm: String,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        // Only admins get as far as the confirmation; everyone else is refused whatever they typed.
        super::authz::Policy::require(
            super::authz::Policy::identity(ctx)?,
            crate::access::Permission::ForgetPeople,
        )?;
        if confirm != "FORGET" {
            return Err(ApiError::invalid(
                "confirm",
                "type FORGET to confirm; erasure cannot be undone",
            ));
        }
        let command = on_person(&input.person_id, PersonCommand::Forget);
        let result = mutate(ctx, command, expected_version, idempotency_key).await?;
        // Who asked is on the event too (its actor); the access log shows it to admins beside the reads.
        let access = super::authz::Policy::accounts(ctx, crate::access::Permission::ForgetPeople)?;
        crate::access::record_access(
            access.accounts().store(),
            access.identity,
            "FORGET_PERSON",
            Some(input.person_id.to_string()),
        )
        .await?;
        Ok(result)
    }
}
