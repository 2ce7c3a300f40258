-- Teams within a regio: a werkitem can be assigned to one, and the werkvoorraad filtered by it.
ALTER TABLE werkitem ADD COLUMN team text
    CONSTRAINT werkitem_team_vorm CHECK (team ~ '^[a-z0-9][a-z0-9-]{0,49}$');
ALTER TABLE werkitem_wijziging ADD COLUMN team text;

-- A team's open werkvoorraad in werkvoorraad order (as werkitem_werkvoorraad, per team).
CREATE INDEX werkitem_werkvoorraad_per_team ON werkitem (
    regio, team,
    (CASE WHEN status = 1 THEN 0 ELSE 1 END),
    (CASE WHEN status = 1 THEN acute_check_uiterlijk ELSE timestamptz '1970-01-01 00:00:00+00' END),
    beoordeling_uiterlijk, ontvangen_op, werkitem_id)
    WHERE team IS NOT NULL AND status <> 3;
