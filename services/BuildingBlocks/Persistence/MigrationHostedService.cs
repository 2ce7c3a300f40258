using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Veiligthuis.BuildingBlocks.Persistence;

/// <summary>
/// Applies migrations at start-up, retrying with backoff while the database is unreachable so a pod
/// that starts before PostgreSQL becomes ready instead of crash-looping. Readiness stays false until then.
/// </summary>
internal sealed partial class MigrationHostedService(
    MigrationRunner runner, MigrationState state, TimeProvider clock, ILogger<MigrationHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.ApplyAsync(stoppingToken);
                state.MarkApplied();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not InvalidOperationException)
            {
                LogRetry(logger, e.GetType().Name, delay);
                await Task.Delay(delay, clock, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrations not applied ({ExceptionType}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string exceptionType, TimeSpan delay);
}
