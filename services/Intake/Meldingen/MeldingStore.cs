using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Intake.Meldingen;

public sealed class MeldingStore
{
    private const string Columns = """
        melding_id, regio, request_id, ontvangen_op, melder_groep, melder_betrokkenheid, melder_organisatie,
        melder_rol, melder_anoniem, aard, vermoedelijke_duur, aanvullende_informatie, geregistreerd_op, geregistreerd_door
        """;

    /// <summary>Inserts the melding unless its request_id was seen before; false when it already existed.</summary>
    public static async Task<bool> TryInsertAsync(UnitOfWork uow, MeldingRecord m, CancellationToken ct) =>
        await uow.ExecuteAsync($"""
            INSERT INTO melding ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT ON CONSTRAINT melding_request_once DO NOTHING
            """, ct,
            m.MeldingId, uow.Regio, m.RequestId, m.OntvangenOp, (int)m.MelderGroep, (int)m.MelderBetrokkenheid,
            (int)m.MelderOrganisatie, (int)m.MelderRol, m.MelderAnoniem, m.Aard.Select(a => (int)a).ToArray(),
            (int)m.VermoedelijkeDuur, m.AanvullendeInformatie.Select(a => (int)a).ToArray(), m.GeregistreerdOp,
            m.GeregistreerdDoor) == 1;

    public static Task<MeldingRecord?> FindByRequestIdAsync(UnitOfWork uow, Guid requestId, CancellationToken ct) =>
        SingleAsync(uow, $"SELECT {Columns} FROM melding WHERE regio = $1 AND request_id = $2", requestId, ct);

    public static Task<MeldingRecord?> FindAsync(UnitOfWork uow, Guid meldingId, CancellationToken ct) =>
        SingleAsync(uow, $"SELECT {Columns} FROM melding WHERE regio = $1 AND melding_id = $2", meldingId, ct);

    private static async Task<MeldingRecord?> SingleAsync(UnitOfWork uow, string sql, Guid id, CancellationToken ct)
    {
        await using var command = uow.Command(sql, uow.Regio, id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static MeldingRecord Read(NpgsqlDataReader r) => new(
        MeldingId: r.GetGuid(0),
        Regio: r.GetString(1),
        RequestId: r.GetGuid(2),
        OntvangenOp: r.GetFieldValue<DateTimeOffset>(3),
        MelderGroep: (MelderGroep)r.GetInt32(4),
        MelderBetrokkenheid: (Betrokkenheid)r.GetInt32(5),
        MelderOrganisatie: (Organisatie)r.GetInt32(6),
        MelderRol: (MelderRol)r.GetInt32(7),
        MelderAnoniem: r.GetBoolean(8),
        Aard: [.. r.GetFieldValue<int[]>(9).Select(a => (AardGeweld)a)],
        VermoedelijkeDuur: (VermoedelijkeDuur)r.GetInt32(10),
        AanvullendeInformatie: [.. r.GetFieldValue<int[]>(11).Select(a => (AanvullendeInformatie)a)],
        GeregistreerdOp: r.GetFieldValue<DateTimeOffset>(12),
        GeregistreerdDoor: r.GetString(13));
}
