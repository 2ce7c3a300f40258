using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

public sealed record UpdateMelding(string Regio, string Actor, ValidUpdateMelding Valid);

/// <summary>
/// Corrects the masked fields of a melding and records the correction (who, when, which paths) in
/// the same transaction, so no change goes unaudited.
/// </summary>
public sealed partial class UpdateMeldingHandler(Database database, TimeProvider clock, ILogger<UpdateMeldingHandler> logger)
{
    public async Task<MeldingRecord> HandleAsync(UpdateMelding command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var valid = command.Valid;
        await using var uow = await database.BeginAsync(command.Regio, ct);
        var existing = await MeldingStore.FindForUpdateAsync(uow, valid.MeldingId, ct)
            ?? throw new NotFoundException($"Melding {valid.MeldingId} not found.");

        if (valid.Betrokkenen is { } betrokkenen)
        {
            // The same rule as at creation: betrokkenen belong to the huishouden of the melding.
            new Violations()
                .Check(existing.Huishouden is not null || betrokkenen.Count == 0, "melding.betrokkenen", "This melding has no huishouden.")
                .Check(existing.Huishouden is null || betrokkenen.Count > 0, "melding.betrokkenen", "At least one betrokkene of the huishouden is required.")
                .ThrowIfAny();
        }

        var melding = valid.ApplyTo(existing);
        await MeldingStore.UpdateAsync(uow, melding, ct);
        if (valid.Betrokkenen is { } nieuw)
        {
            await MeldingStore.ReplaceBetrokkenenAsync(uow, melding.MeldingId,
                [.. nieuw.Select(b => b with { BetrokkeneId = Guid.CreateVersion7(now) })], ct);
        }

        if (melding.MelderAnoniem && !existing.MelderAnoniem)
        {
            // A melder corrected to anonymous keeps no identity with Veilig Thuis.
            await MeldingStore.DeleteMelderIdentiteitAsync(uow, melding.MeldingId, ct);
        }

        await MeldingStore.InsertWijzigingAsync(uow, melding.MeldingId, Guid.CreateVersion7(now), now, command.Actor, valid.Paden, ct);
        var updated = await MeldingStore.FindAsync(uow, melding.MeldingId, ct)
            ?? throw new InvalidOperationException("A melding just corrected is not visible.");
        await uow.CommitAsync(ct);

        LogMeldingGewijzigd(logger, melding.MeldingId, command.Regio, valid.Paden);
        return updated;
    }

    // Paths are field names, never values.
    [LoggerMessage(Level = LogLevel.Information, Message = "Melding {MeldingId} in regio {Regio} corrected: {Paden}")]
    private static partial void LogMeldingGewijzigd(ILogger logger, Guid meldingId, string regio, IReadOnlyList<string> paden);
}
