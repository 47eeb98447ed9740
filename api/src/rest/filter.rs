//! The OData filters Action Builder's clients send (`filter=name eq 'Drive'`,
//! `filter=modified_date gt '2014-03-25'`): parsed into a [`Filter`]; anything else is refused rather than
//! ignored, so a script never mistakes an unfiltered answer for a filtered one.

use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};

/// One filter condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `name eq '…'`: exactly this name.
    NameIs(String),
    /// `modified_date gt '…'`: changed after this time (a date alone means its midnight, UTC).
    ModifiedAfter(DateTime<Utc>),
}

impl Filter {
    /// Parses the `filter` query parameter; `None` or blank is no filter.
    pub fn parse(text: Option<&str>) -> Result<Option<Self>, ApiError> {
        let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else {
            return Ok(None);
        };
        let refuse = || {
            ApiError::invalid(
                "filter",
                "use `name eq '…'` or `modified_date gt '…'` (an ISO 8601 date or time)",
            )
        };
        let mut words = text.splitn(3, char::is_whitespace);
        let (Some(property), Some(operator), Some(value)) =
            (words.next(), words.next(), words.next())
        else {
            return Err(refuse());
        };
        let value = quoted(value.trim()).ok_or_else(refuse)?;
        match (property, operator.to_ascii_lowercase().as_str()) {
            ("name", "eq") => Ok(Some(Self::NameIs(value))),
            ("modified_date", "gt") => {
                Ok(Some(Self::ModifiedAfter(time(&value).ok_or_else(refuse)?)))
            }
            _ => Err(refuse()),
        }
    }
}

/// The text between single quotes, with OData's doubled quote (`''`) read as one quote.
fn quoted(value: &str) -> Option<String> {
    let inner = value.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.replace("''", "").contains('\'') {
        return None;
    }
    Some(inner.replace("''", "'"))
}

fn time(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    if let Ok(time) = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(time.and_utc());
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_filters_parse() {
        assert_eq!(
            Filter::parse(Some("name eq 'O''Brien Drive'"))
                .ok()
                .flatten(),
            Some(Filter::NameIs("O'Brien Drive".to_string()))
        );
        assert_eq!(
            Filter::parse(Some("modified_date gt '2014-03-25'"))
                .ok()
                .flatten(),
            Some(Filter::ModifiedAfter(
                "2014-03-25T00:00:00Z".parse().unwrap_or_default()
            ))
        );
        assert_eq!(Filter::parse(None).ok().flatten(), None);
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "name ne 'x'",
            "name eq x",
            "name eq 'a'b'",
            "modified_date gt 'yesterday'",
            "level eq '2'",
            "name",
        ] {
            assert!(Filter::parse(Some(text)).is_err(), "{text}");
        }
    }
}
