-- Indexes for the read queries the bench measures (docs/performance.md). Append-only like every migration.

-- People page filtered by unit: the unit's members found from the unit side, without visiting the table.
CREATE INDEX rm_person_units_unit_person ON rm_person_units (unit_id, person_id);
-- People page sorted by name (the default): the campaign's active people walked in name order.
CREATE INDEX rm_people_campaign_name ON rm_people (campaign_id, status, name_search, person_id);
