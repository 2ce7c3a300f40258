using Microsoft.Extensions.Options;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <summary>
/// Removes werkitem changes older than <see cref="TriageOptions.WijzigingBewaartermijn"/>. They exist only for
/// WatchWerkvoorraad, whose watchers start from the counts and read the changes within a second, so without this the
/// table would only grow. One transaction per regio, as row-level security requires.
/// </summary>
public sealed partial class WerkitemWijzigingOpruiming(Database database, MigrationState migrations,
    IOptions<TriageOptions> options, TimeProvider clock, ILogger<WerkitemWijzigingOpruiming> logger)
    : PeriodicJob(migrations, clock, logger)
{
    protected override TimeSpan Interval => options.Value.WijzigingOpruimInterval;

    protected override Task RunPassAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>One pass over every regio; returns how many changes were removed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var before = Clock.GetUtcNow() - options.Value.WijzigingBewaartermijn;
        var removed = 0;
        foreach (var regio in Regios.AllTenantIds.Order(StringComparer.Ordinal))
        {
            await using var uow = await database.BeginAsync(regio, ct);
            removed += await WerkitemWijzigingen.RemoveBeforeAsync(uow, before, ct);
            await uow.CommitAsync(ct);
        }

        if (removed > 0)
        {
            LogRemoved(Logger, removed);
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} werkitem changes past their retention")]
    private static partial void LogRemoved(ILogger logger, int count);
}
