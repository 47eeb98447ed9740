//! Validated values that commands and events carry. Each type can only be built through a constructor that
//! checks it (parse, don't validate), so a command that type-checks holds only valid data.
//!
//! Text-based values deserialize through the same constructor, so even a hand-edited event cannot smuggle in
//! an invalid value.
//!
//! No text value holds a control character: PostgreSQL's text cannot store U+0000, and the others (escape
//! sequences, C1 codes) have no business in a name or a note. A single-line value refuses every Unicode
//! control character (C0, DEL, C1); multi-line free text accepts line feeds, carriage returns and tabs only.
//! Events written before that rule may still hold control characters, so reading a stored value back
//! repairs it instead of refusing it (a stream must keep loading): a whitespace control becomes a space and
//! any other becomes U+FFFD, the replacement character. The log itself is never edited.

use crate::ids::{PersonId, UnitId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was rejected. Shown to the person who typed it, so it names the value and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} must be at most {max} characters long")]
    TooLong { what: &'static str, max: usize },
    #[error("{what} is not valid: {rule}")]
    Malformed {
        what: &'static str,
        rule: &'static str,
    },
    #[error("{what} must be between {min} and {max}")]
    OutOfRange {
        what: &'static str,
        min: i64,
        max: i64,
    },
    /// The text holds a control character that the value does not allow (see [`Lines`]).
    #[error("{what} contains a control character (U+{:04X})", u32::from(*character))]
    ControlCharacter { what: &'static str, character: char },
}

/// Which control characters a text value may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A name, a label, an address line: no control character at all.
    Single,
    /// Free text (notes, a one-on-one's notes, next steps, text field values): line feed, carriage return
    /// and tab only.
    Multi,
}

impl Lines {
    /// Whether `character` is a control character this kind of text refuses.
    pub fn refuses(self, character: char) -> bool {
        character.is_control() && !(self == Self::Multi && matches!(character, '\n' | '\r' | '\t'))
    }

    /// The first character of `text` this kind of text refuses, as the error naming `what`.
    pub fn check(self, what: &'static str, text: &str) -> Result<(), ValueError> {
        match text.chars().find(|character| self.refuses(*character)) {
            Some(character) => Err(ValueError::ControlCharacter { what, character }),
            None => Ok(()),
        }
    }

    /// `text` with every refused character replaced: a whitespace control by a space, any other by U+FFFD.
    /// Used only when reading back values stored before control characters were refused.
    fn repair(self, text: String) -> String {
        if !text.chars().any(|character| self.refuses(character)) {
            return text;
        }
        text.chars()
            .map(|character| match character {
                c if !self.refuses(c) => c,
                c if c.is_whitespace() => ' ',
                _ => char::REPLACEMENT_CHARACTER,
            })
            .collect()
    }
}

/// A text as stored in an event or a snapshot, before it is repaired and checked (see the module's docs).
#[derive(Deserialize)]
#[serde(transparent)]
pub struct StoredText(String);

/// Trims `text` and checks that what is left has 1..=`max` characters and no control character `lines`
/// refuses. Surrounding whitespace, line breaks included, is trimmed first and so never refused.
fn bounded_text(
    what: &'static str,
    text: &str,
    max: usize,
    lines: Lines,
) -> Result<String, ValueError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ValueError::Empty { what });
    }
    lines.check(what, trimmed)?;
    if trimmed.chars().count() > max {
        return Err(ValueError::TooLong { what, max });
    }
    Ok(trimmed.to_string())
}

/// Declares a newtype over a trimmed, length-limited `String` without refused control characters that
/// (de)serializes as a plain string.
macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "StoredText", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;
            /// Which control characters the value accepts.
            pub const LINES: Lines = $lines;

            pub fn parse(text: &str) -> Result<Self, ValueError> {
                bounded_text($what, text, Self::MAX_CHARS, Self::LINES).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(text: String) -> Result<Self, ValueError> {
                Self::parse(&text)
            }
        }

        impl TryFrom<StoredText> for $name {
            type Error = ValueError;
            fn try_from(stored: StoredText) -> Result<Self, ValueError> {
                Self::parse(&Self::LINES.repair(stored.0))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// The name of something that is not a person: a chapter, campaign, unit, unit kind, section, field,
    /// response, scale level, task title or structure test. Never personal data.
    Label,
    "the name",
    200,
    Lines::Single
);

text_value!(
    /// Free text about a person: a note, the notes of a one-on-one, a next step, a text field value.
    /// Always personal: events wrap it in `Sensitive`.
    NoteText,
    "the text",
    10_000,
    Lines::Multi
);

text_value!(
    /// The kind of a connection between two entities, in the organizers' words ("organizer of", "coworker of").
    ConnectionKind,
    "the connection kind",
    100,
    Lines::Single
);

text_value!(
    /// The name of a system outside Groundwork that knows a person by its own id: `action_builder`, an
    /// employer's payroll (`employee_number`), a union's membership list. Compared case-insensitively, so
    /// stored lower case by [`ExternalSystem::normalized`].
    ExternalSystem,
    "the external system",
    60,
    Lines::Single
);

impl ExternalSystem {
    /// The system's name lower case, with spaces and dashes as `_`: `Action Builder` and `action-builder`
    /// are the same system.
    pub fn normalized(text: &str) -> Result<Self, ValueError> {
        let name: String = text
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        Self::parse(&name)
    }
}

text_value!(
    /// A person's id in an external system (an Action Builder id, an employee number). Personal: events wrap
    /// it in `Sensitive`.
    ExternalIdValue,
    "the external id",
    200,
    Lines::Single
);

/// A person's name. The given name is required; the family name may be empty because many people have one name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "StoredPersonName")]
pub struct PersonName {
    given: String,
    family: String,
}

/// A person's name as stored. Reading it back only repairs control characters: names were stored without
/// any other check on the way back, and an event must keep loading.
#[derive(Deserialize)]
struct StoredPersonName {
    given: String,
    family: String,
}

impl From<StoredPersonName> for PersonName {
    fn from(stored: StoredPersonName) -> Self {
        Self {
            given: Lines::Single.repair(stored.given),
            family: Lines::Single.repair(stored.family),
        }
    }
}

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(given: &str, family: &str) -> Result<Self, ValueError> {
        let given = bounded_text("the given name", given, Self::MAX_CHARS, Lines::Single)?;
        let family = family.trim();
        Lines::Single.check("the family name", family)?;
        if family.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong {
                what: "the family name",
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self {
            given,
            family: family.to_string(),
        })
    }

    pub fn given(&self) -> &str {
        &self.given
    }

    pub fn family(&self) -> &str {
        &self.family
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.family.is_empty() {
            f.write_str(&self.given)
        } else {
            write!(f, "{} {}", self.given, self.family)
        }
    }
}

/// An email address, checked for basic syntax only: deliverability is not the domain's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "StoredText", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "the email address";
        let text = bounded_text(WHAT, text, Self::MAX_CHARS, Lines::Single)?;
        let malformed = |rule| ValueError::Malformed { what: WHAT, rule };
        if text.chars().any(char::is_whitespace) {
            return Err(malformed("it must not contain spaces"));
        }
        let (local, domain) = text.split_once('@').ok_or(malformed("it needs an @"))?;
        if local.is_empty() || domain.contains('@') {
            return Err(malformed("it needs exactly one @ with text before it"));
        }
        let labels_are_filled = domain.split('.').all(|label| !label.is_empty());
        if !domain.contains('.') || !labels_are_filled {
            return Err(malformed(
                "the part after @ must be a domain such as example.org",
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl TryFrom<StoredText> for Email {
    type Error = ValueError;
    fn try_from(stored: StoredText) -> Result<Self, ValueError> {
        Self::parse(&Lines::Single.repair(stored.0))
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

/// A phone number as typed: digits, spaces and an optional leading `+`, with 7 to 15 digits (E.164 allows 15).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        const WHAT: &str = "the phone number";
        let text = bounded_text(WHAT, text, 30, Lines::Single)?;
        let malformed = |rule| ValueError::Malformed { what: WHAT, rule };
        let rest = text.strip_prefix('+').unwrap_or(&text);
        if !rest.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            return Err(malformed("use only digits, spaces and a leading +"));
        }
        let digits = rest.chars().filter(char::is_ascii_digit).count();
        if !(7..=15).contains(&digits) {
            return Err(malformed("it must have between 7 and 15 digits"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> String {
        value.0
    }
}

/// A postal address: one to four street lines, a locality, optional region and postal code, and an ISO
/// 3166-1 alpha-2 country code (stored upper case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "StoredPostalAddress")]
pub struct PostalAddress {
    lines: Vec<String>,
    locality: String,
    region: Option<String>,
    postal_code: Option<String>,
    country: String,
}

/// A postal address as stored. Reading it back only repairs control characters, as for [`PersonName`].
#[derive(Deserialize)]
struct StoredPostalAddress {
    lines: Vec<String>,
    locality: String,
    region: Option<String>,
    postal_code: Option<String>,
    country: String,
}

impl From<StoredPostalAddress> for PostalAddress {
    fn from(stored: StoredPostalAddress) -> Self {
        let repair = |text| Lines::Single.repair(text);
        Self {
            lines: stored.lines.into_iter().map(repair).collect(),
            locality: repair(stored.locality),
            region: stored.region.map(repair),
            postal_code: stored.postal_code.map(repair),
            country: repair(stored.country),
        }
    }
}

impl PostalAddress {
    pub fn parse(
        lines: &[&str],
        locality: &str,
        region: Option<&str>,
        postal_code: Option<&str>,
        country: &str,
    ) -> Result<Self, ValueError> {
        let lines: Vec<String> = lines
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .map(|line| bounded_text("an address line", line, 200, Lines::Single))
            .collect::<Result<_, _>>()?;
        if lines.is_empty() {
            return Err(ValueError::Empty {
                what: "the street address",
            });
        }
        if lines.len() > 4 {
            return Err(ValueError::Malformed {
                what: "the street address",
                rule: "use at most 4 lines",
            });
        }
        let optional = |what, text: Option<&str>| match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => bounded_text(what, text, 100, Lines::Single).map(Some),
        };
        Lines::Single.check("the country", country.trim())?;
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ValueError::Malformed {
                what: "the country",
                rule: "use a two-letter country code such as US or MX",
            });
        }
        Ok(Self {
            lines,
            locality: bounded_text("the locality", locality, 100, Lines::Single)?,
            region: optional("the region", region)?,
            postal_code: optional("the postal code", postal_code)?,
            country,
        })
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }
    pub fn locality(&self) -> &str {
        &self.locality
    }
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }
    pub fn country(&self) -> &str {
        &self.country
    }
}

/// A colour of the assessment scale, `#rrggbb`, stored lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour(String);

impl Colour {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let text = text.trim();
        Lines::Single.check("the colour", text)?;
        let hex = text.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ValueError::Malformed {
                what: "the colour",
                rule: "use the form #rrggbb",
            });
        }
        Ok(Self(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Colour {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl From<Colour> for String {
    fn from(value: Colour) -> String {
        value.0
    }
}

/// A level of an assessment scale: 1 is the strongest supporter. Whether the level exists on a given
/// campaign's scale is checked when a command is handled, against the campaign's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct AssessmentLevel(u8);

impl AssessmentLevel {
    pub fn new(level: u8) -> Result<Self, ValueError> {
        if level == 0 {
            return Err(ValueError::OutOfRange {
                what: "the assessment level",
                min: 1,
                max: i64::from(u8::MAX),
            });
        }
        Ok(Self(level))
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// The level after this one, used when a campaign appends a level to its scale.
    pub fn next(self) -> Option<Self> {
        self.0.checked_add(1).map(Self)
    }
}

impl TryFrom<u8> for AssessmentLevel {
    type Error = ValueError;
    fn try_from(level: u8) -> Result<Self, ValueError> {
        Self::new(level)
    }
}

impl From<AssessmentLevel> for u8 {
    fn from(level: AssessmentLevel) -> u8 {
        level.0
    }
}

impl fmt::Display for AssessmentLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The share of people a structure test must reach, in percent (1..=100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct GoalThreshold(u8);

impl GoalThreshold {
    pub fn new(percent: u8) -> Result<Self, ValueError> {
        if !(1..=100).contains(&percent) {
            return Err(ValueError::OutOfRange {
                what: "the goal threshold",
                min: 1,
                max: 100,
            });
        }
        Ok(Self(percent))
    }

    pub const fn percent(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for GoalThreshold {
    type Error = ValueError;
    fn try_from(percent: u8) -> Result<Self, ValueError> {
        Self::new(percent)
    }
}

impl From<GoalThreshold> for u8 {
    fn from(goal: GoalThreshold) -> u8 {
        goal.0
    }
}

/// A BCP 47 language tag, simplified: a 2–3 letter language ("es") and optional subtags ("en-US").
/// Stored with the language lower case and a two-letter region upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let malformed = ValueError::Malformed {
            what: "the language",
            rule: "use a language tag such as es or en-US",
        };
        Lines::Single.check("the language", text.trim())?;
        let mut parts = text.trim().split('-');
        let language = parts.next().unwrap_or("");
        if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(malformed);
        }
        let mut normalized = language.to_ascii_lowercase();
        for subtag in parts {
            if !(2..=8).contains(&subtag.len())
                || !subtag.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Err(malformed);
            }
            normalized.push('-');
            if subtag.len() == 2 {
                normalized.push_str(&subtag.to_ascii_uppercase());
            } else {
                normalized.push_str(subtag);
            }
        }
        Ok(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl From<LanguageTag> for String {
    fn from(value: LanguageTag) -> String {
        value.0
    }
}

/// What kind of contact point a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactKind {
    Email,
    Phone,
    Postal,
}

/// How a person labels a contact point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactLabel {
    Home,
    Work,
    Mobile,
    Other,
}

/// The value of a contact point. Its kind follows from the value, so the two can never disagree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactValue {
    Email(Email),
    Phone(Phone),
    Postal(PostalAddress),
}

impl ContactValue {
    pub fn kind(&self) -> ContactKind {
        match self {
            Self::Email(_) => ContactKind::Email,
            Self::Phone(_) => ContactKind::Phone,
            Self::Postal(_) => ContactKind::Postal,
        }
    }
}

/// The type of a custom field. Standard and shift fields are answered by picking responses; the others
/// hold a [`FieldValue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldType {
    Standard,
    Number,
    Date,
    Text,
    Address,
    Shift,
}

impl FieldType {
    /// Whether the field is answered by picking responses (Action Builder "tags").
    pub fn takes_responses(self) -> bool {
        matches!(self, Self::Standard | Self::Shift)
    }
}

/// A finite number, the value of a number field.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct FieldNumber(f64);

impl FieldNumber {
    pub fn new(number: f64) -> Result<Self, ValueError> {
        if !number.is_finite() {
            return Err(ValueError::Malformed {
                what: "the number",
                rule: "it must be a finite number",
            });
        }
        Ok(Self(number))
    }

    pub const fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for FieldNumber {
    type Error = ValueError;
    fn try_from(number: f64) -> Result<Self, ValueError> {
        Self::new(number)
    }
}

impl From<FieldNumber> for f64 {
    fn from(number: FieldNumber) -> f64 {
        number.0
    }
}

/// The value of a number, date, text or address field for one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldValue {
    Number(FieldNumber),
    Date(NaiveDate),
    Text(NoteText),
    Address(PostalAddress),
}

impl FieldValue {
    /// The field type this value answers.
    pub fn field_type(&self) -> FieldType {
        match self {
            Self::Number(_) => FieldType::Number,
            Self::Date(_) => FieldType::Date,
            Self::Text(_) => FieldType::Text,
            Self::Address(_) => FieldType::Address,
        }
    }
}

/// The kind of work a task asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskKind {
    OneOnOne,
    FollowUp,
    StructureTestAsk,
    DataCheck,
}

/// Where a task stands: open, then done or cancelled (both can be reopened).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

/// A person's participation step in a structure test. "Not asked" is the absence of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepKind {
    Asked,
    Committed,
    Participated,
    Declined,
}

impl StepKind {
    /// Whether a person whose latest step is `from` (None: not asked) may move to `self`.
    ///
    /// Steps go forward along asked → committed → participated (skipping is allowed: someone may turn up
    /// without having been asked). Declining is possible until someone has participated. After declining,
    /// a person may be asked again or may still commit or participate.
    pub fn may_follow(self, from: Option<StepKind>) -> bool {
        fn rank(step: StepKind) -> u8 {
            match step {
                StepKind::Declined => 0,
                StepKind::Asked => 1,
                StepKind::Committed => 2,
                StepKind::Participated => 3,
            }
        }
        match (from, self) {
            (None, _) => true,
            (Some(StepKind::Participated), StepKind::Declined) => false,
            (Some(from), StepKind::Declined) => from != StepKind::Declined,
            (Some(from), to) => rank(to) > rank(from),
        }
    }
}

/// The other end of a connection: a person or a unit of the same campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityRef {
    Person(PersonId),
    Unit(UnitId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(
            Label::parse("  Night shift ").unwrap().as_str(),
            "Night shift"
        );
        assert!(matches!(Label::parse("   "), Err(ValueError::Empty { .. })));
        assert!(Label::parse(&"x".repeat(200)).is_ok());
        assert!(matches!(
            Label::parse(&"x".repeat(201)),
            Err(ValueError::TooLong { max: 200, .. })
        ));
    }

    #[test]
    fn a_label_cannot_be_deserialized_empty() {
        assert!(serde_json::from_str::<Label>("\"\"").is_err());
        assert_eq!(
            serde_json::from_str::<Label>("\"Shop\"").unwrap().as_str(),
            "Shop"
        );
    }

    #[test]
    fn person_names_need_a_given_name() {
        let name = PersonName::parse(" Ana ", " García ").unwrap();
        assert_eq!((name.given(), name.family()), ("Ana", "García"));
        assert_eq!(name.to_string(), "Ana García");
        assert_eq!(PersonName::parse("Zé", "").unwrap().to_string(), "Zé");
        assert!(PersonName::parse(" ", "García").is_err());
        assert!(PersonName::parse("Ana", &"x".repeat(101)).is_err());
    }

    #[test]
    fn emails_need_basic_syntax() {
        assert!(Email::parse("ana@example.org").is_ok());
        for bad in [
            "",
            "ana",
            "@example.org",
            "ana@",
            "ana@example",
            "a na@example.org",
            "a@b@c.org",
            "ana@x..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn phones_have_seven_to_fifteen_digits() {
        assert!(Phone::parse("+1 555 123 4567").is_ok());
        assert!(Phone::parse("5551234").is_ok());
        assert!(Phone::parse("555123").is_err());
        assert!(Phone::parse("1234567890123456").is_err());
        assert!(Phone::parse("555-1234").is_err());
        assert!(Phone::parse("55+51234").is_err());
    }

    #[test]
    fn postal_addresses_need_a_line_a_locality_and_a_country_code() {
        let address =
            PostalAddress::parse(&["1 Main St", " "], "Springfield", Some("IL"), None, "us")
                .unwrap();
        assert_eq!(address.lines(), ["1 Main St"]);
        assert_eq!(address.country(), "US");
        assert_eq!(address.postal_code(), None);
        assert!(PostalAddress::parse(&[], "Springfield", None, None, "US").is_err());
        assert!(PostalAddress::parse(&["1 Main St"], " ", None, None, "US").is_err());
        assert!(PostalAddress::parse(&["1 Main St"], "Springfield", None, None, "USA").is_err());
        assert!(
            PostalAddress::parse(&["a", "b", "c", "d", "e"], "Springfield", None, None, "US")
                .is_err()
        );
    }

    #[test]
    fn colours_are_hex_triplets() {
        assert_eq!(Colour::parse("#1A9641").unwrap().as_str(), "#1a9641");
        assert!(Colour::parse("1a9641").is_err());
        assert!(Colour::parse("#1a964").is_err());
        assert!(Colour::parse("#1a964g").is_err());
    }

    #[test]
    fn assessment_levels_start_at_one() {
        assert!(AssessmentLevel::new(0).is_err());
        assert_eq!(AssessmentLevel::new(1).unwrap().get(), 1);
        assert_eq!(
            AssessmentLevel::new(5).unwrap().next(),
            AssessmentLevel::new(6).ok()
        );
        assert!(serde_json::from_str::<AssessmentLevel>("0").is_err());
    }

    #[test]
    fn goal_thresholds_are_percentages() {
        assert!(GoalThreshold::new(0).is_err());
        assert!(GoalThreshold::new(101).is_err());
        assert_eq!(GoalThreshold::new(70).unwrap().percent(), 70);
    }

    #[test]
    fn language_tags_are_normalized() {
        assert_eq!(LanguageTag::parse("es").unwrap().as_str(), "es");
        assert_eq!(LanguageTag::parse("EN-us").unwrap().as_str(), "en-US");
        assert!(LanguageTag::parse("e").is_err());
        assert!(LanguageTag::parse("english").is_err());
        assert!(LanguageTag::parse("en-").is_err());
    }

    #[test]
    fn contact_values_know_their_kind() {
        let email = ContactValue::Email(Email::parse("ana@example.org").unwrap());
        assert_eq!(email.kind(), ContactKind::Email);
    }

    #[test]
    fn only_standard_and_shift_fields_take_responses() {
        assert!(FieldType::Standard.takes_responses());
        assert!(FieldType::Shift.takes_responses());
        assert!(!FieldType::Number.takes_responses());
        assert!(!FieldType::Text.takes_responses());
    }

    #[test]
    fn field_numbers_are_finite() {
        assert!(FieldNumber::new(f64::NAN).is_err());
        assert!(FieldNumber::new(f64::INFINITY).is_err());
        assert_eq!(
            FieldValue::Number(FieldNumber::new(3.5).unwrap()).field_type(),
            FieldType::Number
        );
    }

    /// Control characters that no value accepts: NUL and another C0 code, DEL, and two C1 codes (NEL and
    /// the last one).
    const ALWAYS_REFUSED: [char; 5] = ['\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'];
    /// Control characters that only multi-line text accepts.
    const LINE_CONTROLS: [char; 3] = ['\n', '\r', '\t'];

    fn refused_as_control(result: Result<impl fmt::Debug, ValueError>, character: char) {
        match result {
            Err(ValueError::ControlCharacter {
                character: found, ..
            }) => assert_eq!(found, character),
            other => panic!(
                "U+{:04X} should be refused, got {other:?}",
                u32::from(character)
            ),
        }
    }

    #[test]
    fn the_error_names_the_value_and_the_code_point() {
        let error = Label::parse("Night\u{0}shift").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the name contains a control character (U+0000)"
        );
        assert_eq!(
            NoteText::parse("a\u{9b}b").unwrap_err().to_string(),
            "the text contains a control character (U+009B)"
        );
    }

    #[test]
    fn single_line_texts_refuse_every_control_character() {
        for character in ALWAYS_REFUSED.into_iter().chain(LINE_CONTROLS) {
            let text = format!("Night{character}shift");
            refused_as_control(Label::parse(&text), character);
            refused_as_control(ConnectionKind::parse(&text), character);
            refused_as_control(PersonName::parse(&text, "García"), character);
            refused_as_control(PersonName::parse("Ana", &text), character);
        }
    }

    #[test]
    fn multi_line_text_accepts_only_line_breaks_and_tabs() {
        let text = NoteText::parse("Line one\r\nline two\n\tindented").unwrap();
        assert_eq!(text.as_str(), "Line one\r\nline two\n\tindented");
        for character in ALWAYS_REFUSED {
            refused_as_control(NoteText::parse(&format!("a{character}b")), character);
        }
        let field_text = NoteText::parse("Shift\u{0}notes").map(FieldValue::Text);
        refused_as_control(field_text, '\u{0}');
    }

    #[test]
    fn surrounding_line_breaks_are_trimmed_not_refused() {
        assert_eq!(
            Label::parse("\tNight shift\r\n").unwrap().as_str(),
            "Night shift"
        );
        assert_eq!(
            PersonName::parse("Ana\n", "\tGarcía").unwrap().to_string(),
            "Ana García"
        );
    }

    #[test]
    fn contact_values_refuse_control_characters() {
        for character in ALWAYS_REFUSED {
            refused_as_control(
                Email::parse(&format!("ana{character}@example.org")),
                character,
            );
            refused_as_control(Phone::parse(&format!("555{character}1234")), character);
            let bad = format!("1 Main{character} St");
            refused_as_control(
                PostalAddress::parse(&[&bad], "Springfield", None, None, "US"),
                character,
            );
            refused_as_control(
                PostalAddress::parse(&["1 Main St"], &bad, None, None, "US"),
                character,
            );
            refused_as_control(
                PostalAddress::parse(&["1 Main St"], "Springfield", Some(&bad), None, "US"),
                character,
            );
            refused_as_control(
                PostalAddress::parse(&["1 Main St"], "Springfield", None, Some(&bad), "US"),
                character,
            );
            refused_as_control(
                PostalAddress::parse(
                    &["1 Main St"],
                    "Springfield",
                    None,
                    None,
                    &format!("U{character}S"),
                ),
                character,
            );
        }
    }

    #[test]
    fn codes_refuse_control_characters() {
        refused_as_control(LanguageTag::parse("es\u{0}"), '\u{0}');
        refused_as_control(LanguageTag::parse("en-\u{85}US"), '\u{85}');
        refused_as_control(Colour::parse("#1a\u{7f}641"), '\u{7f}');
    }

    #[test]
    fn stored_control_characters_are_repaired_on_load() {
        // Written before the rule existed: the stream must keep loading, with the characters replaced.
        let label: Label = serde_json::from_str("\"Night\\u0000shift\\tB\"").unwrap();
        assert_eq!(label.as_str(), "Night\u{FFFD}shift B");
        let note: NoteText = serde_json::from_str("\"one\\ntwo\\u001b\"").unwrap();
        assert_eq!(note.as_str(), "one\ntwo\u{FFFD}");
        let email: Email = serde_json::from_str("\"ana\\u0000@example.org\"").unwrap();
        assert_eq!(email.as_str(), "ana\u{FFFD}@example.org");
        let name: PersonName =
            serde_json::from_str(r#"{"given":"A\u0000na","family":"Gar\u0085cía"}"#).unwrap();
        assert_eq!(name.to_string(), "A\u{FFFD}na Gar cía");
        let address: PostalAddress = serde_json::from_str(
            r#"{"lines":["1 Main\u0000St"],"locality":"Springfield","region":null,"postal_code":null,"country":"US"}"#,
        )
        .unwrap();
        assert_eq!(address.lines(), ["1 Main\u{FFFD}St"]);
        // A value that holds no control character reads back exactly as it was written.
        let clean = PersonName::parse("Ana", "García").unwrap();
        let json = serde_json::to_string(&clean).unwrap();
        assert_eq!(serde_json::from_str::<PersonName>(&json).unwrap(), clean);
        // Repairing does not relax the other rules.
        assert!(serde_json::from_str::<Label>("\"\\n\"").is_err());
    }

    #[test]
    fn parsing_from_a_string_stays_strict() {
        refused_as_control(Label::try_from("a\u{0}b".to_string()), '\u{0}');
        refused_as_control(Email::try_from("a\u{0}@b.org".to_string()), '\u{0}');
    }

    #[test]
    fn structure_test_steps_move_forward() {
        use StepKind::*;
        assert!(Asked.may_follow(None));
        assert!(Committed.may_follow(Some(Asked)));
        assert!(Participated.may_follow(Some(Committed)));
        assert!(Declined.may_follow(Some(Committed)));
        assert!(Asked.may_follow(Some(Declined)));
        assert!(!Asked.may_follow(Some(Participated)));
        assert!(!Asked.may_follow(Some(Asked)));
        assert!(!Declined.may_follow(Some(Participated)));
        assert!(!Declined.may_follow(Some(Declined)));
        assert!(!Committed.may_follow(Some(Participated)));
    }
}
