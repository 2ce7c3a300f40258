-- The relay's pass read every pending row again whenever the planner, from the statistics of a quiet moment, chose a
-- bitmap scan or looked for a subject's waiting rows in the index of all pending rows: under load a pass then grew
-- with the backlog, past 300 ms and 6 million buffers at 30,000 pending events (docs/benchmarks.md, CreateMelding run 8).
-- Pending rows are now in two disjoint indexes: those never tried (all of them, normally) and those that failed and
-- wait out a backoff. Only a failed row can be waiting, so a subject's look-up reads the second index alone, which is
-- normally empty, and a new row enters one index where it entered two.
DROP INDEX outbox_pending;
DROP INDEX outbox_pending_subject;
CREATE INDEX outbox_new ON outbox (seq) WHERE published_at IS NULL AND attempts = 0;
CREATE INDEX outbox_retrying ON outbox (subject, seq) WHERE published_at IS NULL AND attempts > 0;
