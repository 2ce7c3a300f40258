-- Radar (issue 5): when a regio registers or finds a person already known to another regio, the
-- owning regio receives a signal. A signal carries identifiers and codes only, never file content.
CREATE TABLE signaal (
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    signaal_id       uuid        PRIMARY KEY,
    ontvangende_regio text       NOT NULL,
    afzendende_regio text        NOT NULL,
    persoon_id       uuid        NOT NULL REFERENCES persoon (persoon_id),
    aanleiding       integer     NOT NULL,
    doel             integer     NOT NULL,
    created_at       timestamptz NOT NULL,
    CONSTRAINT signaal_seq_once UNIQUE (seq)
);

CREATE INDEX signaal_ontvanger ON signaal (ontvangende_regio, seq);
