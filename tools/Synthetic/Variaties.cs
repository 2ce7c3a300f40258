using System.Text;

namespace Veiligthuis.Tools.Synthetic;

/// <summary>
/// The small differences with which another regio writes down the same person: keyboard slips,
/// diacritics, a swapped day and month, a new address. Every method draws only from the given
/// <see cref="Random"/>, so a seeded caller stays reproducible.
/// </summary>
public static class Variaties
{
    /// <summary>Four digits and two letters without a space; may be one of the pairs PostNL never issues.</summary>
    public static string Postcode(Random random) =>
        $"{random.Next(1000, 10000)}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}";

    /// <summary>A postcode as PostNL issues them: never the letter pairs SA, SD or SS, written "1234 AB".</summary>
    public static string GeldigePostcode(Random random)
    {
        while (true)
        {
            var postcode = Postcode(random);
            if (postcode[4..] is not ("SA" or "SD" or "SS"))
            {
                return $"{postcode[..4]} {postcode[4..]}";
            }
        }
    }

    /// <summary>One keyboard slip: a letter replaced, dropped, doubled or two letters swapped.</summary>
    public static string Typo(Random random, string value)
    {
        var letters = Enumerable.Range(0, value.Length).Where(i => char.IsLetter(value[i])).ToList();
        if (letters.Count < 4)
        {
            return value;
        }

        // Not the first letter: people rarely get that wrong, and the sound key starts with it.
        var i = letters[random.Next(1, letters.Count - 1)];
        var builder = new StringBuilder(value);
        switch (random.Next(4))
        {
            case 0:
                builder[i] = (char)('a' + random.Next(26));
                break;
            case 1:
                builder.Remove(i, 1);
                break;
            case 2:
                builder.Insert(i, value[i]);
                break;
            default:
                (builder[i], builder[i + 1]) = (builder[i + 1], builder[i]);
                break;
        }

        return builder.ToString();
    }

    /// <summary>Diacritics added where a clerk might type them (e, o, u, a).</summary>
    public static string Diakriet(Random random, string value)
    {
        var builder = new StringBuilder(value);
        for (var i = 0; i < builder.Length; i++)
        {
            builder[i] = builder[i] switch
            {
                'e' when random.Next(3) == 0 => 'ë',
                'o' when random.Next(3) == 0 => 'ö',
                'u' when random.Next(3) == 0 => 'ü',
                'a' when random.Next(4) == 0 => 'á',
                var c => c,
            };
        }

        return builder.ToString();
    }

    /// <summary>Whether day and month can be swapped into another valid date.</summary>
    public static bool KanDagMaandWisselen(DateOnly datum) => datum.Day <= 12 && datum.Day != datum.Month;

    /// <summary>The date an American-style form makes of it: day and month swapped.</summary>
    public static DateOnly DagMaandGewisseld(DateOnly datum) => new(datum.Year, datum.Day, datum.Month);
}
