-- Not idempotent on purpose: a migration applied twice leaves two rows here.
CREATE TABLE migration_probe (
    n serial PRIMARY KEY
);

INSERT INTO migration_probe DEFAULT VALUES;
