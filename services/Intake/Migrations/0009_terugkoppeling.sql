-- The statutory feedback to the melder, per melding (ADR 0021): when, how, at which moment, by whom.
-- No free text: what was said stays out of the system.
CREATE TABLE terugkoppeling (
    terugkoppeling_id uuid        PRIMARY KEY,
    regio             text        NOT NULL,
    melding_id        uuid        NOT NULL REFERENCES melding,
    request_id        uuid        NOT NULL,
    gegeven_op        timestamptz NOT NULL,
    wijze             integer     NOT NULL,
    moment            integer     NOT NULL,
    geregistreerd_door text       NOT NULL,
    geregistreerd_op  timestamptz NOT NULL,
    CONSTRAINT terugkoppeling_een_per_request UNIQUE (regio, request_id)
);

CREATE INDEX terugkoppeling_per_melding ON terugkoppeling (regio, melding_id, gegeven_op);

ALTER TABLE terugkoppeling ENABLE ROW LEVEL SECURITY;
ALTER TABLE terugkoppeling FORCE ROW LEVEL SECURITY;
CREATE POLICY terugkoppeling_regio ON terugkoppeling
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
