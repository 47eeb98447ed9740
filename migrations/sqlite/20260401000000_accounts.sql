-- Accounts: who may sign in, their roles per chapter, their browser sessions and their personal API tokens.
-- Accounts are not events: they are operational data of this installation, not facts about organizing
-- (see docs/adr/0006-accounts-outside-the-log.md). Migrations are append-only: never edit this file once
-- shipped, add a new one.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- Lower-cased, so one address is one account.
    email         TEXT NOT NULL UNIQUE,
    -- An argon2id PHC string; NULL for users who only sign in through the identity provider.
    password_hash TEXT,
    -- The identity provider's subject, once the user has signed in through it.
    oidc_subject  TEXT UNIQUE,
    -- Set when an admin disabled the user: every session and token stops working at once.
    disabled_at   TEXT,
    created_at    TEXT NOT NULL
);

-- A user's role in one chapter. Nothing of another chapter is reachable without a row here.
CREATE TABLE memberships (
    user_id       TEXT NOT NULL REFERENCES users (id),
    chapter_id    TEXT NOT NULL,
    -- admin, lead, organizer, activist or analyst.
    role          TEXT NOT NULL,
    -- Whether an analyst sees personal fields unmasked.
    personal_data INTEGER NOT NULL DEFAULT 0,
    -- Export is a permission of its own.
    can_export    INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, chapter_id)
);

-- Browser sessions. The cookie holds the session's id and a secret; only the SHA-256 of the secret is
-- stored, so a copy of the database signs no one in. The id finds the row, the hash is compared in constant
-- time.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    chapter_id   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Personal API tokens: named, scoped to a chapter and a role no higher than the owner's, stored hashed.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    chapter_id   TEXT NOT NULL,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    -- SHA-256 of the token's secret part; the token itself is shown once and never stored.
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- The access log: who saw or did what sensitive thing, when (reading a person's contact points, forgetting
-- a person). Admins of the chapter can read it; nothing in Groundwork deletes from it.
CREATE TABLE access_log (
    id         TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    chapter_id TEXT NOT NULL,
    -- READ_CONTACT_POINTS, FORGET_PERSON, …
    action     TEXT NOT NULL,
    -- The person (or other thing) concerned.
    subject_id TEXT
);
CREATE INDEX access_log_by_chapter ON access_log (chapter_id, at);
