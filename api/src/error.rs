//! The one boundary error of the API. Every failure a client can see is one of these kinds, each with a
//! stable code in GraphQL's `extensions.code`; internal causes are logged with a reference and never shown.

use crate::service::ServiceError;
use async_graphql::ErrorExtensionValues;
use domain::values::ValueError;

/// The stable codes clients branch on. Documented in `docs/api.md`; never renamed.
pub mod code {
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const CONFLICT: &str = "CONFLICT";
    pub const VALIDATION: &str = "VALIDATION";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const INTERNAL: &str = "INTERNAL";
}

/// Why a request failed, as far as the client is concerned.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The thing does not exist, or belongs to another chapter (which looks the same from outside).
    #[error("{message}")]
    NotFound { message: String },
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
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
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

    /// The stable code of this kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => code::NOT_FOUND,
            Self::Conflict { .. } => code::CONFLICT,
            Self::Validation { .. } => code::VALIDATION,
            Self::Forbidden { .. } => code::FORBIDDEN,
            Self::Internal { .. } => code::INTERNAL,
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound { .. } => Self::not_found(error.to_string()),
            ServiceError::Conflict { current, .. } => Self::Conflict {
                message: error.to_string(),
                current,
            },
            // The command named a campaign, unit, field, contact point … that does not exist; every other
            // rejection breaks a rule of the input.
            ServiceError::Missing(message) => Self::not_found(message),
            ServiceError::Rejected(message) => Self::Validation {
                message,
                field: None,
            },
            ServiceError::Store(cause) => Self::internal(cause),
        }
    }
}

impl From<projections::ProjectionError> for ApiError {
    fn from(error: projections::ProjectionError) -> Self {
        match error {
            projections::ProjectionError::InvalidCursor(_) => {
                Self::invalid("after", "this is not a cursor this connection handed out")
            }
            cause => Self::internal(cause),
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(cause: store::StoreError) -> Self {
        Self::internal(cause)
    }
}

impl ApiError {
    /// Writes this error's code (and its details: `currentVersion`, `field`, `reference`) into a GraphQL
    /// error's extensions. The schema's boundary extension calls this for every error a resolver returns.
    pub fn write_extensions(&self, extensions: &mut ErrorExtensionValues) {
        extensions.set("code", self.code());
        match self {
            Self::Conflict { current, .. } => {
                // GraphQL's Int is 32 bits; a version past that is reported as the largest Int.
                extensions.set(
                    "currentVersion",
                    i32::try_from(*current).unwrap_or(i32::MAX),
                );
            }
            Self::Validation {
                field: Some(field), ..
            } => extensions.set("field", field.as_str()),
            Self::Internal { reference } => extensions.set("reference", reference.as_str()),
            _ => {}
        }
    }
}

impl From<crate::accounts::AccountError> for ApiError {
    fn from(error: crate::accounts::AccountError) -> Self {
        use crate::accounts::AccountError as E;
        match error {
            E::BadCredentials | E::Throttled | E::Forbidden(_) => {
                Self::forbidden(error.to_string())
            }
            E::Invalid(message) => Self::Validation {
                message,
                field: None,
            },
            E::NotFound(message) => Self::not_found(message),
            E::Store(cause) => Self::internal(cause),
            E::Hashing => Self::internal("password hashing failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_that_names_a_missing_thing_is_not_found() {
        let error: ApiError = ServiceError::Missing("the campaign was not found".into()).into();
        assert_eq!(error.code(), code::NOT_FOUND);
        let error: ApiError = ServiceError::Rejected("level 9 is not on the scale".into()).into();
        assert_eq!(error.code(), code::VALIDATION);
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let error = ApiError::internal("password authentication failed for user gw");
        assert!(!error.to_string().contains("password"));
        assert_eq!(error.code(), code::INTERNAL);
    }
}
