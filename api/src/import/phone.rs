//! Phone numbers compared as E.164 (`+` and up to 15 digits), so `(415) 555-0100`, `415.555.0100` and
//! `+1 415 555 0100` are one number. A number written without its country code takes the import's default
//! region's; national trunk prefixes (the `0` of `020 7946 0018` in the United Kingdom) are dropped as E.164
//! requires. This is a normalizer for matching, not a validator of numbering plans: two spellings of one
//! number agree, and a number that cannot be put in E.164 is compared by its digits.

/// A region's country calling code and whether its national numbers start with a trunk `0` to drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub calling_code: &'static str,
    trunk_zero: bool,
}

/// The regions an import may name as its default (ISO 3166-1 alpha-2).
const REGIONS: &[(&str, &str, bool)] = &[
    ("US", "1", false),
    ("CA", "1", false),
    ("PR", "1", false),
    ("GB", "44", true),
    ("IE", "353", true),
    ("AU", "61", true),
    ("NZ", "64", true),
    ("ZA", "27", true),
    ("DE", "49", true),
    ("AT", "43", true),
    ("CH", "41", true),
    ("FR", "33", true),
    ("BE", "32", true),
    ("NL", "31", true),
    ("ES", "34", false),
    ("PT", "351", false),
    // Italian numbers keep their leading 0 after the country code.
    ("IT", "39", false),
    ("SE", "46", true),
    ("NO", "47", false),
    ("DK", "45", false),
    ("FI", "358", true),
    ("PL", "48", false),
    ("MX", "52", false),
    ("BR", "55", true),
    ("AR", "54", true),
    ("CL", "56", false),
    ("CO", "57", false),
    ("PE", "51", true),
    ("IN", "91", true),
    ("PH", "63", true),
    ("JP", "81", true),
    ("KR", "82", true),
];

impl Region {
    /// The region named by its two-letter code (any case).
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        REGIONS.iter().find(|(known, _, _)| *known == code).map(
            |(code, calling_code, trunk_zero)| Region {
                code,
                calling_code,
                trunk_zero: *trunk_zero,
            },
        )
    }

    /// The codes an import accepts, for error messages.
    pub fn known() -> String {
        REGIONS
            .iter()
            .map(|(code, _, _)| *code)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `text` as E.164 (`+` then digits) when it can be put so, else its digits alone; `None` when it has no digits.
pub fn normalize(text: &str, region: Option<Region>) -> Option<String> {
    let trimmed = text.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    if trimmed.starts_with('+') {
        return Some(format!("+{digits}"));
    }
    // The international call prefix most of the world dials: 00 then the country code.
    if let Some(rest) = digits.strip_prefix("00") {
        return Some(format!("+{rest}"));
    }
    let Some(region) = region else {
        return Some(digits);
    };
    if region.calling_code == "1" {
        // North American numbering: ten digits, or eleven with the leading 1.
        return Some(match digits.len() {
            10 => format!("+1{digits}"),
            11 if digits.starts_with('1') => format!("+{digits}"),
            _ => digits,
        });
    }
    let national = if region.trunk_zero {
        digits.strip_prefix('0').unwrap_or(&digits)
    } else {
        &digits
    };
    Some(format!("+{}{national}", region.calling_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_north_american_number_agree() {
        let us = Region::parse("us");
        for text in [
            "(415) 555-0100",
            "415.555.0100",
            "1 415 555 0100",
            "+1 415-555-0100",
        ] {
            assert_eq!(
                normalize(text, us).as_deref(),
                Some("+14155550100"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_trunk_zero_is_dropped_and_an_international_prefix_read() {
        let gb = Region::parse("GB");
        assert_eq!(
            normalize("020 7946 0018", gb).as_deref(),
            Some("+442079460018")
        );
        assert_eq!(
            normalize("0044 20 7946 0018", gb).as_deref(),
            Some("+442079460018")
        );
        assert_eq!(
            normalize("06 12 34 56 78", Region::parse("FR")).as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            normalize("06 1234 5678", Region::parse("IT")).as_deref(),
            Some("+390612345678")
        );
    }

    #[test]
    fn without_a_region_only_digits_are_compared() {
        assert_eq!(
            normalize("(415) 555-0100", None).as_deref(),
            Some("4155550100")
        );
        assert_eq!(
            normalize("+44 20 7946 0018", None).as_deref(),
            Some("+442079460018")
        );
        assert_eq!(normalize("n/a", None), None);
        assert_eq!(Region::parse("XX"), None);
    }
}
