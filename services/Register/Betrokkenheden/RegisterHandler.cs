using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.Huishoudens;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>Who calls: token subject, tenant and the role under which the register admits the call.</summary>
public sealed record Caller(string Wie, string Regio, string Rol);

public sealed record GeregistreerdePersoonRecord(Guid PersoonId, IReadOnlyList<BekendInRecord> EldersBekend, MatchUitkomst Match,
    IReadOnlyList<Guid> Matchbeoordelingen);

/// <summary>A registration's answer: its persons in request order and the register household it belongs to (ADR 0022).</summary>
public sealed record Registratie(Guid BetrokkenheidId, List<GeregistreerdePersoonRecord> Personen, Guid HuishoudenId,
    MatchUitkomst HuishoudenMatch);

/// <summary>A search's answer: where the person is known, for a zeker match only.</summary>
public sealed record ZoekResultaat(MatchUitkomst Match, IReadOnlyList<BekendInRecord> BekendIn);

/// <summary>
/// The register's use cases. Each writes its access log entries in the same transaction as its
/// effect, and a refusal writes its entry before it fails.
/// </summary>
public sealed partial class RegisterHandler(Database database, BsnHasher hasher, PersoonMatcher matcher, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<RegisterOptions> options, ILogger<RegisterHandler> logger)
{
    public async Task<Registratie> RegistreerAsync(Caller caller, RegistreerBetrokkenheid command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);

        var betrokkenheidId = Guid.CreateVersion7(now);
        List<(Guid PersoonId, MatchUitkomst Match)> persoonIds;
        HuishoudenResultaat huishouden;
        var nieuw = false;
        if (await RegisterStore.TryInsertBetrokkenheidAsync(uow, betrokkenheidId, command.RequestId, command.CasusReferentie,
                command.Startdatum, now, caller.Wie, ct))
        {
            // Persons with a BSN are written first, in hash order, so concurrent registrations sharing persons
            // lock their rows in the same order and cannot deadlock; the answer keeps the request's order.
            // Persons without a BSN are matched before anything is written, then linked best zeker score first:
            // of twins Lisa and Lise, where only Lisa is known, Lisa claims her record before Lise's similar
            // name can (a person is linked to one person of a registration at most).
            var ids = new (Guid, MatchUitkomst)[command.Personen.Count];
            var gekoppeld = new HashSet<Guid>();
            var zonderBsn = new Dictionary<int, MatchResultaat>();
            foreach (var (persoon, i) in command.Personen.Select((p, i) => (p, i)).Where(p => p.p.Bsn.Length == 0))
            {
                zonderBsn[i] = await matcher.MatchAsync(uow, matcher.Kenmerken(persoon.Gegevens), "", ct);
            }

            foreach (var (persoon, i) in command.Personen.Select((p, i) => (p, i))
                         .OrderBy(p => p.p.Bsn.Length == 0 ? 1 : 0)
                         .ThenBy(p => p.p.Bsn.Length == 0 ? [] : hasher.Current(p.p.Bsn), ByteArrayComparer.Instance)
                         .ThenByDescending(p => zonderBsn.TryGetValue(p.i, out var r) && r.Uitkomst == MatchUitkomst.Zeker ? r.Score : double.MinValue))
            {
                ids[i] = await KoppelPersoonAsync(uow, caller, persoon, zonderBsn.GetValueOrDefault(i), betrokkenheidId, gekoppeld, now, ct);
                await RegisterStore.InsertBetrokkenheidPersoonAsync(uow, betrokkenheidId, ids[i].Item1, i, ids[i].Item2, ct);
            }

            persoonIds = [.. ids];
            huishouden = await HuishoudenStore.KoppelRegistratieAsync(uow, matcher, command, betrokkenheidId, persoonIds, now, ct);
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
            var (huishoudenId, huishoudenMatch) = await HuishoudenStore.VanAsync(uow, betrokkenheidId, ct);
            huishouden = new HuishoudenResultaat(huishoudenMatch, huishoudenId);
        }

        var personen = new List<GeregistreerdePersoonRecord>();
        var gesignaleerd = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var (persoonId, match) in persoonIds)
        {
            var elders = await RegisterStore.BekendInAsync(uow, persoonId, caller.Regio, ct);
            var beoordelingen = match == MatchUitkomst.Mogelijk
                ? await MatchStore.OpenIdsAsync(uow, betrokkenheidId, persoonId, ct)
                : [];
            personen.Add(new GeregistreerdePersoonRecord(persoonId, elders, match, beoordelingen));
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
        return new Registratie(betrokkenheidId, personen, huishouden.HuishoudenId ?? Guid.Empty, huishouden.Uitkomst);
    }

    public async Task<ZoekResultaat> ZoekAsync(Caller caller, Zoekvraag vraag, Doel doel, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        Guid? persoonId = vraag.Bsn.Length > 0 ? (await RegisterStore.FindPersoonAsync(uow, hasher.All(vraag.Bsn), ct))?.PersoonId : null;
        var match = persoonId is null ? MatchUitkomst.Geen : MatchUitkomst.Zeker;
        if (persoonId is null && vraag.Persoon is { } gegevens)
        {
            var resultaat = await matcher.MatchAsync(uow, matcher.Kenmerken(gegevens), vraag.Bsn, ct);
            match = resultaat.Uitkomst;
            persoonId = resultaat.PersoonId;
            foreach (var kandidaat in resultaat.Mogelijk)
            {
                // The owners see that a search may have been about their person; the caller learns only "mogelijk".
                await LogKandidaatAsync(uow, caller, now, Handeling.Zoekvraag, doel, kandidaat.PersoonId, ct);
            }
        }

        var bekendIn = persoonId is { } p ? await RegisterStore.BekendInAsync(uow, p, "", ct) : [];
        if (bekendIn.Count == 0)
        {
            await LogAsync(uow, caller, now, Handeling.Zoekvraag, doel,
                match == MatchUitkomst.Mogelijk ? Uitkomst.Mogelijk : Uitkomst.NietGevonden, persoonId, null, caller.Regio, ct);
        }

        foreach (var regio in bekendIn.Select(b => b.Regio))
        {
            await LogAsync(uow, caller, now, Handeling.Zoekvraag, doel, Uitkomst.Gevonden, persoonId, null, regio, ct);
        }

        await SignaleerAsync(uow,
            bekendIn.Where(b => b.Regio != caller.Regio).ToDictionary(b => b.Regio, _ => persoonId!.Value, StringComparer.Ordinal),
            Aanleiding.Zoekvraag, doel, now, ct);

        await uow.CommitAsync(ct);
        LogGezocht(logger, caller.Regio, bekendIn.Count);
        return new ZoekResultaat(bekendIn.Count > 0 ? MatchUitkomst.Zeker : match == MatchUitkomst.Mogelijk ? match : MatchUitkomst.Geen,
            bekendIn);
    }

    /// <summary>
    /// A household search (ADR 0022): each person is found as a registration would find it (BSN, else zeker by
    /// matching), then the household rule decides. Only a zeker household discloses where it is known; the
    /// owners see the search in their access log and get a signal, as for a person.
    /// </summary>
    public async Task<ZoekResultaat> ZoekHuishoudenAsync(Caller caller, IReadOnlyList<TeRegistrerenPersoon> personen, Doel doel,
        CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        var zeker = new HashSet<Guid>();
        foreach (var persoon in personen)
        {
            var persoonId = persoon.Bsn.Length > 0 ? (await RegisterStore.FindPersoonAsync(uow, hasher.All(persoon.Bsn), ct))?.PersoonId : null;
            if (persoonId is null)
            {
                var resultaat = await matcher.MatchAsync(uow, matcher.Kenmerken(persoon.Gegevens), persoon.Bsn, ct);
                persoonId = resultaat.Uitkomst == MatchUitkomst.Zeker ? resultaat.PersoonId : null;
                foreach (var kandidaat in resultaat.Mogelijk)
                {
                    await LogKandidaatAsync(uow, caller, now, Handeling.Zoekvraag, doel, kandidaat.PersoonId, ct);
                }
            }

            if (persoonId is { } id)
            {
                zeker.Add(id);
            }
        }

        var adres = matcher.Adres(personen[0].Gegevens);
        var huishouden = HuishoudenBeslissing.Kies(personen.Count, await HuishoudenStore.KandidatenAsync(uow, zeker, adres, Guid.Empty, ct));
        var bekendIn = huishouden is { Uitkomst: MatchUitkomst.Zeker, HuishoudenId: { } h } ? await HuishoudenStore.BekendInAsync(uow, h, ct) : [];
        if (bekendIn.Count == 0)
        {
            await LogAsync(uow, caller, now, Handeling.Zoekvraag, doel,
                huishouden.Uitkomst == MatchUitkomst.Mogelijk ? Uitkomst.Mogelijk : Uitkomst.NietGevonden, null, null, caller.Regio, ct);
        }

        foreach (var regio in bekendIn.Select(b => b.Regio))
        {
            await LogAsync(uow, caller, now, Handeling.Zoekvraag, doel, Uitkomst.Gevonden, null, null, regio, ct, huishouden.HuishoudenId);
        }

        var signalen = huishouden.HuishoudenId is { } gevonden
            ? await HuishoudenStore.PersoonPerRegioAsync(uow, gevonden, caller.Regio, ct)
            : [];
        await SignaleerAsync(uow, signalen, Aanleiding.Zoekvraag, doel, now, ct);
        await uow.CommitAsync(ct);
        LogGezocht(logger, caller.Regio, bekendIn.Count);
        return new ZoekResultaat(bekendIn.Count > 0 ? MatchUitkomst.Zeker : huishouden.Uitkomst == MatchUitkomst.Mogelijk
            ? MatchUitkomst.Mogelijk : MatchUitkomst.Geen, bekendIn);
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

    /// <summary>
    /// Finds the person a registration's person is, or adds one: by BSN first, then probabilistically.
    /// A mogelijk match adds a new person and queues a review for the caller's regio; nothing is linked.
    /// </summary>
    private async Task<(Guid PersoonId, MatchUitkomst Match)> KoppelPersoonAsync(UnitOfWork uow, Caller caller, TeRegistrerenPersoon persoon,
        MatchResultaat? gematcht, Guid betrokkenheidId, HashSet<Guid> gekoppeld, DateTimeOffset now, CancellationToken ct)
    {
        var kenmerken = matcher.Kenmerken(persoon.Gegevens);
        Guid persoonId;
        var match = MatchUitkomst.Geen;
        IReadOnlyList<MatchKandidaat> mogelijk = [];
        if (persoon.Bsn.Length > 0 && await RegisterStore.FindPersoonAsync(uow, hasher.All(persoon.Bsn), ct) is { } found)
        {
            if (found.KeyId != hasher.CurrentKeyId)
            {
                await RegisterStore.RehashAsync(uow, found.PersoonId, hasher.Current(persoon.Bsn), hasher.CurrentKeyId, ct);
            }

            (persoonId, match) = (found.PersoonId, MatchUitkomst.Zeker);
        }
        else
        {
            var resultaat = gematcht ?? await matcher.MatchAsync(uow, kenmerken, persoon.Bsn, ct);

            // Two persons of one household never become one person within a registration.
            if (resultaat is { Uitkomst: MatchUitkomst.Zeker, PersoonId: { } zeker } && !gekoppeld.Contains(zeker))
            {
                (persoonId, match) = (zeker, MatchUitkomst.Zeker);
                if (persoon.Bsn.Length > 0)
                {
                    await MatchStore.SetBsnAsync(uow, zeker, hasher.Current(persoon.Bsn), hasher.CurrentKeyId, ct);
                }
            }
            else
            {
                persoonId = Guid.CreateVersion7(now);
                if (persoon.Bsn.Length > 0)
                {
                    persoonId = await RegisterStore.InsertPersoonAsync(uow, persoonId, hasher.Current(persoon.Bsn), hasher.CurrentKeyId, now, ct);
                }
                else
                {
                    await MatchStore.InsertPersoonZonderBsnAsync(uow, persoonId, now, ct);
                }

                mogelijk = [.. resultaat.Mogelijk.Where(k => !gekoppeld.Contains(k.PersoonId) && k.PersoonId != persoonId)];
                match = mogelijk.Count > 0 ? MatchUitkomst.Mogelijk : MatchUitkomst.Geen;
            }
        }

        gekoppeld.Add(persoonId);
        if (kenmerken.Blokken.Count > 0)
        {
            await MatchStore.InsertKenmerkenAsync(uow, Guid.CreateVersion7(now), persoonId, betrokkenheidId, matcher.KeyId, kenmerken, now, ct);
        }

        foreach (var kandidaat in mogelijk)
        {
            await MatchStore.InsertMatchbeoordelingAsync(uow, Guid.CreateVersion7(now), persoonId, kandidaat.PersoonId, betrokkenheidId,
                kandidaat.Score, now, ct);
            await LogKandidaatAsync(uow, caller, now, Handeling.Registratie, Doel.Registratie, kandidaat.PersoonId, ct);
        }

        return (persoonId, match);
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

    /// <summary>A mogelijk match read a person's keyed data: one MOGELIJK entry for each regio where that person is known.</summary>
    private static async Task LogKandidaatAsync(UnitOfWork uow, Caller caller, DateTimeOffset now, Handeling handeling, Doel doel,
        Guid kandidaatId, CancellationToken ct)
    {
        foreach (var regio in (await RegisterStore.BekendInAsync(uow, kandidaatId, "", ct)).Select(b => b.Regio))
        {
            await LogAsync(uow, caller, now, handeling, doel, Uitkomst.Mogelijk, kandidaatId, null, regio, ct);
        }
    }

    private static Task<int> LogAsync(UnitOfWork uow, Caller caller, DateTimeOffset now, Handeling handeling, Doel doel,
        Uitkomst uitkomst, Guid? persoonId, Guid? betrokkenheidId, string eigenaarRegio, CancellationToken ct, Guid? huishoudenId = null) =>
        RegisterStore.LogAsync(uow, new ToegangslogRecord(0, now, caller.Wie, caller.Regio, caller.Rol, handeling, doel, uitkomst,
            persoonId, betrokkenheidId, eigenaarRegio, huishoudenId), ct);

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
