-- Idempotency keys are never stuck (issue 12): a claim holds its key only for a lease, and names the
-- correlation id its command runs under, so a retry after the claimant died can tell from the log whether
-- the command committed (then it replays the answer) or not (then it runs the command once).
-- Append-only like every migration. Claims stored before this have no lease: they count as expired.

-- Until when the claim holds the key; a retry after that may take the key over.
ALTER TABLE idempotency_keys ADD COLUMN lease_until TIMESTAMPTZ;
-- The correlation id on the events of the claimed command (the event metadata's `correlation`).
ALTER TABLE idempotency_keys ADD COLUMN correlation TEXT;
-- The answer without its version and position (the target, its id, the created part), as JSON: what a
-- replay needs besides the events it finds.
ALTER TABLE idempotency_keys ADD COLUMN pending_answer TEXT;
