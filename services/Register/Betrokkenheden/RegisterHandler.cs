using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>Who calls: token subject, tenant and the role under which the register admits the call.</summary>
public sealed record Caller(string Wie, string Regio, string Rol);

public sealed record GeregistreerdePersoonRecord(Guid PersoonId, IReadOnlyList<BekendInRecord> EldersBekend);

/// <summary>
/// The register's use cases. Each writes its access log entries in the same transaction as its
/// effect, and a refusal writes its entry before it fails.
/// </summary>
public sealed partial class RegisterHandler(Database database, BsnHasher hasher, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<RegisterOptions> options, ILogger<RegisterHandler> logger)
{
    public async Task<(Guid BetrokkenheidId, List<GeregistreerdePersoonRecord> Personen)> RegistreerAsync(
        Caller caller, RegistreerBetrokkenheid command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);

        var betrokkenheidId = Guid.CreateVersion7(now);
        List<Guid> persoonIds;
        var nieuw = false;
        if (await RegisterStore.TryInsertBetrokkenheidAsync(uow, betrokkenheidId, command.RequestId, command.CasusReferentie,
                command.Startdatum, now, caller.Wie, ct))
        {
            // Persons are written in hash order, so concurrent registrations sharing persons lock
            // their rows in the same order and cannot deadlock; the answer keeps the request's order.
            var ids = new Guid[command.Bsns.Count];
            foreach (var (bsn, i) in command.Bsns.Select((b, i) => (b, i))
                         .OrderBy(p => hasher.Current(p.b), ByteArrayComparer.Instance))
            {
                ids[i] = await FindOrAddPersoonAsync(uow, bsn, now, ct);
                await RegisterStore.InsertBetrokkenheidPersoonAsync(uow, betrokkenheidId, ids[i], i, ct);
            }

            persoonIds = [.. ids];
            nieuw = true;
            await uow.PublishAsync(EventTopics.BetrokkenheidGeregistreerd, new BetrokkenheidGeregistreerd
            {
                BetrokkenheidId = betrokkenheidId.ToString(),
                AantalPersonen = ids.Length,
                Startdatum = command.Startdatum.ToProtoDate(),
            }, betrokkenheidId.ToString(), ct);
        }
        else
        {
            // A repeat of the same request_id: the first registration's answer; only the access log grows.
            var existing = await RegisterStore.FindByRequestIdAsync(uow, command.RequestId, ct)
                ?? throw new InvalidOperationException("A betrokkenheid with this request id exists but is not visible.");
            (betrokkenheidId, persoonIds) = existing;
        }

        var personen = new List<GeregistreerdePersoonRecord>();
        var gesignaleerd = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var persoonId in persoonIds)
        {
            var elders = await RegisterStore.BekendInAsync(uow, persoonId, caller.Regio, ct);
            personen.Add(new GeregistreerdePersoonRecord(persoonId, elders));
            await LogAsync(uow, caller, now, Handeling.Registratie, Doel.Registratie, Uitkomst.Geregistreerd, persoonId,
                betrokkenheidId, caller.Regio, ct);

            // The owner of a record is told when another regio finds it (architecture.md §6).
            foreach (var regio in elders.Select(e => e.Regio))
            {
                await LogAsync(uow, caller, now, Handeling.Registratie, Doel.Registratie, Uitkomst.Gevonden, persoonId, null,
                    regio, ct);
                gesignaleerd.TryAdd(regio, persoonId);
            }
        }

        // A repeat of the same request is no new registration, so it signals nothing again.
        if (nieuw)
        {
            await SignaleerAsync(uow, gesignaleerd, Aanleiding.Registratie, Doel.Registratie, now, ct);
        }

        await uow.CommitAsync(ct);
        LogGeregistreerd(logger, betrokkenheidId, caller.Regio, personen.Count);
        return (betrokkenheidId, personen);
    }

    public async Task<List<BekendInRecord>> ZoekAsync(Caller caller, string bsn, Doel doel, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        var persoon = await RegisterStore.FindPersoonAsync(uow, hasher.All(bsn), ct);
        var bekendIn = persoon is { } p ? await RegisterStore.BekendInAsync(uow, p.PersoonId, "", ct) : [];
        if (bekendIn.Count == 0)
        {
            await LogAsync(uow, caller, now, Handeling.Zoekvraag, doel, Uitkomst.NietGevonden, persoon?.PersoonId, null,
                caller.Regio, ct);
        }

        foreach (var regio in bekendIn.Select(b => b.Regio))
        {
            await LogAsync(uow, caller, now, Handeling.Zoekvraag, doel, Uitkomst.Gevonden, persoon!.Value.PersoonId, null, regio, ct);
        }

        await SignaleerAsync(uow,
            bekendIn.Where(b => b.Regio != caller.Regio).ToDictionary(b => b.Regio, _ => persoon!.Value.PersoonId, StringComparer.Ordinal),
            Aanleiding.Zoekvraag, doel, now, ct);

        await uow.CommitAsync(ct);
        LogGezocht(logger, caller.Regio, bekendIn.Count);
        return bekendIn;
    }

    public async Task BeeindigAsync(Caller caller, Guid betrokkenheidId, DateOnly einddatum, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        var betrokkenheid = await RegisterStore.FindForUpdateAsync(uow, betrokkenheidId, ct);

        DomainException? refusal = null;
        var eigenaar = caller.Regio;
        if (betrokkenheid is null || betrokkenheid.Regio != caller.Regio)
        {
            // Another regio's betrokkenheid reads as absent, so ids cannot be probed (ADR 0013); its owner sees the attempt.
            eigenaar = betrokkenheid?.Regio ?? caller.Regio;
            refusal = new NotFoundException($"Betrokkenheid {betrokkenheidId} not found.");
        }
        else if (betrokkenheid.Einddatum is not null)
        {
            refusal = new FailedPreconditionException($"Betrokkenheid {betrokkenheidId} has already ended.");
        }
        else if (einddatum < betrokkenheid.Startdatum)
        {
            refusal = new FailedPreconditionException($"Betrokkenheid {betrokkenheidId} starts after this einddatum.");
        }

        if (refusal is null)
        {
            await RegisterStore.BeeindigAsync(uow, betrokkenheidId, einddatum, options.Value.BewarenTot(einddatum), ct);
        }

        await LogAsync(uow, caller, now, Handeling.Beeindiging, Doel.Registratie,
            refusal is null ? Uitkomst.Beeindigd : Uitkomst.Geweigerd, null, betrokkenheidId, eigenaar, ct);
        await uow.CommitAsync(ct);
        if (refusal is not null)
        {
            LogGeweigerd(logger, betrokkenheidId, caller.Regio);
            throw refusal;
        }

        LogBeeindigd(logger, betrokkenheidId, caller.Regio);
    }

    public async Task<List<ToegangslogRecord>> ToegangslogAsync(Caller caller, long beforeSeq, int limit, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        var regels = await RegisterStore.ToegangslogAsync(uow, caller.Regio, beforeSeq, limit, ct);
        await LogAsync(uow, caller, PostgresTime.Truncate(clock.GetUtcNow()), Handeling.Inzage, Doel.Registratie,
            Uitkomst.Gevonden, null, null, caller.Regio, ct);
        await uow.CommitAsync(ct);
        return regels;
    }

    /// <summary>
    /// Opens the caller's stream of signals: logs the opening once and returns where to resume.
    /// A <paramref name="naSignaalId"/> that is not one of the caller's signals reads as absent.
    /// </summary>
    public async Task<long> OpenSignalenAsync(Caller caller, Guid? naSignaalId, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        long? after = 0;
        if (naSignaalId is { } id)
        {
            after = await RegisterStore.SignaalSeqAsync(uow, id, ct);
        }

        await LogAsync(uow, caller, PostgresTime.Truncate(clock.GetUtcNow()), Handeling.Signalen, Doel.Registratie,
            after is null ? Uitkomst.Geweigerd : Uitkomst.Gevonden, null, null, caller.Regio, ct);
        await uow.CommitAsync(ct);
        LogSignalenGeopend(logger, caller.Regio);
        return after ?? throw new NotFoundException($"Signaal {naSignaalId} not found.");
    }

    /// <summary>The caller's signals after <paramref name="afterSeq"/>, oldest first; read only, not logged.</summary>
    public async Task<List<SignaalRecord>> SignalenAsync(string regio, long afterSeq, int limit, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(regio, ct);
        var signalen = await RegisterStore.SignalenAsync(uow, afterSeq, limit, ct);
        await uow.CommitAsync(ct);
        return signalen;
    }

    /// <summary>Writes one entry in its own transaction: for calls refused before they reach a use case.</summary>
    public async Task LogRefusalAsync(Caller caller, Handeling handeling, Doel doel, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        await LogAsync(uow, caller, PostgresTime.Truncate(clock.GetUtcNow()), handeling, doel, Uitkomst.Geweigerd,
            null, null, caller.Regio, ct);
        await uow.CommitAsync(ct);
    }

    private async Task<Guid> FindOrAddPersoonAsync(UnitOfWork uow, string bsn, DateTimeOffset now, CancellationToken ct)
    {
        var current = hasher.Current(bsn);
        if (await RegisterStore.FindPersoonAsync(uow, hasher.All(bsn), ct) is { } found)
        {
            if (found.KeyId != hasher.CurrentKeyId)
            {
                await RegisterStore.RehashAsync(uow, found.PersoonId, current, hasher.CurrentKeyId, ct);
            }

            return found.PersoonId;
        }

        return await RegisterStore.InsertPersoonAsync(uow, Guid.CreateVersion7(now), current, hasher.CurrentKeyId, now, ct);
    }

    /// <summary>
    /// One signal per owning regio, written and published in the caller's transaction; the event's
    /// CloudEvents regio is the receiving regio, so that regio's consumers bind to it.
    /// </summary>
    private async Task SignaleerAsync(UnitOfWork uow, Dictionary<string, Guid> perRegio, Aanleiding aanleiding, Doel doel,
        DateTimeOffset now, CancellationToken ct)
    {
        foreach (var (ontvanger, persoonId) in perRegio.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var signaalId = Guid.CreateVersion7(now);
            await RegisterStore.InsertSignaalAsync(uow, signaalId, ontvanger, persoonId, aanleiding, doel, now, ct);
            await uow.PublishAsync(EventTopics.SignaalAfgegeven, new SignaalAfgegeven
            {
                SignaalId = signaalId.ToString(),
                OntvangendeRegio = Regios.FromTenantId(ontvanger),
                AfzendendeRegio = Regios.FromTenantId(uow.Regio),
                Aanleiding = aanleiding,
                Doel = doel,
            }, signaalId.ToString(), ontvanger, ct);
            LogSignaal(logger, signaalId, ontvanger, uow.Regio);
        }
    }

    private static Task<int> LogAsync(UnitOfWork uow, Caller caller, DateTimeOffset now, Handeling handeling, Doel doel,
        Uitkomst uitkomst, Guid? persoonId, Guid? betrokkenheidId, string eigenaarRegio, CancellationToken ct) =>
        RegisterStore.LogAsync(uow, new ToegangslogRecord(0, now, caller.Wie, caller.Regio, caller.Rol, handeling, doel, uitkomst,
            persoonId, betrokkenheidId, eigenaarRegio), ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Betrokkenheid {BetrokkenheidId} registered by regio {Regio} with {Personen} persons")]
    private static partial void LogGeregistreerd(ILogger logger, Guid betrokkenheidId, string regio, int personen);

    [LoggerMessage(Level = LogLevel.Information, Message = "Register searched by regio {Regio}: known in {Regios} regios")]
    private static partial void LogGezocht(ILogger logger, string regio, int regios);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal stream opened by regio {Regio}")]
    private static partial void LogSignalenGeopend(ILogger logger, string regio);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signaal {SignaalId} for regio {Ontvanger} from regio {Afzender}")]
    private static partial void LogSignaal(ILogger logger, Guid signaalId, string ontvanger, string afzender);

    [LoggerMessage(Level = LogLevel.Information, Message = "Betrokkenheid {BetrokkenheidId} ended by regio {Regio}")]
    private static partial void LogBeeindigd(ILogger logger, Guid betrokkenheidId, string regio);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending betrokkenheid {BetrokkenheidId} refused for regio {Regio}")]
    private static partial void LogGeweigerd(ILogger logger, Guid betrokkenheidId, string regio);
}

internal sealed class ByteArrayComparer : IComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
