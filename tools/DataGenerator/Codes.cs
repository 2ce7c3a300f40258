using Google.Protobuf.WellKnownTypes;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Tools.Synthetic;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>
/// The code mixes of domain.md §4. Seeded shares are marked; the rest are our estimates, chosen so that
/// the seeded totals come out (e.g. partnergeweld 33 % of all meldingen: 23.5 % with, 60 % without children).
/// </summary>
internal static class Codes
{
    // AA H2 2019 melder groups: with children police 74 %, other professionals 22 %, burgers 4 %;
    // without children police 92 %, burgers 1 % (the rest other professionals).
    private static readonly (MelderGroep Groep, double Kans)[] MelderMetKinderen =
        [(MelderGroep.Politie, 0.74), (MelderGroep.OverigeProfessional, 0.22), (MelderGroep.NietProfessional, 0.04)];

    private static readonly (MelderGroep Groep, double Kans)[] MelderZonderKinderen =
        [(MelderGroep.Politie, 0.92), (MelderGroep.OverigeProfessional, 0.07), (MelderGroep.NietProfessional, 0.01)];

    // Half of the meldingen with children concern suspected kindermishandeling (AA H2 2019); 10 % of those
    // without children have a type not yet registered; eergerelateerd 1 % (NL H2 2019).
    private static readonly (AardGeweld Aard, double Kans)[] AardMetKinderen =
    [
        (AardGeweld.Kindermishandeling, 0.50), (AardGeweld.Partnergeweld, 0.235), (AardGeweld.GeweldTegenOuders, 0.04),
        (AardGeweld.EergerelateerdGeweld, 0.01), (AardGeweld.Huwelijksdwang, 0.005), (AardGeweld.NogNietGeregistreerd, 0.10),
        (AardGeweld.OverigHuiselijkGeweld, 0.11),
    ];

    private static readonly (AardGeweld Aard, double Kans)[] AardZonderKinderen =
    [
        (AardGeweld.Partnergeweld, 0.60), (AardGeweld.Ouderenmishandeling, 0.12), (AardGeweld.GeweldTegenOuders, 0.08),
        (AardGeweld.EergerelateerdGeweld, 0.01), (AardGeweld.Huwelijksdwang, 0.005), (AardGeweld.NogNietGeregistreerd, 0.10),
        (AardGeweld.OverigHuiselijkGeweld, 0.085),
    ];

    private static readonly (AardGeweld Aard, double Kans)[] KmVormen =
    [
        (AardGeweld.FysiekeMishandeling, 0.30), (AardGeweld.EmotionelePsychischeMishandeling, 0.25), (AardGeweld.FysiekeVerwaarlozing, 0.15),
        (AardGeweld.EmotionelePsychischeVerwaarlozing, 0.15), (AardGeweld.SeksueleMishandeling, 0.05), (AardGeweld.GetuigeVanPartnergeweld, 0.10),
    ];

    // Adviezen NL H2 2019: 50 % kindermishandeling.
    private static readonly (AardGeweld Aard, double Kans)[] AardAdvies =
    [
        (AardGeweld.Kindermishandeling, 0.50), (AardGeweld.Partnergeweld, 0.28), (AardGeweld.Ouderenmishandeling, 0.06),
        (AardGeweld.GeweldTegenOuders, 0.04), (AardGeweld.EergerelateerdGeweld, 0.01), (AardGeweld.OverigHuiselijkGeweld, 0.11),
    ];

    private static readonly (Organisatie Organisatie, double Kans)[] OrganisatieMetKinderen =
    [
        (Organisatie.Onderwijs, 0.25), (Organisatie.Kinderopvang, 0.08), (Organisatie.Jeugdhulp, 0.20), (Organisatie.Gezondheidszorg, 0.20),
        (Organisatie.Ziekenhuis, 0.07), (Organisatie.MaatschappelijkeOndersteuning, 0.12), (Organisatie.GgzVolwassenen, 0.03), (Organisatie.Overig, 0.05),
    ];

    private static readonly (Organisatie Organisatie, double Kans)[] OrganisatieZonderKinderen =
    [
        (Organisatie.Gezondheidszorg, 0.30), (Organisatie.MaatschappelijkeOndersteuning, 0.30), (Organisatie.GgzVolwassenen, 0.15),
        (Organisatie.Ziekenhuis, 0.10), (Organisatie.Overig, 0.15),
    ];

    // Among burgers neighbours outnumber relatives and the directbetrokkene (AA H2 2019).
    private static readonly (MelderRol Rol, double Kans)[] Rollen =
    [
        (MelderRol.Buur, 0.40), (MelderRol.Familielid, 0.25), (MelderRol.Slachtoffer, 0.15), (MelderRol.Directbetrokkene, 0.10), (MelderRol.Omstander, 0.10),
    ];

    private static readonly ((Functie Functie, Organisatie Organisatie) Vrager, double Kans)[] Professionals =
    [
        ((Functie.Leerkracht, Organisatie.Onderwijs), 0.20), ((Functie.Huisarts, Organisatie.Gezondheidszorg), 0.15),
        ((Functie.Jeugdverpleegkundige, Organisatie.Gezondheidszorg), 0.12), ((Functie.Wijkteammedewerker, Organisatie.MaatschappelijkeOndersteuning), 0.20),
        ((Functie.Politieagent, Organisatie.Justitie), 0.08), ((Functie.Overig, Organisatie.Jeugdhulp), 0.10), ((Functie.Overig, Organisatie.Kinderopvang), 0.05),
        ((Functie.Overig, Organisatie.Ziekenhuis), 0.04), ((Functie.Overig, Organisatie.GgzVolwassenen), 0.04), ((Functie.Overig, Organisatie.Overig), 0.02),
    ];

    private static readonly (VermoedelijkeDuur Duur, double Kans)[] Duren =
    [
        (VermoedelijkeDuur.Onbekend, 0.20), (VermoedelijkeDuur.Eenmalig, 0.20), (VermoedelijkeDuur.Kortdurend, 0.25), (VermoedelijkeDuur.Langdurend, 0.35),
    ];

    /// <summary>The aard of a melding, the main one first (it shapes the household).</summary>
    public static AardGeweld[] AardMelding(Random random, bool metKinderen)
    {
        var hoofd = Trek(random, metKinderen ? AardMetKinderen : AardZonderKinderen);
        return hoofd switch
        {
            AardGeweld.Kindermishandeling => [hoofd, Trek(random, KmVormen)],
            // Children in a household with partnergeweld witness it more often than not.
            AardGeweld.Partnergeweld when metKinderen && random.NextDouble() < 0.7 => [hoofd, AardGeweld.GetuigeVanPartnergeweld],
            _ => [hoofd],
        };
    }

    public static CreateMeldingRequest Melding(Random random, Population namen, MeldingSlot melding)
    {
        var metKinderen = melding.Gezin.MetKinderen;
        var groep = Trek(random, metKinderen ? MelderMetKinderen : MelderZonderKinderen);
        var melder = groep switch
        {
            MelderGroep.Politie => new Melder { Groep = groep, Betrokkenheid = Betrokkenheid.Beroepsmatig, Organisatie = Organisatie.Justitie },
            MelderGroep.OverigeProfessional => new Melder
            {
                Groep = groep, Betrokkenheid = Betrokkenheid.Beroepsmatig,
                Organisatie = Trek(random, metKinderen ? OrganisatieMetKinderen : OrganisatieZonderKinderen),
            },
            // A burger may stay anonymous (domain.md §1.2); professionals report under the Meldcode with their name.
            _ => new Melder { Groep = groep, Betrokkenheid = Betrokkenheid.NietBeroepsmatig, Rol = Trek(random, Rollen), Anoniem = random.NextDouble() < 0.3 },
        };

        var request = new CreateMeldingRequest
        {
            RequestId = melding.RequestId,
            OntvangenOp = Timestamp.FromDateTimeOffset(melding.Moment),
            Melder = melder,
            Aard = { melding.Aard },
            VermoedelijkeDuur = Trek(random, Duren),
            AanvullendeInformatie = { Aanvullend(random, metKinderen, melding.Aard[0]) },
            Huishouden = new Huishouden { Postcode = melding.Gezin.Postcode, Huisnummer = melding.Gezin.Huisnummer, Toevoeging = melding.Gezin.Toevoeging },
            Betrokkenen = { melding.Gezin.Leden.Select(Betrokkene) },
        };

        if (!melder.Anoniem)
        {
            var (tv, achternaam) = namen.Achternaam();
            var man = random.Next(2) == 0;
            request.MelderIdentiteit = new MelderIdentiteit
            {
                Naam = $"{namen.Voornaam(man)} {(tv.Length > 0 ? tv + " " : "")}{achternaam}",
                Telefoonnummer = $"06 {random.Next(10_000_000, 100_000_000)}",
                Email = random.NextDouble() < 0.3 ? $"melder-{random.Next(1_000_000)}@example.nl" : "",
            };
        }

        return request;
    }

    public static CreateAdviesRequest Advies(Random random, Regio regio, string requestId, DateOnly start, DateOnly laatsteDag)
    {
        // Adviezen NL H2 2019: 55 % professional askers, 17 % conflictscheiding.
        var beroepsmatig = random.NextDouble() < 0.55;
        var vrager = new Adviesvrager { Betrokkenheid = beroepsmatig ? Betrokkenheid.Beroepsmatig : Betrokkenheid.NietBeroepsmatig };
        if (beroepsmatig)
        {
            (vrager.Functie, vrager.Organisatie) = Trek(random, Professionals);
        }
        else
        {
            vrager.Rol = Trek(random, Rollen);
        }

        var aard = Trek(random, AardAdvies);
        var request = new CreateAdviesRequest
        {
            RequestId = requestId,
            Startdatum = Datum(start),
            Aard = { aard == AardGeweld.Kindermishandeling ? new[] { aard, Trek(random, KmVormen) } : new[] { aard } },
            VermoedelijkeDuur = Trek(random, Duren),
            Adviesvrager = vrager,
            // Anonymous advice records no gemeente (domain.md §1.2); citizens ask anonymously far more often.
            Anoniem = random.NextDouble() < (beroepsmatig ? 0.05 : 0.4),
        };

        if (random.NextDouble() < 0.17)
        {
            request.AanvullendeInformatie.Add(AanvullendeInformatie.Conflictscheiding);
        }

        if (!request.Anoniem)
        {
            request.Gemeente = Gemeenten.Kies(regio, random);
        }

        // One advies may span several contacts; most are closed within two weeks.
        if (random.NextDouble() < 0.7)
        {
            var eind = start.AddDays(random.Next(15));
            request.Einddatum = Datum(eind > laatsteDag ? laatsteDag : eind);
        }

        return request;
    }

    private static List<AanvullendeInformatie> Aanvullend(Random random, bool metKinderen, AardGeweld hoofd)
    {
        var result = new List<AanvullendeInformatie>();
        void Misschien(AanvullendeInformatie code, double kans)
        {
            if (random.NextDouble() < kans)
            {
                result.Add(code);
            }
        }

        Misschien(AanvullendeInformatie.Conflictscheiding, metKinderen ? 0.12 : 0.02);
        Misschien(AanvullendeInformatie.Verslaving, 0.10);
        Misschien(AanvullendeInformatie.Psychiatrie, 0.08);
        Misschien(AanvullendeInformatie.Lvb, 0.04);
        Misschien(AanvullendeInformatie.OntspoordeMantelzorg, hoofd == AardGeweld.Ouderenmishandeling ? 0.3 : 0.01);
        return result;
    }

    private static Betrokkene Betrokkene(Lid lid) => new()
    {
        Rol = lid.Rol,
        Persoon = new PersoonIdentiteit
        {
            Voornamen = lid.Voornamen,
            Tussenvoegsel = lid.Tussenvoegsel,
            Achternaam = lid.Achternaam,
            Geboortedatum = Datum(lid.Geboren),
            Geslacht = lid.Geslacht,
            Bsn = lid.Bsn,
        },
    };

    private static Google.Type.Date Datum(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static T Trek<T>(Random random, (T Waarde, double Kans)[] keuzes)
    {
        var pick = random.NextDouble() * keuzes.Sum(k => k.Kans);
        foreach (var (waarde, kans) in keuzes)
        {
            pick -= kans;
            if (pick < 0)
            {
                return waarde;
            }
        }

        return keuzes[^1].Waarde;
    }
}
