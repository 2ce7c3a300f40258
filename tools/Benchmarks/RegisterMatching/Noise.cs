using Veiligthuis.Common.V1;
using Veiligthuis.Register.Matching;
using Veiligthuis.Tools.Synthetic;

namespace Veiligthuis.Benchmarks.RegisterMatching;

/// <summary>One record as a regio would supply it, with the ground truth of which person it is.</summary>
public sealed record Record(int PersoonNr, PersoonGegevens Gegevens, string Bsn, string Ruis)
{
    /// <summary>A record that can be linked without a person's review on its data alone: surname, full first name and birth date.</summary>
    public bool GenoegInformatie =>
        (Gegevens.Geboortedatum is not null && DutchNames.Normaliseer(Gegevens.Voornamen, Gegevens.Tussenvoegsel, Gegevens.Achternaam) is
            { Achternaam.Length: > 0, Roepnaam.Length: > 0 });
}

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
                achternaam = Variaties.Typo(random, achternaam);
                ruis.Add("typo-achternaam");
            }

            if (Kans(TypoVoornaam))
            {
                voornamen = Variaties.Typo(random, voornamen);
                ruis.Add("typo-voornaam");
            }

            if (Kans(Diakrieten))
            {
                (voornamen, achternaam) = (Variaties.Diakriet(random, voornamen), random.Next(2) == 0 ? achternaam.ToUpperInvariant() : Variaties.Diakriet(random, achternaam));
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

            if (Variaties.KanDagMaandWisselen(datum) && Kans(DagMaandGewisseld))
            {
                datum = Variaties.DagMaandGewisseld(datum);
                ruis.Add("dag-maand");
            }

            if (Kans(GeslachtOntbreekt))
            {
                geslacht = Geslacht.Onbekend;
            }

            if (Kans(Verhuisd))
            {
                postcode = Variaties.Postcode(random);
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

    public static bool HeeftNaam(Record r) => DutchNames.Normaliseer(r.Gegevens.Voornamen, r.Gegevens.Tussenvoegsel, r.Gegevens.Achternaam)
        .Achternaam.Length > 0;
}
