//! Parsed queries kept by their text. The app and scripts send the same few query texts again and again with
//! other variables, and parsing one is about 5 % of the instructions of a small query such as `myTasks`
//! (docs/performance.md, round 19); a kept document is cloned instead. Only documents that parsed are kept,
//! so the schema still reports a query that does not parse, and it still checks the depth and directives of
//! a kept one and validates it against the caller's variables. At most [`KEPT`] texts of at most
//! [`LONGEST`] bytes each are kept; when full, all are forgotten and the cache fills again.

use async_graphql::parser::types::ExecutableDocument;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many query texts are kept.
pub const KEPT: usize = 128;

/// The longest query text kept, in bytes.
pub const LONGEST: usize = 16 * 1024;

/// The parsed documents of recent query texts.
#[derive(Debug, Default)]
pub struct ParsedQueries {
    kept: Mutex<HashMap<String, ExecutableDocument>>,
}

impl ParsedQueries {
    /// Gives `request` its parsed document: the one kept for its text, or parsed now and kept. A text that
    /// does not parse is left to the schema, which reports it.
    pub fn attach(&self, request: &mut async_graphql::Request) {
        if request.query.len() > LONGEST {
            return;
        }
        if let Some(document) = self.lock().get(&request.query) {
            request.set_parsed_query(document.clone());
            return;
        }
        let Ok(document) = request.parsed_query() else {
            return;
        };
        let document = document.clone();
        let mut kept = self.lock();
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(request.query.clone(), document);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, ExecutableDocument>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
impl ParsedQueries {
    fn len(&self) -> usize {
        self.lock().len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::{DocumentOperations, Selection};

    fn root_fields(request: &mut async_graphql::Request) -> Vec<String> {
        let document = request.parsed_query().expect("the query parses");
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        operation
            .node
            .selection_set
            .node
            .items
            .iter()
            .filter_map(|selection| match &selection.node {
                Selection::Field(field) => Some(field.node.name.node.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_text_is_parsed_once_and_its_document_reused() {
        let parsed = ParsedQueries::default();
        let mut first = async_graphql::Request::new("{ me { userId } logHead { position } }");
        parsed.attach(&mut first);
        assert_eq!(parsed.len(), 1);
        let mut again = async_graphql::Request::new("{ me { userId } logHead { position } }");
        parsed.attach(&mut again);
        assert_eq!(parsed.len(), 1);
        assert_eq!(root_fields(&mut again), ["me", "logHead"]);
        let mut other = async_graphql::Request::new("{ logHead { position } }");
        parsed.attach(&mut other);
        assert_eq!(parsed.len(), 2);
        assert_eq!(root_fields(&mut other), ["logHead"]);
    }

    #[test]
    fn texts_that_do_not_parse_or_are_long_are_not_kept() {
        let parsed = ParsedQueries::default();
        parsed.attach(&mut async_graphql::Request::new("{ me { "));
        assert!(parsed.is_empty());
        let long = format!("{{ me {{ userId }} }} #{}", "x".repeat(LONGEST));
        parsed.attach(&mut async_graphql::Request::new(long));
        assert!(parsed.is_empty());
    }

    #[test]
    fn the_cache_never_holds_more_than_kept() {
        let parsed = ParsedQueries::default();
        for index in 0..KEPT * 2 + 3 {
            parsed.attach(&mut async_graphql::Request::new(format!(
                "query Q{index} {{ me {{ userId }} }}"
            )));
            assert!(parsed.len() <= KEPT);
        }
        assert_eq!(parsed.len(), 3);
    }
}
