-- Households as units (issue 5, ADR 0022). Every registration (betrokkenheid) belongs to one register
-- household; a registration whose persons are enough of an existing household's persons joins it.
CREATE TABLE huishouden (
    huishouden_id uuid        PRIMARY KEY,
    created       timestamptz NOT NULL
);

ALTER TABLE betrokkenheid ADD COLUMN huishouden_id uuid REFERENCES huishouden (huishouden_id);
-- The household match outcome (MatchUitkomst), so a repeated request answers the same.
ALTER TABLE betrokkenheid ADD COLUMN huishouden_match integer NOT NULL DEFAULT 0;
-- Keyed hash of postcode + house number (the persons' MatchKenmerken.Adres): supporting evidence only.
ALTER TABLE betrokkenheid ADD COLUMN adres_hmac bytea;

CREATE INDEX betrokkenheid_huishouden ON betrokkenheid (huishouden_id);

-- A household search's access log entries name the household found.
ALTER TABLE toegangslog ADD COLUMN huishouden_id uuid;
