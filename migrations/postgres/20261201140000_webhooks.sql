-- Webhooks (issue 14): endpoints an admin registers, each following the event log from its own checkpoint,
-- and the log of their deliveries. Operational data of this installation, like accounts (ADR 6, ADR 15).
-- Migrations are append-only: never edit this file once shipped, add a new one.

CREATE TABLE webhook_endpoints (
    id                  TEXT PRIMARY KEY,
    -- Only events of this chapter are delivered to the endpoint.
    chapter_id          TEXT NOT NULL,
    url                 TEXT NOT NULL,
    -- The event types delivered, separated by spaces; `*` for every type.
    event_types         TEXT NOT NULL,
    -- The signing secret (`whsec_` and base64), sealed with the master key and bound to this endpoint (base64
    -- of nonce || XChaCha20-Poly1305 ciphertext); shown to the admin once, when created or rotated.
    secret              TEXT NOT NULL,
    -- ACTIVE, PAUSED (by an admin) or DISABLED (by a 410 Gone or by too many failed attempts).
    state               TEXT NOT NULL,
    disabled_reason     TEXT,
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    -- The last event in the global order that was delivered or did not concern the endpoint: deliveries
    -- resume strictly after it.
    checkpoint_tx       BIGINT NOT NULL,
    checkpoint_position BIGINT NOT NULL,
    -- When the failed delivery of the event after the checkpoint is tried again.
    retry_at            TIMESTAMPTZ
);

CREATE INDEX webhook_endpoints_by_chapter ON webhook_endpoints (chapter_id, created_at);

-- One row per endpoint and event: what happened to its delivery.
CREATE TABLE webhook_deliveries (
    endpoint_id     TEXT   NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The `webhook-id` header: the event's id, the same on every attempt.
    event_id        TEXT   NOT NULL,
    event_type      TEXT   NOT NULL,
    position        BIGINT NOT NULL,
    -- PENDING (tried, to be tried again), DELIVERED or FAILED (the endpoint was disabled on it).
    status          TEXT   NOT NULL,
    attempts        BIGINT NOT NULL,
    -- The HTTP status of the last attempt, when the receiver answered.
    last_status_code BIGINT,
    last_error      TEXT,
    first_attempt_at TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (endpoint_id, event_id)
);

CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (endpoint_id, position DESC);
