-- A forgetting holds in every read the moment it commits (issue 12 item 2, docs/adr/0019): the read models
-- keep a forgotten person's name until the projection applies `PersonForgotten`, so every read of them
-- first asks which people are forgotten in the log but not yet in the read models, and leaves those out or
-- masks them. The transaction that recorded the forgetting bounds that question: only forgettings at or
-- after the projection's checkpoint can still be pending. NULL for forgettings recorded before this
-- migration (and imported ones): their read models were long projected, or are rebuilt without the name.
-- Append-only like every migration.
ALTER TABLE forgotten_people ADD COLUMN tx_id BIGINT;
CREATE INDEX forgotten_people_by_tx ON forgotten_people (tx_id);
