using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.BuildingBlocks.Hosting;

/// <summary>
/// A background pass that runs once the migrations are applied and then every <see cref="Interval"/>. A failed pass
/// is logged by exception type only (a message could carry data) and the job carries on at the next tick.
/// </summary>
public abstract partial class PeriodicJob(MigrationState migrations, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected ILogger Logger => logger;

    protected TimeProvider Clock => clock;

    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass of the job.</summary>
    protected abstract Task RunPassAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await migrations.WhenAppliedAsync(stoppingToken);
            using var timer = new PeriodicTimer(Interval, clock);
            do
            {
                try
                {
                    await RunPassAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, GetType().Name, e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pass of {Job} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string job, string error);
}
