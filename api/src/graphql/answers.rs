//! Wall-chart answers served from memory. A full wall chart of 10,000 people is about 60,000 fields: turning
//! the (cached) chart into GraphQL objects, resolving and serialising them costs far more than anything else
//! in the request. A request that asks for wall charts only is answered once per state of the charts'
//! tables and caller's scope, and its serialised answer is kept in [`ReadModels`] next to the charts, valid
//! while the `campaigns` checkpoint stands still and dropped when a person is forgotten.
//!
//! What an answer depends on besides the charts goes into its key: the request's bytes (query, variables,
//! operation name), and the caller's chapter, role, personal-data grant and scope (campaign narrowing and
//! turf), re-read for every request. Answers with errors are never kept.

use crate::access::{Identity, Scope};
use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
use projections::ReadModels;

/// The root field whose answers may be kept.
const WALL_CHART: &str = "wallChart";

/// Whether `request` is a query whose root selects `wallChart` fields and nothing else (aliases allowed; no
/// directives, fragments, `__typename` or other roots).
pub fn only_wall_charts(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let operation = match (&document.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(operation), None) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => match operations.get(name) {
            Some(operation) => operation,
            None => return false,
        },
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            match operations.values().next() {
                Some(operation) => operation,
                None => return false,
            }
        }
        _ => return false,
    };
    let operation = &operation.node;
    let roots = &operation.selection_set.node.items;
    operation.ty == OperationType::Query
        && operation.directives.is_empty()
        && !roots.is_empty()
        && roots.iter().all(|selection| match &selection.node {
            Selection::Field(field) => {
                field.node.name.node == WALL_CHART && field.node.directives.is_empty()
            }
            Selection::FragmentSpread(_) | Selection::InlineFragment(_) => false,
        })
}

/// The key of an answer to `body` for this caller: everything the wall-chart resolver reads besides the
/// charts themselves.
pub fn key(identity: &Identity, scope: &Scope, body: &[u8]) -> Vec<u8> {
    let mut key = format!(
        "{}\n{}\n{}\n{:?}\n{:?}\n",
        identity.chapter,
        identity.role.as_str(),
        identity.personal_data,
        scope.campaigns,
        scope.turf_units,
    )
    .into_bytes();
    key.extend_from_slice(body);
    key
}

/// A kept answer, found by the key and the state of the charts' tables; `None` if there is none.
pub async fn lookup(
    read_models: &ReadModels,
    key: &[u8],
) -> Result<
    (
        Option<std::sync::Arc<[u8]>>,
        projections::queries::ChartStamp,
    ),
    projections::ProjectionError,
> {
    let stamp = read_models.chart_stamp().await?;
    Ok((read_models.chart_answer(key, stamp), stamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(query: &str, operation: Option<&str>) -> bool {
        let mut request = async_graphql::Request::new(query);
        if let Some(operation) = operation {
            request = request.operation_name(operation);
        }
        only_wall_charts(&request)
    }

    #[test]
    fn only_wall_chart_roots_are_kept() {
        assert!(only(
            "{ wallChart(campaignId: \"c\") { units { id } } }",
            None
        ));
        assert!(only(
            "query Chart($c: ID!) { a: wallChart(campaignId: $c) { units { id } } b: wallChart(campaignId: $c) { unplaced { name } } }",
            None
        ));
        assert!(only(
            "query A { wallChart(campaignId: \"c\") { units { id } } } query B { me { userId } }",
            Some("A")
        ));
        assert!(!only(
            "query A { wallChart(campaignId: \"c\") { units { id } } } query B { me { userId } }",
            Some("B")
        ));
        assert!(!only(
            "query A { wallChart(campaignId: \"c\") { units { id } } } query B { me { userId } }",
            None
        ));
        assert!(!only(
            "{ wallChart(campaignId: \"c\") { units { id } } me { userId } }",
            None
        ));
        assert!(!only(
            "{ wallChart(campaignId: \"c\") @include(if: true) { units { id } } }",
            None
        ));
        assert!(!only(
            "{ ... on Query { wallChart(campaignId: \"c\") { units { id } } } }",
            None
        ));
        assert!(!only(
            "{ __typename wallChart(campaignId: \"c\") { units { id } } }",
            None
        ));
        assert!(!only(
            "mutation { wallChart(campaignId: \"c\") { units { id } } }",
            None
        ));
        assert!(!only("{ wallChart(", None));
    }
}
