-- Single sign-on with OpenID Connect, and sign-in throttling that every server process shares
-- (see docs/adr/0007-openid-connect.md). Migrations are append-only: never edit this file once shipped,
-- add a new one.

-- The identity provider that vouched for `oidc_subject`: a subject is unique only within its issuer, so a
-- user is found by both.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;

-- Sign-ins through the identity provider that have started and not come back yet. The browser carries the
-- state (in the URL) and a binding secret (in a short-lived HttpOnly cookie); only their SHA-256 digests are
-- kept. The row is deleted when the browser comes back, so a state works once.
CREATE TABLE oidc_sign_ins (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    -- Unix time in seconds after which the sign-in is refused and may be deleted.
    expires_at    BIGINT NOT NULL
);
CREATE INDEX oidc_sign_ins_by_expiry ON oidc_sign_ins (expires_at);

-- Failed password sign-ins, one row per failure and key ("account:EMAIL" or "address:IP", stored as a
-- SHA-256 digest so the table lists no addresses). Every server process counts the same rows; rows older
-- than the throttle's window are deleted as new failures arrive.
CREATE TABLE sign_in_failures (
    key_hash  TEXT NOT NULL,
    -- Unix time in milliseconds.
    failed_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key_hash, failed_at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (failed_at);
