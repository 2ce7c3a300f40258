-- WatchWerkvoorraad followed werkitem_wijziging by id, but ids are taken at insert and transactions
-- commit in another order: a watcher that had sent id 11 never sent an id 10 committed after it.
-- Each row now carries the id of its transaction, and a watcher reads only rows of transactions
-- older than the oldest one still running (pg_snapshot_xmin), in (xid, id) order: no row can
-- appear behind that point any more, so none is skipped. Old rows are removed after a day
-- (WerkitemWijzigingOpruiming), hence the index on at.
ALTER TABLE werkitem_wijziging ADD COLUMN xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
DROP INDEX werkitem_wijziging_per_regio;
CREATE INDEX werkitem_wijziging_per_regio ON werkitem_wijziging (regio, xid, id);
CREATE INDEX werkitem_wijziging_per_tijd ON werkitem_wijziging (regio, at);
