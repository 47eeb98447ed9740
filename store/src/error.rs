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
