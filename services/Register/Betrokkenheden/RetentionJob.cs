using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Huishoudens;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>
/// Removes betrokkenheden whose retention has passed, their person links, the persons no longer
/// linked to anything and those persons' signals. Every removal is written to the access log, which
/// itself is kept. One transaction per owning regio.
/// </summary>
public sealed partial class RetentionJob(Database database, TimeProvider clock, IOptions<RegisterOptions> options,
    ILogger<RetentionJob> logger) : BackgroundService
{
    public const string Wie = "system";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One pass: removes what has expired before today; returns how many betrokkenheden were removed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // Betrokkenheden ended before bewaren_tot existed get it now, from their einddatum.
        var (jaren, dagen) = options.Value.BewaartermijnDelen();
        await using (var backfill = database.DataSource.CreateCommand("""
                         UPDATE betrokkenheid SET bewaren_tot = (einddatum + make_interval(years => $1, days => $2))::date
                         WHERE einddatum IS NOT NULL AND bewaren_tot IS NULL
                         """))
        {
            backfill.Parameters.Add(new NpgsqlParameter { Value = jaren });
            backfill.Parameters.Add(new NpgsqlParameter { Value = dagen });
            await backfill.ExecuteNonQueryAsync(ct);
        }

        var regios = new List<string>();
        await using (var command = database.DataSource.CreateCommand(
                         "SELECT DISTINCT regio FROM betrokkenheid WHERE bewaren_tot < $1 ORDER BY regio"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = today });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                regios.Add(reader.GetString(0));
            }
        }

        var removed = 0;
        foreach (var regio in regios)
        {
            removed += await RemoveExpiredAsync(regio, today, now, ct);
        }

        return removed;
    }

    private async Task<int> RemoveExpiredAsync(string regio, DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(regio, ct);
        var betrokkenheden = await GuidsAsync(uow, """
            DELETE FROM betrokkenheid_persoon bp USING betrokkenheid b
            WHERE bp.betrokkenheid_id = b.betrokkenheid_id AND b.regio = $1 AND b.bewaren_tot < $2
            RETURNING bp.persoon_id
            """, ct, regio, today);
        var persoonIds = betrokkenheden.Distinct().ToArray();
        var huishoudens = await GuidsAsync(uow, """
            SELECT DISTINCT huishouden_id FROM betrokkenheid WHERE regio = $1 AND bewaren_tot < $2 AND huishouden_id IS NOT NULL
            """, ct, regio, today);
        var verwijderd = await GuidsAsync(uow,
            "DELETE FROM betrokkenheid WHERE regio = $1 AND bewaren_tot < $2 RETURNING betrokkenheid_id", ct, regio, today);
        await HuishoudenStore.VerwijderLegeAsync(uow, [.. huishoudens], ct);
        var ids = new NpgsqlParameter { Value = persoonIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid };
        var wezen = await GuidsAsync(uow, """
            SELECT p.persoon_id FROM persoon p
            WHERE p.persoon_id = ANY($1)
              AND NOT EXISTS (SELECT 1 FROM betrokkenheid_persoon bp WHERE bp.persoon_id = p.persoon_id)
            FOR UPDATE
            """, ct, ids);
        var wezenIds = new NpgsqlParameter { Value = wezen.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid };
        await uow.ExecuteAsync("DELETE FROM signaal WHERE persoon_id = ANY($1)", ct, wezenIds);
        await uow.ExecuteAsync("DELETE FROM persoon WHERE persoon_id = ANY($1)",
            ct, new NpgsqlParameter { Value = wezen.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });

        foreach (var betrokkenheidId in verwijderd)
        {
            await LogAsync(uow, regio, now, null, betrokkenheidId, ct);
        }

        foreach (var persoonId in wezen)
        {
            await LogAsync(uow, regio, now, persoonId, null, ct);
        }

        await uow.CommitAsync(ct);
        LogRemoved(logger, regio, verwijderd.Count, wezen.Count);
        return verwijderd.Count;
    }

    private static Task<int> LogAsync(UnitOfWork uow, string regio, DateTimeOffset now, Guid? persoonId, Guid? betrokkenheidId,
        CancellationToken ct) =>
        RegisterStore.LogAsync(uow, new ToegangslogRecord(0, now, Wie, regio, Wie, Handeling.Verwijdering, Doel.Bewaartermijn,
            Uitkomst.Verwijderd, persoonId, betrokkenheidId, regio), ct);

    private static async Task<List<Guid>> GuidsAsync(UnitOfWork uow, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = uow.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetGuid(0));
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Betrokkenheden} betrokkenheden and {Personen} persons of regio {Regio}")]
    private static partial void LogRemoved(ILogger logger, string regio, int betrokkenheden, int personen);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
