using System.Collections.Frozen;
using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace Veiligthuis.BuildingBlocks.Eventing;

/// <summary>A topic this service listens to, with the handler that takes it.</summary>
public sealed record Subscription(
    string Topic, string EventType, Func<IServiceProvider, ReadOnlyMemory<byte>, EventContext, CancellationToken, Task> Handle);

/// <summary>The subscriptions of this service, in registration order.</summary>
public sealed class EventSubscriptions
{
    private readonly List<Subscription> _subscriptions = [];

    public IReadOnlyList<Subscription> All => _subscriptions;

    public void Add<TEvent, THandler>(string topic)
        where TEvent : IMessage<TEvent>, new()
        where THandler : IEventHandler<TEvent>
    {
        if (_subscriptions.Any(s => s.Topic == topic))
        {
            throw new InvalidOperationException($"Topic {topic} already has a handler.");
        }

        var parser = new MessageParser<TEvent>(() => new TEvent());
        var eventType = new TEvent().Descriptor.FullName;
        _subscriptions.Add(new Subscription(topic, eventType, async (services, data, context, ct) =>
        {
            TEvent message;
            try
            {
                message = parser.ParseFrom(data.Span);
            }
            catch (InvalidProtocolBufferException)
            {
                throw new PoisonEventException($"Event {context.EventId} on {topic} is not a readable {eventType}.");
            }

            await services.GetRequiredService<THandler>().HandleAsync(message, context, ct);
        }));
    }
}

/// <summary>Routes an envelope from any transport to its handler in a fresh DI scope.</summary>
public sealed class EventDispatcher(IServiceScopeFactory scopes, EventSubscriptions subscriptions)
{
    private static readonly ActivitySource Activities = new("Veiligthuis.Eventing");
    private FrozenDictionary<string, Subscription>? _byTopic;

    public async Task DispatchAsync(EventEnvelope envelope, CancellationToken ct)
    {
        _byTopic ??= subscriptions.All.ToFrozenDictionary(s => s.Topic, StringComparer.Ordinal);
        if (!_byTopic.TryGetValue(envelope.Topic, out var subscription))
        {
            throw new PoisonEventException($"No handler for topic {envelope.Topic}.");
        }

        if (envelope.Type != subscription.EventType)
        {
            throw new PoisonEventException($"Event {envelope.Id} on {envelope.Topic} has type {envelope.Type}, expected {subscription.EventType}.");
        }

        ActivityContext.TryParse(envelope.TraceParent, null, out var parent);
        using var activity = Activities.StartActivity($"{envelope.Topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.message.id", envelope.Id.ToString());
        activity?.SetTag("messaging.destination.name", envelope.Topic);

        var context = new EventContext(envelope.Id, envelope.Topic, envelope.Source, envelope.Subject, envelope.Regio, envelope.Time);
        await using var scope = scopes.CreateAsyncScope();
        await subscription.Handle(scope.ServiceProvider, envelope.Data, context, ct);
    }
}
