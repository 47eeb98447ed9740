//! Custom fields read back: a campaign's sections, fields and responses (so a client can offer them), and a
//! person's field values. Both come from the aggregates' own streams: the campaign's configuration is small,
//! and field values are personal data sealed with the person's key, never projected (like notes).

use super::authz::ReadAccess;
use super::campaign::FieldType;
use crate::error::ApiError;
use async_graphql::{SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use domain::context::EventMetadata;
use domain::ids::{CampaignId, FieldId, PersonId};
use domain::person::Person;
use domain::values::FieldValue;
use store::AggregateStore;

/// A section of a campaign's custom fields.
#[derive(SimpleObject, Debug, Clone)]
pub struct FieldSection {
    pub id: ID,
    pub name: String,
    /// Its fields, in the order of their ids.
    pub fields: Vec<CampaignField>,
}

/// A custom field of a campaign.
#[derive(SimpleObject, Debug, Clone)]
pub struct CampaignField {
    pub id: ID,
    pub section_id: ID,
    pub name: String,
    /// What the field holds: picked responses (`STANDARD`, `SHIFT`) or a value (`setPersonFieldValue`).
    pub kind: FieldType,
    /// Whether a person may have more than one of its responses.
    pub allows_multiple: bool,
    /// Its responses, retired ones included (marked); empty for a field that holds a value.
    pub responses: Vec<CampaignFieldResponse>,
}

/// A response a field offers.
#[derive(SimpleObject, Debug, Clone)]
pub struct CampaignFieldResponse {
    pub id: ID,
    pub name: String,
    /// A retired response stays on the people who have it but can no longer be picked.
    pub retired: bool,
}

/// A campaign's configuration as its stream holds it (empty when the campaign does not exist).
pub(super) async fn campaign(
    access: &ReadAccess<'_>,
    campaign: CampaignId,
) -> Result<domain::campaign::Campaign, ApiError> {
    let campaigns = AggregateStore::<domain::campaign::Campaign>::new(access.store().clone());
    Ok(campaigns
        .load(&campaign.to_string())
        .await?
        .aggregate()
        .clone())
}

/// The sections, fields and responses of a campaign.
pub(super) fn sections(campaign: &domain::campaign::Campaign) -> Vec<FieldSection> {
    campaign
        .catalogue()
        .into_iter()
        .map(|section| FieldSection {
            id: ID(section.section_id.to_string()),
            name: section.name.as_str().to_string(),
            fields: section
                .fields
                .into_iter()
                .map(|field| CampaignField {
                    id: ID(field.field_id.to_string()),
                    section_id: ID(field.section_id.to_string()),
                    name: field.name.as_str().to_string(),
                    kind: field.field_type.into(),
                    allows_multiple: field.allows_multiple,
                    responses: field
                        .responses
                        .into_iter()
                        .map(|(id, name, retired)| CampaignFieldResponse {
                            id: ID(id.to_string()),
                            name: name.as_str().to_string(),
                            retired,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// A postal address as a field holds it.
#[derive(SimpleObject, Debug, Clone)]
pub struct PostalAddressValue {
    pub lines: Vec<String>,
    pub locality: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
}

/// The value of one of a person's number, date, text or address fields: exactly one of `number`, `date`,
/// `text` and `address` is set, matching `kind`, unless the person was forgotten (`erased`).
#[derive(SimpleObject, Debug, Clone)]
pub struct PersonFieldValue {
    pub field_id: ID,
    /// The field's name in the campaign.
    pub field_name: Option<String>,
    pub kind: FieldType,
    pub number: Option<f64>,
    pub date: Option<NaiveDate>,
    pub text: Option<String>,
    pub address: Option<PostalAddressValue>,
    /// True when the person was forgotten and the value is gone for good.
    pub erased: bool,
}

/// A person's field values as they stood at `as_of` (every change recorded by then, as the rest of a
/// time-travelled person), or now: the person's stream replayed, opened with their key.
pub(super) async fn person_field_values(
    access: &ReadAccess<'_>,
    person: PersonId,
    campaign: CampaignId,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<PersonFieldValue>, ApiError> {
    let people = AggregateStore::<Person>::new(access.store().clone());
    let mut state = Person::default();
    for envelope in people.load_all_events(&person.to_string()).await? {
        if let Some(as_of) = as_of {
            let at = EventMetadata::from_map(&envelope.metadata)
                .map_err(|error| ApiError::internal(format!("event metadata: {error:?}")))?
                .at;
            if at > as_of {
                break;
            }
        }
        cqrs_es::Aggregate::apply(&mut state, envelope.payload);
    }
    let configuration = self::campaign(access, campaign).await?;
    let names: std::collections::HashMap<FieldId, (String, domain::values::FieldType)> =
        configuration
            .catalogue()
            .into_iter()
            .flat_map(|section| section.fields)
            .map(|field| {
                (
                    field.field_id,
                    (field.name.as_str().to_string(), field.field_type),
                )
            })
            .collect();
    Ok(state
        .field_values()
        .into_iter()
        .filter_map(|(field, value)| {
            let (name, field_type) = match names.get(&field) {
                Some((name, field_type)) => (Some(name.clone()), Some(*field_type)),
                None => (None, None),
            };
            let mut shown = PersonFieldValue {
                field_id: ID(field.to_string()),
                field_name: name,
                kind: field_type
                    .or_else(|| value.value().map(FieldValue::field_type))?
                    .into(),
                number: None,
                date: None,
                text: None,
                address: None,
                erased: value.is_erased(),
            };
            match value.value() {
                Some(FieldValue::Number(number)) => shown.number = Some(number.get()),
                Some(FieldValue::Date(date)) => shown.date = Some(*date),
                Some(FieldValue::Text(text)) => shown.text = Some(text.as_str().to_string()),
                Some(FieldValue::Address(address)) => {
                    shown.address = Some(PostalAddressValue {
                        lines: address.lines().to_vec(),
                        locality: address.locality().to_string(),
                        region: address.region().map(ToString::to_string),
                        postal_code: address.postal_code().map(ToString::to_string),
                        country: address.country().to_string(),
                    })
                }
                None => {}
            }
            Some(shown)
        })
        .collect())
}
