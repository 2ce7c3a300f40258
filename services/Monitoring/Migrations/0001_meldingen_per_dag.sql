-- Beleidsinformatie kept from events: meldingen received per regio and Amsterdam calendar day.
CREATE TABLE meldingen_per_dag (
    regio    text   NOT NULL,
    dag      date   NOT NULL,
    aantal   bigint NOT NULL,
    PRIMARY KEY (regio, dag)
);

ALTER TABLE meldingen_per_dag ENABLE ROW LEVEL SECURITY;
ALTER TABLE meldingen_per_dag FORCE ROW LEVEL SECURITY;
CREATE POLICY meldingen_per_dag_regio ON meldingen_per_dag
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
