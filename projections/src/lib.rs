//! Read models projected from the event log, following the store's global order from durable checkpoints,
//! and the read API the GraphQL layer serves them through.
//!
//! - [`runner`]: follows the log, applies each batch and its checkpoint in one transaction, wakes on new
//!   events (in-process signal, PostgreSQL LISTEN/NOTIFY, a slow poll), runs each projection in exactly one
//!   process (PostgreSQL advisory lock), rebuilds, reports status and lag.
//! - [`read`]: [`ReadModels`], every call scoped to the caller's chapter, one module per area.
//! - `quarantine`: an event a projection cannot apply is recorded and passed over, with the rest of its
//!   stream held behind it, so one event never stops a projection (ADR 13).
//!
//! The `fault-injection` feature (tests only) makes every n-th batch fail before its commit
//! ([`RunnerOptions`]'s `fault_every`); release builds never contain it.

mod apply;
mod codec;
mod error;
mod events;
pub mod fold;
mod quarantine;
pub mod read;
pub mod runner;

pub use error::ProjectionError;
pub use quarantine::QuarantinedEvent;
pub use read::ReadModels;
pub use runner::{
    projection_tables, ChapterProjectionStatus, ProjectionStatus, ReadModelChange, Runner,
    RunnerOptions, PROJECTIONS,
};
