using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Tools.Synthetic;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>One person of a generated household; <see cref="Nr"/> is the ground truth of who it is.</summary>
public sealed record Lid(int Nr, string Voornamen, string Tussenvoegsel, string Achternaam, DateOnly Geboren, Geslacht Geslacht,
    string Bsn, BetrokkeneRol Rol);

/// <summary>A household as one melding describes it: an address and the persons involved.</summary>
public sealed record Gezin(string Postcode, int Huisnummer, string Toevoeging, IReadOnlyList<Lid> Leden)
{
    public bool MetKinderen => Leden.Any(l => l.Rol == BetrokkeneRol.Kind);
}

/// <summary>
/// Builds households that fit the aard of a melding (partners for partnergeweld, an elderly parent for
/// ouderenmishandeling, ...) and the variants another regio records of the same household.
/// </summary>
public sealed class Huishoudens(Random random, Population namen, DateOnly peildatum)
{
    // Most betrokkenen are known in the BRP, but not all: a first contact often lacks the number.
    private const double BsnVolwassene = 0.85;
    private const double BsnKind = 0.92;

    private int _volgnummer;

    public Gezin MetKinderen(AardGeweld hoofdaard)
    {
        var (tv, achternaam) = namen.Achternaam();
        var kinderen = 1 + Trek([0.40, 0.35, 0.17, 0.08]);
        var jongste = peildatum.AddDays(-random.Next(30, 16 * 365));
        var leden = new List<Lid>();
        var moederGeboren = jongste.AddYears(-random.Next(20, 42)).AddDays(-random.Next(365));
        // Partnergeweld needs two adults; otherwise about a third of these households has one parent.
        var tweeOuders = hoofdaard == AardGeweld.Partnergeweld || Kans(0.68);
        var moederPleger = Kans(0.15);
        var plegerBijKm = hoofdaard == AardGeweld.Kindermishandeling && Kans(0.6);
        var moederRol = hoofdaard switch
        {
            AardGeweld.Partnergeweld => moederPleger ? BetrokkeneRol.VermoedelijkPleger : BetrokkeneRol.Slachtoffer,
            AardGeweld.Kindermishandeling when plegerBijKm && (moederPleger || !tweeOuders) => BetrokkeneRol.VermoedelijkPleger,
            _ => BetrokkeneRol.OuderVerzorger,
        };
        var (mtv, machternaam) = namen.Achternaam();
        leden.Add(Persoon(false, mtv, machternaam, moederGeboren, moederRol));
        if (tweeOuders)
        {
            var vaderRol = hoofdaard switch
            {
                AardGeweld.Partnergeweld => moederPleger ? BetrokkeneRol.Slachtoffer : BetrokkeneRol.VermoedelijkPleger,
                AardGeweld.Kindermishandeling when plegerBijKm && !moederPleger => BetrokkeneRol.VermoedelijkPleger,
                _ => BetrokkeneRol.OuderVerzorger,
            };
            leden.Add(Persoon(true, tv, achternaam, moederGeboren.AddDays(random.Next(-3000, 1500)), vaderRol));
        }
        else
        {
            (tv, achternaam) = (mtv, machternaam);
        }

        var geboren = jongste;
        for (var i = 0; i < kinderen; i++)
        {
            leden.Add(Persoon(Kans(0.5), tv, achternaam, geboren, BetrokkeneRol.Kind));
            // Older siblings, but never older than 17 on the first day of the period.
            geboren = geboren.AddDays(-random.Next(400, 1500));
            if (geboren < peildatum.AddYears(-17))
            {
                break;
            }
        }

        return new Gezin(Variaties.GeldigePostcode(random), random.Next(1, 250), Toevoeging(), leden);
    }

    public Gezin ZonderKinderen(AardGeweld hoofdaard)
    {
        var (tv, achternaam) = namen.Achternaam();
        var leden = new List<Lid>();
        switch (hoofdaard)
        {
            case AardGeweld.Ouderenmishandeling:
                var oudere = peildatum.AddYears(-random.Next(65, 95)).AddDays(-random.Next(365));
                leden.Add(Persoon(Kans(0.35), tv, achternaam, oudere, BetrokkeneRol.Slachtoffer));
                leden.Add(Persoon(Kans(0.6), tv, achternaam, oudere.AddYears(random.Next(22, 38)), BetrokkeneRol.VermoedelijkPleger));
                break;
            case AardGeweld.GeweldTegenOuders:
                // Parents under 65, children up to 23 (domain.md §3.2); adult children here, minors count as kinderen.
                var ouder = peildatum.AddYears(-random.Next(40, 64)).AddDays(-random.Next(365));
                leden.Add(Persoon(Kans(0.3), tv, achternaam, ouder, BetrokkeneRol.Slachtoffer));
                leden.Add(Persoon(Kans(0.75), tv, achternaam, peildatum.AddYears(-random.Next(18, 23)).AddDays(-random.Next(365)),
                    BetrokkeneRol.VermoedelijkPleger));
                break;
            default:
                var slachtofferVrouw = Kans(0.8);
                var eerste = peildatum.AddYears(-random.Next(19, 75)).AddDays(-random.Next(365));
                var (stv, sachternaam) = namen.Achternaam();
                leden.Add(Persoon(!slachtofferVrouw, stv, sachternaam, eerste, BetrokkeneRol.Slachtoffer));
                var tweede = eerste.AddDays(random.Next(-3000, 3000));
                tweede = tweede > peildatum.AddYears(-18) ? peildatum.AddYears(-18).AddDays(-random.Next(365)) : tweede;
                leden.Add(Persoon(slachtofferVrouw, tv, achternaam, tweede,
                    hoofdaard == AardGeweld.NogNietGeregistreerd && Kans(0.5) ? BetrokkeneRol.Overig : BetrokkeneRol.VermoedelijkPleger));
                break;
        }

        return new Gezin(Variaties.GeldigePostcode(random), random.Next(1, 250), Toevoeging(), leden);
    }

    /// <summary>
    /// The same household as another regio records it after a move: a new address and, per person,
    /// the slips of a different clerk (typo, tussenvoegsel in the surname, day and month swapped, no BSN).
    /// </summary>
    public Gezin Elders(Gezin gezin)
    {
        var leden = gezin.Leden.Select(Variant).ToList();
        // Sometimes one adult is not mentioned in the new melding (left the household, or unknown to the melder).
        if (leden.Count > 2 && Kans(0.1))
        {
            var volwassene = leden.FindIndex(l => l.Rol != BetrokkeneRol.Kind);
            leden.RemoveAt(volwassene);
        }

        return new Gezin(Variaties.GeldigePostcode(random), random.Next(1, 250), Toevoeging(), leden);
    }

    private Lid Variant(Lid lid)
    {
        var (voornamen, tussenvoegsel, achternaam, geboren, bsn) = (lid.Voornamen, lid.Tussenvoegsel, lid.Achternaam, lid.Geboren, lid.Bsn);
        if (Kans(0.1))
        {
            achternaam = Variaties.Typo(random, achternaam);
        }

        if (Kans(0.08))
        {
            voornamen = Variaties.Typo(random, voornamen);
        }

        if (tussenvoegsel.Length > 0 && Kans(0.15))
        {
            (tussenvoegsel, achternaam) = ("", $"{tussenvoegsel} {achternaam}");
        }

        if (Variaties.KanDagMaandWisselen(geboren) && Kans(0.05))
        {
            geboren = Variaties.DagMaandGewisseld(geboren);
        }

        if (bsn.Length > 0 && Kans(0.3))
        {
            bsn = "";
        }

        return lid with { Voornamen = voornamen, Tussenvoegsel = tussenvoegsel, Achternaam = achternaam, Geboren = geboren, Bsn = bsn };
    }

    private Lid Persoon(bool man, string tussenvoegsel, string achternaam, DateOnly geboren, BetrokkeneRol rol)
    {
        var voornaam = namen.Voornaam(man);
        // A melding leaves the sex blank about one time in ten.
        var geslacht = Kans(0.1) ? Geslacht.Onbekend : man ? Geslacht.Man : Geslacht.Vrouw;

        // Nobody is registered before 1900, and a date of birth is never after the period starts.
        geboren = geboren.Year < 1920 ? new DateOnly(1920, geboren.Month, 1) : geboren;
        geboren = geboren >= peildatum ? peildatum.AddDays(-1) : geboren;
        var bsn = Kans(rol == BetrokkeneRol.Kind ? BsnKind : BsnVolwassene) ? namen.NieuwBsn() : "";
        return new Lid(_volgnummer++, voornaam, tussenvoegsel, achternaam, geboren, geslacht, bsn, rol);
    }

    private string Toevoeging() => Trek([0.85, 0.08, 0.04, 0.03]) switch
    {
        0 => "",
        1 => "A",
        2 => "B",
        _ => "2-HOOG",
    };

    private bool Kans(double p) => random.NextDouble() < p;

    private int Trek(double[] gewichten)
    {
        var pick = random.NextDouble() * gewichten.Sum();
        for (var i = 0; i < gewichten.Length; i++)
        {
            pick -= gewichten[i];
            if (pick < 0)
            {
                return i;
            }
        }

        return gewichten.Length - 1;
    }
}
