-- The changes of werkitems, written in the transaction of each change, so that WatchWerkvoorraad
-- can follow a regio's werkvoorraad by polling the rows after the last one it sent.
CREATE TABLE werkitem_wijziging (
    id            bigserial   PRIMARY KEY,
    regio         text        NOT NULL,
    werkitem_id   uuid        NOT NULL,
    melding_id    uuid        NOT NULL,
    soort         integer     NOT NULL,
    status        integer     NOT NULL,
    geclaimd_door text,
    geclaimd_tot  timestamptz,
    at            timestamptz NOT NULL
);

CREATE INDEX werkitem_wijziging_per_regio ON werkitem_wijziging (regio, id);

ALTER TABLE werkitem_wijziging ENABLE ROW LEVEL SECURITY;
ALTER TABLE werkitem_wijziging FORCE ROW LEVEL SECURITY;
CREATE POLICY werkitem_wijziging_regio ON werkitem_wijziging
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
