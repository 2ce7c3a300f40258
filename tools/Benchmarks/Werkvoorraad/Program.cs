using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Outbox;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Triage.V1;
using Veiligthuis.Triage.Werkvoorraad;

// Werkvoorraad query latency with 100,000 open werkitems in one regio (docs/benchmarks.md).
// Usage: dotnet run -c Release --project tools/Benchmarks/Werkvoorraad -- [connection string] [--iterations N] [--keep]
var admin = args.FirstOrDefault(a => a.Contains('=', StringComparison.Ordinal))
    ?? Environment.GetEnvironmentVariable("VT_BENCH_POSTGRES")
    ?? throw new InvalidOperationException("Give a superuser connection string as argument or in VT_BENCH_POSTGRES.");
var iterations = OptionValue("--iterations", 2000);
var warmup = Math.Max(50, iterations / 10);
var perQueryBudget = TimeSpan.FromSeconds(OptionValue("--seconds-per-query", 90));
const string Regio = "vt-twente";
const int OpenInRegio = 100_000;
const int OtherRegios = 100_000;

var name = $"bench_werkvoorraad_{DateTime.UtcNow:yyyyMMddHHmmss}";
var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
await ExecAsync(admin, $"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}'");
await ExecAsync(admin, $"CREATE DATABASE {name} OWNER {name}");
var adminToDb = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
var service = new NpgsqlConnectionStringBuilder(admin) { Database = name, Username = name, Password = password, MaxAutoPrepare = 20 }
    .ConnectionString;
try
{
    await using var dataSource = NpgsqlDataSource.Create(service);
    await new MigrationRunner(dataSource,
        [new MigrationSource("buildingblocks", typeof(MigrationRunner).Assembly), new MigrationSource("triage", typeof(WerkitemStore).Assembly)],
        TimeProvider.System, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);

    var load = Stopwatch.StartNew();
    await BulkInsertAsync(adminToDb);
    await ExecAsync(adminToDb, "VACUUM ANALYZE werkitem");
    Console.WriteLine($"Loaded {OpenInRegio:N0} open werkitems in {Regio} and {OtherRegios:N0} in other regios in {load.Elapsed.TotalSeconds:F1} s");

    using var signal = new OutboxSignal();
    var database = new Database(dataSource, TimeProvider.System, signal, new ServiceIdentity("triage"));
    var ct = CancellationToken.None;

    // The cursor after page 9 (page size 50), to measure the 10th page.
    var all = new WerkvoorraadFilter(WerkitemStatus.Onbekend, false, false);
    WerkvoorraadCursor? cursor = null;
    Guid someId = Guid.Empty;
    for (var page = 1; page <= 9; page++)
    {
        await using var uow = await database.BeginAsync(Regio, ct);
        var result = await WerkvoorraadQuery.QueryAsync(uow, all, Veiligthuis.BuildingBlocks.Paging.Paging.DefaultPageSize, cursor, TimeProvider.System, ct);
        cursor = result.Next;
        someId = result.Werkitems[0].WerkitemId;
    }

    var cases = new (string Name, Func<Task> Run)[]
    {
        ("baseline: primary-key lookup", async () =>
        {
            await using var uow = await database.BeginAsync(Regio, ct);
            _ = await WerkitemStore.FindAsync(uow, someId, forUpdate: false, ct);
        }),
        ("first page, no filter", () => PageAsync(all, null)),
        ("first page, alleen_te_laat", () => PageAsync(all with { AlleenTeLaat = true }, null)),
        ("first page, vandaag_uiterlijk", () => PageAsync(all with { VandaagUiterlijk = true }, null)),
        ("10th page (keyset)", () => PageAsync(all, cursor)),
    };

    Console.WriteLine($"{iterations} iterations after {warmup} warm-up, at most {perQueryBudget.TotalSeconds:F0} s per query; ms:");
    Console.WriteLine($"| {"query",-32} | {"n",5} | {"p50",7} | {"p95",7} | {"p99",7} | {"max",7} | {"p99 ratio",9} |");
    Console.WriteLine($"|{new string('-', 34)}|{new string('-', 7)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 11)}|");
    double? baselineP99 = null;
    foreach (var (label, run) in cases)
    {
        for (var i = 0; i < warmup; i++)
        {
            await run();
        }

        var samples = new List<double>(iterations);
        var budget = Stopwatch.StartNew();
        while (samples.Count < iterations && budget.Elapsed < perQueryBudget)
        {
            var start = Stopwatch.GetTimestamp();
            await run();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        samples.Sort();
        var p99 = Percentile(samples, 0.99);
        baselineP99 ??= p99;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label,-32} | {samples.Count,5} | {Percentile(samples, 0.50),7:F2} | {Percentile(samples, 0.95),7:F2} | {p99,7:F2} | {samples[^1],7:F2} | {p99 / baselineP99.Value,9:F1} |"));
    }

    async Task PageAsync(WerkvoorraadFilter filter, WerkvoorraadCursor? after)
    {
        await using var uow = await database.BeginAsync(Regio, ct);
        _ = await WerkvoorraadQuery.QueryAsync(uow, filter, Veiligthuis.BuildingBlocks.Paging.Paging.DefaultPageSize, after, TimeProvider.System, ct);
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    if (!args.Contains("--keep"))
    {
        await ExecAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await ExecAsync(admin, $"DROP ROLE IF EXISTS {name}");
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

int OptionValue(string option, int fallback)
{
    var i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task ExecAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
    await command.ExecuteNonQueryAsync();
}

// 100,000 open werkitems in Regio (a tenth with the acute check open), received over the last
// 30 days so some are overdue and some due today, and as many spread over the other regios.
static async Task BulkInsertAsync(string connectionString)
{
    var random = new Random(20261123);
    var now = DateTimeOffset.UtcNow;
    var others = Regios.AllTenantIds.Where(r => r != Regio).Order(StringComparer.Ordinal).ToArray();
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var writer = await connection.BeginBinaryImportAsync("""
        COPY werkitem (werkitem_id, regio, melding_id, ontvangen_op, acute_check_uiterlijk, beoordeling_uiterlijk, status, aangemaakt_op)
        FROM STDIN (FORMAT BINARY)
        """);
    for (var i = 0; i < OpenInRegio + OtherRegios; i++)
    {
        var regio = i < OpenInRegio ? Regio : others[i % others.Length];
        var ontvangenOp = now - TimeSpan.FromMinutes(random.Next(0, 30 * 24 * 60));
        var status = random.Next(10) == 0 ? WerkitemStatus.AcuteCheckOpen : WerkitemStatus.BeoordelingOpen;
        await writer.StartRowAsync();
        await writer.WriteAsync(Guid.CreateVersion7(ontvangenOp), NpgsqlDbType.Uuid);
        await writer.WriteAsync(regio, NpgsqlDbType.Text);
        await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
        await writer.WriteAsync(ontvangenOp, NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(Termijnen.AcuteCheckUiterlijk(ontvangenOp), NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(Termijnen.BeoordelingUiterlijk(ontvangenOp), NpgsqlDbType.Date);
        await writer.WriteAsync((int)status, NpgsqlDbType.Integer);
        await writer.WriteAsync(ontvangenOp, NpgsqlDbType.TimestampTz);
    }

    await writer.CompleteAsync();
}
