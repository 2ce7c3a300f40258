using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Eventing;

namespace Veiligthuis.BuildingBlocks.Tests.Outbox;

/// <summary>
/// Fault injection around the real transport: while <see cref="Down"/> is set (or for the one event
/// <see cref="DownFor"/>), publishing fails as a lost Redis connection would; otherwise the envelope
/// goes to the real publisher.
/// </summary>
public sealed class FlakyPublisher(IEventPublisher transport) : IEventPublisher
{
    private int _calls;

    public bool Down { get; set; }

    public Guid? DownFor { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public Task PublishAsync(EventEnvelope envelope, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        if (Down || DownFor == envelope.Id)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "The bus is down (test).");
        }

        return transport.PublishAsync(envelope, ct);
    }
}
