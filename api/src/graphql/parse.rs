//! Turning GraphQL input into domain values. Every helper takes the input path of the value, so a
//! VALIDATION error names the field (`input.level: …`) as well as the rule the domain's constructor broke.

use crate::error::ApiError;
use async_graphql::ID;
use domain::values::{
    AssessmentLevel, Colour, ConnectionKind, GoalThreshold, Label, LanguageTag, Lines, NoteText,
    PostalAddress,
};

/// Identifier types that parse from a UUID's text.
pub trait DomainId: Sized {
    fn parse_text(text: &str) -> Result<Self, uuid::Error>;
    fn fresh() -> Self;
}

macro_rules! domain_ids {
    ($($name:ident),*) => {$(
        impl DomainId for domain::ids::$name {
            fn parse_text(text: &str) -> Result<Self, uuid::Error> {
                Self::parse(text)
            }
            fn fresh() -> Self {
                Self::new_random()
            }
        }
    )*};
}

domain_ids!(
    ChapterId,
    CampaignId,
    PersonId,
    UnitId,
    TaskId,
    StructureTestId,
    UserId,
    SectionId,
    FieldId,
    ResponseId,
    ConnectionId,
    ConversationId,
    ContactPointId,
    NoteId
);

/// An id the client must give.
pub fn id<T: DomainId>(field: &str, id: &ID) -> Result<T, ApiError> {
    T::parse_text(id.as_str()).map_err(|_| ApiError::invalid(field, "this is not an id (a UUID)"))
}

/// An id the client may give for a new thing (so that it can retry safely); a fresh one otherwise.
pub fn new_id<T: DomainId>(field: &str, given: Option<&ID>) -> Result<T, ApiError> {
    given.map_or_else(|| Ok(T::fresh()), |given| id(field, given))
}

pub fn optional_id<T: DomainId>(field: &str, given: Option<&ID>) -> Result<Option<T>, ApiError> {
    given.map(|given| id(field, given)).transpose()
}

pub fn ids<T: DomainId>(field: &str, given: &[ID]) -> Result<Vec<T>, ApiError> {
    given
        .iter()
        .enumerate()
        .map(|(index, given)| id(&format!("{field}[{index}]"), given))
        .collect()
}

/// Refuses a control character in input text that is no domain value (an idempotency key, a search, a
/// token's name), with the same rule and message as a single-line domain value: such text goes into SQL
/// parameters, and PostgreSQL's text cannot hold U+0000.
pub fn single_line(field: &str, what: &'static str, text: &str) -> Result<(), ApiError> {
    Lines::Single
        .check(what, text)
        .map_err(|error| ApiError::value(field, error))
}

pub fn label(field: &str, text: &str) -> Result<Label, ApiError> {
    Label::parse(text).map_err(|error| ApiError::value(field, error))
}

pub fn note(field: &str, text: &str) -> Result<NoteText, ApiError> {
    NoteText::parse(text).map_err(|error| ApiError::value(field, error))
}

pub fn optional_note(field: &str, text: Option<&str>) -> Result<Option<NoteText>, ApiError> {
    text.map(|text| note(field, text)).transpose()
}

pub fn colour(field: &str, text: &str) -> Result<Colour, ApiError> {
    Colour::parse(text).map_err(|error| ApiError::value(field, error))
}

pub fn connection_kind(field: &str, text: &str) -> Result<ConnectionKind, ApiError> {
    ConnectionKind::parse(text).map_err(|error| ApiError::value(field, error))
}

pub fn language(field: &str, text: Option<&str>) -> Result<Option<LanguageTag>, ApiError> {
    text.map(|text| LanguageTag::parse(text).map_err(|error| ApiError::value(field, error)))
        .transpose()
}

/// A level of the assessment scale. Whether the campaign's scale has it is the domain's decision.
pub fn level(field: &str, level: i32) -> Result<AssessmentLevel, ApiError> {
    u8::try_from(level)
        .ok()
        .and_then(|level| AssessmentLevel::new(level).ok())
        .ok_or_else(|| ApiError::invalid(field, "the assessment level must be between 1 and 255"))
}

pub fn goal_threshold(field: &str, percent: i32) -> Result<GoalThreshold, ApiError> {
    u8::try_from(percent)
        .ok()
        .and_then(|percent| GoalThreshold::new(percent).ok())
        .ok_or_else(|| ApiError::invalid(field, "the goal threshold must be between 1 and 100"))
}

/// A count that is never negative (a campaign's goal).
pub fn count(field: &str, count: i32) -> Result<u32, ApiError> {
    u32::try_from(count).map_err(|_| ApiError::invalid(field, "it must not be negative"))
}

/// A postal address as GraphQL takes it.
#[derive(async_graphql::InputObject, Debug, Clone)]
pub struct PostalAddressInput {
    /// One to four street lines.
    pub lines: Vec<String>,
    pub locality: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// A two-letter country code such as US or MX.
    pub country: String,
}

pub fn postal_address(field: &str, input: &PostalAddressInput) -> Result<PostalAddress, ApiError> {
    let lines: Vec<&str> = input.lines.iter().map(String::as_str).collect();
    PostalAddress::parse(
        &lines,
        &input.locality,
        input.region.as_deref(),
        input.postal_code.as_deref(),
        &input.country,
    )
    .map_err(|error| ApiError::value(field, error))
}
