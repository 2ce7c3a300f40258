using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Intake.Meldingen;

namespace Veiligthuis.Intake.Casussen;

public sealed class CasusStore
{
    /// <summary>
    /// The open casus of the huishouden, or a new one when it has none (or when there is no huishouden).
    /// The caller holds the huishouden row lock (<see cref="MeldingStore.UpsertHuishoudenAsync"/>), so
    /// concurrent meldingen about one huishouden arrive here one after the other and the second sees the
    /// first one's casus; the partial unique index is the backstop should that lock ever be missing.
    /// </summary>
    public static async Task<(Guid CasusId, string Casusnummer)> JoinOrOpenAsync(UnitOfWork uow, Guid? huishoudenId,
        DateTimeOffset geopendOp, Guid newId, CancellationToken ct)
    {
        if (huishoudenId is { } existing && await FindOpenAsync(uow, existing, ct) is { } open)
        {
            return open;
        }

        var jaar = AmsterdamTime.DateOf(geopendOp).Year;
        var casusnummer = Casusnummer.Format(uow.Regio, jaar, await NextVolgnummerAsync(uow, ct));
        var inserted = await uow.ExecuteAsync("""
            INSERT INTO casus (casus_id, regio, casusnummer, huishouden_id, geopend_op) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (regio, huishouden_id) WHERE gesloten_op IS NULL DO NOTHING
            """, ct, newId, uow.Regio, casusnummer,
            new NpgsqlParameter<Guid?> { TypedValue = huishoudenId, NpgsqlDbType = NpgsqlDbType.Uuid }, geopendOp);
        if (inserted == 1)
        {
            return (newId, casusnummer);
        }

        return await FindOpenAsync(uow, huishoudenId!.Value, ct)
            ?? throw new InvalidOperationException("An open casus conflicts but is not visible.");
    }

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

    // FOR SHARE: a concurrent SluitCasus waits until the joining melding is committed, or, when it
    // commits first, the re-checked row is no longer open and the melding opens a new casus instead
    // of joining a closed one.
    private static async Task<(Guid, string)?> FindOpenAsync(UnitOfWork uow, Guid huishoudenId, CancellationToken ct)
    {
        await using var command = uow.Command(
            "SELECT casus_id, casusnummer FROM casus WHERE regio = $1 AND huishouden_id = $2 AND gesloten_op IS NULL FOR SHARE",
            uow.Regio, huishoudenId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetString(1)) : null;
    }

    /// <summary>
    /// The next number of the regio's sequence (migration 0007): taken without a lock, so concurrent meldingen of a
    /// regio do not wait for each other's commits; skipped when the transaction rolls back.
    /// </summary>
    private static async Task<long> NextVolgnummerAsync(UnitOfWork uow, CancellationToken ct)
    {
        await using var command = uow.Command("SELECT nextval($1::regclass)", "casus_volgnummer_" + uow.Regio.Replace('-', '_'));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
