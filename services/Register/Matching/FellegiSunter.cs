using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Matching;

/// <summary>How one field of two records compares.</summary>
public sealed record VeldScore(MatchVeld Veld, Veldovereenkomst Overeenkomst, double Gewicht);

/// <summary>The comparison of two records: the Fellegi–Sunter total and the decision it leads to.</summary>
public sealed record MatchScore(double Totaal, MatchUitkomst Uitkomst, IReadOnlyList<VeldScore> Velden)
{
    public Veldovereenkomst Van(MatchVeld veld) =>
        Velden.FirstOrDefault(v => v.Veld == veld)?.Overeenkomst ?? Veldovereenkomst.Ontbreekt;
}

/// <summary>
/// The m- and u-probabilities of every field and agreement level, in one place (ADR 0017). m is the chance of
/// that level when two records are the same person, u when they are not; the weight of a level is log2(m/u).
/// The figures are estimates for the Dutch population (name and birth-date frequencies; the share of records
/// with a typo, a swapped day and month, a move) checked with the benchmark in tools/Benchmarks/RegisterMatching.
/// </summary>
public static class MatchGewichten
{
    /// <summary>At or above: zeker (linked), if the decisive fields agree too (see <see cref="FellegiSunter"/>).</summary>
    public const double DrempelZeker = 20.0;

    /// <summary>At or above and below <see cref="DrempelZeker"/>: mogelijk (a person decides).</summary>
    public const double DrempelMogelijk = 9.0;

    // Bloom-filter Dice similarity of name bigrams from which a name counts as similar. One changed letter
    // in a six-letter name leaves 5 of 7 bigrams (0.71); first names need more, since siblings' names
    // (Anna, Anne) are close by design.
    public const double DiceAchternaamLijkend = 0.6;
    public const double DiceVoornaamLijkend = 0.7;

    private static readonly Dictionary<(MatchVeld, Veldovereenkomst), (double M, double U)> Kansen = new()
    {
        // BSN: an error in a valid BSN of the same person is rare; two persons sharing one is rarer still.
        [(MatchVeld.Bsn, Veldovereenkomst.Gelijk)] = (0.999, 1e-8),
        [(MatchVeld.Bsn, Veldovereenkomst.Verschillend)] = (0.001, 1.0),

        // Achternaam: u of equality ≈ the chance two random persons share a surname (de Jong ≈ 0.4 %);
        // m of a difference covers marriage names and registration errors.
        [(MatchVeld.Achternaam, Veldovereenkomst.Gelijk)] = (0.90, 0.003),
        [(MatchVeld.Achternaam, Veldovereenkomst.Lijkend)] = (0.07, 0.01),
        [(MatchVeld.Achternaam, Veldovereenkomst.Verschillend)] = (0.03, 0.987),

        // Voornaam: the first given name; only initials known on one side gives at best Initiaal.
        [(MatchVeld.Voornaam, Veldovereenkomst.Gelijk)] = (0.88, 0.004),
        [(MatchVeld.Voornaam, Veldovereenkomst.Lijkend)] = (0.07, 0.01),
        [(MatchVeld.Voornaam, Veldovereenkomst.Deels)] = (0.03, 0.06),
        [(MatchVeld.Voornaam, Veldovereenkomst.Verschillend)] = (0.02, 0.926),

        // Geboortedatum: u of equality ≈ 1 / (365 · 80); Deels = two of year, month, day equal.
        [(MatchVeld.Geboortedatum, Veldovereenkomst.Gelijk)] = (0.94, 0.00004),
        [(MatchVeld.Geboortedatum, Veldovereenkomst.Lijkend)] = (0.015, 0.00003),
        [(MatchVeld.Geboortedatum, Veldovereenkomst.Deels)] = (0.04, 0.005),
        [(MatchVeld.Geboortedatum, Veldovereenkomst.Verschillend)] = (0.005, 0.995),

        [(MatchVeld.Geslacht, Veldovereenkomst.Gelijk)] = (0.98, 0.5),
        [(MatchVeld.Geslacht, Veldovereenkomst.Verschillend)] = (0.02, 0.5),

        // Adres: people move, so disagreement weighs little; Deels = same postcode, another number.
        [(MatchVeld.Adres, Veldovereenkomst.Gelijk)] = (0.65, 0.0002),
        [(MatchVeld.Adres, Veldovereenkomst.Deels)] = (0.05, 0.002),
        [(MatchVeld.Adres, Veldovereenkomst.Verschillend)] = (0.30, 0.9978),
    };

    /// <summary>log2(m/u) of a level; 0 when a field is missing on either side.</summary>
    public static double Gewicht(MatchVeld veld, Veldovereenkomst overeenkomst) =>
        Kansen.TryGetValue((veld, overeenkomst), out var kans) ? Math.Log2(kans.M / kans.U) : 0;
}

/// <summary>
/// Compares two keyed records field by field and classifies the pair. An equal BSN is zeker and a different
/// one geen. Otherwise, beside the total weight, zeker needs first name and birth date to agree (equal or
/// similar) and sex not to differ: address and surname are shared within a household, so without this rule
/// twins or a parent and child at one address could outscore a person who moved. The surname is not required:
/// it changes with marriage and short surnames are easily mistyped, and the weights still count it.
/// </summary>
public static class FellegiSunter
{
    public static MatchScore Vergelijk(MatchKenmerken a, MatchKenmerken b, Veldovereenkomst bsn)
    {
        var velden = new List<VeldScore>
        {
            Score(MatchVeld.Bsn, bsn),
            Score(MatchVeld.Achternaam, Achternaam(a, b)),
            Score(MatchVeld.Voornaam, Voornaam(a, b)),
            Score(MatchVeld.Geboortedatum, Geboortedatum(a, b)),
            Score(MatchVeld.Geslacht, a.Geslacht == Geslacht.Onbekend || b.Geslacht == Geslacht.Onbekend
                ? Veldovereenkomst.Ontbreekt
                : a.Geslacht == b.Geslacht ? Veldovereenkomst.Gelijk : Veldovereenkomst.Verschillend),
            Score(MatchVeld.Adres, Adres(a, b)),
        };
        var totaal = velden.Sum(v => v.Gewicht);
        return new MatchScore(totaal, Beslis(totaal, velden), velden);
    }

    private static MatchUitkomst Beslis(double totaal, List<VeldScore> velden)
    {
        Veldovereenkomst Van(MatchVeld veld) => velden.First(v => v.Veld == veld).Overeenkomst;
        switch (Van(MatchVeld.Bsn))
        {
            case Veldovereenkomst.Gelijk:
                return MatchUitkomst.Zeker;
            case Veldovereenkomst.Verschillend:
                // Two valid BSNs (elfproef) that differ are two persons; a review would only add noise.
                return MatchUitkomst.Geen;
            default:
                break;
        }

        var beslissendGelijk =
            Van(MatchVeld.Voornaam) is Veldovereenkomst.Gelijk or Veldovereenkomst.Lijkend &&
            Van(MatchVeld.Geboortedatum) is Veldovereenkomst.Gelijk or Veldovereenkomst.Lijkend &&
            Van(MatchVeld.Geslacht) != Veldovereenkomst.Verschillend;
        if (totaal >= MatchGewichten.DrempelZeker && beslissendGelijk)
        {
            return MatchUitkomst.Zeker;
        }

        return totaal >= MatchGewichten.DrempelMogelijk ? MatchUitkomst.Mogelijk : MatchUitkomst.Geen;
    }

    private static VeldScore Score(MatchVeld veld, Veldovereenkomst overeenkomst) =>
        new(veld, overeenkomst, MatchGewichten.Gewicht(veld, overeenkomst));

    private static Veldovereenkomst Achternaam(MatchKenmerken a, MatchKenmerken b)
    {
        if (a.Achternaam.Length == 0 || b.Achternaam.Length == 0)
        {
            return Veldovereenkomst.Ontbreekt;
        }

        if (Gelijk(a.Achternaam, b.Achternaam))
        {
            return Veldovereenkomst.Gelijk;
        }

        return Gelijk(a.AchternaamKlank, b.AchternaamKlank) ||
               MatchKenmerken.DeelVariant(a.AchternaamVarianten, a.VariantGrootte, b.AchternaamVarianten, b.VariantGrootte) ||
               MatchKenmerken.Dice(a.AchternaamBloom, b.AchternaamBloom) >= MatchGewichten.DiceAchternaamLijkend
            ? Veldovereenkomst.Lijkend
            : Veldovereenkomst.Verschillend;
    }

    private static Veldovereenkomst Voornaam(MatchKenmerken a, MatchKenmerken b)
    {
        if (a.Initiaal.Length == 0 || b.Initiaal.Length == 0)
        {
            return Veldovereenkomst.Ontbreekt;
        }

        if (a.Roepnaam.Length > 0 && b.Roepnaam.Length > 0)
        {
            if (Gelijk(a.Roepnaam, b.Roepnaam))
            {
                return Veldovereenkomst.Gelijk;
            }

            // Sound keys are not used here: Pieter and Petra share one, and twins must stay apart. One typo in a
            // name of four letters or more is accepted (Thjis, Marai); shorter names differ by one letter too often.
            // Names under four letters have no variants and get no Dice either: Bloom-filter noise could lift
            // Noor/Nora (0.67) over the threshold, and for short names one letter is a different name.
            var kort = a.RoepnaamVarianten.Length == 0 || b.RoepnaamVarianten.Length == 0;
            if (kort)
            {
                // A short name with a typo (Bs Frank, Daaj Jan: doubled letters fold, so Daan is "dan") is similar only
                // when the initial and the second given name agree: twins Sem and Siem rarely share a second name.
                return Gelijk(a.Initiaal, b.Initiaal) && Gelijk(a.TweedeVoornaam, b.TweedeVoornaam)
                    ? Veldovereenkomst.Lijkend
                    : Veldovereenkomst.Verschillend;
            }

            return MatchKenmerken.DeelVariant(a.RoepnaamVarianten, a.VariantGrootte, b.RoepnaamVarianten, b.VariantGrootte) ||
                   MatchKenmerken.Dice(a.RoepnaamBloom, b.RoepnaamBloom) >= MatchGewichten.DiceVoornaamLijkend
                ? Veldovereenkomst.Lijkend
                : Veldovereenkomst.Verschillend;
        }

        // Only initials on one side: an equal initial is weak evidence, never enough for zeker.
        return Gelijk(a.Initiaal, b.Initiaal) ? Veldovereenkomst.Deels : Veldovereenkomst.Verschillend;
    }

    private static Veldovereenkomst Geboortedatum(MatchKenmerken a, MatchKenmerken b)
    {
        if (a.Geboortedatum.Length == 0 || b.Geboortedatum.Length == 0)
        {
            return Veldovereenkomst.Ontbreekt;
        }

        if (Gelijk(a.Geboortedatum, b.Geboortedatum))
        {
            return Veldovereenkomst.Gelijk;
        }

        if (Gelijk(a.GeboortedatumGewisseld, b.Geboortedatum) || Gelijk(a.Geboortedatum, b.GeboortedatumGewisseld))
        {
            return Veldovereenkomst.Lijkend;
        }

        return Gelijk(a.JaarMaand, b.JaarMaand) || Gelijk(a.JaarDag, b.JaarDag) || Gelijk(a.MaandDag, b.MaandDag)
            ? Veldovereenkomst.Deels
            : Veldovereenkomst.Verschillend;
    }

    private static Veldovereenkomst Adres(MatchKenmerken a, MatchKenmerken b)
    {
        if (a.Postcode.Length == 0 || b.Postcode.Length == 0)
        {
            return Veldovereenkomst.Ontbreekt;
        }

        if (a.Adres.Length > 0 && Gelijk(a.Adres, b.Adres))
        {
            return Veldovereenkomst.Gelijk;
        }

        return Gelijk(a.Postcode, b.Postcode) ? Veldovereenkomst.Deels : Veldovereenkomst.Verschillend;
    }

    private static bool Gelijk(byte[] a, byte[] b) => a.Length > 0 && a.AsSpan().SequenceEqual(b);
}
