//! Relay cursor pagination: `first` items `after` an opaque cursor, and the maximum page size (a larger page
//! is a VALIDATION error, never silently cut).

use crate::error::ApiError;
use async_graphql::SimpleObject;
use projections::read::{Page, PageRequest};

/// The largest page a connection returns.
pub const MAX_PAGE_SIZE: usize = 100;

/// The page size when the client names none.
pub const DEFAULT_PAGE_SIZE: usize = 25;

/// Checks Relay's forward arguments: `first` neither negative nor above [`MAX_PAGE_SIZE`].
pub fn page_request(first: Option<i32>, after: Option<String>) -> Result<PageRequest, ApiError> {
    let size = match first {
        None => DEFAULT_PAGE_SIZE,
        Some(first) => {
            let size = usize::try_from(first)
                .map_err(|_| ApiError::invalid("first", "a page size is never negative"))?;
            if size > MAX_PAGE_SIZE {
                return Err(ApiError::invalid(
                    "first",
                    format!("a page holds at most {MAX_PAGE_SIZE} items"),
                ));
            }
            size
        }
    };
    Ok(PageRequest {
        after,
        // At most MAX_PAGE_SIZE, so it always fits.
        first: u32::try_from(size).unwrap_or(u32::MAX),
    })
}

/// A connection's complexity: its page size times what each item selects, so that a query's complexity
/// limit bounds the rows it can ask for.
pub fn page_complexity(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.map_or(DEFAULT_PAGE_SIZE, |first| {
        usize::try_from(first).unwrap_or(0).min(MAX_PAGE_SIZE)
    });
    size.max(1).saturating_mul(child_complexity)
}

/// Relay's page information.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    pub fn of<T>(page: &Page<T>) -> Self {
        Self {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: page.start_cursor().map(str::to_string),
            end_cursor: page.end_cursor().map(str::to_string),
        }
    }
}

/// Declares a Relay connection type and its edge type over a node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(async_graphql::SimpleObject, Debug, Clone)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[derive(async_graphql::SimpleObject, Debug, Clone)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: $crate::graphql::pagination::PageInfo,
            /// How many items match, over all pages.
            pub total_count: i64,
        }

        impl<T> From<projections::read::Page<T>> for $connection
        where
            $node: From<T>,
        {
            fn from(page: projections::read::Page<T>) -> Self {
                let page_info = $crate::graphql::pagination::PageInfo::of(&page);
                Self {
                    total_count: page.total_count,
                    page_info,
                    edges: page
                        .edges
                        .into_iter()
                        .map(|edge| $edge {
                            cursor: edge.cursor,
                            node: edge.node.into(),
                        })
                        .collect(),
                }
            }
        }
    };
}
pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded() {
        assert_eq!(
            page_request(None, None).unwrap().first as usize,
            DEFAULT_PAGE_SIZE
        );
        assert_eq!(page_request(Some(100), None).unwrap().first, 100);
        assert!(page_request(Some(101), None).is_err());
        assert!(page_request(Some(-1), None).is_err());
    }
}
