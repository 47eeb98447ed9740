//! The wall-chart cache, and the stamp by which anything made only of wall charts can be kept.
//!
//! Every table a chart reads is written by the `campaigns` projection in the same transaction as its
//! checkpoint, so while the checkpoint stands still a chart cannot change, and once it moves the cached chart
//! is no longer used. A forgetting also drops every chart at once (a forgotten name must not linger in
//! memory) and tells whoever keeps things made of charts (the API's serialised answers) to drop theirs.

use super::views::WallChart;
use super::ReadModels;
use crate::codec::StoredEnum;
use crate::error::ProjectionError;
use chrono::{DateTime, Utc};
use domain::ids::PersonId;
use domain::ids::{CampaignId, ChapterId, StructureTestId};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use store::sql::args;
use store::Position;

/// Which wall chart: the chapter is part of the key, so a chart never answers another chapter's caller.
pub(super) type ChartKey = (
    ChapterId,
    CampaignId,
    Option<StructureTestId>,
    Option<DateTime<Utc>>,
);

struct CachedChart {
    key: ChartKey,
    /// The `campaigns` checkpoint read before the chart was built: its tables were at least this new.
    checkpoint: Position,
    chart: Arc<WallChart>,
}

/// How many wall charts are kept (a chart of 100,000 people is about 15 MB).
const CACHED_CHARTS: usize = 4;

/// Told when this process projected a forgetting; returns whether it wants to be told again.
type ForgettingListener = Box<dyn Fn() -> bool + Send + Sync>;

/// The charts recently built, one build at a time, and the count of forgettings projected.
#[derive(Default)]
pub(super) struct ChartCache {
    charts: Mutex<Vec<CachedChart>>,
    /// One wall chart is built at a time: concurrent requests for the same chart wait for the first.
    pub(super) build: tokio::sync::Mutex<()>,
    /// Bumped whenever this process projected a forgetting, so that anything built meanwhile is not kept.
    forgettings: AtomicU64,
    listeners: Mutex<Vec<ForgettingListener>>,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ChartCache {
    /// The chart of `key` built at `checkpoint`, if there is one; charts of older checkpoints are dropped
    /// (so a forgotten person's name does not linger in memory either).
    pub(super) fn get(&self, key: &ChartKey, checkpoint: Position) -> Option<Arc<WallChart>> {
        let mut charts = locked(&self.charts);
        charts.retain(|cached| cached.checkpoint >= checkpoint);
        charts
            .iter()
            .find(|cached| cached.key == *key && cached.checkpoint == checkpoint)
            .map(|cached| Arc::clone(&cached.chart))
    }

    /// For a request that read `checkpoint` and then waited for its turn to build: the newest chart of `key`
    /// built at that checkpoint or a later one, if any (a state of the tables after the request came).
    pub(super) fn get_since(&self, key: &ChartKey, checkpoint: Position) -> Option<Arc<WallChart>> {
        let charts = locked(&self.charts);
        charts
            .iter()
            .filter(|cached| cached.key == *key && cached.checkpoint >= checkpoint)
            .max_by_key(|cached| cached.checkpoint)
            .map(|cached| Arc::clone(&cached.chart))
    }

    /// Keeps `chart`, built after reading `checkpoint`; the oldest chart makes room.
    pub(super) fn keep(&self, key: ChartKey, checkpoint: Position, chart: Arc<WallChart>) {
        let mut charts = locked(&self.charts);
        charts.retain(|cached| cached.key != key && cached.checkpoint >= checkpoint);
        if charts.len() >= CACHED_CHARTS {
            charts.remove(0);
        }
        charts.push(CachedChart {
            key,
            checkpoint,
            chart,
        });
    }
}

/// Where the wall charts' tables stood when something made of charts was looked up or built: such a thing
/// is kept and found by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartStamp {
    /// The `campaigns` checkpoint.
    checkpoint: Position,
    /// How many forgettings this process had projected.
    forgettings: u64,
    /// How many people were forgotten in the log but not yet in the read models (see
    /// [`ReadModels::pending_forgettings`]): something built while one is pending masks them, something
    /// built before does not, so the two are never mistaken for each other.
    pending: usize,
}

impl ChartStamp {
    /// The `campaigns` checkpoint: what is kept at an older one is stale.
    pub fn checkpoint(&self) -> Position {
        self.checkpoint
    }

    /// Whether something built at this stamp may answer a request that read `earlier`: the tables are at
    /// least as new, no forgetting was projected here in between, and as many forgettings were pending
    /// (something built while a forgetting is pending masks the person; one built before does not).
    pub fn same_or_later(&self, earlier: ChartStamp) -> bool {
        self.checkpoint >= earlier.checkpoint
            && self.forgettings == earlier.forgettings
            && self.pending == earlier.pending
    }
}

impl ReadModels {
    /// Drops every cached wall chart and tells the listeners (after a person was forgotten).
    pub(crate) fn forget_charts(&self) {
        let cache = &self.inner.charts;
        // First, so that anything built from a stamp read before this is no longer kept (`forgotten_since`).
        cache.forgettings.fetch_add(1, Ordering::SeqCst);
        locked(&cache.charts).clear();
        locked(&cache.listeners).retain(|listener| listener());
    }

    /// Calls `listener` whenever this process has projected a forgetting (all cached charts are gone by
    /// then), for as long as it returns true. Whoever keeps things made of wall charts drops them there.
    pub fn on_forgetting(&self, listener: impl Fn() -> bool + Send + Sync + 'static) {
        locked(&self.inner.charts.listeners).push(Box::new(listener));
    }

    /// Whether this process projected a forgetting since `stamp` was read: something built from it may
    /// hold the forgotten name and must not be kept.
    pub fn forgotten_since(&self, stamp: ChartStamp) -> bool {
        self.inner.charts.forgettings.load(Ordering::SeqCst) != stamp.forgettings
    }

    /// Where the wall charts' tables stand: the `campaigns` checkpoint and the forgettings pending at it.
    /// Something made only of wall charts (and of who asked) and built after reading it stays true for as
    /// long as the stamp has not changed.
    pub async fn chart_stamp(&self) -> Result<ChartStamp, ProjectionError> {
        // Read first: a forgetting projected after this read bumps the count past the stamp's.
        let forgettings = self.inner.charts.forgettings.load(Ordering::SeqCst);
        let (checkpoint, pending) = self.charts_stand().await?;
        Ok(ChartStamp {
            checkpoint,
            forgettings,
            pending: pending.len(),
        })
    }

    /// The people forgotten in the log whose read-model rows still show them: their forgetting committed
    /// (in any process: `forgotten_people` is written in the transaction of the forgetting event) but the
    /// `campaigns` projection has not applied it yet. Every read leaves these people out of lists and
    /// charts, and masks their personal fields where it shows them, so a forgetting holds from the moment
    /// it commits, not from the moment it is projected (ADR 19).
    pub async fn pending_forgettings(&self) -> Result<HashSet<PersonId>, ProjectionError> {
        Ok(self.charts_stand().await?.1)
    }

    /// The `campaigns` checkpoint and the forgettings pending at it ([`Self::pending_forgettings`]).
    ///
    /// Asked on every read of people and charts, and almost always nothing is pending, so it is one
    /// statement with one plan: the checkpoint (a primary-key read) and the forgettings at or after its
    /// transaction (through the index on the transaction id: only the newest few pass). Only when there are
    /// any does a second statement ask which of them the read models still show. One statement joining
    /// `rm_people` let PostgreSQL's generic plan scan every person of the campaigns and probe
    /// `forgotten_people` for each (11.5 ms at 10,000 people, on every request; docs/performance.md, round
    /// 8); the checkpoint read apart from the forgettings cost a round trip per request (round 11).
    pub(crate) async fn charts_stand(
        &self,
    ) -> Result<(Position, HashSet<PersonId>), ProjectionError> {
        let rows = self
            .db()
            .fetch(
                "SELECT c.tx, c.position, f.person_id \
                 FROM (SELECT CAST($1 AS TEXT) AS name) asked \
                 LEFT JOIN projection_checkpoints c ON c.name = asked.name \
                 LEFT JOIN forgotten_people f ON f.tx_id >= COALESCE(c.tx, 0)",
                &args![crate::apply::CAMPAIGNS],
            )
            .await?;
        let checkpoint = match rows.first() {
            Some(row) => match (row.opt_int("tx")?, row.opt_int("position")?) {
                (Some(tx), Some(position)) => Position { tx, position },
                _ => Position::START,
            },
            None => Position::START,
        };
        let committed = rows
            .iter()
            .map(|row| row.opt_text("person_id"))
            .filter_map(Result::transpose)
            .collect::<Result<Vec<_>, _>>()?;
        if committed.is_empty() {
            return Ok((checkpoint, HashSet::new()));
        }
        let mut sql = super::sql::Sql::default();
        let forgotten = sql.arg(super::views::PersonStatusView::Forgotten.as_str());
        let people = sql.list(committed);
        sql.push(&format!(
            "SELECT person_id FROM rm_people WHERE person_id IN ({people}) AND status <> {forgotten}"
        ));
        let pending = self
            .db()
            .fetch(&sql.text, &sql.args)
            .await?
            .iter()
            .map(|row| super::sql::person_id(row, "person_id"))
            .collect::<Result<_, _>>()?;
        Ok((checkpoint, pending))
    }

    /// Where a projection's checkpoint stands (the start if it has none yet).
    pub(crate) async fn checkpoint(&self, projection: &str) -> Result<Position, ProjectionError> {
        Ok(
            match self
                .db()
                .fetch_optional(
                    "SELECT tx, position FROM projection_checkpoints WHERE name = $1",
                    &args![projection],
                )
                .await?
            {
                Some(row) => Position {
                    tx: row.int("tx")?,
                    position: row.int("position")?,
                },
                None => Position::START,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(tx: i64, forgettings: u64, pending: usize) -> ChartStamp {
        ChartStamp {
            checkpoint: Position { tx, position: tx },
            forgettings,
            pending,
        }
    }

    #[test]
    fn only_a_later_state_with_the_same_forgettings_answers_an_earlier_request() {
        let asked = stamp(10, 2, 0);
        assert!(stamp(10, 2, 0).same_or_later(asked));
        assert!(stamp(12, 2, 0).same_or_later(asked));
        // Built before the request came: it may miss the caller's write.
        assert!(!stamp(9, 2, 0).same_or_later(asked));
        // A forgetting was projected here since: what was built may hold the name.
        assert!(!stamp(12, 3, 0).same_or_later(asked));
        // A forgetting is pending now and was not then, or the other way round.
        assert!(!stamp(12, 2, 1).same_or_later(asked));
        assert!(!stamp(12, 2, 0).same_or_later(stamp(10, 2, 1)));
    }
}
