-- Read models projected from the event log (the GraphQL read-models issue). Every table here can be dropped
-- and rebuilt from the log: `groundwork projections rebuild` empties a projection's tables, resets its
-- checkpoint and replays from position zero. Every row carries its chapter, and every query filters by it.
-- Migrations are append-only: never edit this file once shipped, add a new one.
-- SQLite keeps timestamps as RFC 3339 text (what sqlx writes), which sorts in time order, and dates as ISO text.

-- Where each projection stands in the global order, committed in the same transaction as its writes.
CREATE TABLE projection_checkpoints (
    name       TEXT   PRIMARY KEY,
    tx         BIGINT NOT NULL,
    position   BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Campaigns and their assessment scales.
CREATE TABLE rm_campaigns (
    campaign_id   TEXT    PRIMARY KEY,
    chapter_id    TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    goal          BIGINT  NOT NULL,
    archived      BOOLEAN NOT NULL,
    last_position BIGINT  NOT NULL -- idempotence guard: events at or below it were applied
);
CREATE INDEX rm_campaigns_chapter ON rm_campaigns (chapter_id);

CREATE TABLE rm_scale_levels (
    campaign_id TEXT   NOT NULL,
    level       BIGINT NOT NULL,
    label       TEXT   NOT NULL,
    colour      TEXT   NOT NULL,
    PRIMARY KEY (campaign_id, level)
);

-- The unit tree of a campaign, live.
CREATE TABLE rm_units (
    unit_id     TEXT    PRIMARY KEY,
    campaign_id TEXT    NOT NULL,
    chapter_id  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    parent_id   TEXT,
    retired     BOOLEAN NOT NULL
);
CREATE INDEX rm_units_campaign ON rm_units (campaign_id);

-- The unit tree through time: one row per version of a unit, valid over [valid_from, valid_to) in the
-- events' own time (metadata `at`); valid_to is NULL for the current version.
CREATE TABLE rm_unit_history (
    unit_id       TEXT    NOT NULL,
    from_position BIGINT  NOT NULL,
    campaign_id   TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    parent_id     TEXT,
    retired       BOOLEAN NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    PRIMARY KEY (unit_id, from_position)
);
CREATE INDEX rm_unit_history_as_of ON rm_unit_history (campaign_id, valid_from, valid_to);

-- People of a campaign: the wall-chart cell and the list row. `name` and `name_search` are personal and
-- set to NULL when the person is forgotten.
CREATE TABLE rm_people (
    person_id          TEXT    PRIMARY KEY,
    campaign_id        TEXT    NOT NULL,
    chapter_id         TEXT    NOT NULL,
    name               TEXT,
    name_search        TEXT,
    level              BIGINT,
    organizer          TEXT,
    follow_up          BOOLEAN NOT NULL,
    status             TEXT    NOT NULL, -- active, removed, merged, forgotten
    merged_into        TEXT,
    preferred_language TEXT,
    added_at           TEXT NOT NULL,
    last_position      BIGINT  NOT NULL
);
CREATE INDEX rm_people_campaign ON rm_people (campaign_id, status, level);
CREATE INDEX rm_people_organizer ON rm_people (campaign_id, organizer);

-- A person's wall-chart state through time (no personal data: names are read from rm_people).
CREATE TABLE rm_person_history (
    person_id     TEXT    NOT NULL,
    from_position BIGINT  NOT NULL,
    campaign_id   TEXT    NOT NULL,
    level         BIGINT,
    organizer     TEXT,
    follow_up     BOOLEAN NOT NULL,
    status        TEXT    NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    PRIMARY KEY (person_id, from_position)
);
CREATE INDEX rm_person_history_as_of ON rm_person_history (campaign_id, valid_from, valid_to);

CREATE TABLE rm_person_units (
    person_id   TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (person_id, unit_id)
);
CREATE INDEX rm_person_units_unit ON rm_person_units (unit_id);
CREATE INDEX rm_person_units_campaign ON rm_person_units (campaign_id);

CREATE TABLE rm_person_unit_history (
    person_id     TEXT   NOT NULL,
    unit_id       TEXT   NOT NULL,
    from_position BIGINT NOT NULL,
    campaign_id   TEXT   NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    PRIMARY KEY (person_id, unit_id, from_position)
);
CREATE INDEX rm_person_unit_history_as_of ON rm_person_unit_history (campaign_id, valid_from, valid_to);

CREATE TABLE rm_person_responses (
    person_id   TEXT NOT NULL,
    field_id    TEXT NOT NULL,
    response_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (person_id, field_id, response_id)
);
CREATE INDEX rm_person_responses_response ON rm_person_responses (campaign_id, response_id);

-- Contact points. `value` is personal and set to NULL when the person is forgotten.
CREATE TABLE rm_contact_points (
    contact_point_id TEXT    PRIMARY KEY,
    person_id        TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    label            TEXT    NOT NULL,
    value            TEXT,
    do_not_contact   BOOLEAN NOT NULL
);
CREATE INDEX rm_contact_points_person ON rm_contact_points (person_id);

-- Every assessment, with who gave it and when (never the note).
CREATE TABLE rm_assessments (
    person_id      TEXT   NOT NULL,
    position       BIGINT NOT NULL,
    campaign_id    TEXT   NOT NULL,
    level          BIGINT,
    previous_level BIGINT,
    assessed_by    TEXT   NOT NULL,
    assessed_at    TEXT NOT NULL,
    PRIMARY KEY (person_id, position)
);
CREATE INDEX rm_assessments_campaign ON rm_assessments (campaign_id, assessed_at);

CREATE TABLE rm_connections (
    connection_id TEXT    PRIMARY KEY,
    person_id     TEXT    NOT NULL,
    target_kind   TEXT    NOT NULL, -- person or unit
    target_id     TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    active        BOOLEAN NOT NULL
);
CREATE INDEX rm_connections_person ON rm_connections (person_id);

-- The 1:1 log: who talked to whom and when. Notes stay in the event log, read through the person's stream.
CREATE TABLE rm_one_on_ones (
    conversation_id TEXT   PRIMARY KEY,
    person_id       TEXT   NOT NULL,
    campaign_id     TEXT   NOT NULL,
    chapter_id      TEXT   NOT NULL,
    organizer       TEXT   NOT NULL,
    held_at         TEXT NOT NULL,
    assessment      BIGINT,
    logged_by       TEXT   NOT NULL
);
CREATE INDEX rm_one_on_ones_person ON rm_one_on_ones (person_id);
CREATE INDEX rm_one_on_ones_campaign ON rm_one_on_ones (campaign_id, held_at);

CREATE TABLE rm_tasks (
    task_id       TEXT   PRIMARY KEY,
    campaign_id   TEXT   NOT NULL,
    chapter_id    TEXT   NOT NULL,
    kind          TEXT   NOT NULL,
    title         TEXT   NOT NULL,
    assignee      TEXT   NOT NULL,
    assigned_by   TEXT   NOT NULL,
    due           TEXT,
    status        TEXT   NOT NULL, -- open, done, cancelled
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    last_position BIGINT NOT NULL
);
CREATE INDEX rm_tasks_assignee ON rm_tasks (chapter_id, assignee, status, due);
CREATE INDEX rm_tasks_campaign ON rm_tasks (campaign_id, status, due);

CREATE TABLE rm_task_subjects (
    task_id   TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (task_id, person_id)
);
CREATE INDEX rm_task_subjects_person ON rm_task_subjects (person_id);

CREATE TABLE rm_structure_tests (
    test_id       TEXT    PRIMARY KEY,
    campaign_id   TEXT    NOT NULL,
    chapter_id    TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    goal_percent  BIGINT  NOT NULL,
    deadline      TEXT    NOT NULL,
    closed        BOOLEAN NOT NULL,
    created_at    TEXT NOT NULL,
    last_position BIGINT  NOT NULL
);
CREATE INDEX rm_structure_tests_campaign ON rm_structure_tests (campaign_id);

-- A test's scope; no rows means the whole campaign.
CREATE TABLE rm_structure_test_units (
    test_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    PRIMARY KEY (test_id, unit_id)
);

-- Each person's latest step in each test.
CREATE TABLE rm_test_steps (
    test_id     TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    step        TEXT NOT NULL, -- asked, committed, participated, declined
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (test_id, person_id)
);
CREATE INDEX rm_test_steps_person ON rm_test_steps (person_id);

CREATE TABLE rm_test_step_history (
    test_id       TEXT   NOT NULL,
    person_id     TEXT   NOT NULL,
    from_position BIGINT NOT NULL,
    campaign_id   TEXT   NOT NULL,
    step          TEXT   NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    PRIMARY KEY (test_id, person_id, from_position)
);
CREATE INDEX rm_test_step_history_as_of ON rm_test_step_history (test_id, valid_from, valid_to);

-- The change explorer: one row per event of a campaign. `summary` never holds personal data.
CREATE TABLE rm_activity (
    position    BIGINT PRIMARY KEY,
    tx          BIGINT NOT NULL,
    chapter_id  TEXT   NOT NULL,
    campaign_id TEXT,
    actor       TEXT   NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT   NOT NULL,
    person_id   TEXT,
    task_id     TEXT,
    test_id     TEXT,
    summary     TEXT   NOT NULL
);
CREATE INDEX rm_activity_campaign ON rm_activity (chapter_id, campaign_id, tx, position);
CREATE INDEX rm_activity_actor ON rm_activity (chapter_id, actor);
-- The projection finds an aggregate's campaign from its first activity row (person, task, structure test):
-- without these, every event would scan the feed.
CREATE INDEX rm_activity_person ON rm_activity (person_id, tx, position);
CREATE INDEX rm_activity_task ON rm_activity (task_id, tx, position);
CREATE INDEX rm_activity_test ON rm_activity (test_id, tx, position);
