using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;
using V1Doel = Veiligthuis.Register.V1.Doel;

namespace Veiligthuis.Benchmarks.RegisterScale;

/// <summary>
/// ZoekBetrokkenheid by BSN and by person data, and beside each the bare indexed PostgreSQL lookup of the same key: the
/// person by its BSN hash (the statement the service runs), and the candidates by their blocking keys (the blocking
/// query of <see cref="MatchStore.KandidatenAsync"/>). Closed loop with a fixed number of callers, open loop at a fixed
/// rate; both bounded in time.
/// </summary>
internal sealed class Zoeker(Veiligthuis.Register.V1.Register.RegisterClient client, NpgsqlDataSource postgres, string[] tokens, string matchingKeyId)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public enum Doel
    {
        BarePersoonOpBsn,
        ZoekOpBsn,
        BareKandidaten,
        ZoekOpPersoon,
    }

    public sealed record Vraag(string Bsn, Persoon? Persoon, Huishouden? Adres, Huishouden Huishouden, byte[][] BsnHashes,
        byte[][] Blokken);

    public sealed record Result(Doel Doel, string Mode, int Calls, int Errors, int Gevonden, double PerSecond, double P50, double P99,
        double Max);

    /// <summary>True when the lookup found the person (zeker; for the bare lookups: a row).</summary>
    private async Task<bool> CallAsync(Doel doel, Vraag vraag, int i, CancellationToken ct)
    {
        switch (doel)
        {
            case Doel.BarePersoonOpBsn:
            {
                await using var command = postgres.CreateCommand("SELECT persoon_id, key_id FROM persoon WHERE bsn_hmac = ANY($1)");
                command.Parameters.Add(new NpgsqlParameter { Value = vraag.BsnHashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct);
            }

            case Doel.BareKandidaten:
            {
                await using var command = postgres.CreateCommand("""
                    SELECT k.persoon_id, p.bsn_hmac, k.kenmerken
                    FROM (SELECT DISTINCT kenmerk_id FROM persoon_blok WHERE blok = ANY($1) LIMIT $3) b
                    JOIN persoon_kenmerk k ON k.kenmerk_id = b.kenmerk_id
                    JOIN persoon p ON p.persoon_id = k.persoon_id
                    WHERE k.key_id = $2 AND p.samengevoegd_in IS NULL
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = vraag.Blokken, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = matchingKeyId });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PersoonMatcher.MaxKandidaten });
                await using var reader = await command.ExecuteReaderAsync(ct);
                var n = 0;
                while (await reader.ReadAsync(ct))
                {
                    _ = reader.GetFieldValue<byte[]>(2);
                    n++;
                }

                return n > 0;
            }

            default:
            {
                var request = new ZoekBetrokkenheidRequest { Doel = V1Doel.Veiligheidsbeoordeling };
                if (doel == Doel.ZoekOpBsn)
                {
                    request.Bsn = vraag.Bsn;
                }
                else
                {
                    request.Persoon = Laden.Identiteit(vraag.Persoon! with { Bsn = "" });
                    request.Adres = new Adres { Postcode = vraag.Huishouden.Postcode, Huisnummer = vraag.Huishouden.Huisnummer };
                }

                var headers = new Metadata { { "authorization", "Bearer " + tokens[i % tokens.Length] } };
                var response = await client.ZoekBetrokkenheidAsync(request, headers, DateTime.UtcNow + Deadline, ct);
                return response.Match == MatchUitkomst.Zeker;
            }
        }
    }

    public async Task WarmupAsync(Doel doel, Vraag[] vragen, int concurrency, TimeSpan duration) =>
        _ = await ClosedLoopAsync(doel, vragen, concurrency, duration);

    public async Task<Result> ClosedLoopAsync(Doel doel, Vraag[] vragen, int concurrency, TimeSpan duration)
    {
        var latencies = new List<long>[concurrency];
        var errors = 0;
        var gevonden = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async caller =>
        {
            var own = latencies[caller] = new List<long>(8192);
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (await CallAsync(doel, vragen[i % vragen.Length], i, CancellationToken.None))
                    {
                        Interlocked.Increment(ref gevonden);
                    }

                    own.Add(Stopwatch.GetTimestamp() - started);
                }
                catch (Exception e) when (e is RpcException or NpgsqlException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return Of(doel, $"closed, {concurrency} callers", latencies.SelectMany(l => l), errors, gevonden, clock.Elapsed);
    }

    /// <summary>
    /// Calls leave on 1 ms ticks at <paramref name="rate"/> per second whether or not earlier ones returned; latency
    /// counts from when a call was due, so queueing shows. Calls still running 10 s after the last was due are abandoned.
    /// </summary>
    public async Task<Result> OpenLoopAsync(Doel doel, Vraag[] vragen, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new long[total];
        var errors = 0;
        var gevonden = 0;
        var calls = new List<Task>(total);
        using var stop = new CancellationTokenSource(duration + Deadline);
        var start = Stopwatch.GetTimestamp();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var index = sent;
                var dueAt = start + (long)(index * (double)Stopwatch.Frequency / rate);
                calls.Add(Task.Run(async () =>
                {
                    try
                    {
                        if (await CallAsync(doel, vragen[index % vragen.Length], index, stop.Token))
                        {
                            Interlocked.Increment(ref gevonden);
                        }

                        latencies[index] = Stopwatch.GetTimestamp() - dueAt;
                    }
                    catch (Exception e) when (e is RpcException or NpgsqlException or OperationCanceledException)
                    {
                        latencies[index] = -1;
                        Interlocked.Increment(ref errors);
                    }
                }));
            }

            await tick.WaitForNextTickAsync();
        }

        await Task.WhenAll(calls);
        return Of(doel, $"open, {rate}/s", latencies.Where(l => l > 0), errors, gevonden, Stopwatch.GetElapsedTime(start));
    }

    private static Result Of(Doel doel, string mode, IEnumerable<long> ticks, int errors, int gevonden, TimeSpan elapsed)
    {
        var sorted = ticks.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new Result(doel, mode, sorted.Length, errors, gevonden, sorted.Length / elapsed.TotalSeconds, At(0.50), At(0.99),
            sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    public static void Print(IReadOnlyList<Result> results)
    {
        Console.WriteLine();
        Console.WriteLine("| lookup                   | mode                |  calls | errors | found % | calls/s |  p50 ms |  p99 ms |  max ms |");
        Console.WriteLine("|--------------------------|---------------------|--------|--------|---------|---------|---------|---------|---------|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Naam(r.Doel),-24} | {r.Mode,-19} | {r.Calls,6} | {r.Errors,6} | {100.0 * r.Gevonden / Math.Max(1, r.Calls + r.Errors),7:F1} | {r.PerSecond,7:F0} | {r.P50,7:F2} | {r.P99,7:F2} | {r.Max,7:F1} |"));
        }

        Console.WriteLine();
        foreach (var (zoek, bare) in new[] { (Doel.ZoekOpBsn, Doel.BarePersoonOpBsn), (Doel.ZoekOpPersoon, Doel.BareKandidaten) })
        {
            foreach (var mode in results.Where(r => r.Doel == zoek).Select(r => r.Mode))
            {
                var z = results.Single(r => r.Doel == zoek && r.Mode == mode);
                var b = results.Single(r => r.Doel == bare && r.Mode == mode);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Naam(zoek)} / {Naam(bare)}, {mode}: throughput {z.PerSecond / b.PerSecond:F3}, p50 {z.P50 / b.P50:F1}x, p99 {z.P99 / b.P99:F1}x"));
            }
        }

        var closed = results.First(r => r.Doel == Doel.ZoekOpBsn && r.Mode.StartsWith("closed", StringComparison.Ordinal));
        var open = results.First(r => r.Doel == Doel.ZoekOpBsn && r.Mode.StartsWith("open", StringComparison.Ordinal));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ZoekBetrokkenheid by BSN: {closed.PerSecond:F0} lookups/s closed loop (aim >= 2000), p99 {open.P99:F2} ms at {open.Mode} (aim <= 5 ms)"));
    }

    private static string Naam(Doel doel) => doel switch
    {
        Doel.BarePersoonOpBsn => "bare PG: persoon by hash",
        Doel.ZoekOpBsn => "Zoek by BSN",
        Doel.BareKandidaten => "bare PG: blocking keys",
        _ => "Zoek by person data",
    };
}
