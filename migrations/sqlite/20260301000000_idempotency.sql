-- Idempotency keys of the GraphQL mutations: a retried mutation with the same key applies once and gets
-- the first answer back. Migrations are append-only: never edit this file once shipped, add a new one.

CREATE TABLE idempotency_keys (
    -- Keys are scoped (to a chapter and user), so two clients can never collide on one key.
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    -- What the key was first used for (the mutation and its arguments); reusing it for another is refused.
    fingerprint TEXT NOT NULL,
    -- The answer as JSON once the mutation has committed; NULL while it is still running.
    response    TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
