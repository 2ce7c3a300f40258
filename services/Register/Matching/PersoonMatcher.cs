using Microsoft.Extensions.Options;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Betrokkenheden;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Matching;

/// <summary>One stored record of a person found through a blocking key.</summary>
public sealed record KandidaatRecord(Guid PersoonId, byte[]? BsnHmac, MatchKenmerken Kenmerken);

public sealed record MatchKandidaat(Guid PersoonId, MatchScore Score);

/// <summary>
/// The outcome for one person: the person linked for a zeker match; the candidates a person must decide
/// about for mogelijk (best first, at most <see cref="MatchBeslissing.MaxMogelijk"/>).
/// </summary>
public sealed record MatchResultaat(MatchUitkomst Uitkomst, Guid? PersoonId, IReadOnlyList<MatchKandidaat> Mogelijk)
{
    /// <summary>The Fellegi–Sunter total of the zeker match, or of the best mogelijk candidate; 0 for geen.</summary>
    public double Score { get; init; }

    public static readonly MatchResultaat Geen = new(MatchUitkomst.Geen, null, []);
}

/// <summary>From scored candidates to one outcome; pure, so the benchmark runs exactly this.</summary>
public static class MatchBeslissing
{
    public const int MaxMogelijk = 3;

    /// <summary>
    /// Keeps each person's best-scoring record. One zeker person links; two zeker persons mean the
    /// register may hold a duplicate, and a wrong link costs more than a review, so both go to review.
    /// </summary>
    public static MatchResultaat Kies(IEnumerable<MatchKandidaat> scores)
    {
        var best = scores
            .GroupBy(s => s.PersoonId)
            .Select(g => g.MaxBy(s => s.Score.Totaal)!)
            .Where(s => s.Score.Uitkomst != MatchUitkomst.Geen)
            .OrderByDescending(s => s.Score.Totaal)
            .ThenBy(s => s.PersoonId)
            .ToList();
        var zeker = best.Where(s => s.Score.Uitkomst == MatchUitkomst.Zeker).ToList();
        if (zeker.Count == 1)
        {
            return new MatchResultaat(MatchUitkomst.Zeker, zeker[0].PersoonId, []) { Score = zeker[0].Score.Totaal };
        }

        return best.Count == 0
            ? MatchResultaat.Geen
            : new MatchResultaat(MatchUitkomst.Mogelijk, null, [.. best.Take(MaxMogelijk)]) { Score = best[0].Score.Totaal };
    }
}

/// <summary>Finds the register's persons that a new record may be: blocking, then Fellegi–Sunter scoring.</summary>
public sealed class PersoonMatcher(IOptions<RegisterOptions> options, BsnHasher hasher)
{
    // A blocking key shared by more records than this is too common to tell anything (and would make a
    // lookup slow); the ones found up to here are still scored.
    public const int MaxKandidaten = 500;

    private readonly MatchKenmerkenFactory _factory = new(Convert.FromBase64String(options.Value.MatchingKey.Key));

    public string KeyId => options.Value.MatchingKey.Id;

    public MatchKenmerken Kenmerken(PersoonGegevens gegevens) => _factory.Create(gegevens);

    /// <summary>The keyed address of a registration (its persons share it); empty when it has none.</summary>
    public byte[] Adres(PersoonGegevens gegevens) => _factory.Adres(gegevens);

    public async Task<MatchResultaat> MatchAsync(UnitOfWork uow, MatchKenmerken kenmerken, string bsn, CancellationToken ct)
    {
        if (kenmerken.Blokken.Count == 0)
        {
            return MatchResultaat.Geen;
        }

        var kandidaten = await MatchStore.KandidatenAsync(uow, kenmerken.Blokken, KeyId, MaxKandidaten, ct);
        return Beslis(kenmerken, bsn, kandidaten);
    }

    /// <summary>Scores the candidates a blocking lookup found and decides; the bulk load calls this on candidates it read in batches.</summary>
    public MatchResultaat Beslis(MatchKenmerken kenmerken, string bsn, IEnumerable<KandidaatRecord> kandidaten)
    {
        var bsnHashes = bsn.Length > 0 ? hasher.All(bsn) : [];
        return MatchBeslissing.Kies(kandidaten.Select(k =>
            new MatchKandidaat(k.PersoonId, FellegiSunter.Vergelijk(kenmerken, k.Kenmerken, Bsn(bsnHashes, k.BsnHmac)))));
    }

    private static Veldovereenkomst Bsn(byte[][] hashes, byte[]? stored) =>
        hashes.Length == 0 || stored is null ? Veldovereenkomst.Ontbreekt
        : hashes.Any(h => h.AsSpan().SequenceEqual(stored)) ? Veldovereenkomst.Gelijk
        : Veldovereenkomst.Verschillend;
}
