//! Wall-chart answers served from memory. A full wall chart of 10,000 people is about 60,000 fields: turning
//! the (cached) chart into GraphQL objects, resolving and serialising them costs far more than anything else
//! in the request. A request that asks for wall charts only is answered once per state of the charts'
//! tables and caller's scope, and its serialised answer is kept in [`WallChartAnswers`], found by the
//! charts' stamp ([`ReadModels::chart_stamp`]): valid while the `campaigns` checkpoint stands still, and
//! dropped when this process projects a forgetting.
//!
//! What an answer depends on besides the charts goes into its key: the request's bytes (query, variables,
//! operation name), and the caller's chapter, role, personal-data grant and scope (campaign narrowing and
//! turf), re-read for every request. Answers with errors are never kept.

use crate::access::{Identity, Scope};
use crate::compression::CompressedAnswer;
use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
use projections::read::ChartStamp;
use projections::{ProjectionError, ReadModels};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// The root field whose answers may be kept.
const WALL_CHART: &str = "wallChart";

/// Whether `request` is a query whose root selects `wallChart` fields and nothing else (aliases allowed; no
/// directives, fragments, `__typename` or other roots). A query whose text does not name the field is
/// answered without parsing it; otherwise the document parsed here stays with the request for the schema
/// (it was parsed twice: about 5 % of a small query's instructions).
pub fn only_wall_charts(request: &mut async_graphql::Request) -> bool {
    if !request.query.contains(WALL_CHART) {
        return false;
    }
    let operation_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let operation = match (&document.operations, operation_name.as_deref()) {
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

/// How many serialised answers are kept, and how many bytes they may hold together (a full wall chart of
/// 100,000 people is about 17 MiB as JSON). A larger answer is not kept.
const KEPT_ANSWERS: usize = 4;
const KEPT_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// A serialised answer made only of wall charts and of who asked, under the key [`key`] made.
struct KeptAnswer {
    key: Vec<u8>,
    /// The charts' stamp read before the answer was built.
    stamp: ChartStamp,
    /// The answer, and its compressed forms once a client has asked for them.
    answer: Arc<CompressedAnswer>,
}

struct Kept {
    answers: Mutex<Vec<KeptAnswer>>,
    /// One answer is built at a time: concurrent requests for a missing answer wait for the first.
    build: tokio::sync::Mutex<()>,
}

impl Kept {
    fn answers(&self) -> MutexGuard<'_, Vec<KeptAnswer>> {
        self.answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The serialised wall-chart answers of one set of read models. Cheap to clone; every router over the same
/// read models should share one (see [`crate::http::app_with_answers`]).
#[derive(Clone)]
pub struct WallChartAnswers {
    read_models: ReadModels,
    kept: Arc<Kept>,
}

impl std::fmt::Debug for WallChartAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WallChartAnswers").finish_non_exhaustive()
    }
}

impl WallChartAnswers {
    /// An empty store of answers made of `read_models`' charts. Every answer goes as soon as `read_models`
    /// projects a forgetting, so a forgotten name does not linger in memory.
    pub fn new(read_models: &ReadModels) -> Self {
        let kept = Arc::new(Kept {
            answers: Mutex::new(Vec::new()),
            build: tokio::sync::Mutex::new(()),
        });
        let listening: Weak<Kept> = Arc::downgrade(&kept);
        read_models.on_forgetting(move || match listening.upgrade() {
            Some(kept) => {
                kept.answers().clear();
                true
            }
            // The store is gone: stop listening.
            None => false,
        });
        Self {
            read_models: read_models.clone(),
            kept,
        }
    }

    /// A kept answer, found by the key and the state of the charts' tables; `None` if there is none. The
    /// stamp read is returned too: an answer built after this lookup is kept under it.
    pub async fn lookup(
        &self,
        key: &[u8],
    ) -> Result<(Option<Arc<CompressedAnswer>>, ChartStamp), ProjectionError> {
        let stamp = self.read_models.chart_stamp().await?;
        Ok((self.find(key, stamp), stamp))
    }

    /// The answer kept under `key` at `stamp` (read with [`ReadModels::chart_stamp`]), if any. Answers of
    /// older checkpoints are dropped here, so a forgotten person's name does not linger in them either.
    ///
    /// The key must hold everything the answer depends on besides the wall charts ([`key`]), so that two
    /// callers who may see different things never share an answer.
    pub fn find(&self, key: &[u8], stamp: ChartStamp) -> Option<Arc<CompressedAnswer>> {
        let checkpoint = stamp.checkpoint();
        let mut answers = self.kept.answers();
        answers.retain(|kept| kept.stamp.checkpoint() >= checkpoint);
        answers
            .iter()
            .find(|kept| kept.key == key && kept.stamp == stamp)
            .map(|kept| Arc::clone(&kept.answer))
    }

    /// For a request that read `stamp` and then waited for its turn to build: the newest answer kept under
    /// `key` at that stamp's checkpoint or a later one (with the same forgettings seen and pending), if any.
    /// It shows the tables as they were at some moment after the request came, as a fresh build would,
    /// so requests that queued behind a build while writes go on share that build instead of each
    /// building the chart of yet another checkpoint (docs/performance.md, round 10).
    pub fn find_since(&self, key: &[u8], stamp: ChartStamp) -> Option<Arc<CompressedAnswer>> {
        let answers = self.kept.answers();
        answers
            .iter()
            .filter(|kept| kept.key == key && kept.stamp.same_or_later(stamp))
            .max_by_key(|kept| kept.stamp.checkpoint())
            .map(|kept| Arc::clone(&kept.answer))
    }

    /// Keeps `answer` under `key`, built after reading `stamp`. The oldest answers make room; one larger
    /// than the whole budget is not kept, nor one built while a forgetting was projected (it may hold the
    /// forgotten name).
    pub fn keep(&self, key: Vec<u8>, stamp: ChartStamp, answer: Arc<CompressedAnswer>) {
        let checkpoint = stamp.checkpoint();
        let mut answers = self.kept.answers();
        // Checked under the lock: a forgetting projected after this check clears the answers after this
        // answer is in (its listener waits for the lock).
        if answer.plain().len() > KEPT_ANSWER_BYTES || self.read_models.forgotten_since(stamp) {
            return;
        }
        answers.retain(|kept| kept.key != key && kept.stamp.checkpoint() >= checkpoint);
        while !answers.is_empty()
            && (answers.len() >= KEPT_ANSWERS
                || answers
                    .iter()
                    .map(|kept| kept.answer.plain().len())
                    .sum::<usize>()
                    + answer.plain().len()
                    > KEPT_ANSWER_BYTES)
        {
            answers.remove(0);
        }
        answers.push(KeptAnswer { key, stamp, answer });
    }

    /// A turn to build a missing answer: held while building, so that concurrent requests for the same
    /// answer wait and then find it kept instead of each building it.
    pub async fn turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.kept.build.lock().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(query: &str, operation: Option<&str>) -> bool {
        let mut request = async_graphql::Request::new(query);
        if let Some(operation) = operation {
            request = request.operation_name(operation);
        }
        only_wall_charts(&mut request)
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
        assert!(!only("{ myTasks(first: 25) { totalCount } }", None));
    }
}
