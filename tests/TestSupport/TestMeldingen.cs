using Google.Protobuf.WellKnownTypes;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.TestSupport;

/// <summary>
/// A valid melding request: police, beroepsmatig, partnergeweld witnessed by children, about a
/// huishouden of its own (a random address) with a slachtoffer, a vermoedelijk pleger and a kind.
/// </summary>
public static class TestMeldingen
{
    /// <summary>A name no other field of a melding contains, so tests can search for it in any payload.</summary>
    public const string MelderNaam = "Melder-Geheim-Wachtmeester";
    public const string MelderTelefoon = "+31 6 9876 5432";
    public const string MelderEmail = "melder.geheim@politie.example";

    public static CreateMeldingRequest Valid(DateTimeOffset? ontvangenOp = null, Huishouden? huishouden = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        OntvangenOp = Timestamp.FromDateTimeOffset(ontvangenOp ?? DateTimeOffset.UtcNow.AddMinutes(-10)),
        Melder = new Melder
        {
            Groep = MelderGroep.Politie,
            Betrokkenheid = Betrokkenheid.Beroepsmatig,
            Organisatie = Organisatie.Justitie,
        },
        Aard = { AardGeweld.Partnergeweld, AardGeweld.GetuigeVanPartnergeweld },
        VermoedelijkeDuur = VermoedelijkeDuur.Langdurend,
        AanvullendeInformatie = { AanvullendeInformatie.Verslaving },
        Huishouden = huishouden ?? RandomHuishouden(),
        Betrokkenen =
        {
            Persoon(BetrokkeneRol.Slachtoffer, "Sanne", "Testpersoon-Jansen", new(1988, 4, 12), Geslacht.Vrouw, Bsn()),
            Persoon(BetrokkeneRol.VermoedelijkPleger, "Kees", "Testpersoon-Jansen", new(1985, 9, 30), Geslacht.Man, ""),
            Persoon(BetrokkeneRol.Kind, "Lotte", "Testpersoon-Jansen", new(2018, 1, 5), Geslacht.Vrouw, Bsn()),
        },
        MelderIdentiteit = new MelderIdentiteit { Naam = MelderNaam, Telefoonnummer = MelderTelefoon, Email = MelderEmail },
    };

    /// <summary>An address that in practice no other test uses (first letter before S: never SA, SD or SS).</summary>
    public static Huishouden RandomHuishouden() => new()
    {
        Postcode = $"{Random.Shared.Next(1000, 10000)} {(char)('A' + Random.Shared.Next(0, 18))}{(char)('A' + Random.Shared.Next(0, 26))}",
        Huisnummer = Random.Shared.Next(1, 99999),
        Toevoeging = Random.Shared.Next(0, 2) == 0 ? "" : "A",
    };

    public static Betrokkene Persoon(BetrokkeneRol rol, string voornamen, string achternaam, DateOnly geboortedatum,
        Geslacht geslacht, string bsn) => new()
    {
        Rol = rol,
        Persoon = new PersoonIdentiteit
        {
            Voornamen = voornamen,
            Achternaam = achternaam,
            Geboortedatum = new Google.Type.Date { Year = geboortedatum.Year, Month = geboortedatum.Month, Day = geboortedatum.Day },
            Geslacht = geslacht,
            Bsn = bsn,
        },
    };

    /// <summary>A random nine-digit number that passes the elfproef.</summary>
    public static string Bsn()
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 8).Select(i => Random.Shared.Next(i == 0 ? 1 : 0, 10)).ToArray();
            var check = digits.Select((d, i) => d * (9 - i)).Sum() % 11;
            if (check < 10)
            {
                return string.Concat(digits) + check;
            }
        }
    }
}
