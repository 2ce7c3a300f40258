-- The national register. Rows are readable across regios by design (architecture.md §2), so these
-- tables carry no row-level-security policy; ownership of writes is enforced in code (ADR 0013).

-- A person is known only by the keyed HMAC of the BSN; key_id names the key that made it, so keys rotate.
CREATE TABLE persoon (
    persoon_id  uuid        PRIMARY KEY,
    bsn_hmac    bytea       NOT NULL,
    key_id      text        NOT NULL,
    created     timestamptz NOT NULL,
    CONSTRAINT persoon_bsn_once UNIQUE (bsn_hmac)
);

CREATE TABLE betrokkenheid (
    betrokkenheid_id uuid        PRIMARY KEY,
    regio            text        NOT NULL,
    request_id       uuid        NOT NULL,
    casus_referentie text        NOT NULL CHECK (char_length(casus_referentie) BETWEEN 1 AND 64),
    startdatum       date        NOT NULL,
    einddatum        date,
    created          timestamptz NOT NULL,
    geregistreerd_door text      NOT NULL,
    CONSTRAINT betrokkenheid_request_once UNIQUE (regio, request_id),
    CONSTRAINT betrokkenheid_einde_na_start CHECK (einddatum IS NULL OR einddatum >= startdatum)
);

CREATE TABLE betrokkenheid_persoon (
    betrokkenheid_id uuid    NOT NULL REFERENCES betrokkenheid (betrokkenheid_id),
    persoon_id       uuid    NOT NULL REFERENCES persoon (persoon_id),
    volgnummer       integer NOT NULL,
    PRIMARY KEY (betrokkenheid_id, persoon_id)
);

CREATE INDEX betrokkenheid_persoon_persoon ON betrokkenheid_persoon (persoon_id);

-- The NEN 7513 access log: append-only. The service role owns the table, so REVOKE cannot stop it;
-- triggers refuse every UPDATE, DELETE and TRUNCATE instead.
CREATE TABLE toegangslog (
    seq              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wanneer          timestamptz NOT NULL,
    wie              text        NOT NULL,
    regio            text        NOT NULL,
    rol              text        NOT NULL,
    handeling        integer     NOT NULL,
    doel             integer     NOT NULL,
    uitkomst         integer     NOT NULL,
    persoon_id       uuid,
    betrokkenheid_id uuid,
    eigenaar_regio   text        NOT NULL
);

CREATE INDEX toegangslog_eigenaar ON toegangslog (eigenaar_regio, seq DESC);

CREATE FUNCTION toegangslog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'toegangslog is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER toegangslog_no_update_delete BEFORE UPDATE OR DELETE ON toegangslog
    FOR EACH ROW EXECUTE FUNCTION toegangslog_append_only();

CREATE TRIGGER toegangslog_no_truncate BEFORE TRUNCATE ON toegangslog
    FOR EACH STATEMENT EXECUTE FUNCTION toegangslog_append_only();
