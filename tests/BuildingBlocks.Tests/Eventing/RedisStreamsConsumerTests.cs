using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Eventing.Redis;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Eventing;

/// <summary>
/// The Redis Streams transport end to end: the real publisher, a real Redis, and the consumer
/// running in a host, with short reclaim times so retries and dead-lettering happen within a second or two.
/// </summary>
public sealed class RedisStreamsConsumerTests(TestRedis redis)
{
    private const int MaxDeliveries = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly string _prefix = redis.NewPrefix();

    private string Stream => _prefix + Events.Topic;

    private string DeadLetters => _prefix + RedisStreamsConsumer.DeadLetterStream(Events.Topic);

    [Fact]
    public async Task Consumer_PublishedEvent_IsHandledWithItsContextAndAcknowledged()
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log);
        var message = Events.MeldingOntvangen();
        var envelope = Events.Envelope(message, "vt-haaglanden");

        await redis.Publisher(_prefix).PublishAsync(envelope, CancellationToken.None);

        await Eventually.UntilAsync(() => Task.FromResult(log.CallsFor(envelope.Id) == 1), Timeout, "the handler to be called");
        await Eventually.UntilAsync(async () => await PendingAsync() == 0, Timeout, "the entry to be acknowledged");
        var (handled, context) = Assert.Single(log.Calls);
        Assert.Equal(message, handled);
        Assert.Equal(new EventContext(envelope.Id, Events.Topic, envelope.Source, envelope.Subject, "vt-haaglanden", envelope.Time), context);
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(DeadLetters));
    }

    [Fact]
    public async Task Consumer_EventsPublishedBeforeTheGroupExisted_AreStillDelivered()
    {
        var envelopes = Enumerable.Range(0, 3).Select(_ => Events.Envelope(Events.MeldingOntvangen())).ToList();
        foreach (var envelope in envelopes)
        {
            await redis.Publisher(_prefix).PublishAsync(envelope, CancellationToken.None);
        }

        Assert.Empty(await redis.Db.StreamGroupInfoAsync(Stream));
        var log = new HandlerLog();
        await using var host = await StartAsync(log);

        await Eventually.UntilAsync(() => Task.FromResult(log.Calls.Count == 3), Timeout, "the three earlier events to be handled");
        Assert.Equal(envelopes.Select(e => e.Id), log.Calls.Select(c => c.Context.EventId));
        await Eventually.UntilAsync(async () => await PendingAsync() == 0, Timeout, "the entries to be acknowledged");
    }

    [Fact]
    public async Task Consumer_HandlerFailsOnce_IsRedeliveredByReclaimAndAcknowledged()
    {
        var log = new HandlerLog { FailuresPerEvent = 1 };
        await using var host = await StartAsync(log);
        var envelope = Events.Envelope(Events.MeldingOntvangen());

        await redis.Publisher(_prefix).PublishAsync(envelope, CancellationToken.None);

        await Eventually.UntilAsync(() => Task.FromResult(log.CallsFor(envelope.Id) == 2), Timeout, "the redelivery");
        await Eventually.UntilAsync(async () => await PendingAsync() == 0, Timeout, "the entry to be acknowledged");
        Assert.Equal(2, log.CallsFor(envelope.Id));
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(DeadLetters));
    }

    [Fact]
    public async Task Consumer_HandlerAlwaysFails_MovesEntryToDeadLetterStreamAfterMaxDeliveries()
    {
        var log = new HandlerLog { FailuresPerEvent = int.MaxValue };
        await using var host = await StartAsync(log);
        var envelope = Events.Envelope(Events.MeldingOntvangen());

        await redis.Publisher(_prefix).PublishAsync(envelope, CancellationToken.None);

        var deadLetter = await SingleDeadLetterAsync();
        Assert.Equal(envelope.Id.ToString(), (string?)deadLetter["id"]);
        Assert.Equal("too many deliveries", (string?)deadLetter["deadletter_reason"]);
        Assert.Equal(EventHost.Service, (string?)deadLetter["deadletter_group"]);
        Assert.Equal(envelope.Data, (byte[])deadLetter["data"]!);
        Assert.Equal(MaxDeliveries, log.CallsFor(envelope.Id));
        await Eventually.UntilAsync(async () => await PendingAsync() == 0, Timeout, "the entry to be acknowledged");
    }

    [Fact]
    public async Task Consumer_DataThatIsNotTheMessage_GoesToDeadLetterAtOnceWithoutCallingTheHandler()
    {
        var poison = Events.Envelope(MeldingOntvangen.Descriptor.FullName, [0xFF, 0xFF, 0xFF, 0xFF]);

        var (log, deadLetter) = await PublishPoisonThenValidAsync(poison);

        Assert.Equal(poison.Id.ToString(), (string?)deadLetter["id"]);
        Assert.Equal("poison", (string?)deadLetter["deadletter_reason"]);
        Assert.Equal(0, log.CallsFor(poison.Id));
    }

    [Fact]
    public async Task Consumer_EnvelopeOfTheWrongType_GoesToDeadLetterAtOnceWithoutCallingTheHandler()
    {
        var message = Events.MeldingOntvangen();
        var poison = Events.Envelope("veiligthuis.intake.v1.MeldingIngetrokken", Google.Protobuf.MessageExtensions.ToByteArray(message));

        var (log, deadLetter) = await PublishPoisonThenValidAsync(poison);

        Assert.Equal(poison.Id.ToString(), (string?)deadLetter["id"]);
        Assert.Equal("poison", (string?)deadLetter["deadletter_reason"]);
        Assert.Equal(0, log.CallsFor(poison.Id));
    }

    /// <summary>
    /// Publishes <paramref name="poison"/> and a valid event after it; entries of a stream are handled
    /// in order, so once the valid one was handled the poison one had its turn.
    /// </summary>
    private async Task<(HandlerLog Log, StreamEntry DeadLetter)> PublishPoisonThenValidAsync(EventEnvelope poison)
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log);
        var valid = Events.Envelope(Events.MeldingOntvangen());

        await redis.Publisher(_prefix).PublishAsync(poison, CancellationToken.None);
        await redis.Publisher(_prefix).PublishAsync(valid, CancellationToken.None);

        await Eventually.UntilAsync(() => Task.FromResult(log.CallsFor(valid.Id) == 1), Timeout, "the valid event to be handled");
        var deadLetter = await SingleDeadLetterAsync();
        await Eventually.UntilAsync(async () => await PendingAsync() == 0, Timeout, "both entries to be acknowledged");
        Assert.Single(log.Calls);
        return (log, deadLetter);
    }

    private async Task<StreamEntry> SingleDeadLetterAsync()
    {
        var entries = await Eventually.UntilAsync(async () =>
        {
            var found = await redis.Db.StreamRangeAsync(DeadLetters);
            return found.Length > 0 ? found : null;
        }, Timeout, "an entry in the dead-letter stream");
        return Assert.Single(entries);
    }

    private async Task<long> PendingAsync() => (await redis.Db.StreamPendingAsync(Stream, EventHost.Service)).PendingMessageCount;

    private Task<EventHost> StartAsync(HandlerLog log) => EventHost.StartAsync(log, new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = redis.ConnectionString,
        ["Eventing:Transport"] = "Redis",
        ["Eventing:Redis:StreamPrefix"] = _prefix,
        ["Eventing:Redis:ClaimIdleAfter"] = "00:00:00.300",
        ["Eventing:Redis:ClaimInterval"] = "00:00:00.100",
        ["Eventing:Redis:MaxDeliveries"] = MaxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}
