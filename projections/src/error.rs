//! The one error type of the read side.

/// Why a projection or a query failed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("read-model database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("event store error: {0}")]
    Store(#[from] store::StoreError),
    #[error("event at {position:?} cannot be projected: {reason}")]
    Undecodable {
        position: store::Position,
        reason: String,
    },
    #[error("there is no projection named `{0}`")]
    UnknownProjection(String),
    #[error("a projection batch was interrupted: {0}")]
    Interrupted(String),
    #[error("the cursor `{0}` is not valid")]
    InvalidCursor(String),
    /// A read-model column holds text this version cannot read (an unknown stored word, a malformed id).
    #[error("the stored {what} `{text}` cannot be read")]
    Decode { what: String, text: String },
}
