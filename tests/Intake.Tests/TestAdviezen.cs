using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Tests;

/// <summary>Valid advies requests: a huisarts asking about suspected kindermishandeling, or an anonymous neighbour.</summary>
internal static class TestAdviezen
{
    public static DateOnly Yesterday => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);

    public static CreateAdviesRequest Professional(DateOnly? startdatum = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Startdatum = ToDate(startdatum ?? Yesterday),
        Gemeente = "GM0363",
        Aard = { AardGeweld.Kindermishandeling, AardGeweld.GetuigeVanPartnergeweld },
        AanvullendeInformatie = { AanvullendeInformatie.Conflictscheiding },
        VermoedelijkeDuur = VermoedelijkeDuur.Kortdurend,
        Adviesvrager = new Adviesvrager
        {
            Betrokkenheid = Betrokkenheid.Beroepsmatig,
            Functie = Functie.Huisarts,
            Organisatie = Organisatie.Gezondheidszorg,
        },
    };

    public static CreateAdviesRequest AnonymousNeighbour(DateOnly? startdatum = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Startdatum = ToDate(startdatum ?? Yesterday),
        Anoniem = true,
        Aard = { AardGeweld.Partnergeweld },
        Adviesvrager = new Adviesvrager { Betrokkenheid = Betrokkenheid.NietBeroepsmatig, Rol = MelderRol.Buur },
    };

    public static Google.Type.Date ToDate(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };
}
