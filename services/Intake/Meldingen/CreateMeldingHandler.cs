using Google.Protobuf.WellKnownTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

public sealed record CreateMelding(
    string Regio, string Actor, Guid RequestId, DateTimeOffset OntvangenOp, CreateMeldingRequest Request);

/// <summary>
/// Stores a melding and its <see cref="MeldingOntvangen"/> event in one transaction. A repeated
/// request_id returns the melding of the first request and publishes nothing again.
/// </summary>
public sealed partial class CreateMeldingHandler(Database database, TimeProvider clock, ILogger<CreateMeldingHandler> logger)
{
    public async Task<MeldingRecord> HandleAsync(CreateMelding command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var request = command.Request;
        var melding = new MeldingRecord(
            MeldingId: Guid.CreateVersion7(now),
            Regio: command.Regio,
            RequestId: command.RequestId,
            OntvangenOp: PostgresTime.Truncate(command.OntvangenOp),
            MelderGroep: request.Melder.Groep,
            MelderBetrokkenheid: request.Melder.Betrokkenheid,
            MelderOrganisatie: request.Melder.Organisatie,
            MelderRol: request.Melder.Rol,
            MelderAnoniem: request.Melder.Anoniem,
            Aard: [.. request.Aard],
            VermoedelijkeDuur: request.VermoedelijkeDuur,
            AanvullendeInformatie: [.. request.AanvullendeInformatie],
            GeregistreerdOp: now,
            GeregistreerdDoor: command.Actor);

        await using var uow = await database.BeginAsync(command.Regio, ct);
        if (!await MeldingStore.TryInsertAsync(uow, melding, ct))
        {
            return await MeldingStore.FindByRequestIdAsync(uow, command.RequestId, ct)
                ?? throw new InvalidOperationException("A melding with this request id exists but is not visible.");
        }

        await uow.PublishAsync(EventTopics.MeldingOntvangen, new MeldingOntvangen
        {
            MeldingId = melding.MeldingId.ToString(),
            OntvangenOp = Timestamp.FromDateTimeOffset(melding.OntvangenOp),
            MelderGroep = melding.MelderGroep,
            Aard = { melding.Aard },
        }, melding.MeldingId.ToString(), ct);
        await uow.CommitAsync(ct);

        LogMeldingOntvangen(logger, melding.MeldingId, command.Regio);
        return melding;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Melding {MeldingId} received for regio {Regio}")]
    private static partial void LogMeldingOntvangen(ILogger logger, Guid meldingId, string regio);
}
