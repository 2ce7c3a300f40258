using Veiligthuis.Common.V1;
using Veiligthuis.Intake.Meldingen;

namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>Which betrokkenen the register can take, and as what.</summary>
public static class Registreerbaarheid
{
    /// <summary>The register's own rule (<see cref="PersoonIdentiteitExtensions.IsZoekbaarInRegister"/>).</summary>
    public static bool IsRegistreerbaar(BetrokkeneRecord b) => ToPersoon(b).IsZoekbaarInRegister();

    public static PersoonIdentiteit ToPersoon(BetrokkeneRecord b) => new()
    {
        Voornamen = b.Voornamen,
        Tussenvoegsel = b.Tussenvoegsel,
        Achternaam = b.Achternaam,
        Geboortedatum = b.Geboortedatum is { } d ? new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day } : null,
        Geslacht = b.Geslacht,
        Bsn = b.Bsn ?? "",
    };
}
