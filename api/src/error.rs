//! The one boundary error of the API. Every failure a client can see is one of these kinds, each with a
//! stable code (GraphQL's `extensions.code`, written by `crate::graphql::boundary`); internal causes are
//! logged with a reference and never shown. Nothing here knows a transport.

use domain::values::ValueError;

/// The stable codes clients branch on. Documented in `docs/api.md`; never renamed.
pub mod code {
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const CONFLICT: &str = "CONFLICT";
    pub const VALIDATION: &str = "VALIDATION";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const INTERNAL: &str = "INTERNAL";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const STALE: &str = "STALE";
}

/// Why a request failed, as far as the client is concerned.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The thing does not exist, or belongs to another chapter (which looks the same from outside).
    /// `field` names the input that named it, when one did (`input.unitId`).
    #[error("{message}")]
    NotFound {
        message: String,
        field: Option<String>,
    },
    /// The client's expected version is stale; `current` is the version to reload from.
    #[error("{message}")]
    Conflict { message: String, current: u64 },
    /// The input is malformed or the domain refused it. `field` names the input path when one is to blame.
    #[error("{message}")]
    Validation {
        message: String,
        field: Option<String>,
    },
    /// The caller's role does not allow this.
    #[error("{message}")]
    Forbidden { message: String },
    /// Something failed inside Groundwork. The cause is logged under `reference`; the client only sees that.
    #[error("an internal error occurred (reference {reference})")]
    Internal { reference: String },
    /// The database connection was lost while answering (a restart, a terminated backend, a full pool), or
    /// the read models the request needs were still behind the log when its wait ran out: nothing is known
    /// to have gone wrong with the request itself, and a retry is expected to work. A mutation retried with
    /// its idempotency key applies at most once. `message` says which of the two it was.
    #[error("{message} (reference {reference})")]
    Unavailable { message: String, reference: String },
    /// A mutation is done, but the read models did not show it within the wait: the object it changed
    /// cannot be shown as it now is. Reading it again shortly does (`position` is the write's place in the
    /// log).
    #[error("{message}")]
    Stale { message: String, position: String },
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
            field: None,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden {
            message: message.into(),
        }
    }

    /// A bad value in the input field at `field` (a GraphQL input path such as `input.level`).
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        Self::Validation {
            message: format!("{field}: {message}"),
            field: Some(field.to_string()),
        }
    }

    /// A value that failed its domain constructor; the value error already names the value and the rule.
    pub fn value(field: &str, error: ValueError) -> Self {
        Self::invalid(field, error)
    }

    /// Logs `cause` with a fresh reference and returns an error that shows only the reference.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        tracing::error!(reference = %reference, cause = %cause, "internal error");
        Self::Internal { reference }
    }

    /// A database error: `UNAVAILABLE` when the connection was lost (retryable), otherwise internal.
    pub fn store(cause: store::StoreError) -> Self {
        if cause.is_connection_lost() {
            Self::unavailable(cause)
        } else {
            Self::internal(cause)
        }
    }

    /// Logs a lost connection with a fresh reference and returns the retryable error.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        tracing::warn!(reference = %reference, cause = %cause, "database connection lost");
        Self::Unavailable {
            message: "the database connection was lost; retry the request".to_string(),
            reference,
        }
    }

    /// The read models a request reads from were still behind the log when its wait ran out (a server
    /// catching up after a restart, or a long-running transaction holding readers back on PostgreSQL): the
    /// retryable error, logged with `what` waited.
    pub fn read_models_behind(what: &str) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        tracing::warn!(reference = %reference, waiting = what, "the read models did not catch up in time");
        Self::Unavailable {
            message:
                "the read models are still catching up with the log; retry the request shortly"
                    .to_string(),
            reference,
        }
    }

    /// The stable code of this kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => code::NOT_FOUND,
            Self::Conflict { .. } => code::CONFLICT,
            Self::Validation { .. } => code::VALIDATION,
            Self::Forbidden { .. } => code::FORBIDDEN,
            Self::Internal { .. } => code::INTERNAL,
            Self::Unavailable { .. } => code::UNAVAILABLE,
            Self::Stale { .. } => code::STALE,
        }
    }
}

impl From<projections::ProjectionError> for ApiError {
    fn from(error: projections::ProjectionError) -> Self {
        match error {
            projections::ProjectionError::InvalidCursor(_) => {
                Self::invalid("after", "this is not a cursor this connection handed out")
            }
            projections::ProjectionError::Store(cause) => Self::store(cause),
            projections::ProjectionError::Database(cause) if store::connection_lost(&cause) => {
                Self::unavailable(cause)
            }
            cause => Self::internal(cause),
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(cause: store::StoreError) -> Self {
        Self::store(cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let error = ApiError::internal("password authentication failed for user gw");
        assert!(!error.to_string().contains("password"));
        assert_eq!(error.code(), code::INTERNAL);
    }
}
