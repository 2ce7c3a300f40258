using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Veiligthuis.BuildingBlocks.Eventing.Redis;

/// <summary>Publishes an envelope with XADD to the stream named after its topic.</summary>
public sealed class RedisStreamsPublisher(IConnectionMultiplexer redis, IOptions<RedisStreamsOptions> options) : IEventPublisher
{
    public async Task PublishAsync(EventEnvelope envelope, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await redis.GetDatabase().StreamAddAsync(
            options.Value.StreamPrefix + envelope.Topic, RedisStreamEntry.ToFields(envelope),
            maxLength: options.Value.MaxStreamLength, useApproximateMaxLength: true);
    }
}
