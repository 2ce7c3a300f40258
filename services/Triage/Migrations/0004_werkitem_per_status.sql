-- The per-status counts of ListWerkvoorraad (and WatchWerkvoorraad) read this index only, instead
-- of scanning the regio's rows (docs/benchmarks.md: 100,000 open items in one regio).
CREATE INDEX werkitem_per_status ON werkitem (regio, status);
