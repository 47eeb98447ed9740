-- Imports with preview, matching and undo (issue 14, docs/adr/0014). Append-only like every migration.

-- One import of a file into a campaign: who, when, the file, its mapping, its counts and where it stands.
-- The file's bytes are kept until the import is committed or abandoned, so a preview and its commit can
-- be separate requests; the counts are those of the last dry run or of the commit.
CREATE TABLE imports (
    import_id    TEXT    PRIMARY KEY,
    chapter_id   TEXT    NOT NULL,
    campaign_id  TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   TEXT NOT NULL,
    file_name    TEXT    NOT NULL,
    content      BLOB,
    -- JSON: the column mapping and the options (default phone region).
    mapping      TEXT    NOT NULL,
    options      TEXT    NOT NULL,
    -- uploaded, planned, committing, committed, failed, undone, partly_undone
    state        TEXT    NOT NULL,
    rows_total   BIGINT  NOT NULL DEFAULT 0,
    rows_done    BIGINT  NOT NULL DEFAULT 0,
    created      BIGINT  NOT NULL DEFAULT 0,
    updated      BIGINT  NOT NULL DEFAULT 0,
    unchanged    BIGINT  NOT NULL DEFAULT 0,
    errors       BIGINT  NOT NULL DEFAULT 0,
    committed_at TEXT,
    undone_at    TEXT,
    -- JSON: what the undo left alone because it changed after the import.
    undo_report  TEXT
);
CREATE INDEX imports_campaign ON imports (chapter_id, campaign_id, created_at);

-- The column mapping last used in a campaign, offered again for the next file.
CREATE TABLE import_mappings (
    campaign_id TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- People's ids in external systems (projected from PersonExternalIdSet). The value is personal: the row
-- goes when the person is forgotten.
CREATE TABLE rm_person_external_ids (
    person_id   TEXT NOT NULL,
    system      TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (person_id, system)
);
CREATE INDEX rm_person_external_ids_value ON rm_person_external_ids (campaign_id, system, value);
