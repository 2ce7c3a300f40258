-- One work item per melding: the veiligheidsbeoordeling with its statutory clocks.
CREATE TABLE werkitem (
    werkitem_id           uuid        PRIMARY KEY,
    regio                 text        NOT NULL,
    melding_id            uuid        NOT NULL,
    ontvangen_op          timestamptz NOT NULL,
    acute_check_uiterlijk timestamptz NOT NULL,
    beoordeling_uiterlijk date        NOT NULL,
    status                integer     NOT NULL,
    aangemaakt_op         timestamptz NOT NULL,
    CONSTRAINT werkitem_een_per_melding UNIQUE (regio, melding_id)
);

CREATE INDEX werkitem_open_per_termijn ON werkitem (regio, status, beoordeling_uiterlijk) WHERE status <> 3;

ALTER TABLE werkitem ENABLE ROW LEVEL SECURITY;
ALTER TABLE werkitem FORCE ROW LEVEL SECURITY;
CREATE POLICY werkitem_regio ON werkitem
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
