using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Adviezen;

public sealed record CreateAdvies(
    string Regio, string Actor, Guid RequestId, DateOnly Startdatum, DateOnly? Einddatum, CreateAdviesRequest Request);

/// <summary>
/// Stores an advies and its <see cref="AdviesGeregistreerd"/> event in one transaction. A repeated
/// request_id returns the advies of the first request and publishes nothing again.
/// </summary>
public sealed partial class CreateAdviesHandler(Database database, TimeProvider clock, ILogger<CreateAdviesHandler> logger)
{
    public async Task<AdviesRecord> HandleAsync(CreateAdvies command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var request = command.Request;
        var advies = new AdviesRecord(
            AdviesId: Guid.CreateVersion7(now),
            Regio: command.Regio,
            RequestId: command.RequestId,
            Startdatum: command.Startdatum,
            Einddatum: command.Einddatum,
            Anoniem: request.Anoniem,
            Gemeente: request.Anoniem ? null : request.Gemeente,
            Aard: [.. request.Aard],
            AanvullendeInformatie: [.. request.AanvullendeInformatie],
            VermoedelijkeDuur: request.VermoedelijkeDuur,
            AdviesvragerBetrokkenheid: request.Adviesvrager.Betrokkenheid,
            AdviesvragerFunctie: request.Adviesvrager.Functie,
            AdviesvragerOrganisatie: request.Adviesvrager.Organisatie,
            AdviesvragerRol: request.Adviesvrager.Rol,
            GeregistreerdOp: now,
            GeregistreerdDoor: command.Actor);

        await using var uow = await database.BeginAsync(command.Regio, ct);
        if (!await AdviesStore.TryInsertAsync(uow, advies, ct))
        {
            return await AdviesStore.FindByRequestIdAsync(uow, command.RequestId, ct)
                ?? throw new InvalidOperationException("An advies with this request id exists but is not visible.");
        }

        await uow.PublishAsync(EventTopics.AdviesGeregistreerd, new AdviesGeregistreerd
        {
            AdviesId = advies.AdviesId.ToString(),
            Startdatum = advies.Startdatum.ToProtoDate(),
            Aard = { advies.Aard },
            Betrokkenheid = advies.AdviesvragerBetrokkenheid,
        }, advies.AdviesId.ToString(), ct);
        await uow.CommitAsync(ct);

        LogAdviesGeregistreerd(logger, advies.AdviesId, command.Regio);
        return advies;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Advies {AdviesId} registered for regio {Regio}")]
    private static partial void LogAdviesGeregistreerd(ILogger logger, Guid adviesId, string regio);
}
