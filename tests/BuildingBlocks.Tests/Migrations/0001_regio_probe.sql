-- A regio-bound table with row-level security exactly as the services declare theirs
-- (services/Intake/Migrations/0001_melding.sql): ENABLE + FORCE + a policy on app.regio.
CREATE TABLE regio_probe (
    id    uuid PRIMARY KEY,
    regio text NOT NULL
);

ALTER TABLE regio_probe ENABLE ROW LEVEL SECURITY;
ALTER TABLE regio_probe FORCE ROW LEVEL SECURITY;
CREATE POLICY regio_probe_regio ON regio_probe
    USING (regio = current_setting('app.regio', true))
    WITH CHECK (regio = current_setting('app.regio', true));
