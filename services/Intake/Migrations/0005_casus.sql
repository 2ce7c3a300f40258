-- Casussen (ADR 0016): the meldingen about one huishouden taken together, at most one open casus per
-- huishouden per regio. Row-level security admits only the regio of the current transaction.
CREATE TABLE casus (
    casus_id      uuid        PRIMARY KEY,
    regio         text        NOT NULL,
    casusnummer   text        NOT NULL,
    huishouden_id uuid        REFERENCES huishouden,
    geopend_op    timestamptz NOT NULL,
    gesloten_op   timestamptz,
    gesloten_door text,
    CONSTRAINT casus_nummer_once UNIQUE (regio, casusnummer),
    CONSTRAINT casus_gesloten CHECK ((gesloten_op IS NULL) = (gesloten_door IS NULL))
);

-- The casus rule itself: two open casussen for one huishouden in one regio cannot be stored, whatever
-- the application does. A casus without huishouden (NULL) never conflicts and is never joined.
CREATE UNIQUE INDEX casus_een_open_per_huishouden ON casus (regio, huishouden_id) WHERE gesloten_op IS NULL;

-- The last sequence number of a casusnummer per regio and year; the row lock serialises numbering.
CREATE TABLE casus_volgnummer (
    regio   text    NOT NULL,
    jaar    integer NOT NULL,
    laatste integer NOT NULL,
    PRIMARY KEY (regio, jaar)
);

ALTER TABLE melding ADD COLUMN casus_id uuid REFERENCES casus;
CREATE INDEX melding_casus ON melding (casus_id, ontvangen_op);

ALTER TABLE casus ENABLE ROW LEVEL SECURITY;
ALTER TABLE casus FORCE ROW LEVEL SECURITY;
CREATE POLICY casus_regio ON casus
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));

ALTER TABLE casus_volgnummer ENABLE ROW LEVEL SECURITY;
ALTER TABLE casus_volgnummer FORCE ROW LEVEL SECURITY;
CREATE POLICY casus_volgnummer_regio ON casus_volgnummer
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
