-- Storing a melding took eleven round trips to PostgreSQL (huishouden, open casus, casus number, casus, melding,
-- betrokkenen, melder identity, outbox, notify, commit), and on two cores those round trips, not the work, were
-- most of the cost (docs/benchmarks.md, CreateMelding profile). This function does the melding's own writes in
-- one call, in the order the C# handler used to do them, so locking and the casus rule are unchanged:
--   1. the huishouden is upserted, which locks its row until commit, so concurrent meldingen about one
--      huishouden pass here one after the other and the second one sees the first one's casus;
--   2. the open casus of the huishouden is joined, or a casus is opened with the next number of the regio's
--      sequence (migration 0007; the number is formatted as Casusnummer.Format does, from the prefix given);
--   3. the melding is inserted unless its request_id was seen before: then nothing more is written and
--      uit_nieuw is false, and the caller rolls back whatever step 1 and 2 created;
--   4. the betrokkenen (arrays of equal length, in request order) and the melder's identity;
--   5. the register link is queued when there are betrokkenen (ADR 0020).
-- It runs with the caller's rights, so row-level security on app.regio applies to every statement in it.
CREATE FUNCTION melding_ontvangen(
    p_regio                  text,
    p_melding_id             uuid,
    p_request_id             uuid,
    p_ontvangen_op           timestamptz,
    p_melder_groep           integer,
    p_melder_betrokkenheid   integer,
    p_melder_organisatie     integer,
    p_melder_rol             integer,
    p_melder_anoniem         boolean,
    p_aard                   integer[],
    p_vermoedelijke_duur     integer,
    p_aanvullende_informatie integer[],
    p_geregistreerd_op       timestamptz,
    p_geregistreerd_door     text,
    p_postcode               text,
    p_huisnummer             integer,
    p_toevoeging             text,
    p_nieuw_huishouden_id    uuid,
    p_nieuwe_casus_id        uuid,
    p_casusnummer_prefix     text,
    p_betrokkene_id          uuid[],
    p_rol                    integer[],
    p_voornamen              text[],
    p_tussenvoegsel          text[],
    p_achternaam             text[],
    p_geboortedatum          date[],
    p_geslacht               integer[],
    p_bsn                    text[],
    p_melder_naam            text,
    p_melder_telefoonnummer  text,
    p_melder_email           text,
    OUT uit_nieuw            boolean,
    OUT uit_casus_id         uuid,
    OUT uit_casusnummer      text)
LANGUAGE plpgsql AS $$
DECLARE
    v_huishouden_id uuid;
    v_volgnummer    bigint;
BEGIN
    IF p_postcode IS NOT NULL THEN
        INSERT INTO huishouden AS h (huishouden_id, regio, postcode, huisnummer, toevoeging)
        VALUES (p_nieuw_huishouden_id, p_regio, p_postcode, p_huisnummer, p_toevoeging)
        ON CONFLICT ON CONSTRAINT huishouden_adres_once DO UPDATE SET toevoeging = EXCLUDED.toevoeging
        RETURNING h.huishouden_id INTO v_huishouden_id;

        -- FOR SHARE: a concurrent SluitCasus waits until this melding has joined, or, when it commits first, the
        -- re-checked row is no longer open and the melding opens a new casus instead of joining a closed one.
        SELECT c.casus_id, c.casusnummer INTO uit_casus_id, uit_casusnummer
        FROM casus c
        WHERE c.regio = p_regio AND c.huishouden_id = v_huishouden_id AND c.gesloten_op IS NULL
        FOR SHARE;
    END IF;

    IF uit_casus_id IS NULL THEN
        v_volgnummer := nextval(('casus_volgnummer_' || replace(p_regio, '-', '_'))::regclass);
        uit_casusnummer := p_casusnummer_prefix || lpad(v_volgnummer::text, greatest(6, length(v_volgnummer::text)), '0');
        INSERT INTO casus (casus_id, regio, casusnummer, huishouden_id, geopend_op)
        VALUES (p_nieuwe_casus_id, p_regio, uit_casusnummer, v_huishouden_id, p_ontvangen_op)
        ON CONFLICT (regio, huishouden_id) WHERE gesloten_op IS NULL DO NOTHING;
        IF FOUND THEN
            uit_casus_id := p_nieuwe_casus_id;
        ELSE
            -- Only reachable should the huishouden lock ever be missing: the partial unique index is the backstop.
            SELECT c.casus_id, c.casusnummer INTO STRICT uit_casus_id, uit_casusnummer
            FROM casus c
            WHERE c.regio = p_regio AND c.huishouden_id = v_huishouden_id AND c.gesloten_op IS NULL;
        END IF;
    END IF;

    INSERT INTO melding (melding_id, regio, request_id, ontvangen_op, melder_groep, melder_betrokkenheid,
                         melder_organisatie, melder_rol, melder_anoniem, aard, vermoedelijke_duur,
                         aanvullende_informatie, geregistreerd_op, geregistreerd_door, huishouden_id, casus_id)
    VALUES (p_melding_id, p_regio, p_request_id, p_ontvangen_op, p_melder_groep, p_melder_betrokkenheid,
            p_melder_organisatie, p_melder_rol, p_melder_anoniem, p_aard, p_vermoedelijke_duur,
            p_aanvullende_informatie, p_geregistreerd_op, p_geregistreerd_door, v_huishouden_id, uit_casus_id)
    ON CONFLICT ON CONSTRAINT melding_request_once DO NOTHING;
    uit_nieuw := FOUND;
    IF NOT uit_nieuw THEN
        uit_casus_id := NULL;
        uit_casusnummer := NULL;
        RETURN;
    END IF;

    INSERT INTO betrokkene (regio, volgnummer, betrokkene_id, melding_id, rol, voornamen, tussenvoegsel, achternaam,
                            geboortedatum, geslacht, bsn)
    SELECT p_regio, (b.nr - 1)::smallint, b.betrokkene_id, p_melding_id, b.rol, b.voornamen, b.tussenvoegsel,
           b.achternaam, b.geboortedatum, b.geslacht, b.bsn
    FROM unnest(p_betrokkene_id, p_rol, p_voornamen, p_tussenvoegsel, p_achternaam, p_geboortedatum, p_geslacht, p_bsn)
         WITH ORDINALITY AS b(betrokkene_id, rol, voornamen, tussenvoegsel, achternaam, geboortedatum, geslacht, bsn, nr);

    IF p_melder_naam IS NOT NULL THEN
        INSERT INTO melder_identiteit (melding_id, regio, naam, telefoonnummer, email)
        VALUES (p_melding_id, p_regio, p_melder_naam, p_melder_telefoonnummer, p_melder_email);
    END IF;

    IF cardinality(p_betrokkene_id) > 0 THEN
        INSERT INTO registerkoppeling (melding_id, regio, aangemaakt_op, volgende_poging_op)
        VALUES (p_melding_id, p_regio, p_geregistreerd_op, p_geregistreerd_op);
    END IF;
END $$;

-- The list reads (regio, ontvangen_op DESC, melding_id DESC) (migration 0004); this older index with melding_id
-- ascending serves no query and only cost every insert.
DROP INDEX melding_regio_ontvangen;

-- Meldingen stored before the register link existed (migration 0008), or whose MeldingOntvangen was still on its
-- way to the handler that queued them before this migration, are queued now. The migration runs as the tables'
-- owner without app.regio, so row-level security is lifted for this one statement's tables and restored after.
ALTER TABLE melding NO FORCE ROW LEVEL SECURITY;
ALTER TABLE betrokkene NO FORCE ROW LEVEL SECURITY;
ALTER TABLE registerkoppeling NO FORCE ROW LEVEL SECURITY;
INSERT INTO registerkoppeling (melding_id, regio, aangemaakt_op, volgende_poging_op)
SELECT m.melding_id, m.regio, now(), now()
FROM melding m
WHERE EXISTS (SELECT 1 FROM betrokkene b WHERE b.melding_id = m.melding_id)
ON CONFLICT (melding_id) DO NOTHING;
ALTER TABLE melding FORCE ROW LEVEL SECURITY;
ALTER TABLE betrokkene FORCE ROW LEVEL SECURITY;
ALTER TABLE registerkoppeling FORCE ROW LEVEL SECURITY;
