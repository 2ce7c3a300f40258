using Google.Protobuf.WellKnownTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

public sealed record CreateMelding(string Regio, string Actor, ValidCreateMelding Valid, CreateMeldingRequest Request);

/// <summary>
/// Stores a melding, its huishouden, betrokkenen and melder identity, joins it to the open casus of
/// its huishouden or opens one, and records its <see cref="MeldingOntvangen"/> event, all in one
/// transaction. A repeated request_id returns the melding of the first request and publishes nothing again.
/// <see cref="MeldingOntvangst"/> does the same for many meldingen in one transaction, and falls back on this one.
/// </summary>
public sealed partial class CreateMeldingHandler(Database database, TimeProvider clock, ILogger<CreateMeldingHandler> logger)
{
    public async Task<MeldingRecord> HandleAsync(CreateMelding command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var melding = NieuweMelding(command, now);

        // Deferred: the regio is bound in the same round trip as the melding's writes.
        await using var uow = await database.BeginDeferredAsync(command.Regio, ct);
        var ontvangst = await MeldingStore.OntvangAsync(uow, melding, Guid.CreateVersion7(now), Guid.CreateVersion7(now),
            command.Valid.MelderIdentiteit, ct);
        if (!ontvangst.Nieuw)
        {
            // Not committed: whatever this attempt wrote before (a new huishouden or casus) is rolled back.
            return await MeldingStore.FindByRequestIdAsync(uow, command.Valid.RequestId, ct)
                ?? throw new InvalidOperationException("A melding with this request id exists but is not visible.");
        }

        melding = melding with { CasusId = ontvangst.CasusId, Casusnummer = ontvangst.Casusnummer };
        var @event = Event(melding);
        @event.CasusId = ontvangst.CasusId.ToString();
        await uow.PublishAsync(EventTopics.MeldingOntvangen, @event, melding.MeldingId.ToString(), ct);
        await uow.CommitAsync(ct);

        LogMeldingOntvangen(logger, melding.MeldingId, command.Regio);
        return melding;
    }

    /// <summary>The melding of <paramref name="command"/> as received at <paramref name="now"/>, before its casus is known.</summary>
    public static MeldingRecord NieuweMelding(CreateMelding command, DateTimeOffset now)
    {
        var request = command.Request;
        return new MeldingRecord(
            MeldingId: Guid.CreateVersion7(now),
            Regio: command.Regio,
            RequestId: command.Valid.RequestId,
            OntvangenOp: PostgresTime.Truncate(command.Valid.OntvangenOp),
            MelderGroep: request.Melder.Groep,
            MelderBetrokkenheid: request.Melder.Betrokkenheid,
            MelderOrganisatie: request.Melder.Organisatie,
            MelderRol: request.Melder.Rol,
            MelderAnoniem: request.Melder.Anoniem,
            Aard: [.. request.Aard],
            VermoedelijkeDuur: request.VermoedelijkeDuur,
            AanvullendeInformatie: [.. request.AanvullendeInformatie],
            GeregistreerdOp: now,
            GeregistreerdDoor: command.Actor,
            Huishouden: command.Valid.Huishouden,
            Betrokkenen: [.. command.Valid.Betrokkenen.Select(b => b with { BetrokkeneId = Guid.CreateVersion7(now) })],
            CasusId: null,
            Casusnummer: null);
    }

    /// <summary>The melding's event: identifiers and codes only. Its casus id is set once the casus is known.</summary>
    public static MeldingOntvangen Event(MeldingRecord melding) => new()
    {
        MeldingId = melding.MeldingId.ToString(),
        OntvangenOp = Timestamp.FromDateTimeOffset(melding.OntvangenOp),
        MelderGroep = melding.MelderGroep,
        Aard = { melding.Aard },
    };

    // Debug: the melding's event is its durable record; a console line per melding cost about a tenth of intake's CPU at
    // full load (docs/benchmarks.md, CreateMelding profile).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Melding {MeldingId} received for regio {Regio}")]
    internal static partial void LogMeldingOntvangen(ILogger logger, Guid meldingId, string regio);
}
