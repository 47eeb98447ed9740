-- The people list's unit filter walks a unit's subtree down from the unit (ReadModels::unit_subtree):
-- one step of this index per unit instead of reading the campaign's whole tree on every request.
CREATE INDEX rm_units_parent ON rm_units (parent_id);
