-- Each chapter numbers its own events 1, 2, 3, … (docs/adr/0019): what a chapter's caller is shown as a
-- position (`logHead`, `Activity.position`, `projectionStatus`, webhook event ids) is this number, so the
-- distance between two of a chapter's positions counts only its own events, never another chapter's.
-- The store assigns it in the append's transaction (SQLite has one writer), so a chapter's numbers follow
-- the global order (tx_id, position) exactly. NULL for an event whose metadata names no chapter.
-- Append-only like every migration.
ALTER TABLE events ADD COLUMN chapter_position BIGINT;

-- Existing events: numbered per chapter in the global order, as the store numbers new ones.
UPDATE events SET chapter_position = numbered.chapter_position
FROM (
    SELECT position,
           row_number() OVER (PARTITION BY json_extract(metadata, '$.chapter') ORDER BY tx_id, position)
               AS chapter_position
    FROM events
    WHERE json_extract(metadata, '$.chapter') IS NOT NULL
) AS numbered
WHERE events.position = numbered.position;

-- The next number of a chapter (one backward index step), the event at a chapter's number, and a guard:
-- two events of one chapter never share a number. The expression is the one of `events_by_chapter`.
CREATE UNIQUE INDEX events_by_chapter_position
    ON events (json_extract(metadata, '$.chapter'), chapter_position);

-- The change explorer shows the chapter's number of each event.
ALTER TABLE rm_activity ADD COLUMN chapter_position BIGINT;
UPDATE rm_activity SET chapter_position = events.chapter_position
FROM events WHERE events.position = rm_activity.position;
