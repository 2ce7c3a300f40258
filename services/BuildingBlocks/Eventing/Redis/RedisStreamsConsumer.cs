using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.BuildingBlocks.Eventing.Redis;

/// <summary>
/// Reads this service's topics through a consumer group (one per service, so every service gets
/// every event and replicas share the work), acknowledges an entry only after its handler committed,
/// reclaims entries left pending by a crashed or failing consumer, and moves an entry that keeps
/// failing to <c>deadletter.&lt;topic&gt;</c>.
/// </summary>
public sealed partial class RedisStreamsConsumer(
    IConnectionMultiplexer redis,
    EventSubscriptions subscriptions,
    EventDispatcher dispatcher,
    ServiceIdentity service,
    TimeProvider clock,
    IOptions<RedisStreamsOptions> options,
    ILogger<RedisStreamsConsumer> logger,
    MigrationState? migrations = null) : BackgroundService
{
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public static string DeadLetterStream(string topic) => "deadletter." + topic;

    private string Stream(string topic) => options.Value.StreamPrefix + topic;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (subscriptions.All.Count == 0)
        {
            return;
        }

        if (migrations is not null)
        {
            // Handlers write to tables that exist only once migrations ran.
            await migrations.WhenAppliedAsync(stoppingToken);
        }
        var settings = options.Value;
        var delay = settings.MinPollDelay;
        var nextClaim = clock.GetUtcNow();
        var groupsReady = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                if (!groupsReady)
                {
                    await EnsureGroupsAsync();
                    groupsReady = true;
                }

                foreach (var subscription in subscriptions.All)
                {
                    handled += await ReadNewAsync(subscription.Topic, stoppingToken);
                }

                if (clock.GetUtcNow() >= nextClaim)
                {
                    foreach (var subscription in subscriptions.All)
                    {
                        handled += await ReclaimAsync(subscription.Topic, stoppingToken);
                    }

                    nextClaim = clock.GetUtcNow() + settings.ClaimInterval;
                }
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException or RedisConnectionException or TimeoutException)
            {
                LogRedisUnavailable(logger, e.GetType().Name);
                groupsReady = false;
                delay = settings.MaxPollDelay;
            }

            if (handled == 0)
            {
                await Task.Delay(delay, clock, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollDelay.Ticks));
            }
            else
            {
                delay = settings.MinPollDelay;
            }
        }
    }

    private async Task EnsureGroupsAsync()
    {
        var db = redis.GetDatabase();
        foreach (var subscription in subscriptions.All)
        {
            try
            {
                // From the stream's beginning: events published before this service first started are not lost.
                await db.StreamCreateConsumerGroupAsync(Stream(subscription.Topic), service.Name, StreamPosition.Beginning, createStream: true);
            }
            catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
                // The group exists: another replica or an earlier run created it.
            }
        }
    }

    private async Task<int> ReadNewAsync(string topic, CancellationToken ct)
    {
        var entries = await redis.GetDatabase().StreamReadGroupAsync(Stream(topic), service.Name, _consumer, StreamPosition.NewMessages, options.Value.BatchSize);
        foreach (var entry in entries)
        {
            await HandleAsync(topic, entry, ct);
        }

        return entries.Length;
    }

    private async Task<int> ReclaimAsync(string topic, CancellationToken ct)
    {
        var settings = options.Value;
        var db = redis.GetDatabase();
        var pending = await db.StreamPendingMessagesAsync(Stream(topic), service.Name, settings.BatchSize, RedisValue.Null);
        var stale = pending.Where(p => p.IdleTimeInMilliseconds >= (long)settings.ClaimIdleAfter.TotalMilliseconds).ToList();
        if (stale.Count == 0)
        {
            return 0;
        }

        var claimed = await db.StreamClaimAsync(Stream(topic), service.Name, _consumer,
            (long)settings.ClaimIdleAfter.TotalMilliseconds, [.. stale.Select(p => p.MessageId)]);
        var deliveries = stale.ToDictionary(p => p.MessageId.ToString(), p => p.DeliveryCount);
        foreach (var entry in claimed.Where(e => !e.IsNull))
        {
            if (deliveries.TryGetValue(entry.Id.ToString(), out var count) && count >= settings.MaxDeliveries)
            {
                await DeadLetterAsync(topic, entry, "too many deliveries");
                continue;
            }

            await HandleAsync(topic, entry, ct);
        }

        return claimed.Length;
    }

    private async Task HandleAsync(string topic, StreamEntry entry, CancellationToken ct)
    {
        try
        {
            var envelope = RedisStreamEntry.FromEntry(topic, entry);
            await dispatcher.DispatchAsync(envelope, ct);
            await redis.GetDatabase().StreamAcknowledgeAsync(Stream(topic), service.Name, entry.Id);
        }
        catch (PoisonEventException)
        {
            await DeadLetterAsync(topic, entry, "poison");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Left pending: reclaimed and retried after ClaimIdleAfter, dead-lettered after MaxDeliveries.
            LogHandlerFailed(logger, entry.Id.ToString(), topic, e.GetType().Name);
        }
    }

    private async Task DeadLetterAsync(string topic, StreamEntry entry, string reason)
    {
        var db = redis.GetDatabase();
        var fields = entry.Values.Append(new NameValueEntry("deadletter_reason", reason))
            .Append(new NameValueEntry("deadletter_group", service.Name)).ToArray();
        await db.StreamAddAsync(Stream(DeadLetterStream(topic)), fields);
        await db.StreamAcknowledgeAsync(Stream(topic), service.Name, entry.Id);
        LogDeadLettered(logger, entry.Id.ToString(), topic, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for the event consumer ({ExceptionType}); retrying")]
    private static partial void LogRedisUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling stream entry {EntryId} of {Topic} failed ({ExceptionType}); it stays pending")]
    private static partial void LogHandlerFailed(ILogger logger, string entryId, string topic, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream entry {EntryId} of {Topic} moved to the dead-letter stream ({Reason})")]
    private static partial void LogDeadLettered(ILogger logger, string entryId, string topic, string reason);
}
