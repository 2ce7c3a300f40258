-- Probabilistic matching (issue 5, ADR 0016). A person may now be known without a BSN; what matching
-- needs is kept only in keyed form (HMACs and keyed Bloom filters under Register:MatchingKey), per
-- registration, so a person who moved is found at the old and the new address alike.
ALTER TABLE persoon ALTER COLUMN bsn_hmac DROP NOT NULL;
ALTER TABLE persoon ALTER COLUMN key_id DROP NOT NULL;
-- Set when a mogelijk match was decided to be the same person: its links moved to that person.
ALTER TABLE persoon ADD COLUMN samengevoegd_in uuid REFERENCES persoon (persoon_id) ON DELETE SET NULL;

-- The match outcome of each person of a registration, so a repeated request answers the same.
ALTER TABLE betrokkenheid_persoon ADD COLUMN match_uitkomst integer NOT NULL DEFAULT 0;

CREATE TABLE persoon_kenmerk (
    kenmerk_id       uuid        PRIMARY KEY,
    persoon_id       uuid        NOT NULL REFERENCES persoon (persoon_id) ON DELETE CASCADE,
    betrokkenheid_id uuid        NOT NULL REFERENCES betrokkenheid (betrokkenheid_id) ON DELETE CASCADE,
    key_id           text        NOT NULL,
    kenmerken        bytea       NOT NULL,
    created          timestamptz NOT NULL
);

CREATE INDEX persoon_kenmerk_persoon ON persoon_kenmerk (persoon_id);
CREATE INDEX persoon_kenmerk_betrokkenheid ON persoon_kenmerk (betrokkenheid_id);

-- Blocking keys: a lookup reads only the records sharing one of its keys, never the whole table.
CREATE TABLE persoon_blok (
    blok       bytea NOT NULL,
    kenmerk_id uuid  NOT NULL REFERENCES persoon_kenmerk (kenmerk_id) ON DELETE CASCADE,
    PRIMARY KEY (blok, kenmerk_id)
);

CREATE INDEX persoon_blok_kenmerk ON persoon_blok (kenmerk_id);

-- The review queue of mogelijk matches; owned by the regio whose registration raised it.
CREATE TABLE matchbeoordeling (
    seq                bigint      GENERATED ALWAYS AS IDENTITY,
    matchbeoordeling_id uuid       PRIMARY KEY,
    regio              text        NOT NULL,
    persoon_id         uuid        NOT NULL REFERENCES persoon (persoon_id) ON DELETE CASCADE,
    kandidaat_id       uuid        NOT NULL REFERENCES persoon (persoon_id) ON DELETE CASCADE,
    betrokkenheid_id   uuid        NOT NULL REFERENCES betrokkenheid (betrokkenheid_id) ON DELETE CASCADE,
    score              double precision NOT NULL,
    -- Per field: MatchVeld code, Veldovereenkomst code (pairs of bytes); no personal data.
    velden             bytea       NOT NULL,
    status             integer     NOT NULL,
    created            timestamptz NOT NULL,
    besloten_at        timestamptz,
    besloten_door      text,
    resultaat_persoon_id uuid,
    CONSTRAINT matchbeoordeling_seq_once UNIQUE (seq),
    CONSTRAINT matchbeoordeling_paar_once UNIQUE (persoon_id, kandidaat_id)
);

CREATE INDEX matchbeoordeling_open ON matchbeoordeling (regio, seq) WHERE status = 1;
