-- ListWerkvoorraad with vandaag_uiterlijk (WerkvoorraadQuery.VandaagCommand): the open acute checks
-- by deadline, and the items of one status due on one day in werkvoorraad order.
CREATE INDEX werkitem_acute_open ON werkitem (regio, acute_check_uiterlijk) WHERE status = 1;
CREATE INDEX werkitem_per_dag ON werkitem (regio, status, beoordeling_uiterlijk, ontvangen_op, werkitem_id) WHERE status <> 3;
-- werkitem_per_dag starts with the same columns and serves its queries too.
DROP INDEX werkitem_open_per_termijn;
