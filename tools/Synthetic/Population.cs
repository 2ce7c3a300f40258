using Veiligthuis.Common.V1;

namespace Veiligthuis.Tools.Synthetic;

/// <summary>
/// A synthetic Dutch population in households: parents, children, twins, compound surnames, with a
/// Zipf-like spread of common names so that namesakes occur as they do in practice.
/// </summary>
public sealed class Population(Random random)
{
    // Common Dutch surnames (CBS/Meertens lists of frequent names), tussenvoegsel first where it has one.
    private static readonly string[] Achternamen =
    [
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
        "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
        "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
        "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
        "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra", "Kramer",
        "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ridder", "Jonker", "van Rijn", "Willemsen",
        "Bosch", "Koning", "van der Laan", "Timmermans", "Groen", "Gerritsen", "Bouwman", "Klein", "Wouters", "de Lange",
        "Boer", "van Loon", "Verbeek", "Evers", "Hermans", "van der Velde", "Dijkman", "Claassen", "Hoogendoorn", "Goossens",
        "Verschoor", "Wijnands", "van Doorn", "Brink", "Kroon", "Huijbregts", "van Wijngaarden", "Stam", "Riemersma", "Zijlstra",
        "Yilmaz", "Kaya", "Demir", "Şahin", "Çelik", "El Amrani", "Bouzid", "Benali", "El Idrissi", "Ouali",
        "Nguyen", "Tran", "Singh", "Ramdin", "Mahabier", "Kartosen", "Pinas", "Martina", "Rosario", "Wong",
        "Müller", "Schmidt", "Kowalski", "Nowak", "Rodríguez", "García", "Öztürk", "Aydın", "Haddou", "Ait Taleb",
        "ten Have", "ter Horst", "op den Kamp", "van 't Hof", "in 't Veld", "van Ommen", "Kooistra", "Terpstra", "Wiersma", "Bijl",
        "Dijkhuizen", "Heijnen", "Ruijters", "Thijssen", "IJzerman", "Cornelissen", "Philips", "Christiaens", "Schipper", "Dekkers",
    ];

    /// <summary>Common Dutch first names of men, most frequent first (also the register scale benchmark's).</summary>
    public static readonly string[] Mannen =
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

    /// <summary>Common Dutch first names of women, most frequent first.</summary>
    public static readonly string[] Vrouwen =
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

    private readonly List<Huishouden> _huishoudens = [];
    private readonly HashSet<string> _bsns = new(StringComparer.Ordinal);
    private int _volgnummer;

    public sealed record Persoon(int Nr, string Voornamen, string Tussenvoegsel, string Achternaam, DateOnly Geboortedatum,
        Geslacht Geslacht, string Bsn, int Huishouden);

    public sealed record Huishouden(int Nr, string Postcode, int Huisnummer, List<Persoon> Leden);

    public IReadOnlyList<Huishouden> Huishoudens => _huishoudens;

    public void Genereer(int personen)
    {
        while (_volgnummer < personen)
        {
            _huishoudens.Add(NieuwHuishouden(_huishoudens.Count));
        }
    }

    /// <summary>A person no household has: someone the register has never seen (possibly a namesake).</summary>
    public Persoon Vreemde()
    {
        var man = random.Next(2) == 0;
        var (tussenvoegsel, achternaam) = Achternaam();
        return new Persoon(-1, Voornaam(man), tussenvoegsel, achternaam, Datum(1940, 2024), man ? Geslacht.Man : Geslacht.Vrouw,
            NieuwBsn(), -1);
    }

    /// <summary>A twin of a registered person that the register has not seen: same surname, date, address.</summary>
    public Persoon OngeregistreerdeTweeling(Persoon van)
    {
        var man = random.Next(2) == 0;
        string voornaam;
        do
        {
            voornaam = Voornaam(man);
        }
        while (Eerste(voornaam) == Eerste(van.Voornamen));

        return van with { Nr = -1, Voornamen = voornaam, Geslacht = man ? Geslacht.Man : Geslacht.Vrouw, Bsn = NieuwBsn() };
    }

    private Huishouden NieuwHuishouden(int nr)
    {
        var postcode = Variaties.Postcode(random);
        var huisnummer = random.Next(1, 250);
        var leden = new List<Persoon>();
        var (tv, achternaam) = Achternaam();
        var vader = random.NextDouble() < 0.8;
        var moeder = random.NextDouble() < 0.85;
        var ouderGeboren = Datum(1955, 2000);
        if (vader)
        {
            leden.Add(Nieuw(Voornaam(true), tv, achternaam, ouderGeboren, Geslacht.Man, nr));
        }

        if (moeder)
        {
            // A mother keeps her own surname in most registrations; sometimes a double name.
            var (mtv, machternaam) = Achternaam();
            if (random.NextDouble() < 0.1)
            {
                machternaam = $"{achternaam}-{(mtv.Length > 0 ? mtv + " " : "")}{machternaam}";
                mtv = tv;
            }

            leden.Add(Nieuw(Voornaam(false), mtv, machternaam, ouderGeboren.AddDays(random.Next(-2000, 2000)), Geslacht.Vrouw, nr));
        }

        if (leden.Count == 0)
        {
            leden.Add(Nieuw(Voornaam(random.Next(2) == 0), tv, achternaam, ouderGeboren, Geslacht.Vrouw, nr));
        }

        var kinderen = random.Next(0, 5);
        var eerste = ouderGeboren.AddYears(random.Next(20, 38));
        for (var i = 0; i < kinderen; i++)
        {
            var geboren = eerste.AddDays(random.Next(300, 1500) * i + random.Next(0, 200));
            if (geboren.Year > 2025)
            {
                break;
            }

            var man = random.Next(2) == 0;
            var namen = new HashSet<string>(leden.Select(l => Eerste(l.Voornamen)), StringComparer.Ordinal);
            leden.Add(Nieuw(UniekeVoornaam(man, namen), tv, achternaam, geboren, man ? Geslacht.Man : Geslacht.Vrouw, nr));

            // About 1.7 % of births in the Netherlands are twins.
            if (random.NextDouble() < 0.017)
            {
                var tweeMan = random.NextDouble() < 0.5 ? man : random.Next(2) == 0;
                namen.Add(Eerste(leden[^1].Voornamen));
                leden.Add(Nieuw(UniekeVoornaam(tweeMan, namen), tv, achternaam, geboren, tweeMan ? Geslacht.Man : Geslacht.Vrouw, nr));
            }
        }

        return new Huishouden(nr, postcode, huisnummer, leden);
    }

    private Persoon Nieuw(string voornamen, string tussenvoegsel, string achternaam, DateOnly geboren, Geslacht geslacht, int huishouden)
    {
        // A second given name for a third of the persons, as in the registry.
        if (random.NextDouble() < 0.33)
        {
            voornamen += " " + Voornaam(geslacht == Geslacht.Man);
        }

        return new Persoon(_volgnummer++, voornamen, tussenvoegsel, achternaam, geboren, geslacht, NieuwBsn(), huishouden);
    }

    private string UniekeVoornaam(bool man, HashSet<string> bezet)
    {
        string naam;
        do
        {
            naam = Voornaam(man);
        }
        while (bezet.Contains(naam));

        return naam;
    }

    public static string Eerste(string voornamen) => voornamen.Split(' ')[0];

    /// <summary>A surname drawn from the frequency list, split into tussenvoegsel and the rest.</summary>
    public (string Tussenvoegsel, string Achternaam) Achternaam()
    {
        var naam = Zipf(Achternamen);
        var spatie = naam.LastIndexOf(' ');
        return spatie > 0 && char.IsLower(naam[0]) ? (naam[..spatie], naam[(spatie + 1)..]) : ("", naam);
    }

    public string Voornaam(bool man) => Zipf(man ? Mannen : Vrouwen);

    // Rank r is drawn with weight 1/(r+5): a long tail, the top names a few percent each.
    private T Zipf<T>(T[] items)
    {
        var total = 0.0;
        for (var i = 0; i < items.Length; i++)
        {
            total += 1.0 / (i + 5);
        }

        var pick = random.NextDouble() * total;
        for (var i = 0; i < items.Length; i++)
        {
            pick -= 1.0 / (i + 5);
            if (pick <= 0)
            {
                return items[i];
            }
        }

        return items[^1];
    }

    public DateOnly Datum(int vanJaar, int totJaar) =>
        new DateOnly(vanJaar, 1, 1).AddDays(random.Next((new DateOnly(totJaar, 1, 1).DayNumber - new DateOnly(vanJaar, 1, 1).DayNumber)));

    /// <summary>Nine digits passing the elfproef, never handed out twice (as in the BRP).</summary>
    public string NieuwBsn()
    {
        string bsn;
        do
        {
            bsn = KandidaatBsn();
        }
        while (!_bsns.Add(bsn));

        return bsn;
    }

    private string KandidaatBsn()
    {
        while (true)
        {
            var digits = new int[9];
            digits[0] = random.Next(1, 10);
            for (var i = 1; i < 8; i++)
            {
                digits[i] = random.Next(10);
            }

            var sum = 0;
            for (var i = 0; i < 8; i++)
            {
                sum += digits[i] * (9 - i);
            }

            var check = sum % 11;
            if (check < 10)
            {
                digits[8] = check;
                return string.Concat(digits);
            }
        }
    }
}
