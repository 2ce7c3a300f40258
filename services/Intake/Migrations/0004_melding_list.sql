-- The list order of ListMeldingen: newest ontvangen_op first, melding_id as tie-breaker (keyset paging).
CREATE INDEX melding_regio_ontvangen_desc ON melding (regio, ontvangen_op DESC, melding_id DESC);

-- "Met kinderen" looks for a betrokkene with rol KIND per melding.
CREATE INDEX betrokkene_melding ON betrokkene (melding_id, rol);
