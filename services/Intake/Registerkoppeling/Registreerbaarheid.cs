using Veiligthuis.Common.V1;
using Veiligthuis.Intake.Meldingen;

namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>Which betrokkenen the register can take, and as what.</summary>
public static class Registreerbaarheid
{
    /// <summary>A BSN, or the achternaam, voornamen and geboortedatum probabilistic matching needs (ADR 0017).</summary>
    public static bool IsRegistreerbaar(BetrokkeneRecord b) =>
        !string.IsNullOrEmpty(b.Bsn) || (b.Achternaam.Length > 0 && b.Voornamen.Length > 0 && b.Geboortedatum is not null);

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
