using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Eventing.Redis;

namespace Veiligthuis.TestSupport;

/// <summary>Publishes events onto the real Redis streams a service under test consumes.</summary>
public static class TestEvents
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IConnectionMultiplexer? _redis;

    public static EventEnvelope Envelope<T>(string topic, T message, string regio, string subject, Guid? eventId = null)
        where T : IMessage<T> =>
        new(eventId ?? Guid.CreateVersion7(), topic, message.Descriptor.FullName, "tests", subject, regio,
            DateTimeOffset.UtcNow, null, message.ToByteArray());

    public static async Task PublishAsync(string redisConnection, string streamPrefix, EventEnvelope envelope)
    {
        await Gate.WaitAsync();
        try
        {
            _redis ??= await ConnectionMultiplexer.ConnectAsync(redisConnection);
        }
        finally
        {
            Gate.Release();
        }

        var publisher = new RedisStreamsPublisher(_redis, Options.Create(new RedisStreamsOptions { StreamPrefix = streamPrefix }));
        await publisher.PublishAsync(envelope, CancellationToken.None);
    }
}
