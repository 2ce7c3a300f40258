using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>Where another regio knows a person, as the register answered.</summary>
public sealed record EldersBekendRecord(string Regio, DateOnly? Sinds, bool Open, string Contactpunt);

/// <summary>The register's answer about one betrokkene.</summary>
public sealed record GeregistreerdePersoonRecord(Guid BetrokkeneId, string PersoonId, IReadOnlyList<EldersBekendRecord> EldersBekend);

/// <summary>The state of a melding's register link: still queued or done, and the answer per registered betrokkene.</summary>
public sealed record KoppelingRecord(Guid MeldingId, int Pogingen, bool Afgerond, IReadOnlyDictionary<Guid, GeregistreerdePersoonRecord> Personen);

/// <summary>A queued koppeling that is due.</summary>
public sealed record WachtendeKoppeling(Guid MeldingId, int Pogingen);

/// <summary>The registerkoppeling tables (migration 0008); always within one regio's unit of work.</summary>
public static class RegisterkoppelingStore
{
    /// <summary>
    /// The oldest due koppeling of the regio, locked for this transaction; others (another replica) skip it.
    /// </summary>
    public static async Task<WachtendeKoppeling?> NextDueAsync(UnitOfWork uow, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT melding_id, pogingen FROM registerkoppeling
            WHERE regio = $1 AND afgerond_op IS NULL AND volgende_poging_op <= $2
            ORDER BY volgende_poging_op LIMIT 1 FOR UPDATE SKIP LOCKED
            """, uow.Regio, now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new WachtendeKoppeling(reader.GetGuid(0), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// Claims attempt <paramref name="pogingen"/> until <paramref name="tot"/>: the worker then calls the register outside
    /// any transaction, and should it never come back, the koppeling is due again when the claim runs out.
    /// </summary>
    public static Task ClaimAsync(UnitOfWork uow, Guid meldingId, int pogingen, DateTimeOffset now, DateTimeOffset tot,
        CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE registerkoppeling SET pogingen = $2, laatste_poging_op = $3, volgende_poging_op = $4 WHERE melding_id = $1
            """, ct, meldingId, pogingen, now, tot);

    /// <summary>Records a failed attempt, unless a later attempt has claimed the koppeling since.</summary>
    public static Task RecordFailureAsync(UnitOfWork uow, Guid meldingId, int pogingen, DateTimeOffset now,
        DateTimeOffset volgende, string fout, CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE registerkoppeling SET pogingen = $2, laatste_poging_op = $3, volgende_poging_op = $4, laatste_fout = $5
            WHERE melding_id = $1 AND pogingen <= $2 AND afgerond_op IS NULL
            """, ct, meldingId, pogingen, now, volgende, fout);

    /// <summary>
    /// Finishes the koppeling with the register's answer (no personen: nobody could be registered); false when another
    /// attempt finished it first (every attempt is the same idempotent registration, so its answer is the same).
    /// </summary>
    public static async Task<bool> RecordSuccessAsync(UnitOfWork uow, Guid meldingId, int pogingen, DateTimeOffset now,
        string? betrokkenheidId, IReadOnlyList<GeregistreerdePersoonRecord> personen, CancellationToken ct)
    {
        var finished = await uow.ExecuteAsync("""
            UPDATE registerkoppeling
            SET pogingen = greatest(pogingen, $2), laatste_poging_op = $3, afgerond_op = $3, laatste_fout = NULL, betrokkenheid_id = $4
            WHERE melding_id = $1 AND afgerond_op IS NULL
            """, ct, meldingId, pogingen, now, betrokkenheidId) == 1;
        if (!finished || personen.Count == 0)
        {
            return finished;
        }

        await using var batch = new NpgsqlBatch(uow.Connection, uow.Transaction);
        foreach (var persoon in personen)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO registerkoppeling_persoon (betrokkene_id, regio, melding_id, persoon_id) VALUES ($1, $2, $3, $4)
                ON CONFLICT (betrokkene_id) DO NOTHING
                """, persoon.BetrokkeneId, uow.Regio, meldingId, persoon.PersoonId));
            foreach (var elders in persoon.EldersBekend)
            {
                batch.BatchCommands.Add(Command("""
                    INSERT INTO registerkoppeling_elders_bekend (betrokkene_id, regio, elders_regio, sinds, open, contactpunt)
                    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (betrokkene_id, elders_regio) DO NOTHING
                    """, persoon.BetrokkeneId, uow.Regio, elders.Regio, (object?)elders.Sinds ?? DBNull.Value, elders.Open,
                    elders.Contactpunt));
            }
        }

        await batch.ExecuteNonQueryAsync(ct);
        return true;
    }

    public static async Task<KoppelingRecord?> FindAsync(UnitOfWork uow, Guid meldingId, CancellationToken ct) =>
        (await FindManyAsync(uow, [meldingId], ct)).GetValueOrDefault(meldingId);

    /// <summary>The koppelingen of these meldingen, by melding id; a melding not (yet) queued has none.</summary>
    public static async Task<IReadOnlyDictionary<Guid, KoppelingRecord>> FindManyAsync(UnitOfWork uow,
        IReadOnlyCollection<Guid> meldingIds, CancellationToken ct)
    {
        var koppelingen = new Dictionary<Guid, (int Pogingen, bool Afgerond)>();
        var ids = meldingIds.ToArray();
        await using (var command = uow.Command("""
            SELECT melding_id, pogingen, afgerond_op IS NOT NULL FROM registerkoppeling WHERE regio = $1 AND melding_id = ANY($2)
            """, uow.Regio, ids))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                koppelingen[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetBoolean(2));
            }
        }

        if (koppelingen.Count == 0)
        {
            return new Dictionary<Guid, KoppelingRecord>();
        }

        var personen = new Dictionary<Guid, (Guid MeldingId, string PersoonId, List<EldersBekendRecord> Elders)>();
        await using (var command = uow.Command("""
            SELECT p.betrokkene_id, p.melding_id, p.persoon_id, e.elders_regio, e.sinds, e.open, e.contactpunt
            FROM registerkoppeling_persoon p
            LEFT JOIN registerkoppeling_elders_bekend e ON e.betrokkene_id = p.betrokkene_id
            WHERE p.regio = $1 AND p.melding_id = ANY($2)
            ORDER BY p.betrokkene_id, e.elders_regio
            """, uow.Regio, koppelingen.Keys.ToArray()))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var betrokkeneId = reader.GetGuid(0);
                if (!personen.TryGetValue(betrokkeneId, out var persoon))
                {
                    persoon = (reader.GetGuid(1), reader.GetString(2), []);
                    personen[betrokkeneId] = persoon;
                }

                if (!reader.IsDBNull(3))
                {
                    persoon.Elders.Add(new EldersBekendRecord(reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), reader.GetBoolean(5), reader.GetString(6)));
                }
            }
        }

        return koppelingen.ToDictionary(k => k.Key, k => new KoppelingRecord(k.Key, k.Value.Pogingen, k.Value.Afgerond,
            personen.Where(p => p.Value.MeldingId == k.Key).ToDictionary(
                p => p.Key, p => new GeregistreerdePersoonRecord(p.Key, p.Value.PersoonId, p.Value.Elders))));
    }

    /// <summary>Unfinished koppelingen of the regio, and how many of them failed at least <paramref name="vastNa"/> times.</summary>
    public static async Task<(long Wachtend, long Vast)> CountAsync(UnitOfWork uow, int vastNa, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT count(*), count(*) FILTER (WHERE pogingen >= $2)
            FROM registerkoppeling WHERE regio = $1 AND afgerond_op IS NULL
            """, uow.Regio, vastNa);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }
}
