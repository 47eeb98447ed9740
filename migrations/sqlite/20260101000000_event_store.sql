-- The event store: the append-only log, snapshots, and the keys that make personal data erasable.
-- Migrations are append-only: never edit this file once shipped, add a new one.

-- The log. `position` is unique and only grows; `tx_id` numbers the writing transaction. Writes on SQLite
-- are serialized, so the store gives each append transaction max(tx_id) + 1 and readers follow
-- (tx_id, position) without ever missing a late commit.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a position is never reused
    tx_id          INTEGER NOT NULL,
    stream_type    TEXT    NOT NULL,
    stream_id      TEXT    NOT NULL,
    stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    -- Whose key sealed the `$sealed` values of this row; NULL when the stream holds no personal data.
    data_subject   TEXT,
    -- JSON kept as the exact text written, so exports round-trip byte for byte.
    payload        TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    -- Optimistic concurrency: two writers cannot both add version n of a stream.
    UNIQUE (stream_type, stream_id, stream_version)
);

-- Catch-up readers page through the log in this order.
CREATE INDEX events_global_order ON events (tx_id, position);

-- The newest snapshot of a stream per snapshot format version; rebuilt from events whenever missing.
CREATE TABLE snapshots (
    stream_type      TEXT    NOT NULL,
    stream_id        TEXT    NOT NULL,
    snapshot_version INTEGER NOT NULL,
    version          INTEGER NOT NULL, -- the stream version the state includes
    data_subject     TEXT,
    state            TEXT    NOT NULL,
    taken_at         TEXT    NOT NULL,
    PRIMARY KEY (stream_type, stream_id, snapshot_version)
);

-- Forgetting a person deletes their snapshots, found through this index.
CREATE INDEX snapshots_by_data_subject ON snapshots (data_subject);

-- One data key per person, wrapped (XChaCha20-Poly1305, nonce || ciphertext) by the master key.
-- Deleting the row erases every personal value sealed with it.
CREATE TABLE person_keys (
    person_id   TEXT PRIMARY KEY,
    wrapped_key BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

-- People whose key was destroyed; no new key is ever created for them.
CREATE TABLE forgotten_people (
    person_id    TEXT PRIMARY KEY,
    forgotten_at TEXT NOT NULL
);
