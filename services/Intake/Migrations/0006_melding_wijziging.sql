-- The audit trail of corrections to a melding: who, when and which field paths. Deliberately no
-- old or new values: they would copy personal data into a second place (ADR 0016).
CREATE TABLE melding_wijziging (
    wijziging_id   uuid        PRIMARY KEY,
    regio          text        NOT NULL,
    melding_id     uuid        NOT NULL REFERENCES melding,
    gewijzigd_op   timestamptz NOT NULL,
    gewijzigd_door text        NOT NULL,
    paden          text[]      NOT NULL CHECK (cardinality(paden) > 0)
);

CREATE INDEX melding_wijziging_melding ON melding_wijziging (melding_id, gewijzigd_op);

ALTER TABLE melding_wijziging ENABLE ROW LEVEL SECURITY;
ALTER TABLE melding_wijziging FORCE ROW LEVEL SECURITY;
CREATE POLICY melding_wijziging_regio ON melding_wijziging
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
