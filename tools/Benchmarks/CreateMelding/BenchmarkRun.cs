using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;
using Veiligthuis.Benchmarks.Load;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Benchmarks.CreateMelding;

/// <summary>One unary call of a target; returns normally on an OK status.</summary>
public delegate Task UnaryCall(CancellationToken ct);

public sealed record Target(string Name, UnaryCall Invoke);

/// <summary>
/// Per target: a warm-up, then a closed loop (a fixed number of callers, each starting its next call when the last
/// ends) for throughput, then an open loop at a fixed rate for latency. Open-loop latency counts from the moment a call
/// was due, not when it was sent, so a stalled server cannot hide its delay by slowing the sender down.
/// </summary>
public static class BenchmarkRun
{
    private static readonly string[] TargetNames = ["greeter", "direct", "gateway"];

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var concurrency = arguments.Number("concurrency", 64);
        var seconds = arguments.Number("seconds", 15);
        var rate = arguments.Number("rate", 500);
        // 20 s: with 3 s the JIT was still compiling during the measurement (perf: libclrjit at 10 % of all CPU).
        var warmup = TimeSpan.FromSeconds(arguments.Number("warmup-seconds", 20));
        var regio = arguments.Text("regio", "vt-utrecht");
        var token = DevelopmentTokens.Create(arguments.Required("signing-key"), regio, [Roles.Medewerker], "benchmark",
            DateTimeOffset.UtcNow, TimeSpan.FromHours(2));
        var auth = new Metadata { { "authorization", "Bearer " + token } };

        using var greeterChannel = Channel(arguments.Required("greeter"));
        using var intakeChannel = Channel(arguments.Required("intake"));
        using var gatewayChannel = Channel(arguments.Required("gateway"));
        var greeter = new Health.HealthClient(greeterChannel);
        var direct = new Meldingen.MeldingenClient(intakeChannel);
        var viaGateway = new Meldingen.MeldingenClient(gatewayChannel);
        Target[] targets =
        [
            new("bare gRPC greeter", async ct => await greeter.CheckAsync(new HealthCheckRequest(), cancellationToken: ct)),
            new("CreateMelding direct", async ct => await direct.CreateMeldingAsync(NewMelding(), auth, cancellationToken: ct)),
            new("CreateMelding via gateway", async ct => await viaGateway.CreateMeldingAsync(NewMelding(), auth, cancellationToken: ct)),
        ];

        // --targets greeter,direct,gateway (default all) runs a subset, e.g. to profile one of them.
        var wanted = arguments.Text("targets", "greeter,direct,gateway").Split(',');
        targets = [.. targets.Where((_, i) => wanted.Contains(TargetNames[i]))];
        Console.WriteLine($"{Environment.ProcessorCount} cores; closed loop: {concurrency} callers for {seconds} s; " +
                          $"open loop: {rate} calls/s for {seconds} s; {warmup.TotalSeconds:F0} s warm-up per target");
        // --cpu intake=<pid>,gateway=<pid>,postgres=<postmaster pid>+ (run.sh passes it): CPU per call of each process.
        var cpu = ProcessCpu.Parse(arguments.Text("cpu", "") + $",bench={Environment.ProcessId}");
        var results = new List<Result>();
        var cpuLines = new List<string>();
        foreach (var target in targets)
        {
            await ClosedLoopAsync(target, concurrency, warmup);
            var cpuStart = cpu.Now();
            var closed = await ClosedLoopAsync(target, concurrency, TimeSpan.FromSeconds(seconds));
            cpuLines.Add($"{target.Name}, closed loop: {cpu.PerCall(cpuStart, cpu.Now(), closed.Calls, "call")}");
            results.Add(closed);
            // The relay publishes the closed loop's events after it; the open loop is measured once it has caught up, so
            // it does not pay for the closed loop's backlog. How long that took is the relay's own throughput.
            if (arguments.Text("postgres", "") is { Length: > 0 } postgres)
            {
                Console.WriteLine(await OutboxDrainedAsync(postgres, target.Name));
            }

            cpuStart = cpu.Now();
            var open = await OpenLoopAsync(target, rate, TimeSpan.FromSeconds(seconds));
            cpuLines.Add($"{target.Name}, open loop: {cpu.PerCall(cpuStart, cpu.Now(), open.Calls, "call")}");
            results.Add(open);
        }

        Print(results, rate);
        Console.WriteLine();
        cpuLines.ForEach(Console.WriteLine);
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static async Task<string> OutboxDrainedAsync(string connectionString, string target)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand("SELECT count(*) FROM outbox WHERE published_at IS NULL", connection);
        var backlog = (long)(await pending.ExecuteScalarAsync())!;
        var clock = Stopwatch.StartNew();
        var left = backlog;
        while (left > 0 && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            left = (long)(await pending.ExecuteScalarAsync())!;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{target}: {backlog:N0} events pending after the closed loop, {(left == 0 ? "published" : $"{left:N0} still pending")} after {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static GrpcChannel Channel(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
    });

    /// <summary>
    /// A full melding as intake receives it: a huishouden of its own (so each call opens a casus, the costlier path),
    /// three betrokkenen and the melder's identity.
    /// </summary>
    private static CreateMeldingRequest NewMelding() => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        OntvangenOp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        Melder = new Melder { Groep = MelderGroep.Politie, Betrokkenheid = Betrokkenheid.Beroepsmatig, Organisatie = Organisatie.Justitie },
        Aard = { AardGeweld.Partnergeweld, AardGeweld.GetuigeVanPartnergeweld },
        VermoedelijkeDuur = VermoedelijkeDuur.Langdurend,
        AanvullendeInformatie = { AanvullendeInformatie.Verslaving },
        Huishouden = new Huishouden
        {
            Postcode = $"{Random.Shared.Next(1000, 10000)} {(char)('A' + Random.Shared.Next(0, 18))}{(char)('A' + Random.Shared.Next(0, 26))}",
            Huisnummer = Random.Shared.Next(1, 99999),
        },
        Betrokkenen =
        {
            Persoon(BetrokkeneRol.Slachtoffer, "Sanne", "Jansen", 1988, Geslacht.Vrouw),
            Persoon(BetrokkeneRol.VermoedelijkPleger, "Kees", "Jansen", 1985, Geslacht.Man),
            Persoon(BetrokkeneRol.Kind, "Lotte", "Jansen", 2018, Geslacht.Vrouw),
        },
        MelderIdentiteit = new MelderIdentiteit { Naam = "Wachtmeester de Vries", Telefoonnummer = "+31 6 1234 5678" },
    };

    private static Betrokkene Persoon(BetrokkeneRol rol, string voornamen, string achternaam, int geboortejaar, Geslacht geslacht) => new()
    {
        Rol = rol,
        Persoon = new PersoonIdentiteit
        {
            Voornamen = voornamen,
            Achternaam = achternaam,
            Geboortedatum = new Google.Type.Date { Year = geboortejaar, Month = 1 + Random.Shared.Next(12), Day = 1 + Random.Shared.Next(28) },
            Geslacht = geslacht,
        },
    };

    private static async Task<Result> ClosedLoopAsync(Target target, int concurrency, TimeSpan duration) =>
        Result.Of(target.Name, $"closed loop, {concurrency} callers",
            await LoadLoops.ClosedAsync(concurrency, duration, (_, ct) => target.Invoke(ct), e => e is RpcException));

    private static async Task<Result> OpenLoopAsync(Target target, int rate, TimeSpan duration) =>
        Result.Of(target.Name, $"open loop, {rate}/s",
            await LoadLoops.OpenAsync(rate, duration, (_, ct) => target.Invoke(ct), e => e is RpcException));

    private static void Print(List<Result> results, int rate)
    {
        Console.WriteLine();
        Console.WriteLine("| target                     | mode                   |  calls | errors |  calls/s |   p50 ms |   p99 ms |   max ms |");
        Console.WriteLine("|----------------------------|------------------------|--------|--------|----------|----------|----------|----------|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Target,-26} | {r.Mode,-22} | {r.Calls,6} | {r.Errors,6} | {r.PerSecond,8:F0} | {r.P50,8:F2} | {r.P99,8:F2} | {r.Max,8:F2} |"));
        }

        if (results.Select(r => r.Target).Distinct().Count() < 3)
        {
            return;
        }

        var closed = results.Where(r => r.Mode.StartsWith("closed", StringComparison.Ordinal)).ToDictionary(r => r.Target);
        var open = results.Where(r => r.Mode.StartsWith("open", StringComparison.Ordinal)).ToDictionary(r => r.Target);
        var greeter = closed["bare gRPC greeter"];
        var direct = closed["CreateMelding direct"];
        var gateway = closed["CreateMelding via gateway"];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            throughput ratio direct / greeter:   {direct.PerSecond / greeter.PerSecond:F3}
            throughput ratio gateway / greeter:  {gateway.PerSecond / greeter.PerSecond:F3}
            throughput ratio gateway / direct:   {gateway.PerSecond / direct.PerSecond:F3}
            durable CreateMelding/s (aim >= 2000): direct {direct.PerSecond:F0}, via gateway {gateway.PerSecond:F0}
            p99 at {rate}/s (aim <= 10 ms):       direct {open["CreateMelding direct"].P99:F2} ms, via gateway {open["CreateMelding via gateway"].P99:F2} ms, greeter {open["bare gRPC greeter"].P99:F2} ms
            """));
    }

    private sealed record Result(string Target, string Mode, int Calls, int Errors, double PerSecond, double P50, double P99, double Max)
    {
        public static Result Of(string target, string mode, LoadResult run) =>
            new(target, mode, run.Calls, run.Errors, run.PerSecond, run.P50, run.P99, run.Max);
    }
}
