using Google.Protobuf;

namespace Veiligthuis.BuildingBlocks.Eventing;

/// <summary>
/// A CloudEvents 1.0 envelope (architecture.md §4): <c>id</c> (UUIDv7), <c>type</c> = protobuf full
/// name, <c>source</c> = publishing service, <c>subject</c> = aggregate id, extension <c>regio</c>,
/// <c>time</c>, <c>traceparent</c>; <c>data</c> is the protobuf message.
/// </summary>
public sealed record EventEnvelope(
    Guid Id, string Topic, string Type, string Source, string Subject, string Regio,
    DateTimeOffset Time, string? TraceParent, byte[] Data);

/// <summary>What a handler knows of the delivery besides the message itself.</summary>
public sealed record EventContext(Guid EventId, string Topic, string Source, string Subject, string Regio, DateTimeOffset Time);

/// <summary>Sends envelopes to the transport; the outbox relay is its only caller.</summary>
public interface IEventPublisher
{
    Task PublishAsync(EventEnvelope envelope, CancellationToken ct);
}

/// <summary>
/// Handles one event type. Delivery is at least once: handlers record the event id in their inbox
/// (<see cref="Persistence.UnitOfWork.TryAcceptEventAsync"/>) in the same transaction as their work.
/// </summary>
public interface IEventHandler<in T> where T : IMessage<T>
{
    Task HandleAsync(T message, EventContext context, CancellationToken ct);
}

/// <summary>An envelope that can never be handled (unknown topic, wrong type, unreadable data).</summary>
public sealed class PoisonEventException(string message) : Exception(message);
