-- Four eyes (domain.md §1.4): the colleague with whom the veiligheidsbeoordeling was taken.
-- Items afgerond before this migration have none, hence NOT VALID: only new rows are checked.
ALTER TABLE werkitem
    ADD COLUMN mede_beoordelaar               text,
    ADD COLUMN mede_beoordelaar_deskundigheid integer,
    ADD CONSTRAINT werkitem_vier_ogen CHECK (status <> 3 OR (mede_beoordelaar IS NOT NULL AND mede_beoordelaar <> afgerond_door))
        NOT VALID;
