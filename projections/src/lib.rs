//! Read models projected from the event log, following the store's global order from durable checkpoints,
//! and the read API the GraphQL layer serves them through.
//!
//! - [`runner`]: follows the log, applies each batch and its checkpoint in one transaction, wakes on new
//!   events (in-process signal, PostgreSQL LISTEN/NOTIFY, a slow poll), runs each projection in exactly one
//!   process (PostgreSQL advisory lock), rebuilds, reports status and lag.
//! - [`queries`]: [`ReadModels`], every call scoped to the caller's chapter.

mod apply;
mod db;
mod error;
mod events;
pub mod queries;
pub mod runner;

pub use error::ProjectionError;
pub use queries::ReadModels;
pub use runner::{
    projection_tables, ProjectionStatus, ReadModelChange, Runner, RunnerOptions, PROJECTIONS,
};
