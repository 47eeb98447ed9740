//! Groundwork's event store on SQLite and PostgreSQL: one global order that catch-up readers can follow,
//! optimistic concurrency across several streams at once, snapshots, upcasting on load, and per-person
//! encryption so that forgetting a person erases their personal data everywhere in the log.

mod accounts;
mod aggregate;
mod backend;
mod crypto;
mod error;
mod event;
mod export;
mod idempotency;
mod imports;
mod invitations;
pub mod migrations;
mod oidc;
mod sign_in_attempts;
pub mod sql;
mod store;
mod turns;
mod webhooks;

pub use accounts::{AccessLogDetailRow, TurfUnitRow};
pub use accounts::{
    AccessLogRow, ApiTokenRow, MembershipRow, PasswordChanged, SessionRow, UserRow,
};
pub use aggregate::{to_aggregate_error, AggregateStore, LoadedAggregate};
pub use crypto::{MasterKey, SEALED_MARKER};
pub use error::{connection_lost, StoreError};
pub use event::{
    AppendedEvent, NewEvent, NewSnapshot, Position, RecordedEvent, StreamAppend, UnopenedEvent,
};
pub use export::TransferSummary;
pub use idempotency::{IdempotencyClaim, IdempotencyRequest};
pub use imports::{ImportCounts, ImportRow};
pub use invitations::{Acceptance, InvitationRow, Invitee};
pub use oidc::OidcSignInRow;
pub use sign_in_attempts::ThrottleKey;
pub use store::{BackendKind, Store, StoreOptions};
pub use webhooks::{Lease, WebhookAttempt, WebhookDeliveryRow, WebhookEndpointRow};
