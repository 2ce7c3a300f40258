-- Numbering took a row lock on (regio, year) that was held until commit, so every new casus of a
-- regio waited for the commit of the one before it (docs/benchmarks.md: 19 durable creates a second
-- in one regio). A sequence per regio hands out numbers without locks. Casusnummers stay unique and
-- readable, not gapless: a number taken by a transaction that rolls back is skipped. The count runs
-- on across years; the year in the number is the year the casus opened (ADR 0016).
ALTER TABLE casus_volgnummer NO FORCE ROW LEVEL SECURITY;
DO $$
DECLARE
    r text;
    next_value bigint;
BEGIN
    FOREACH r IN ARRAY ARRAY[
        'vt-amsterdam-amstelland',
        'vt-brabant-noordoost',
        'vt-drenthe',
        'vt-flevoland',
        'vt-friesland',
        'vt-gelderland-midden',
        'vt-gelderland-zuid',
        'vt-gooi-en-vechtstreek',
        'vt-groningen',
        'vt-haaglanden',
        'vt-hollands-midden',
        'vt-ijsselland',
        'vt-kennemerland',
        'vt-midden-brabant',
        'vt-noord-en-midden-limburg',
        'vt-noord-en-oost-gelderland',
        'vt-noord-holland-noord',
        'vt-rotterdam-rijnmond',
        'vt-twente',
        'vt-utrecht',
        'vt-west-brabant',
        'vt-zaanstreek-waterland',
        'vt-zeeland',
        'vt-zuid-holland-zuid',
        'vt-zuid-limburg',
        'vt-zuidoost-brabant']
    LOOP
        SELECT coalesce(max(laatste), 0) + 1 INTO next_value FROM casus_volgnummer WHERE regio = r;
        EXECUTE format('CREATE SEQUENCE %I START WITH %s', 'casus_volgnummer_' || replace(r, '-', '_'), next_value);
    END LOOP;
END $$;
DROP TABLE casus_volgnummer;
