-- The relay keeps each subject's (aggregate's) events in order: it looks up earlier pending rows
-- of the same subject.
CREATE INDEX outbox_pending_subject ON outbox (subject, seq) WHERE published_at IS NULL;
