-- Claim (PostgreSQL records the latest claimant; the lease itself lives in Redis), the acute
-- check and the veiligheidsbeoordeling of a werkitem.
ALTER TABLE werkitem
    ADD COLUMN geclaimd_door             text,
    ADD COLUMN geclaimd_op               timestamptz,
    ADD COLUMN geclaimd_tot              timestamptz,
    ADD COLUMN acute_onveiligheid        boolean,
    ADD COLUMN directe_actie             integer,
    ADD COLUMN acute_check_door          text,
    ADD COLUMN acute_check_vastgelegd_op timestamptz,
    ADD COLUMN veiligheidstaxatie        integer[],
    ADD COLUMN vermoeden                 boolean,
    ADD COLUMN besluit                   integer,
    ADD COLUMN vervolg                   integer,
    ADD COLUMN motivatie                 text,
    ADD COLUMN afgerond_door             text,
    ADD COLUMN afgerond_op               timestamptz,
    ADD CONSTRAINT werkitem_motivatie_lengte CHECK (char_length(motivatie) <= 4000),
    ADD CONSTRAINT werkitem_afgerond_volledig CHECK (status <> 3 OR (besluit IS NOT NULL AND afgerond_op IS NOT NULL));

-- The werkvoorraad order: open acute checks first by their deadline, then by beoordeling deadline.
CREATE INDEX werkitem_werkvoorraad ON werkitem (
    regio,
    (CASE WHEN status = 1 THEN 0 ELSE 1 END),
    (CASE WHEN status = 1 THEN acute_check_uiterlijk ELSE timestamptz '1970-01-01 00:00:00+00' END),
    beoordeling_uiterlijk, ontvangen_op, werkitem_id);
