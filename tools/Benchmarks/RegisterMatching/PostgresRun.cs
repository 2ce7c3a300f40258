using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Outbox;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Betrokkenheden;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Benchmarks.RegisterMatching;

/// <summary>
/// The same lookups through the service's own path: a fresh database migrated by <c>MigrationRunner</c>,
/// the population loaded with binary COPY into persoon, persoon_kenmerk and persoon_blok, and each lookup a
/// regio-bound unit of work running <see cref="PersoonMatcher.MatchAsync"/> (blocking in PostgreSQL).
/// Reports latency beside a bare primary-key lookup and how often the outcome equals the in-memory run.
/// </summary>
internal static class PostgresRun
{
    private const string Regio = "vt-utrecht";

    public static async Task RunAsync(string admin, byte[] matchingKey, IReadOnlyList<Record> geregistreerd,
        IReadOnlyList<(Record Vraag, MatchResultaat InMemory)> vragen, bool keep)
    {
        var name = $"bench_matching_{DateTime.UtcNow:yyyyMMddHHmmss}";
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await ExecAsync(admin, $"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}'");
        await ExecAsync(admin, $"CREATE DATABASE {name} OWNER {name}");
        var service = new NpgsqlConnectionStringBuilder(admin) { Database = name, Username = name, Password = password, MaxAutoPrepare = 20 }
            .ConnectionString;
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(service);
            await new MigrationRunner(dataSource,
                [new MigrationSource("buildingblocks", typeof(MigrationRunner).Assembly), new MigrationSource("register", typeof(PersoonMatcher).Assembly)],
                TimeProvider.System, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);

            var options = new RegisterOptions { MatchingKey = new BsnHmacKey { Id = "bench", Key = Convert.ToBase64String(matchingKey) } };
            options.BsnHmacKeys.Add(new BsnHmacKey { Id = "bench", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            var hasher = new BsnHasher(Options.Create(options));
            var matcher = new PersoonMatcher(Options.Create(options), hasher);

            var load = Stopwatch.StartNew();
            await LoadAsync(dataSource, matcher, hasher, geregistreerd);
            await ExecAsync(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, "VACUUM ANALYZE");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  PostgreSQL: loaded {geregistreerd.Count:N0} persons with features and blocking keys in {load.Elapsed.TotalSeconds:F1} s"));

            using var signal = new OutboxSignal();
            var database = new Database(dataSource, TimeProvider.System, signal, new ServiceIdentity("register"));
            var ct = CancellationToken.None;
            var baseline = new List<double>();
            var lookups = new List<double>();
            var gelijk = 0;
            var ids = geregistreerd.Select(r => InMemoryRegister.Id(r.PersoonNr)).ToArray();
            var wall = Stopwatch.StartNew();
            foreach (var (vraag, inMemory) in vragen)
            {
                var watch = Stopwatch.StartNew();
                await using (var uow = await database.BeginAsync(Regio, ct))
                {
                    await using var command = uow.Command("SELECT persoon_id FROM persoon WHERE persoon_id = $1", ids[baseline.Count % ids.Length]);
                    _ = await command.ExecuteScalarAsync(ct);
                    await uow.CommitAsync(ct);
                }

                baseline.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                MatchResultaat resultaat;
                await using (var uow = await database.BeginAsync(Regio, ct))
                {
                    var gevonden = vraag.Bsn.Length > 0 ? await RegisterStore.FindPersoonAsync(uow, hasher.All(vraag.Bsn), ct) : null;
                    resultaat = gevonden is { } g
                        ? new MatchResultaat(MatchUitkomst.Zeker, g.PersoonId, [])
                        : await matcher.MatchAsync(uow, matcher.Kenmerken(vraag.Gegevens), vraag.Bsn, ct);
                    await uow.CommitAsync(ct);
                }

                lookups.Add(watch.Elapsed.TotalMilliseconds);
                gelijk += resultaat.Uitkomst == inMemory.Uitkomst && resultaat.PersoonId == inMemory.PersoonId ? 1 : 0;
            }

            wall.Stop();
            baseline.Sort();
            lookups.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                  PostgreSQL lookups (one connection at a time, each in its own unit of work), ms:
                    | query                               |      n |   p50 |   p95 |   p99 |    max |
                    | baseline: primary-key lookup        | {baseline.Count,6} | {P(baseline, 0.5),5:F2} | {P(baseline, 0.95),5:F2} | {P(baseline, 0.99),5:F2} | {baseline[^1],6:F2} |
                    | match: BSN, else blocking + scoring | {lookups.Count,6} | {P(lookups, 0.5),5:F2} | {P(lookups, 0.95),5:F2} | {P(lookups, 0.99),5:F2} | {lookups[^1],6:F2} |
                  same outcome and person as in memory: {gelijk:N0} of {vragen.Count:N0}; {vragen.Count / wall.Elapsed.TotalSeconds:N0} lookup pairs/s
                """));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!keep)
            {
                await ExecAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                await ExecAsync(admin, $"DROP ROLE IF EXISTS {name}");
            }
        }
    }

    private static async Task LoadAsync(NpgsqlDataSource dataSource, PersoonMatcher matcher, BsnHasher hasher, IReadOnlyList<Record> records)
    {
        var now = DateTimeOffset.UtcNow;
        var start = new DateOnly(2025, 1, 1);
        await using var connection = await dataSource.OpenConnectionAsync();
        var kenmerken = records.Select(r => matcher.Kenmerken(r.Gegevens)).ToList();
        await using (var persoon = await connection.BeginBinaryImportAsync(
                         "COPY persoon (persoon_id, bsn_hmac, key_id, created) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in records)
            {
                await persoon.StartRowAsync();
                await persoon.WriteAsync(InMemoryRegister.Id(r.PersoonNr), NpgsqlDbType.Uuid);
                if (r.Bsn.Length > 0)
                {
                    await persoon.WriteAsync(hasher.Current(r.Bsn), NpgsqlDbType.Bytea);
                    await persoon.WriteAsync(hasher.CurrentKeyId, NpgsqlDbType.Text);
                }
                else
                {
                    await persoon.WriteNullAsync();
                    await persoon.WriteNullAsync();
                }

                await persoon.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await persoon.CompleteAsync();
        }

        // One betrokkenheid per person keeps the load simple; matching reads persons and features only.
        await using (var betrokkenheid = await connection.BeginBinaryImportAsync(
                         "COPY betrokkenheid (betrokkenheid_id, regio, request_id, casus_referentie, startdatum, created, geregistreerd_door) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in records)
            {
                await betrokkenheid.StartRowAsync();
                await betrokkenheid.WriteAsync(Betrokkenheid(r), NpgsqlDbType.Uuid);
                await betrokkenheid.WriteAsync(Regio, NpgsqlDbType.Text);
                await betrokkenheid.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await betrokkenheid.WriteAsync("BENCH", NpgsqlDbType.Text);
                await betrokkenheid.WriteAsync(start, NpgsqlDbType.Date);
                await betrokkenheid.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await betrokkenheid.WriteAsync("bench", NpgsqlDbType.Text);
            }

            await betrokkenheid.CompleteAsync();
        }

        await using (var kenmerk = await connection.BeginBinaryImportAsync(
                         "COPY persoon_kenmerk (kenmerk_id, persoon_id, betrokkenheid_id, key_id, kenmerken, created) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < records.Count; i++)
            {
                await kenmerk.StartRowAsync();
                await kenmerk.WriteAsync(Kenmerk(records[i]), NpgsqlDbType.Uuid);
                await kenmerk.WriteAsync(InMemoryRegister.Id(records[i].PersoonNr), NpgsqlDbType.Uuid);
                await kenmerk.WriteAsync(Betrokkenheid(records[i]), NpgsqlDbType.Uuid);
                await kenmerk.WriteAsync(matcher.KeyId, NpgsqlDbType.Text);
                await kenmerk.WriteAsync(kenmerken[i].ToBytes(), NpgsqlDbType.Bytea);
                await kenmerk.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await kenmerk.CompleteAsync();
        }

        await using (var blok = await connection.BeginBinaryImportAsync("COPY persoon_blok (blok, kenmerk_id) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < records.Count; i++)
            {
                foreach (var b in kenmerken[i].Blokken.DistinctBy(Convert.ToHexString))
                {
                    await blok.StartRowAsync();
                    await blok.WriteAsync(b, NpgsqlDbType.Bytea);
                    await blok.WriteAsync(Kenmerk(records[i]), NpgsqlDbType.Uuid);
                }
            }

            await blok.CompleteAsync();
        }
    }

    private static Guid Betrokkenheid(Record r) => new(r.PersoonNr, 1, 0, new byte[8]);

    private static Guid Kenmerk(Record r) => new(r.PersoonNr, 2, 0, new byte[8]);

    private static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
