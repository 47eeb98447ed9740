//! Folding text for search and sorting the same way on every backend: lower case without accents, done in
//! Rust (neither SQLite nor PostgreSQL without an extension folds accents), at write time into the stored
//! search columns and at read time on the searched text.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;

/// `text` in lower case with its accents and other combining marks removed: "Núñez" → "nunez".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|character| !is_combining_mark(*character))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn accents_and_case_go() {
        assert_eq!(fold("Núñez"), "nunez");
        assert_eq!(fold("ÁLVARO Çelik Øre"), "alvaro celik øre");
        assert_eq!(fold("ana"), "ana");
    }
}
