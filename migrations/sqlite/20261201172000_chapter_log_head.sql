-- A chapter's own head of the log (`logHead`, `logHeadChanges`): the newest event whose metadata names the
-- chapter, found by one backward step of this index instead of a scan. The chapter stays in the metadata
-- text (exports round-trip byte for byte); the index reads it from there (docs/adr/0018).
-- Append-only like every migration.
CREATE INDEX events_by_chapter ON events (json_extract(metadata, '$.chapter'), tx_id, position);
