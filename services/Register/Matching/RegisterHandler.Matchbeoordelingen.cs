using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>Listing and deciding mogelijk matches; only the regio whose registration raised an item sees it.</summary>
public sealed partial class RegisterHandler
{
    public async Task<List<MatchbeoordelingRecord>> MatchbeoordelingenAsync(Caller caller, long afterSeq, int limit, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        var items = await MatchStore.OpenAsync(uow, afterSeq, limit, ct);
        await LogAsync(uow, caller, PostgresTime.Truncate(clock.GetUtcNow()), Handeling.Matchbeoordeling, Doel.Registratie,
            Uitkomst.Gevonden, null, null, caller.Regio, ct);
        await uow.CommitAsync(ct);
        return items;
    }

    /// <summary>
    /// Records the decision. The same person: the caller's person is merged into the other (its betrokkenheden,
    /// features and signals move; it stays as a pointer), and the regios that know the other person are told
    /// as for a zeker match. Another regio's item, or an unknown one, is NotFound (ADR 0013).
    /// </summary>
    public async Task<(MatchbeoordelingRecord Beoordeling, IReadOnlyList<BekendInRecord> EldersBekend)> BeslisMatchbeoordelingAsync(
        Caller caller, Guid id, MatchbeoordelingStatus besluit, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        var item = await MatchStore.FindForUpdateAsync(uow, id, ct);
        DomainException? refusal = null;
        if (item is null || item.Regio != caller.Regio)
        {
            refusal = new NotFoundException($"Matchbeoordeling {id} not found.");
        }
        else if (item.Status != MatchbeoordelingStatus.Open)
        {
            refusal = new FailedPreconditionException($"Matchbeoordeling {id} has already been decided.");
        }

        IReadOnlyList<BekendInRecord> elders = [];
        var resultaat = item?.PersoonId ?? Guid.Empty;
        if (refusal is null && besluit == MatchbeoordelingStatus.ZelfdePersoon)
        {
            await MatchStore.LockAsync(uow, [item!.PersoonId, item.KandidaatId], ct);
            var eigen = await MatchStore.HuidigAsync(uow, item!.PersoonId, ct);
            var ander = await MatchStore.HuidigAsync(uow, item.KandidaatId, ct);
            if (eigen.BsnHmac is not null && ander.BsnHmac is not null && eigen.PersoonId != ander.PersoonId)
            {
                refusal = new FailedPreconditionException($"Matchbeoordeling {id}: both persons have a different BSN.");
            }
            else
            {
                resultaat = ander.PersoonId;
                if (eigen.PersoonId != ander.PersoonId)
                {
                    await MatchStore.VoegSamenAsync(uow, eigen.PersoonId, eigen.BsnHmac, eigen.KeyId, ander.PersoonId,
                        ander.BsnHmac is not null, ct);
                }

                elders = await RegisterStore.BekendInAsync(uow, resultaat, caller.Regio, ct);
            }
        }

        if (refusal is not null)
        {
            await LogAsync(uow, caller, now, Handeling.Matchbeoordeling, Doel.Registratie, Uitkomst.Geweigerd, null, null,
                item?.Regio ?? caller.Regio, ct);
            await uow.CommitAsync(ct);
            throw refusal;
        }

        await MatchStore.BeslisAsync(uow, id, besluit, now, caller.Wie, resultaat, ct);
        await LogAsync(uow, caller, now, Handeling.Matchbeoordeling, Doel.Registratie,
            besluit == MatchbeoordelingStatus.ZelfdePersoon ? Uitkomst.ZelfdePersoon : Uitkomst.AnderePersoon, item!.PersoonId,
            item.BetrokkenheidId, caller.Regio, ct);
        foreach (var regio in elders.Select(e => e.Regio))
        {
            await LogAsync(uow, caller, now, Handeling.Matchbeoordeling, Doel.Registratie, Uitkomst.Gevonden, resultaat, null, regio, ct);
        }

        await SignaleerAsync(uow, elders.ToDictionary(e => e.Regio, _ => resultaat, StringComparer.Ordinal), Aanleiding.Registratie,
            Doel.Registratie, now, ct);
        await uow.CommitAsync(ct);
        LogBesloten(logger, id, caller.Regio, besluit);
        return (item with
        {
            Status = besluit,
            BeslotenAt = now,
            BeslotenDoor = caller.Wie,
            ResultaatPersoonId = resultaat,
        }, elders);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Matchbeoordeling {MatchbeoordelingId} decided by regio {Regio}: {Besluit}")]
    private static partial void LogBesloten(ILogger logger, Guid matchbeoordelingId, string regio, MatchbeoordelingStatus besluit);
}
