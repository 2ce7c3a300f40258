-- The register link (ADR 0020): per melding with betrokkenen one registration in the national register,
-- retried until it succeeds, and the register's answer per betrokkene. Every table carries its regio and
-- is admitted by row-level security only to that regio (app.regio), like the meldingen themselves.

-- The durable queue: one row per melding to register. Ids, counters and times only, nothing personal.
CREATE TABLE registerkoppeling (
    melding_id        uuid        PRIMARY KEY REFERENCES melding,
    regio             text        NOT NULL,
    aangemaakt_op     timestamptz NOT NULL,
    pogingen          integer     NOT NULL DEFAULT 0,
    laatste_poging_op timestamptz,
    volgende_poging_op timestamptz NOT NULL,
    -- The gRPC status or exception type of the last failure, never its message (it could echo a request).
    laatste_fout      text,
    afgerond_op       timestamptz,
    betrokkenheid_id  text
);

-- The worker's scan: due, unfinished rows of one regio.
CREATE INDEX registerkoppeling_wachtend ON registerkoppeling (regio, volgende_poging_op) WHERE afgerond_op IS NULL;

-- The register's answer per registered betrokkene. No foreign key to betrokkene: a correction of the
-- betrokkenen (UpdateMelding) replaces their rows, and the answer about the original persons stays history.
CREATE TABLE registerkoppeling_persoon (
    betrokkene_id uuid PRIMARY KEY,
    regio         text NOT NULL,
    melding_id    uuid NOT NULL REFERENCES registerkoppeling,
    persoon_id    text NOT NULL
);

CREATE INDEX registerkoppeling_persoon_melding ON registerkoppeling_persoon (melding_id);

-- Where else the register knows the person: the other regio's tenant id, since when, open, contact point.
CREATE TABLE registerkoppeling_elders_bekend (
    betrokkene_id uuid    NOT NULL REFERENCES registerkoppeling_persoon,
    regio         text    NOT NULL,
    elders_regio  text    NOT NULL,
    sinds         date,
    open          boolean NOT NULL,
    contactpunt   text    NOT NULL,
    PRIMARY KEY (betrokkene_id, elders_regio)
);

ALTER TABLE registerkoppeling ENABLE ROW LEVEL SECURITY;
ALTER TABLE registerkoppeling FORCE ROW LEVEL SECURITY;
CREATE POLICY registerkoppeling_regio ON registerkoppeling
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));

ALTER TABLE registerkoppeling_persoon ENABLE ROW LEVEL SECURITY;
ALTER TABLE registerkoppeling_persoon FORCE ROW LEVEL SECURITY;
CREATE POLICY registerkoppeling_persoon_regio ON registerkoppeling_persoon
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));

ALTER TABLE registerkoppeling_elders_bekend ENABLE ROW LEVEL SECURITY;
ALTER TABLE registerkoppeling_elders_bekend FORCE ROW LEVEL SECURITY;
CREATE POLICY registerkoppeling_elders_bekend_regio ON registerkoppeling_elders_bekend
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
