using System.Text;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.Matching;

namespace Veiligthuis.Benchmarks.RegisterMatching;

/// <summary>
/// Turns a person into the record another regio would write down: typos, swapped day and month, diacritics
/// and case, the tussenvoegsel in the wrong field, initials only, missing fields, a move, with or without BSN.
/// Each kind of noise has its own rate; a record may carry several.
/// </summary>
public sealed class Noise(Random random)
{
    public const double BsnAanwezig = 0.4;
    public const double TypoAchternaam = 0.08;
    public const double TypoVoornaam = 0.08;
    public const double Diakrieten = 0.1;
    public const double TussenvoegselVerkeerd = 0.1;
    public const double AlleenInitialen = 0.04;
    public const double DagMaandGewisseld = 0.03;
    public const double GeslachtOntbreekt = 0.1;
    public const double AdresOntbreekt = 0.1;
    public const double Verhuisd = 0.3;

    public Record Maak(Population.Persoon p, Population.Huishouden thuis, bool metRuis, bool? metBsn = null)
    {
        var ruis = new List<string>();
        var voornamen = p.Voornamen;
        var tussenvoegsel = p.Tussenvoegsel;
        var achternaam = p.Achternaam;
        var datum = p.Geboortedatum;
        var geslacht = p.Geslacht;
        var postcode = thuis.Postcode;
        var huisnummer = thuis.Huisnummer;
        if (metRuis)
        {
            if (Kans(TypoAchternaam))
            {
                achternaam = Typo(achternaam);
                ruis.Add("typo-achternaam");
            }

            if (Kans(TypoVoornaam))
            {
                voornamen = Typo(voornamen);
                ruis.Add("typo-voornaam");
            }

            if (Kans(Diakrieten))
            {
                (voornamen, achternaam) = (Diakriet(voornamen), random.Next(2) == 0 ? achternaam.ToUpperInvariant() : Diakriet(achternaam));
                ruis.Add("diakrieten");
            }

            if (tussenvoegsel.Length > 0 && Kans(TussenvoegselVerkeerd))
            {
                (tussenvoegsel, achternaam) = ("", $"{tussenvoegsel} {achternaam}");
                ruis.Add("tussenvoegsel");
            }

            if (Kans(AlleenInitialen))
            {
                // The administrative form: "Jansen, P.J. van".
                var initialen = string.Concat(voornamen.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => char.ToUpperInvariant(v[0]) + "."));
                (voornamen, achternaam, tussenvoegsel) = ("", $"{achternaam}, {initialen}{(tussenvoegsel.Length > 0 ? " " + tussenvoegsel : "")}", "");
                ruis.Add("initialen");
            }

            if (datum.Day <= 12 && datum.Day != datum.Month && Kans(DagMaandGewisseld))
            {
                datum = new DateOnly(datum.Year, datum.Day, datum.Month);
                ruis.Add("dag-maand");
            }

            if (Kans(GeslachtOntbreekt))
            {
                geslacht = Geslacht.Onbekend;
            }

            if (Kans(Verhuisd))
            {
                postcode = $"{random.Next(1000, 10000)}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}";
                huisnummer = random.Next(1, 250);
                ruis.Add("verhuisd");
            }
            else if (Kans(AdresOntbreekt))
            {
                (postcode, huisnummer) = ("", 0);
                ruis.Add("geen-adres");
            }
        }

        var bsn = metBsn ?? Kans(BsnAanwezig) ? p.Bsn : "";
        return new Record(p.Nr, new PersoonGegevens(voornamen, tussenvoegsel, achternaam, datum, geslacht, postcode, huisnummer, ""),
            bsn, string.Join('+', ruis));
    }

    private bool Kans(double p) => random.NextDouble() < p;

    /// <summary>One keyboard slip: a letter replaced, dropped, doubled or two letters swapped.</summary>
    private string Typo(string value)
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

    private string Diakriet(string value)
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

    public static bool HeeftNaam(Record r) => DutchNames.Normaliseer(r.Gegevens.Voornamen, r.Gegevens.Tussenvoegsel, r.Gegevens.Achternaam)
        .Achternaam.Length > 0;
}
