//! Query roots that need no read model: the caller, and the log's position.

use super::authz::{Me, Policy};
use crate::access::Permission;
use crate::error::ApiError;
use async_graphql::{Context, Object, SimpleObject};

#[derive(Default)]
pub struct CallerQuery;

#[Object]
impl CallerQuery {
    /// Who the API takes the caller to be.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me, ApiError> {
        Ok(Me::from(Policy::identity(ctx)?))
    }
}

/// A place in the global order of the event log.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct LogPosition {
    /// The writing transaction's number.
    pub tx: String,
    /// The event's position inside the log.
    pub position: String,
}

impl From<store::Position> for LogPosition {
    fn from(position: store::Position) -> Self {
        // 64-bit numbers travel as strings: GraphQL's Int has 32 bits.
        Self {
            tx: position.tx.to_string(),
            position: position.position.to_string(),
        }
    }
}

#[derive(Default)]
pub struct StatusQuery;

#[Object]
impl StatusQuery {
    /// The newest committed event's position in the log.
    async fn log_head(&self, ctx: &Context<'_>) -> Result<LogPosition, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        Ok(access.store().head().await?.into())
    }
}
