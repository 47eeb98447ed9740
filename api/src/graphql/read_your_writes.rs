//! Read-your-writes for a caller's next request: every mutation records where its last event sits in the
//! log for its caller (chapter and user), and a later query by the same caller to the same server first waits
//! (up to `GraphqlSettings::read_your_write_wait`, 10 s by default) until the read models have projected that far, even when the mutation selected no changed
//! object. Another server or process does not know the position: there the mutation's selected object is
//! the way (`docs/api.md`).

use crate::access::Identity;
use async_graphql::extensions::ExtensionContext;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use domain::ids::{ChapterId, UserId};
use projections::ReadModels;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use store::Position;

/// The newest write of each caller in this process.
#[derive(Debug, Default)]
pub struct LastWrites(Mutex<HashMap<(ChapterId, UserId), Position>>);

impl LastWrites {
    /// Remembers that `chapter`'s `user` wrote up to `position` (a later position replaces an earlier one).
    pub fn record(&self, chapter: ChapterId, user: UserId, position: Position) {
        // A poisoned lock only means another request panicked while holding it; the map is still usable.
        let mut writes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let newest = writes.entry((chapter, user)).or_insert(position);
        *newest = (*newest).max(position);
    }

    /// Where the caller's newest write sits, if they wrote anything on this server.
    pub fn of(&self, chapter: ChapterId, user: UserId) -> Option<Position> {
        let writes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        writes.get(&(chapter, user)).copied()
    }
}

/// Request data saying that the caller's last write was already waited for (by the HTTP layer, for a
/// request made only of wall charts, which read only the `campaigns` projection's tables): the extension
/// does not wait again.
#[derive(Debug, Clone, Copy)]
pub struct AlreadyAwaited;

/// What makes a query wait for its caller's last write (called by the schema's extension,
/// `super::extension`, once the query is parsed).
#[derive(Clone)]
pub struct ReadYourWrites {
    pub writes: Arc<LastWrites>,
    pub read_models: ReadModels,
    /// How long a query waits for its caller's last write to be projected before it answers without it.
    pub wait: std::time::Duration,
}

impl ReadYourWrites {
    /// Waits, if `document` reads and its caller wrote on this server, until that write is projected
    /// (unless the HTTP layer already waited: [`AlreadyAwaited`]).
    pub(super) async fn wait_for_caller(
        &self,
        ctx: &ExtensionContext<'_>,
        document: &ExecutableDocument,
    ) {
        let reads = document
            .operations
            .iter()
            .any(|(_, operation)| operation.node.ty == OperationType::Query);
        if !reads || ctx.data_opt::<AlreadyAwaited>().is_some() {
            return;
        }
        let Some(identity) = ctx.data_opt::<Identity>() else {
            return;
        };
        if let Some(position) = self.writes.of(identity.chapter, identity.user) {
            // Not caught up within the wait: the query answers with what is projected, as a mutation's
            // selected object does.
            if let Err(error) = self.read_models.wait_until(position, self.wait).await {
                tracing::warn!(%error, "waiting for the caller's last write failed");
            }
        }
    }
}
