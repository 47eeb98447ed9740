-- A projection is never stopped by one event (issue 12, ADR 13): an event a projection cannot read,
-- decode or apply is recorded here and passed over, and so is every later event of the same stream for that
-- projection (held behind it), so the stream's read model stays as it was before the bad event while every
-- other stream goes on. A rebuild empties the projection's rows here and tries every event again.
-- Append-only like every migration.
CREATE TABLE projection_quarantine (
    projection     TEXT   NOT NULL,
    tx             BIGINT NOT NULL,
    position       BIGINT NOT NULL,
    stream_type    TEXT   NOT NULL,
    stream_id      TEXT   NOT NULL,
    event_type     TEXT   NOT NULL,
    -- The chapter the event belongs to, when its metadata could be read (its admins see it in GraphQL).
    chapter_id     TEXT,
    -- Why it was not applied; for a held event, that an earlier event of its stream is quarantined.
    reason         TEXT   NOT NULL,
    -- For a held event: the position of its stream's first quarantined event.
    held_behind    BIGINT,
    quarantined_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (projection, position)
);
CREATE INDEX projection_quarantine_stream ON projection_quarantine (projection, stream_type, stream_id);
CREATE INDEX projection_quarantine_chapter ON projection_quarantine (chapter_id);
