-- Read models answer as they stood (issue 11, read side). Append-only like every migration.

-- A person's name and preferred language through time, so `person(asOf)` and the wall chart's people
-- `asOf` show them as they were. The name is personal: set to NULL in every row when the person is forgotten.
ALTER TABLE rm_person_history ADD COLUMN name TEXT;
ALTER TABLE rm_person_history ADD COLUMN preferred_language TEXT;

-- The people list's default order: family name then given name, folded in Rust (lower case, no accents),
-- as `name_search` now is too. Personal: NULL once the person is forgotten.
ALTER TABLE rm_people ADD COLUMN sort_name TEXT;
CREATE INDEX rm_people_campaign_sort_name ON rm_people (campaign_id, status, sort_name, person_id);

-- When an assessment and a 1:1 were recorded in the log (the event's time), beside their date of record:
-- `asOf` cuts every list of a person at the recording time, as it does their level.
ALTER TABLE rm_assessments ADD COLUMN recorded_at TEXT;
ALTER TABLE rm_one_on_ones ADD COLUMN logged_at TEXT;

-- The issues raised in a 1:1, as `field_id:response_id` pairs separated by commas (ids hold neither).
ALTER TABLE rm_one_on_ones ADD COLUMN issues TEXT NOT NULL DEFAULT '';

-- A structure test's name, deadline and closed state through time, valid over [valid_from, valid_to).
CREATE TABLE rm_structure_test_history (
    test_id       TEXT    NOT NULL,
    from_position BIGINT  NOT NULL,
    name          TEXT    NOT NULL,
    deadline      TEXT    NOT NULL,
    closed        BOOLEAN NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    PRIMARY KEY (test_id, from_position)
);

-- The new columns and table are filled by the projection itself: the `campaigns` projection replays from
-- position zero (its tables emptied, its checkpoint removed), so the rows equal a rebuild's.
DELETE FROM rm_campaigns;
DELETE FROM rm_scale_levels;
DELETE FROM rm_units;
DELETE FROM rm_unit_history;
DELETE FROM rm_people;
DELETE FROM rm_person_history;
DELETE FROM rm_person_units;
DELETE FROM rm_person_unit_history;
DELETE FROM rm_person_responses;
DELETE FROM rm_contact_points;
DELETE FROM rm_assessments;
DELETE FROM rm_connections;
DELETE FROM rm_one_on_ones;
DELETE FROM rm_tasks;
DELETE FROM rm_task_subjects;
DELETE FROM rm_structure_tests;
DELETE FROM rm_structure_test_units;
DELETE FROM rm_test_steps;
DELETE FROM rm_test_step_history;
DELETE FROM projection_checkpoints WHERE name = 'campaigns';
