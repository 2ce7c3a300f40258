using System.Globalization;

namespace Veiligthuis.Intake.Casussen;

/// <summary>
/// The readable casusnummer: <c>VT-&lt;REGIO&gt;-&lt;year&gt;-&lt;sequence&gt;</c>, e.g. VT-UTRECHT-2026-000042.
/// The regio part is the tenant id without its "vt-" prefix, upper case, so the number says which VT
/// it belongs to; the year is the Amsterdam calendar year in which the casus opened; the sequence
/// counts per regio, on across years, and may skip numbers (ADR 0016).
/// </summary>
public static class Casusnummer
{
    public static string Format(string regio, int jaar, long volgnummer) => string.Create(CultureInfo.InvariantCulture,
        $"VT-{regio["vt-".Length..].ToUpperInvariant()}-{jaar:D4}-{volgnummer:D6}");
}
