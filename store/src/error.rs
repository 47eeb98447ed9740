//! The store's error type: one variant per thing a caller can act on differently.

use uuid::Uuid;

/// Everything that can go wrong in the event store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite://…` nor `postgres://…`, or cannot be parsed.
    #[error("invalid database URL: {reason}")]
    InvalidUrl { reason: String },

    /// The database server or file could not be reached at all.
    #[error("cannot reach the {backend} database")]
    Unreachable {
        backend: &'static str,
        #[source]
        source: sqlx::Error,
    },

    /// The database answered but refused the connection (authentication, missing database, …).
    #[error("the {backend} database refused the connection")]
    ConnectionRefused {
        backend: &'static str,
        #[source]
        source: sqlx::Error,
    },

    /// Applying the embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    /// Optimistic concurrency: the stream moved on since it was loaded.
    #[error("conflict on stream {stream}: expected version {expected}, found {actual}")]
    Conflict {
        stream: String,
        expected: u64,
        actual: u64,
    },

    /// An append batch that cannot be stored as given (for example the same stream twice).
    #[error("invalid append: {reason}")]
    InvalidAppend { reason: String },

    /// The master key could not be parsed.
    #[error("invalid master key: {reason}")]
    InvalidMasterKey { reason: String },

    /// The master key does not open the person keys stored in this database.
    #[error(
        "wrong master key: it cannot unwrap the key of person {person_id}; \
         this store (or export) was written with another GROUNDWORK master key"
    )]
    WrongMasterKey { person_id: Uuid },

    /// A `{"$personal": …}` value was about to be written to a stream that has no data subject, which would
    /// store personal data in plain text.
    #[error("stream {stream} has no data subject but its data contains a personal value")]
    PersonalDataWithoutSubject { stream: String },

    /// New personal data was about to be written for a person who has been forgotten.
    #[error("person {person_id} has been forgotten; no new personal data can be stored for them")]
    PersonForgotten { person_id: Uuid },

    /// A sealed value or a data key could not be decrypted or has the wrong shape.
    #[error("corrupt sealed data in {location}: {reason}")]
    CorruptSealedData { location: String, reason: String },

    /// Stored data could not be turned back into an event or aggregate.
    #[error("cannot deserialize {what}: {source}")]
    Deserialize {
        what: String,
        #[source]
        source: serde_json::Error,
    },

    /// An event or aggregate could not be serialized.
    #[error("cannot serialize {what}: {source}")]
    Serialize {
        what: String,
        #[source]
        source: serde_json::Error,
    },

    /// A stored event could not be brought to the current schema.
    #[error(transparent)]
    Upcast(#[from] domain::UpcastError),

    /// `import` only writes into a store that holds nothing yet.
    #[error("import refused: the target store is not empty (it already holds {what})")]
    ImportIntoNonEmptyStore { what: &'static str },

    /// An export file that cannot be imported.
    #[error("invalid export at line {line}: {reason}")]
    InvalidExport { line: usize, reason: String },

    /// Reading or writing an export failed.
    #[error("export I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }
}

/// Whether `error` means the connection to the database was lost or could not be had (the server ended it,
/// as `pg_terminate_backend` or a restart does; the network dropped; the pool had no connection in time):
/// the statement may well succeed when retried on a new connection, so callers answer with a retryable
/// error rather than an internal one.
pub fn connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => database.code().is_some_and(|code| {
            // SQLSTATE class 08: connection exception; 57P01-57P03: the server shuts down, crashed or
            // cannot connect now (admin_shutdown is what pg_terminate_backend sends).
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

impl StoreError {
    /// Whether this is a lost database connection (see [`connection_lost`]).
    pub fn is_connection_lost(&self) -> bool {
        match self {
            StoreError::Database(error) => connection_lost(error),
            StoreError::Unreachable { .. } => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_connections_are_told_from_other_errors() {
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        assert!(StoreError::Database(sqlx::Error::Io(reset)).is_connection_lost());
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_connection_lost());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_connection_lost());
        assert!(!StoreError::InvalidAppend {
            reason: "the same stream twice".to_string()
        }
        .is_connection_lost());
    }
}
