-- The huishouden a melding is about, its betrokkenen, and the melder's identity (ADR 0016). All rows
-- carry their regio and are admitted by row-level security only to that regio (app.regio).

-- A huishouden is its address within a regio: the same address in the same regio is the same huishouden.
CREATE TABLE huishouden (
    huishouden_id uuid    PRIMARY KEY,
    regio         text    NOT NULL,
    postcode      text    NOT NULL CHECK (postcode ~ '^[1-9][0-9]{3} [A-Z]{2}$'),
    huisnummer    integer NOT NULL CHECK (huisnummer BETWEEN 1 AND 99999),
    toevoeging    text    NOT NULL CHECK (length(toevoeging) <= 10),
    CONSTRAINT huishouden_adres_once UNIQUE (regio, postcode, huisnummer, toevoeging)
);

ALTER TABLE melding ADD COLUMN huishouden_id uuid REFERENCES huishouden;
CREATE INDEX melding_huishouden ON melding (huishouden_id) WHERE huishouden_id IS NOT NULL;

CREATE TABLE betrokkene (
    betrokkene_id uuid     PRIMARY KEY,
    regio         text     NOT NULL,
    melding_id    uuid     NOT NULL REFERENCES melding,
    volgnummer    smallint NOT NULL,
    rol           integer  NOT NULL,
    voornamen     text     NOT NULL,
    tussenvoegsel text     NOT NULL,
    achternaam    text     NOT NULL,
    geboortedatum date,
    geslacht      integer  NOT NULL,
    bsn           text     CHECK (bsn ~ '^[0-9]{9}$'),
    CONSTRAINT betrokkene_volgorde UNIQUE (melding_id, volgnummer)
);

-- The melder's identity lives apart from the melding so that no query of a melding can return it by
-- accident: only the terugkoppeling reads this table. Only the columns that feedback needs.
CREATE TABLE melder_identiteit (
    melding_id     uuid PRIMARY KEY REFERENCES melding,
    regio          text NOT NULL,
    naam           text NOT NULL,
    telefoonnummer text NOT NULL,
    email          text NOT NULL
);

ALTER TABLE huishouden ENABLE ROW LEVEL SECURITY;
ALTER TABLE huishouden FORCE ROW LEVEL SECURITY;
CREATE POLICY huishouden_regio ON huishouden
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));

ALTER TABLE betrokkene ENABLE ROW LEVEL SECURITY;
ALTER TABLE betrokkene FORCE ROW LEVEL SECURITY;
CREATE POLICY betrokkene_regio ON betrokkene
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));

ALTER TABLE melder_identiteit ENABLE ROW LEVEL SECURITY;
ALTER TABLE melder_identiteit FORCE ROW LEVEL SECURITY;
CREATE POLICY melder_identiteit_regio ON melder_identiteit
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
