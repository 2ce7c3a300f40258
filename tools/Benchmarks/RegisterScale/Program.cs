using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Veiligthuis.Benchmarks.Load;
using Veiligthuis.Benchmarks.RegisterScale;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.Betrokkenheden;
using Veiligthuis.Register.Matching;

// Register at national scale (issue 5): bulk load N persons through LaadBetrokkenheden, then ZoekBetrokkenheid by BSN and by
// person data beside a bare indexed PostgreSQL lookup of the same key, in one run. See README.md; tools/Benchmarks/RegisterScale/run.sh
// starts the durable PostgreSQL and the register service.
var a = Arguments.Parse(args);
var options = Options.Create(new RegisterOptions
{
    BsnHmacKeys = { new BsnHmacKey { Id = a.Text("bsn-key-id", "bench"), Key = a.Required("bsn-key") } },
    MatchingKey = new BsnHmacKey { Id = a.Text("matching-key-id", "bench"), Key = a.Required("matching-key") },
});
var hasher = new BsnHasher(options);
var matcher = new PersoonMatcher(options, hasher);
var bevolking = new Bevolking(a.Number("seed", 1));
var personen = a.Number("personen", 1_000_000);
var concurrency = a.Number("concurrency", 16);
var seconds = a.Number("seconds", 20);
var rate = a.Number("rate", 2000);
var ratePersoon = a.Number("rate-persoon", 200);

using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(a.Required("service"), new Grpc.Net.Client.GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    MaxReceiveMessageSize = 64 * 1024 * 1024,
});
var client = new Veiligthuis.Register.V1.Register.RegisterClient(channel);
var signingKey = a.Required("signing-key");
var tokens = Regios.AllTenantIds.Order(StringComparer.Ordinal)
    .Select(r => DevelopmentTokens.Create(signingKey, r, [Roles.RegisterClient], "benchmark-registerscale", DateTimeOffset.UtcNow,
        TimeSpan.FromHours(12)))
    .ToArray();
await using var postgres = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(a.Required("postgres"))
{
    MaxAutoPrepare = 10, MaxPoolSize = Math.Max(100, concurrency * 4),
}.ConnectionString).Build();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RegisterScale: {personen:N0} persons, seed {a.Number("seed", 1)}, {Environment.ProcessorCount} cores, load average {Load()}, {DateTime.UtcNow:u}"));

// Households until the population holds N persons; counted up front so the load's clock measures loading only.
var huishoudens = 0;
for (var n = 0; n < personen; huishoudens++)
{
    n += bevolking.Genereer(huishoudens).Leden.Count;
}

var cpu = ProcessCpu.Parse(string.Join(',',
    a.Text("service-pid", "") is { Length: > 0 } sp ? $"register={sp}" : "",
    a.Text("postgres-pid", "") is { Length: > 0 } pp ? $"postgres={pp}+" : ""));
if (a.Text("load", "yes") == "yes")
{
    var cpuStart = cpu.Now();
    var laden = new Laden(client, bevolking, tokens, a.Number("stream-size", Laden.MaxPerStream), a.Number("streams", 2));
    var resultaat = await laden.RunAsync(huishoudens, CancellationToken.None);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

        Bulk load: {resultaat.Personen:N0} persons in {resultaat.Registraties:N0} households ({resultaat.MetBsn:N0} with BSN) in {resultaat.Duur.TotalSeconds:F1} s
          = {resultaat.Personen / resultaat.Duur.TotalMinutes:N0} persons/min, {resultaat.Registraties / resultaat.Duur.TotalSeconds:N0} registrations/s (aim >= 1,000,000 persons/min)
          invalid: {resultaat.Ongeldig}, load average {Load()}
        """));
    Console.WriteLine("  " + cpu.PerCall(cpuStart, cpu.Now(), resultaat.Personen, "person"));
}

// The outbox relay publishes an event per registration after the load; lookups are measured once it has caught up.
var relay = Stopwatch.StartNew();
while (long.Parse(await ScalarAsync(postgres, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), CultureInfo.InvariantCulture) > 0
    && relay.Elapsed < TimeSpan.FromMinutes(30))
{
    await Task.Delay(TimeSpan.FromSeconds(2));
}

var outbox = await ScalarAsync(postgres, "SELECT count(*) FROM outbox");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Outbox drained {relay.Elapsed.TotalSeconds:F0} s after the load ({outbox} events)"));

await using (var analyse = postgres.CreateCommand("ANALYZE"))
{
    analyse.CommandTimeout = 600;
    await analyse.ExecuteNonQueryAsync();
}

Console.WriteLine($"Database: {await ScalarAsync(postgres, """
    SELECT (SELECT count(*) FROM persoon) || ' persons, ' || (SELECT count(*) FROM persoon_blok) || ' blocking keys, '
        || (SELECT count(*) FROM toegangslog) || ' access log rows, ' || pg_size_pretty(pg_database_size(current_database()))
    """)}");

// The lookups: persons drawn from the loaded households by an independent random stream.
var trekking = new Random(a.Number("seed", 1) + 7919);
var perSoort = new Dictionary<string, Func<Random, Zoeker.Vraag>>
{
    ["bsn"] = r =>
    {
        while (true)
        {
            var lid = Trek(r);
            if (lid.Persoon.Bsn.Length > 0)
            {
                return new Zoeker.Vraag(lid.Persoon.Bsn, null, null, lid.Huishouden, [.. hasher.All(lid.Persoon.Bsn)], []);
            }
        }
    },
    ["persoon"] = r =>
    {
        var (persoon, huishouden) = Trek(r);
        var gegevens = new PersoonGegevens(persoon.Voornamen, persoon.Tussenvoegsel, persoon.Achternaam, persoon.Geboortedatum,
            persoon.Geslacht, huishouden.Postcode, huishouden.Huisnummer, "");
        return new Zoeker.Vraag("", persoon, huishouden, huishouden, [], [.. matcher.Kenmerken(gegevens).Blokken]);
    },
};
var zoeker = new Zoeker(client, postgres, tokens, matcher.KeyId);
var results = new List<Zoeker.Result>();
foreach (var (soort, trek) in perSoort)
{
    var vragen = Enumerable.Range(0, 20_000).Select(_ => trek(trekking)).ToArray();
    var bare = soort == "bsn" ? Zoeker.Doel.BarePersoonOpBsn : Zoeker.Doel.BareKandidaten;
    var zoek = soort == "bsn" ? Zoeker.Doel.ZoekOpBsn : Zoeker.Doel.ZoekOpPersoon;
    await zoeker.WarmupAsync(bare, vragen, concurrency, TimeSpan.FromSeconds(3));
    await zoeker.WarmupAsync(zoek, vragen, concurrency, TimeSpan.FromSeconds(3));
    foreach (var doel in new[] { bare, zoek })
    {
        var cpuStart = cpu.Now();
        var result = await zoeker.ClosedLoopAsync(doel, vragen, concurrency, TimeSpan.FromSeconds(seconds));
        results.Add(result);
        Console.WriteLine($"  {doel}, closed loop: {cpu.PerCall(cpuStart, cpu.Now(), result.Calls, "lookup")}");
    }

    var openRate = soort == "bsn" ? rate : ratePersoon;
    results.Add(await zoeker.OpenLoopAsync(bare, vragen, openRate, TimeSpan.FromSeconds(seconds)));
    results.Add(await zoeker.OpenLoopAsync(zoek, vragen, openRate, TimeSpan.FromSeconds(seconds)));
}

Zoeker.Print(results);
Console.WriteLine($"Load average after: {Load()}");
return;

(Persoon Persoon, Huishouden Huishouden) Trek(Random r)
{
    var huishouden = bevolking.Genereer(r.Next(huishoudens));
    return (huishouden.Leden[r.Next(huishouden.Leden.Count)], huishouden);
}

static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static async Task<string> ScalarAsync(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 600;
    return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
}

/// <summary><c>--name value</c> pairs.</summary>
internal sealed class Arguments(Dictionary<string, string> values)
{
    public static Arguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : throw new ArgumentException(args[i])] = args[i + 1];
        }

        return new Arguments(values);
    }

    public string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int Number(string name, int fallback) =>
        values.TryGetValue(name, out var v) ? int.Parse(v.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;
}
