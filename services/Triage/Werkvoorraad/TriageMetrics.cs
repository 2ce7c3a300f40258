using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <summary>
/// Deadline metrics of triage: overdue open werkitems per regio and status (a cached periodic count),
/// and the doorlooptijden of acute checks and veiligheidsbeoordelingen. Tags carry regio, status and
/// binnen_termijn only, never ids or personal data.
/// </summary>
public sealed class TriageMetrics
{
    public const string MeterName = "Veiligthuis.Triage";
    public const string TeLaat = "veiligthuis.triage.werkitems.te_laat";
    public const string Doorlooptijd = "veiligthuis.triage.doorlooptijd";
    public const string AcuteCheckDuur = "veiligthuis.triage.acute_check.duur";

    private readonly Histogram<int> _doorlooptijd;
    private readonly Histogram<double> _acuteCheckDuur;
    private volatile IReadOnlyList<Measurement<long>> _teLaat = [];

    public TriageMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(TeLaat, () => _teLaat, unit: "{werkitem}",
            description: "Open werkitems past a term (acute check or beoordeling), per regio and status; refreshed periodically.");
        _doorlooptijd = meter.CreateHistogram<int>(Doorlooptijd, unit: "{werkdag}",
            description: "Werkdagen from the day of receipt to the afronden of the veiligheidsbeoordeling.");
        _acuteCheckDuur = meter.CreateHistogram<double>(AcuteCheckDuur, unit: "s",
            description: "Time from receipt to the recorded acute check.");
    }

    public void AcuteCheckVastgelegd(string regio, WerkitemRecord werkitem, DateTimeOffset op) =>
        _acuteCheckDuur.Record((op - werkitem.OntvangenOp).TotalSeconds,
            new KeyValuePair<string, object?>("regio", regio),
            new KeyValuePair<string, object?>("binnen_termijn", op <= werkitem.AcuteCheckUiterlijk));

    public void Afgerond(string regio, WerkitemRecord werkitem, DateTimeOffset op)
    {
        var dag = AmsterdamTime.DateOf(op);
        _doorlooptijd.Record(
            WerkdagenCalendar.Nederland.WerkdagenTussen(AmsterdamTime.DateOf(werkitem.OntvangenOp), dag),
            new KeyValuePair<string, object?>("regio", regio),
            new KeyValuePair<string, object?>("binnen_termijn", dag <= werkitem.BeoordelingUiterlijk));
    }

    internal void SetTeLaat(IReadOnlyList<Measurement<long>> measurements) => _teLaat = measurements;
}

/// <summary>Counts the overdue open werkitems of every regio periodically, for the te_laat gauge.</summary>
public sealed partial class TeLaatMonitor(Database database, MigrationState migrations, TriageMetrics metrics,
    IOptions<TriageOptions> options, TimeProvider clock, ILogger<TeLaatMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migrations.WhenAppliedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                metrics.SetTeLaat(await CountAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCountFailed(logger, e.GetType().Name);
            }

            await Task.Delay(options.Value.TeLaatInterval, stoppingToken);
        }
    }

    private async Task<IReadOnlyList<Measurement<long>>> CountAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = AmsterdamTime.DateOf(now);
        var measurements = new List<Measurement<long>>();
        foreach (var regio in Regios.AllTenantIds.Order(StringComparer.Ordinal))
        {
            var counts = new Dictionary<WerkitemStatus, long> { [WerkitemStatus.AcuteCheckOpen] = 0, [WerkitemStatus.BeoordelingOpen] = 0 };
            await using (var uow = await database.BeginAsync(regio, ct))
            {
                await using var command = uow.Command("""
                    SELECT status, count(*) FROM werkitem
                    WHERE regio = $1 AND status IN (1, 2)
                      AND (beoordeling_uiterlijk < $2 OR (status = 1 AND acute_check_uiterlijk < $3))
                    GROUP BY status
                    """, regio, today, now);
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    counts[(WerkitemStatus)r.GetInt32(0)] = r.GetInt64(1);
                }
            }

            measurements.AddRange(counts.Select(c => new Measurement<long>(c.Value,
                new KeyValuePair<string, object?>("regio", regio),
                new KeyValuePair<string, object?>("status", StatusTag(c.Key)))));
        }

        return measurements;
    }

    private static string StatusTag(WerkitemStatus status) => status switch
    {
        WerkitemStatus.AcuteCheckOpen => "acute_check_open",
        WerkitemStatus.BeoordelingOpen => "beoordeling_open",
        _ => "onbekend",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting overdue werkitems failed: {ExceptionType}")]
    private static partial void LogCountFailed(ILogger logger, string exceptionType);
}
