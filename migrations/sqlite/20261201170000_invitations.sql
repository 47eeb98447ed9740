-- Invitations (issue 12, ADR 16): an admin invites an address to their chapter; the holder of the address
-- accepts with the code (a new password, or the password of the account they have), and only then becomes a
-- member. The code is shown once to the inviting admin; only its SHA-256 digest is kept.
-- Migrations are append-only: never edit this file once shipped, add a new one.

CREATE TABLE invitations (
    id            TEXT PRIMARY KEY,
    chapter_id    TEXT NOT NULL,
    -- Lower-cased, like users.email.
    email         TEXT NOT NULL,
    -- The membership the invitation offers: role and grants, as in memberships.
    role          TEXT NOT NULL,
    personal_data INTEGER NOT NULL,
    can_export    INTEGER NOT NULL,
    -- SHA-256 (hex) of the code's secret part.
    code_hash     TEXT NOT NULL,
    invited_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    -- Set once, when the invitation is accepted (single use), with the account that accepted it.
    accepted_at   TEXT,
    accepted_by   TEXT,
    -- Set when an admin withdrew it, or a newer invitation of the same address to the same chapter replaced it.
    revoked_at    TEXT,
    revoked_by    TEXT
);

CREATE INDEX invitations_by_chapter ON invitations (chapter_id, created_at);

-- Disabling is per chapter (ADR 16): a member disabled in one chapter keeps the account's other chapters.
-- users.disabled_at stays the whole account's switch (an operator's).
ALTER TABLE memberships ADD COLUMN disabled_at TEXT;
