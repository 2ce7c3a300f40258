using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <summary>Opens the veiligheidsbeoordeling of a new melding, with its acute-check and 5-werkdagen clocks.</summary>
public sealed partial class MeldingOntvangenHandler(Database database, TimeProvider clock, ILogger<MeldingOntvangenHandler> logger)
    : IEventHandler<MeldingOntvangen>
{
    public const string Consumer = "triage.werkvoorraad";

    public async Task HandleAsync(MeldingOntvangen message, EventContext context, CancellationToken ct)
    {
        if (!Guid.TryParse(message.MeldingId, out var meldingId) || message.OntvangenOp is null)
        {
            throw new PoisonEventException($"Event {context.EventId} lacks a melding id or receipt time.");
        }

        await using var uow = await database.BeginAsync(context.Regio, ct);
        if (!await uow.TryAcceptEventAsync(Consumer, context.EventId, ct))
        {
            return;
        }

        var ontvangenOp = message.OntvangenOp.ToDateTimeOffset();
        var now = clock.GetUtcNow();
        var werkitem = new WerkitemRecord(
            WerkitemId: Guid.CreateVersion7(now),
            Regio: context.Regio,
            MeldingId: meldingId,
            OntvangenOp: ontvangenOp,
            AcuteCheckUiterlijk: Termijnen.AcuteCheckUiterlijk(ontvangenOp),
            BeoordelingUiterlijk: Termijnen.BeoordelingUiterlijk(ontvangenOp),
            Status: WerkitemStatus.AcuteCheckOpen,
            AangemaaktOp: now);
        if (await WerkitemStore.TryInsertAsync(uow, werkitem, ct))
        {
            await WerkitemWijzigingen.RecordAsync(uow, werkitem, WerkvoorraadWijzigingSoort.Geopend, null, null, now, ct);
        }

        await uow.CommitAsync(ct);
        LogOpened(logger, werkitem.WerkitemId, meldingId, context.Regio);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Werkitem {WerkitemId} opened for melding {MeldingId} in regio {Regio}")]
    private static partial void LogOpened(ILogger logger, Guid werkitemId, Guid meldingId, string regio);
}
