-- The relay keeps each subject's events in order by looking for an earlier pending row of the same subject that is
-- waiting out a backoff. Only a row that failed (attempts > 0) can be waiting: a new row is due at once. So the index
-- of migration 0002, which every new row entered, is replaced by one that holds just the failed rows: normally empty,
-- so the relay's look-up costs nothing and an insert one index entry less.
DROP INDEX outbox_pending_subject;
CREATE INDEX outbox_retrying ON outbox (subject, seq) WHERE published_at IS NULL AND attempts > 0;
