-- Adviezen of all regios. Exactly the CBS Informatieprotocol fields: no person, household or address
-- column (ADR 0014). Row-level security admits only the regio of the current transaction (app.regio).
CREATE TABLE advies (
    advies_id                uuid        PRIMARY KEY,
    regio                    text        NOT NULL,
    request_id               uuid        NOT NULL,
    startdatum               date        NOT NULL,
    einddatum                date,
    anoniem                  boolean     NOT NULL,
    gemeente                 text,
    aard                     integer[]   NOT NULL,
    aanvullende_informatie   integer[]   NOT NULL,
    vermoedelijke_duur       integer     NOT NULL,
    adviesvrager_betrokkenheid integer   NOT NULL,
    adviesvrager_functie     integer     NOT NULL,
    adviesvrager_organisatie integer     NOT NULL,
    adviesvrager_rol         integer     NOT NULL,
    geregistreerd_op         timestamptz NOT NULL,
    geregistreerd_door       text        NOT NULL,
    CONSTRAINT advies_request_once UNIQUE (regio, request_id),
    CONSTRAINT advies_periode CHECK (einddatum IS NULL OR einddatum >= startdatum),
    -- Anonymous advice records no gemeente (domain.md §1.2).
    CONSTRAINT advies_gemeente CHECK ((anoniem AND gemeente IS NULL) OR (NOT anoniem AND gemeente ~ '^GM[0-9]{4}$'))
);

-- The list order: newest startdatum first, advies_id as tie-breaker (keyset paging).
CREATE INDEX advies_regio_startdatum ON advies (regio, startdatum DESC, advies_id DESC);

ALTER TABLE advies ENABLE ROW LEVEL SECURITY;
ALTER TABLE advies FORCE ROW LEVEL SECURITY;
CREATE POLICY advies_regio ON advies
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
