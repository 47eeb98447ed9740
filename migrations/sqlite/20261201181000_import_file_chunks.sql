-- An uploaded import's file in pieces of at most 256 KiB (issue 14: files of a 100,000-row import, up to the
-- upload limit, read back a piece at a time so no request holds a whole file in memory). Written in the
-- transaction that records the import; dropped with `imports.content` when the import is committed.
-- `imports.content` stays for files uploaded before this table existed. Append-only like every migration.
CREATE TABLE import_file_chunks (
    import_id TEXT    NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
    -- 0, 1, 2 … in the file's order.
    seq       INTEGER NOT NULL,
    bytes     BLOB   NOT NULL,
    PRIMARY KEY (import_id, seq)
);
