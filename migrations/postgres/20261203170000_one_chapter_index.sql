-- `events` keeps one index on the chapter its metadata names: `events_by_chapter_position` (the chapter and
-- its own numbers, ADR 19) answers the chapter's head, its next number and the event at a number. The
-- older `events_by_chapter` (the chapter, tx_id, position; ADR 18) served only "the chapter's newest event at
-- or before a place in the log", which the store now finds by looking up numbers, since a chapter's numbers
-- follow the global order. Every append paid for keeping both (docs/performance.md, round 17).
-- Append-only like every migration.
DROP INDEX events_by_chapter;
