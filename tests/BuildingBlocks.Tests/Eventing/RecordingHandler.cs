using System.Collections.Concurrent;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.BuildingBlocks.Tests.Eventing;

/// <summary>What the handler of one test host was called with; it can be told to fail.</summary>
public sealed class HandlerLog
{
    private readonly ConcurrentQueue<(MeldingOntvangen Message, EventContext Context)> _calls = new();

    /// <summary>Each event fails this many times before the handler succeeds; <see cref="int.MaxValue"/> fails always.</summary>
    public int FailuresPerEvent { get; init; }

    public IReadOnlyList<(MeldingOntvangen Message, EventContext Context)> Calls => [.. _calls];

    public int CallsFor(Guid eventId) => _calls.Count(c => c.Context.EventId == eventId);

    internal int Record(MeldingOntvangen message, EventContext context)
    {
        _calls.Enqueue((message, context));
        return CallsFor(context.EventId);
    }
}

public sealed class RecordingHandler(HandlerLog log) : IEventHandler<MeldingOntvangen>
{
    public Task HandleAsync(MeldingOntvangen message, EventContext context, CancellationToken ct)
    {
        var call = log.Record(message, context);
        if (call <= log.FailuresPerEvent)
        {
            throw new InvalidOperationException($"Handler failure {call} (test).");
        }

        return Task.CompletedTask;
    }
}
