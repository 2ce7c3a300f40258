using Veiligthuis.Common.V1;

namespace Veiligthuis.Tools.Synthetic;

/// <summary>
/// One record of a person as a regio writes it down, with the ground truth: <see cref="PersoonNr"/> is the
/// person (-1 for someone no household has), <see cref="Ruis"/> the kinds of noise applied ("+"-joined).
/// </summary>
public sealed record Waarneming(int PersoonNr, string Voornamen, string Tussenvoegsel, string Achternaam, DateOnly Geboortedatum,
    Geslacht Geslacht, string Postcode, int Huisnummer, string Bsn, string Ruis);

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

    public Waarneming Maak(Population.Persoon p, Population.Huishouden thuis, bool metRuis, bool? metBsn = null)
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
        return new Waarneming(p.Nr, voornamen, tussenvoegsel, achternaam, datum, geslacht, postcode, huisnummer, bsn,
            string.Join('+', ruis));
    }

    private bool Kans(double p) => random.NextDouble() < p;
}
