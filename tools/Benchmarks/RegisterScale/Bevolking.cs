using Veiligthuis.Common.V1;

namespace Veiligthuis.Benchmarks.RegisterScale;

/// <summary>One generated person; <see cref="Bsn"/> is empty for a person registered without one.</summary>
public sealed record Persoon(string Bsn, string Voornamen, string Tussenvoegsel, string Achternaam, DateOnly Geboortedatum,
    Geslacht Geslacht);

public sealed record Huishouden(int Nr, string Postcode, int Huisnummer, IReadOnlyList<Persoon> Leden);

/// <summary>
/// A deterministic population that is never held in memory: household <c>h</c> is generated from a random
/// stream seeded by (seed, h), so the loader and the lookups regenerate the same persons independently and
/// 10 M persons cost nothing but CPU. Unlike tools/Synthetic (150 surnames, built for namesakes and matching
/// quality), surnames follow a national-size spread: the 70 most common Dutch names on top (de Jong about
/// 0.7 %), then a long tail of composed names (stem, optional second stem, suffix), as the CBS name register has some 300,000.
/// BSNs are unique and pass the elfproef; about <see cref="AandeelMetBsn"/> of the persons have one.
/// </summary>
public sealed class Bevolking(int seed)
{
    public const double AandeelMetBsn = 0.85;
    private const int MaxLeden = 7;

    private static readonly string[] Top =
    [
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
        "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
        "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
        "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
        "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra", "Kramer",
        "Yilmaz", "Kaya", "Demir", "Şahin", "Çelik", "El Amrani", "Bouzid", "Benali", "Nguyen", "Singh",
    ];

    private static readonly string[] Stammen =
    [
        "Hoek", "Berg", "Brink", "Veen", "Dijk", "Molen", "Kamp", "Wal", "Bos", "Hof", "Meer", "Laan", "Horst", "Vliet", "Broek",
        "Beek", "Kerk", "Haven", "Water", "Zand", "Steen", "Weide", "Akker", "Linde", "Eik", "Wilg", "Roos", "Groen", "Wit",
        "Zwart", "Rood", "Baar", "Duin", "Heuvel", "Riet", "Bruggen", "Sloot", "Gracht", "Wouden", "Haar", "Valk", "Vink",
        "Kraai", "Mol", "Haas", "Vos", "Wolf", "Beer", "Stier", "Ram", "Schaap", "Koe", "Paard", "Knol", "Raap", "Boon", "Erwt",
        "Appel", "Peer", "Kers", "Pruim", "Noot", "Hout", "Plank", "Balk", "Dorp", "Stad", "Burg", "Slot", "Toren", "Poort",
    ];

    private static readonly string[] Achtervoegsels =
    [
        "stra", "ma", "sma", "man", "mans", "sen", "ink", "ing", "er", "huis", "huizen", "kamp", "veld", "beek", "hout",
        "meijer", "kes", "je", "tjes", "ens", "land", "dijk", "bergh", "wijk", "rode", "loo", "horst", "stein", "mond",
        "haven", "brug", "weg", "laar", "heim", "kate", "inga", "ema", "enga", "ster", "hof", "schot", "lo", "ert",
        "ik", "aar", "els", "inck", "ma's", "ser", "ters",
    ];

    private static readonly string[] Tussenvoegsels = ["", "", "", "van", "de", "van der", "van den", "ter", "ten", "op de"];

    private static readonly string[] Mannen =
    [
        "Jan", "Johannes", "Pieter", "Cornelis", "Hendrik", "Willem", "Gerrit", "Jacobus", "Petrus", "Dirk",
        "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Bram", "Thijs", "Jesse", "Luuk",
        "Noah", "Liam", "Mees", "Ruben", "Thomas", "Tim", "Lars", "Stijn", "Sven", "Julian",
        "Mohamed", "Ahmed", "Yusuf", "Mehmet", "Emre", "Ayoub", "Rayan", "Adam", "Omar", "Bilal",
        "Kees", "Henk", "Piet", "Klaas", "Joost", "Maarten", "Bas", "Erik", "Marco", "Frank",
        "Rob", "Sander", "Jeroen", "Martijn", "Wouter", "Niels", "Dennis", "Patrick", "Mark", "Michiel",
        "Arjen", "Hans", "Gert", "Ronald", "Rik", "Teun", "Jens", "Gijs", "Jurre", "Hugo",
        "Floris", "Olivier", "Max", "Siem", "Vince", "Tijn", "Morris", "Hidde", "Quinten", "Wessel",
    ];

    private static readonly string[] Vrouwen =
    [
        "Maria", "Johanna", "Anna", "Cornelia", "Hendrika", "Elisabeth", "Wilhelmina", "Petronella", "Catharina", "Geertruida",
        "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Fleur", "Eva",
        "Lotte", "Lisa", "Noor", "Sanne", "Anouk", "Femke", "Iris", "Isa", "Lieke", "Roos",
        "Fatima", "Aisha", "Yasmina", "Elif", "Zeynep", "Meryem", "Nour", "Salma", "Hiba", "Imane",
        "Ingrid", "Marieke", "Annemarie", "Monique", "Sandra", "Linda", "Esther", "Marloes", "Renée", "Chantal",
        "Ilse", "Karin", "Petra", "Wendy", "Miriam", "Judith", "Anke", "Hanneke", "Saskia", "Bianca",
        "Maartje", "Floor", "Jasmijn", "Liv", "Saar", "Fenna", "Yara", "Evi", "Lynn", "Noa",
        "Charlotte", "Floortje", "Merel", "Vera", "Mirjam", "Ellen", "Gerda", "Thea", "Agnes", "Bernadette",
    ];

    private static readonly double[] TopCumulatief = Cumulatief(Top.Length);
    private static readonly double[] MannenCumulatief = Cumulatief(Mannen.Length);
    private static readonly double[] VrouwenCumulatief = Cumulatief(Vrouwen.Length);

    /// <summary>Household <paramref name="nr"/>: 1 to 7 persons, parents and children at one address.</summary>
    public Huishouden Genereer(int nr)
    {
        // Not HashCode.Combine: its seed changes per process, and the population must be the same in every run.
        var random = new Random(unchecked((seed * 16_777_619) + nr));
        var postcode = $"{1000 + random.Next(9000)}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}";
        var huisnummer = 1 + random.Next(300);
        var (tv, achternaam) = Achternaam(random);
        var leden = new List<Persoon>(MaxLeden);
        var ouderGeboren = new DateOnly(1950, 1, 1).AddDays(random.Next(50 * 365));
        var volwassenen = random.NextDouble() < 0.7 ? 2 : 1;
        for (var i = 0; i < volwassenen; i++)
        {
            var man = i == 0 ? random.NextDouble() < 0.5 : !leden[0].Geslacht.Equals(Geslacht.Man);
            var (eigenTv, eigen) = i == 0 ? (tv, achternaam) : Achternaam(random);
            leden.Add(Nieuw(random, nr, leden.Count, man, eigenTv, eigen, ouderGeboren.AddDays(random.Next(-1500, 1500))));
        }

        var kinderen = random.Next(0, 5);
        var eerste = ouderGeboren.AddYears(20 + random.Next(15));
        for (var i = 0; i < kinderen && leden.Count < MaxLeden; i++)
        {
            var geboren = eerste.AddDays(random.Next(300, 1500) * i + random.Next(200));
            if (geboren.Year > 2025)
            {
                break;
            }

            leden.Add(Nieuw(random, nr, leden.Count, random.Next(2) == 0, tv, achternaam, geboren));
        }

        return new Huishouden(nr, postcode, huisnummer, leden);
    }

    private static Persoon Nieuw(Random random, int huishouden, int lid, bool man, string tv, string achternaam, DateOnly geboren)
    {
        var voornamen = Pick(random, man ? Mannen : Vrouwen, man ? MannenCumulatief : VrouwenCumulatief);
        if (random.NextDouble() < 0.33)
        {
            voornamen += " " + Pick(random, man ? Mannen : Vrouwen, man ? MannenCumulatief : VrouwenCumulatief);
        }

        var bsn = random.NextDouble() < AandeelMetBsn ? BsnVoor(huishouden, lid) : "";
        return new Persoon(bsn, voornamen, tv, achternaam, geboren, man ? Geslacht.Man : Geslacht.Vrouw);
    }

    /// <summary>
    /// A unique valid BSN per (household, member), or empty: the first eight digits are 10,000,000 + n, the ninth
    /// makes the elfproef hold; for the one prefix in eleven whose check digit would be 10, 99,999,999 - n is
    /// tried (disjoint from the first range while n &lt; 45 M); when that fails too the person has no BSN.
    /// </summary>
    public static string BsnVoor(int huishouden, int lid)
    {
        var n = (long)huishouden * MaxLeden + lid;
        foreach (var prefix in (ReadOnlySpan<long>)[10_000_000 + n, 99_999_999 - n])
        {
            var check = Check(prefix);
            if (check < 10)
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix:D8}{check}");
            }
        }

        return "";
    }

    private static int Check(long prefix)
    {
        var sum = 0;
        for (var weight = 2; weight <= 9; weight++)
        {
            sum += (int)(prefix % 10) * weight;
            prefix /= 10;
        }

        return sum % 11;
    }

    private static (string Tussenvoegsel, string Achternaam) Achternaam(Random random)
    {
        // About a tenth of the persons carry one of the 70 most common surnames (de Jong about 0.7 %), the rest a tail name.
        if (random.NextDouble() < 0.10)
        {
            var naam = Pick(random, Top, TopCumulatief);
            var spatie = naam.LastIndexOf(' ');
            return spatie > 0 && char.IsLower(naam[0]) ? (naam[..spatie], naam[(spatie + 1)..]) : ("", naam);
        }

        var stam = Stammen[(int)(Stammen.Length * Math.Pow(random.NextDouble(), 1.5))];
        var voegsel = Achtervoegsels[random.Next(Achtervoegsels.Length)];
        var tweede = random.NextDouble() < 0.5 ? Stammen[random.Next(Stammen.Length)].ToLowerInvariant() : "";
        return (Tussenvoegsels[random.Next(Tussenvoegsels.Length)], stam + tweede + voegsel);
    }

    private static string Pick(Random random, string[] items, double[] cumulatief)
    {
        var i = Array.BinarySearch(cumulatief, random.NextDouble() * cumulatief[^1]);
        return items[Math.Min(items.Length - 1, i < 0 ? ~i : i)];
    }

    // Rank r has weight 1/(r+5): the top names a few percent each, a long tail.
    private static double[] Cumulatief(int n)
    {
        var result = new double[n];
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            total += 1.0 / (i + 5);
            result[i] = total;
        }

        return result;
    }
}
