using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.BuildingBlocks.Outbox;

/// <summary>
/// Removes published outbox rows after <see cref="OutboxOptions.KeepPublished"/> and inbox rows after
/// <see cref="OutboxOptions.KeepInbox"/>, in batches so no statement holds many locks. Unpublished rows are never
/// removed. An inbox row only has to outlive every redelivery of its event (minutes on Redis Streams, hours under
/// Dapr's retries), so a month leaves a wide margin; without pruning both tables grow with every event for ever.
/// </summary>
public sealed partial class OutboxPruning(NpgsqlDataSource dataSource, MigrationState migrations, IOptions<OutboxOptions> options,
    TimeProvider clock, ILogger<OutboxPruning> logger) : PeriodicJob(migrations, clock, logger)
{
    private const int BatchSize = 5000;

    protected override TimeSpan Interval => options.Value.PruneInterval;

    protected override Task RunPassAsync(CancellationToken ct) => PruneOnceAsync(ct);

    /// <summary>One pass; returns the outbox and inbox rows removed.</summary>
    public async Task<(int Outbox, int Inbox)> PruneOnceAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        var outbox = await DeleteInBatchesAsync("""
            DELETE FROM outbox WHERE seq IN (
                SELECT seq FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 LIMIT $2)
            """, now - options.Value.KeepPublished, ct);
        var inbox = await DeleteInBatchesAsync("""
            DELETE FROM inbox WHERE (consumer, event_id) IN (
                SELECT consumer, event_id FROM inbox WHERE received_at < $1 LIMIT $2)
            """, now - options.Value.KeepInbox, ct);
        if (outbox + inbox > 0)
        {
            LogPruned(Logger, outbox, inbox);
        }

        return (outbox, inbox);
    }

    private async Task<int> DeleteInBatchesAsync(string sql, DateTimeOffset before, CancellationToken ct)
    {
        var total = 0;
        int removed;
        do
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = before });
            command.Parameters.Add(new NpgsqlParameter { Value = BatchSize });
            removed = await command.ExecuteNonQueryAsync(ct);
            total += removed;
        }
        while (removed == BatchSize);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Outbox} published outbox rows and {Inbox} inbox rows")]
    private static partial void LogPruned(ILogger logger, int outbox, int inbox);
}
