using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>
/// Queues the register link of a new melding. Intake listens to its own MeldingOntvangen rather than writing the queue
/// row in CreateMelding: the event is in the outbox of the melding's own transaction, so every stored melding gets here
/// at least once, and the create path stays untouched (ADR 0020).
/// </summary>
public sealed partial class RegistratieAanvragen(Database database, TimeProvider clock, ILogger<RegistratieAanvragen> logger)
    : IEventHandler<MeldingOntvangen>
{
    public const string Consumer = "intake.registerkoppeling";

    public async Task HandleAsync(MeldingOntvangen message, EventContext context, CancellationToken ct)
    {
        if (!Guid.TryParse(message.MeldingId, out var meldingId))
        {
            throw new PoisonEventException($"Event {context.EventId} lacks a melding id.");
        }

        await using var uow = await database.BeginAsync(context.Regio, ct);
        if (!await uow.TryAcceptEventAsync(Consumer, context.EventId, ct))
        {
            return;
        }

        var queued = await RegisterkoppelingStore.TryEnqueueAsync(uow, meldingId, clock.GetUtcNow(), ct);
        await uow.CommitAsync(ct);
        if (queued)
        {
            LogQueued(logger, meldingId, context.Regio);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Register link of melding {MeldingId} in regio {Regio} queued")]
    private static partial void LogQueued(ILogger logger, Guid meldingId, string regio);
}
