-- A person's open connections by person: when a worker-leader leaves the campaign (removed, merged,
-- forgotten), the `campaigns` projection finds the people they led to announce their units' figures.
-- Append-only like every migration.
CREATE INDEX rm_connection_history_person ON rm_connection_history (person_id, valid_to);
