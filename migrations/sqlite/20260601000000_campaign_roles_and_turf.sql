-- Roles narrowed per campaign, activists' turf by unit, and details in the access log. Accounts data, not
-- events (see docs/adr/0006-accounts-outside-the-log.md). Migrations are append-only: never edit this file
-- once shipped, add a new one.

-- A membership narrowed to some campaigns of its chapter. A member with rows here sees and changes only
-- these campaigns; a member without rows works in every campaign of the chapter. Admins are never narrowed.
CREATE TABLE membership_campaigns (
    user_id     TEXT NOT NULL,
    chapter_id  TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, chapter_id, campaign_id)
);

-- Units assigned to a member as turf: an activist works the people of these units and their sub-units, as
-- well as the people they are the organizer of.
CREATE TABLE turf_units (
    user_id     TEXT NOT NULL,
    chapter_id  TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (user_id, chapter_id, unit_id)
);

-- What an access-log entry concerned beyond its subject (an export's campaign and row count).
ALTER TABLE access_log ADD COLUMN detail TEXT;
