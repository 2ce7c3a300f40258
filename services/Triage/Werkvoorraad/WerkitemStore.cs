using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

public static class WerkitemStore
{
    internal const string Columns = """
        werkitem_id, regio, melding_id, ontvangen_op, acute_check_uiterlijk, beoordeling_uiterlijk, status, aangemaakt_op,
        acute_onveiligheid, directe_actie, acute_check_door, acute_check_vastgelegd_op,
        veiligheidstaxatie, vermoeden, besluit, vervolg, motivatie, afgerond_door, afgerond_op,
        mede_beoordelaar, mede_beoordelaar_deskundigheid, team
        """;

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
        await using var command = uow.Command(
            $"SELECT {Columns} FROM werkitem WHERE regio = $1 AND melding_id = $2", uow.Regio, meldingId);
        return await ReadSingleAsync(command, ct);
    }

    /// <summary>The werkitem, locked for the rest of the transaction when <paramref name="forUpdate"/>.</summary>
    public static async Task<WerkitemRecord?> FindAsync(UnitOfWork uow, Guid werkitemId, bool forUpdate, CancellationToken ct)
    {
        await using var command = uow.Command(
            $"SELECT {Columns} FROM werkitem WHERE regio = $1 AND werkitem_id = $2" + (forUpdate ? " FOR UPDATE" : ""),
            uow.Regio, werkitemId);
        return await ReadSingleAsync(command, ct);
    }

    /// <summary>Records the claimant; a renewal of a live claim keeps the original claim time.</summary>
    public static Task SetClaimAsync(UnitOfWork uow, Guid werkitemId, string door, DateTimeOffset op, DateTimeOffset tot,
        CancellationToken ct) =>
        uow.ExecuteAsync(
            """
            UPDATE werkitem SET geclaimd_op = CASE WHEN geclaimd_door = $3 AND geclaimd_tot > $4 THEN geclaimd_op ELSE $4 END,
                geclaimd_door = $3, geclaimd_tot = $5
            WHERE regio = $1 AND werkitem_id = $2
            """, ct, uow.Regio, werkitemId, door, op, tot);

    public static Task SetTeamAsync(UnitOfWork uow, Guid werkitemId, string? team, CancellationToken ct) =>
        uow.ExecuteAsync("UPDATE werkitem SET team = $3 WHERE regio = $1 AND werkitem_id = $2", ct, uow.Regio, werkitemId,
            new NpgsqlParameter { Value = (object?)team ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });

    public static Task ClearClaimAsync(UnitOfWork uow, Guid werkitemId, string door, CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE werkitem SET geclaimd_door = NULL, geclaimd_op = NULL, geclaimd_tot = NULL
            WHERE regio = $1 AND werkitem_id = $2 AND geclaimd_door = $3
            """, ct, uow.Regio, werkitemId, door);

    public static Task SetAcuteCheckAsync(UnitOfWork uow, Guid werkitemId, AcuteCheckUitkomst uitkomst, CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE werkitem SET status = $3, acute_onveiligheid = $4, directe_actie = $5, acute_check_door = $6,
                acute_check_vastgelegd_op = $7
            WHERE regio = $1 AND werkitem_id = $2
            """, ct, uow.Regio, werkitemId, (int)WerkitemStatus.BeoordelingOpen, uitkomst.AcuteOnveiligheid,
            (int)uitkomst.DirecteActie, uitkomst.Door, uitkomst.VastgelegdOp);

    public static Task SetBeoordelingAsync(UnitOfWork uow, Guid werkitemId, BeoordelingUitkomst uitkomst, CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE werkitem SET status = $3, veiligheidstaxatie = $4, vermoeden = $5, besluit = $6, vervolg = $7,
                motivatie = $8, afgerond_door = $9, afgerond_op = $10, mede_beoordelaar = $11,
                mede_beoordelaar_deskundigheid = $12, geclaimd_door = NULL, geclaimd_op = NULL, geclaimd_tot = NULL
            WHERE regio = $1 AND werkitem_id = $2
            """, ct, uow.Regio, werkitemId, (int)WerkitemStatus.Afgerond,
            uitkomst.Veiligheidstaxatie.Select(t => (int)t).ToArray(), uitkomst.Vermoeden, (int)uitkomst.Besluit,
            (int)uitkomst.Vervolg, uitkomst.Motivatie, uitkomst.Door, uitkomst.AfgerondOp, uitkomst.MedeBeoordelaar,
            (int)uitkomst.MedeBeoordelaarDeskundigheid);

    private static async Task<WerkitemRecord?> ReadSingleAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var r = await command.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>Reads the <see cref="Columns"/>, which a query selects first.</summary>
    internal static WerkitemRecord Read(NpgsqlDataReader r)
    {
        var record = new WerkitemRecord(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetFieldValue<DateTimeOffset>(3),
            r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateOnly>(5), (WerkitemStatus)r.GetInt32(6),
            r.GetFieldValue<DateTimeOffset>(7)) { Team = r.IsDBNull(21) ? null : r.GetString(21) };
        if (!r.IsDBNull(11))
        {
            record = record with
            {
                AcuteCheck = new AcuteCheckUitkomst(r.GetBoolean(8), (DirecteActie)r.GetInt32(9), r.GetString(10),
                    r.GetFieldValue<DateTimeOffset>(11)),
            };
        }

        if (!r.IsDBNull(18))
        {
            record = record with
            {
                Beoordeling = new BeoordelingUitkomst(
                    [.. r.GetFieldValue<int[]>(12).Select(t => (Veiligheidstaxatie)t)], r.GetBoolean(13),
                    (Besluit)r.GetInt32(14), (Vervolg)r.GetInt32(15), r.GetString(16), r.GetString(17),
                    r.GetFieldValue<DateTimeOffset>(18), r.IsDBNull(19) ? null : r.GetString(19),
                    r.IsDBNull(20) ? Deskundigheid.Onbekend : (Deskundigheid)r.GetInt32(20)),
            };
        }

        return record;
    }
}
