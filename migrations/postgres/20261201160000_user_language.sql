-- The language each user chose for the app (a BCP 47 tag such as `en` or `es`); NULL: the browser's own.
-- Append-only like every migration.
ALTER TABLE users ADD COLUMN language TEXT;
