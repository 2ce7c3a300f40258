using System.Globalization;
using System.Text;

namespace Veiligthuis.Register.Matching;

/// <summary>A Dutch name split the way matching needs it; every part normalised (see <see cref="DutchNames"/>).</summary>
/// <param name="Voornamen">Given names; an initial is a one-letter name.</param>
/// <param name="Achternaam">The surname without tussenvoegsels, hyphenated parts joined by a space.</param>
public sealed record GenormaliseerdeNaam(IReadOnlyList<string> Voornamen, string Achternaam)
{
    /// <summary>The first given name written out, or empty when only initials are known.</summary>
    public string Roepnaam => Voornamen.Count > 0 && Voornamen[0].Length > 1 ? Voornamen[0] : "";

    public char? Initiaal => Voornamen.Count > 0 ? Voornamen[0][0] : null;

    /// <summary>The second given name written out, or empty.</summary>
    public string TweedeVoornaam => Voornamen.Count > 1 && Voornamen[1].Length > 1 ? Voornamen[1] : "";

    public bool AlleenInitialen => Voornamen.Count > 0 && Voornamen.All(v => v.Length == 1);
}

/// <summary>
/// Normalisation of Dutch person names for matching. Names arrive written in many ways ("Jansen, P. van",
/// "van Jansen", "JANSEN", "Jänsen", "Dijkstra"/"Dykstra"); what is left after this is compared.
/// Tussenvoegsels are dropped, because registrations disagree about them far more often than persons do.
/// </summary>
public static class DutchNames
{
    // The tussenvoegsels of the Dutch civil registry that occur in practice, as single words; "van der",
    // "van den", "in 't" are sequences of these.
    private static readonly HashSet<string> Tussenvoegsels = new(StringComparer.Ordinal)
    {
        "van", "de", "der", "den", "het", "t", "ter", "ten", "te", "in", "op", "onder", "over", "aan", "bij",
        "uit", "voor", "uijt", "vd", "v", "d", "la", "le", "l", "du", "des", "di", "da", "del", "della", "dos", "el",
        "von", "zu", "zum", "am", "auf", "s", "o", "mc", "mac",
    };

    /// <summary>
    /// Splits and normalises. Accepts the registry form (voornamen, tussenvoegsel, achternaam) and the
    /// administrative form "Achternaam, V. tussenvoegsel" in the achternaam field.
    /// </summary>
    public static GenormaliseerdeNaam Normaliseer(string voornamen, string tussenvoegsel, string achternaam)
    {
        _ = tussenvoegsel;
        var achter = achternaam;
        var voor = voornamen;
        var komma = achter.IndexOf(',', StringComparison.Ordinal);
        if (komma >= 0)
        {
            // "Jansen, P. van": after the comma come initials or given names and the tussenvoegsel.
            var naKomma = achter[(komma + 1)..];
            achter = achter[..komma];
            if (Woorden(voor).Count == 0)
            {
                voor = naKomma;
            }
        }

        var voornaamWoorden = new List<string>();
        foreach (var woord in Woorden(voor))
        {
            if (Tussenvoegsels.Contains(woord) && woord.Length > 1 && voornaamWoorden.Count > 0)
            {
                continue;
            }

            // "P.J." and "PJ" (two capitals without dots in the input are lost by now) are initials.
            if (woord.Contains('.', StringComparison.Ordinal))
            {
                voornaamWoorden.AddRange(woord.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Spelling));
            }
            else
            {
                voornaamWoorden.Add(Spelling(woord));
            }
        }

        var achternaamDelen = Woorden(achter.Replace('-', ' '))
            .Where(w => !Tussenvoegsels.Contains(w))
            .Select(Spelling)
            .Where(w => w.Length > 0)
            .ToList();
        return new GenormaliseerdeNaam(voornaamWoorden.Where(v => v.Length > 0).ToList(), string.Join(' ', achternaamDelen));
    }

    /// <summary>Lower case ASCII words: diacritics removed, apostrophes and other punctuation as separators (dots kept).</summary>
    public static List<string> Woorden(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsAsciiLetter(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (c == '.')
            {
                builder.Append('.');
            }
            else if (c is 'ß')
            {
                builder.Append("ss");
            }
            else
            {
                builder.Append(' ');
            }
        }

        return [.. builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Trim('.').Length > 0)];
    }

    /// <summary>
    /// Folds spelling variants that Dutch registrations mix freely into one form: ij/y, c/k, ph/f, th/t,
    /// a final dt/d, doubled letters (Maartje/Martje).
    /// </summary>
    public static string Spelling(string woord)
    {
        var w = woord.Trim('.');
        var builder = new StringBuilder(w.Length);
        for (var i = 0; i < w.Length; i++)
        {
            var c = w[i];
            var next = i + 1 < w.Length ? w[i + 1] : '\0';
            switch (c)
            {
                case 'i' when next == 'j':
                    builder.Append('y');
                    i++;
                    continue;
                case 'p' when next == 'h':
                    builder.Append('f');
                    i++;
                    continue;
                case 't' when next == 'h':
                    builder.Append('t');
                    i++;
                    continue;
                case 'c' when next == 'k':
                    builder.Append('k');
                    i++;
                    continue;
                case 'c' when next is 'e' or 'i' or 'y':
                    builder.Append('s');
                    continue;
                case 'c' when next != 'h':
                    builder.Append('k');
                    continue;
                case 'd' when next == 't' && i + 2 == w.Length:
                    builder.Append('t');
                    i++;
                    continue;
                case 'd' when i + 1 == w.Length && w.Length > 1:
                    builder.Append('t');
                    continue;
                default:
                    break;
            }

            if (builder.Length > 0 && builder[^1] == c)
            {
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// A coarse Dutch sound key for blocking: the first letter, then consonant classes, vowels dropped.
    /// Names that sound alike (Smit, Schmidt, Smid; Jansen, Janssen, Jansens) share it.
    /// </summary>
    public static string Klank(string genormaliseerd)
    {
        var w = genormaliseerd.Replace(" ", "", StringComparison.Ordinal);
        if (w.Length == 0)
        {
            return "";
        }

        w = w.Replace("sch", "s", StringComparison.Ordinal).Replace("ch", "g", StringComparison.Ordinal)
            .Replace("kx", "x", StringComparison.Ordinal).Replace("x", "ks", StringComparison.Ordinal)
            .Replace("q", "k", StringComparison.Ordinal).Replace("z", "s", StringComparison.Ordinal)
            .Replace("v", "f", StringComparison.Ordinal).Replace("w", "f", StringComparison.Ordinal)
            .Replace("d", "t", StringComparison.Ordinal).Replace("b", "p", StringComparison.Ordinal)
            .Replace("h", "", StringComparison.Ordinal);
        if (w.Length == 0)
        {
            return "";
        }

        var builder = new StringBuilder();
        builder.Append(IsKlinker(w[0]) ? 'a' : w[0]);
        // A trailing -s (Jansens, Pieters) is a common variant; drop it unless it is all there is.
        var end = w.Length > 3 && w[^1] == 's' ? w.Length - 1 : w.Length;
        for (var i = 1; i < end; i++)
        {
            var c = w[i];
            if (IsKlinker(c) || c == builder[^1])
            {
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool IsKlinker(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';
}
