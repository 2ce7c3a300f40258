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
        $"{Prefix(regio, jaar)}{volgnummer:D6}");

    /// <summary>Everything before the sequence: the database appends the number it draws (migration 0011) the same way.</summary>
    public static string Prefix(string regio, int jaar) => string.Create(CultureInfo.InvariantCulture,
        $"VT-{regio["vt-".Length..].ToUpperInvariant()}-{jaar:D4}-");
}
