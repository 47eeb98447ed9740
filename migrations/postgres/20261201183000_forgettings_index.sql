-- The forgettings in the log, for start-up's look for forgettings an older version left half done
-- (`Store::finish_forgettings`): without it every start read every person event (131 ms at 10,000 people,
-- 28 before). Partial, so appends of other events never touch it. Append-only like every migration.
CREATE INDEX events_forgettings ON events (stream_id) WHERE event_type = 'PersonForgotten';
