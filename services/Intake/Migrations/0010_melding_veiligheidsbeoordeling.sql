-- The besluit of each melding's veiligheidsbeoordeling, from triage's VeiligheidsbeoordelingAfgerond,
-- so that a casus closes once every one of its meldingen has ended at Veilig Thuis (ADR 0016).
ALTER TABLE melding
    ADD COLUMN vb_besluit     integer,
    ADD COLUMN vb_afgerond_op timestamptz;
