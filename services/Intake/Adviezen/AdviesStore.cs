using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Intake.Adviezen;

public sealed class AdviesStore
{
    private const string Columns = """
        advies_id, regio, request_id, startdatum, einddatum, anoniem, gemeente, aard, aanvullende_informatie,
        vermoedelijke_duur, adviesvrager_betrokkenheid, adviesvrager_functie, adviesvrager_organisatie,
        adviesvrager_rol, geregistreerd_op, geregistreerd_door
        """;

    /// <summary>Inserts the advies unless its request_id was seen before; false when it already existed.</summary>
    public static async Task<bool> TryInsertAsync(UnitOfWork uow, AdviesRecord a, CancellationToken ct) =>
        await uow.ExecuteAsync($"""
            INSERT INTO advies ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT ON CONSTRAINT advies_request_once DO NOTHING
            """, ct,
            a.AdviesId, uow.Regio, a.RequestId, a.Startdatum, new NpgsqlParameter<DateOnly?> { TypedValue = a.Einddatum, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date },
            a.Anoniem, new NpgsqlParameter<string?> { TypedValue = a.Gemeente, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            a.Aard.Select(x => (int)x).ToArray(), a.AanvullendeInformatie.Select(x => (int)x).ToArray(),
            (int)a.VermoedelijkeDuur, (int)a.AdviesvragerBetrokkenheid, (int)a.AdviesvragerFunctie,
            (int)a.AdviesvragerOrganisatie, (int)a.AdviesvragerRol, a.GeregistreerdOp, a.GeregistreerdDoor) == 1;

    public static Task<AdviesRecord?> FindByRequestIdAsync(UnitOfWork uow, Guid requestId, CancellationToken ct) =>
        SingleAsync(uow, $"SELECT {Columns} FROM advies WHERE regio = $1 AND request_id = $2", requestId, ct);

    public static Task<AdviesRecord?> FindAsync(UnitOfWork uow, Guid adviesId, CancellationToken ct) =>
        SingleAsync(uow, $"SELECT {Columns} FROM advies WHERE regio = $1 AND advies_id = $2", adviesId, ct);

    /// <summary>
    /// One page in list order (startdatum, advies_id) descending, strictly after <paramref name="after"/>:
    /// a keyset, so rows inserted between pages neither repeat nor shift items. Reads one row more than
    /// the page to know whether another page follows.
    /// </summary>
    public static async Task<IReadOnlyList<AdviesRecord>> ListAsync(UnitOfWork uow, AdviezenFilter filter,
        AdviezenCursor? after, int limit, CancellationToken ct)
    {
        await using var command = uow.Command($"""
            SELECT {Columns} FROM advies
            WHERE regio = $1 AND startdatum >= $2 AND startdatum <= $3
              AND (NOT $4 OR (startdatum, advies_id) < ($5, $6))
            ORDER BY startdatum DESC, advies_id DESC
            LIMIT $7
            """, uow.Regio, filter.Van ?? DateOnly.MinValue, filter.TotEnMet ?? DateOnly.MaxValue, after is not null,
            after?.Startdatum ?? DateOnly.MaxValue, after?.AdviesId ?? Guid.Empty, limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var adviezen = new List<AdviesRecord>();
        while (await reader.ReadAsync(ct))
        {
            adviezen.Add(Read(reader));
        }

        return adviezen;
    }

    private static async Task<AdviesRecord?> SingleAsync(UnitOfWork uow, string sql, Guid id, CancellationToken ct)
    {
        await using var command = uow.Command(sql, uow.Regio, id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static AdviesRecord Read(NpgsqlDataReader r) => new(
        AdviesId: r.GetGuid(0),
        Regio: r.GetString(1),
        RequestId: r.GetGuid(2),
        Startdatum: r.GetFieldValue<DateOnly>(3),
        Einddatum: r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4),
        Anoniem: r.GetBoolean(5),
        Gemeente: r.IsDBNull(6) ? null : r.GetString(6),
        Aard: [.. r.GetFieldValue<int[]>(7).Select(a => (AardGeweld)a)],
        AanvullendeInformatie: [.. r.GetFieldValue<int[]>(8).Select(a => (AanvullendeInformatie)a)],
        VermoedelijkeDuur: (VermoedelijkeDuur)r.GetInt32(9),
        AdviesvragerBetrokkenheid: (Betrokkenheid)r.GetInt32(10),
        AdviesvragerFunctie: (Functie)r.GetInt32(11),
        AdviesvragerOrganisatie: (Organisatie)r.GetInt32(12),
        AdviesvragerRol: (MelderRol)r.GetInt32(13),
        GeregistreerdOp: r.GetFieldValue<DateTimeOffset>(14),
        GeregistreerdDoor: r.GetString(15));
}
