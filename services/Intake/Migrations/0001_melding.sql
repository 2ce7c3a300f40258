-- Meldingen of all regios; row-level security admits only the regio of the current transaction
-- (app.regio, set by the unit of work), so a query that forgets its filter still cannot leak.
CREATE TABLE melding (
    melding_id             uuid        PRIMARY KEY,
    regio                  text        NOT NULL,
    request_id             uuid        NOT NULL,
    ontvangen_op           timestamptz NOT NULL,
    melder_groep           integer     NOT NULL,
    melder_betrokkenheid   integer     NOT NULL,
    melder_organisatie     integer     NOT NULL,
    melder_rol             integer     NOT NULL,
    melder_anoniem         boolean     NOT NULL,
    aard                   integer[]   NOT NULL,
    vermoedelijke_duur     integer     NOT NULL,
    aanvullende_informatie integer[]   NOT NULL,
    geregistreerd_op       timestamptz NOT NULL,
    geregistreerd_door     text        NOT NULL,
    CONSTRAINT melding_request_once UNIQUE (regio, request_id)
);

CREATE INDEX melding_regio_ontvangen ON melding (regio, ontvangen_op DESC, melding_id);

ALTER TABLE melding ENABLE ROW LEVEL SECURITY;
ALTER TABLE melding FORCE ROW LEVEL SECURITY;
CREATE POLICY melding_regio ON melding
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
