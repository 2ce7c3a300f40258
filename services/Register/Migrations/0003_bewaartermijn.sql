-- Retention (issue 5): an ended betrokkenheid is kept until bewaren_tot, then removed by the
-- retention job. The access log is kept.
ALTER TABLE betrokkenheid ADD COLUMN bewaren_tot date;

CREATE INDEX betrokkenheid_bewaren_tot ON betrokkenheid (bewaren_tot) WHERE bewaren_tot IS NOT NULL;
