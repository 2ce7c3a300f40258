using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

public static class WerkitemStore
{
    /// <summary>Inserts the work item unless the melding already has one.</summary>
    public static async Task<bool> TryInsertAsync(UnitOfWork uow, WerkitemRecord w, CancellationToken ct) =>
        await uow.ExecuteAsync("""
            INSERT INTO werkitem (werkitem_id, regio, melding_id, ontvangen_op, acute_check_uiterlijk, beoordeling_uiterlijk, status, aangemaakt_op)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT ON CONSTRAINT werkitem_een_per_melding DO NOTHING
            """, ct, w.WerkitemId, uow.Regio, w.MeldingId, w.OntvangenOp, w.AcuteCheckUiterlijk, w.BeoordelingUiterlijk,
            (int)w.Status, w.AangemaaktOp) == 1;

    public static async Task<WerkitemRecord?> FindByMeldingAsync(UnitOfWork uow, Guid meldingId, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT werkitem_id, regio, melding_id, ontvangen_op, acute_check_uiterlijk, beoordeling_uiterlijk, status, aangemaakt_op
            FROM werkitem WHERE regio = $1 AND melding_id = $2
            """, uow.Regio, meldingId);
        await using var r = await command.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }

        return new WerkitemRecord(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetFieldValue<DateTimeOffset>(3),
            r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateOnly>(5), (WerkitemStatus)r.GetInt32(6),
            r.GetFieldValue<DateTimeOffset>(7));
    }
}
