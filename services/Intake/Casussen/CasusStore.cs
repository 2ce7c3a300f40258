using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Intake.Meldingen;

namespace Veiligthuis.Intake.Casussen;

public sealed class CasusStore
{
    public static async Task<CasusRecord?> FindAsync(UnitOfWork uow, Guid casusId, CancellationToken ct)
    {
        CasusRecord? casus;
        await using (var command = uow.Command("""
            SELECT c.casus_id, c.regio, c.casusnummer, c.geopend_op, c.gesloten_op, h.postcode, h.huisnummer, h.toevoeging
            FROM casus c LEFT JOIN huishouden h ON h.huishouden_id = c.huishouden_id
            WHERE c.regio = $1 AND c.casus_id = $2
            """, uow.Regio, casusId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            casus = await reader.ReadAsync(ct)
                ? new CasusRecord(
                    CasusId: reader.GetGuid(0),
                    Regio: reader.GetString(1),
                    Casusnummer: reader.GetString(2),
                    GeopendOp: reader.GetFieldValue<DateTimeOffset>(3),
                    GeslotenOp: reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    Huishouden: reader.IsDBNull(5) ? null : new HuishoudenAdres(reader.GetString(5), reader.GetInt32(6), reader.GetString(7)),
                    MeldingIds: [])
                : null;
        }

        if (casus is null)
        {
            return null;
        }

        var meldingIds = new List<Guid>();
        await using (var command = uow.Command(
            "SELECT melding_id FROM melding WHERE regio = $1 AND casus_id = $2 ORDER BY ontvangen_op, melding_id", uow.Regio, casusId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                meldingIds.Add(reader.GetGuid(0));
            }
        }

        return casus with { MeldingIds = meldingIds };
    }

    /// <summary>Closes the casus if it is open; false when it is closed already or not visible.</summary>
    public static async Task<bool> TrySluitAsync(UnitOfWork uow, Guid casusId, DateTimeOffset geslotenOp, string door, CancellationToken ct) =>
        await uow.ExecuteAsync("""
            UPDATE casus SET gesloten_op = $3, gesloten_door = $4 WHERE regio = $1 AND casus_id = $2 AND gesloten_op IS NULL
            """, ct, uow.Regio, casusId, geslotenOp, door) == 1;
}
