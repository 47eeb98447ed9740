//! The HAL shapes Action Builder answers with: a page of a collection (`_embedded["osdi:…"]`, `_links`,
//! `total_pages`, `total_records`, `page`, `per_page`), identifiers as `action_builder:<id>`, and the paging
//! parameters.

use super::{BASE_PATH, MAX_PER_PAGE};
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The query parameters of a collection: `page` (from 1), `per_page` (at most 25; more is read as 25, as
/// Action Builder does) and an OData `filter`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    pub filter: Option<String>,
}

/// Which slice of a collection a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub fn from_query(query: &ListQuery) -> Result<Self, ApiError> {
        let page = query.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::invalid("page", "pages are numbered from 1"));
        }
        let per_page = query.per_page.unwrap_or(MAX_PER_PAGE);
        if per_page == 0 {
            return Err(ApiError::invalid("per_page", "must be at least 1"));
        }
        Ok(Self {
            page,
            per_page: per_page.min(MAX_PER_PAGE),
        })
    }

    /// How many items come before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    /// This page of `items` (the whole filtered collection): empty past the end.
    pub fn slice<T>(self, items: Vec<T>) -> Vec<T> {
        let offset = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        items
            .into_iter()
            .skip(offset)
            .take(self.per_page as usize)
            .collect()
    }
}

/// `action_builder:<id>`, the identifier Action Builder's clients read ids from and send back.
pub fn identifier(id: impl std::fmt::Display) -> String {
    format!("action_builder:{id}")
}

/// The id inside an identifier: `action_builder:<id>` or the bare id. `None` for another system's
/// identifier.
pub fn id_of(identifier: &str) -> Option<&str> {
    match identifier.split_once(':') {
        Some(("action_builder", id)) => Some(id),
        Some(_) => None,
        None => Some(identifier),
    }
}

/// A link object.
pub fn href(path: &str) -> Value {
    json!({ "href": format!("{BASE_PATH}/{path}") })
}

/// One page of the collection at `path` (relative to the base) whose items are `osdi:<name>`.
pub fn page(
    path: &str,
    name: &str,
    paging: Paging,
    total_records: u64,
    items: Vec<Value>,
) -> Value {
    let per_page = u64::from(paging.per_page);
    let total_pages = total_records.div_ceil(per_page);
    let mut links = Map::new();
    links.insert(
        "self".to_string(),
        href(&format!("{path}?page={}&per_page={per_page}", paging.page)),
    );
    if u64::from(paging.page) < total_pages {
        links.insert(
            "next".to_string(),
            href(&format!(
                "{path}?page={}&per_page={per_page}",
                paging.page + 1
            )),
        );
    }
    if paging.page > 1 {
        links.insert(
            "previous".to_string(),
            href(&format!(
                "{path}?page={}&per_page={per_page}",
                paging.page - 1
            )),
        );
    }
    let item_links: Vec<Value> = items
        .iter()
        .filter_map(|item| item.pointer("/_links/self").cloned())
        .collect();
    links.insert(format!("osdi:{name}"), Value::Array(item_links));
    json!({
        "total_pages": total_pages,
        "per_page": per_page,
        "page": paging.page,
        "total_records": total_records,
        "_links": links,
        "_embedded": { format!("osdi:{name}"): items },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_page_is_capped_at_25_and_pages_count_from_one() {
        let query = ListQuery {
            page: Some(3),
            per_page: Some(100),
            filter: None,
        };
        let paging = Paging::from_query(&query).ok();
        assert_eq!(
            paging,
            Some(Paging {
                page: 3,
                per_page: 25
            })
        );
        assert_eq!(paging.map(Paging::offset), Some(50));
        let zero = ListQuery {
            page: Some(0),
            ..ListQuery::default()
        };
        assert!(Paging::from_query(&zero).is_err());
    }

    #[test]
    fn a_page_past_the_end_is_empty_and_counts_stay_true() {
        let paging = Paging {
            page: 3,
            per_page: 2,
        };
        assert!(paging.slice(vec![1, 2, 3, 4]).is_empty());
        let answer = page("campaigns", "campaigns", paging, 4, Vec::new());
        assert_eq!(answer["total_pages"], 2);
        assert_eq!(answer["total_records"], 4);
        assert_eq!(answer["_embedded"]["osdi:campaigns"], json!([]));
        assert!(answer["_links"].get("next").is_none());
    }

    #[test]
    fn identifiers_carry_the_action_builder_prefix() {
        assert_eq!(identifier("abc"), "action_builder:abc");
        assert_eq!(id_of("action_builder:abc"), Some("abc"));
        assert_eq!(id_of("abc"), Some("abc"));
        assert_eq!(id_of("van:12"), None);
    }
}
