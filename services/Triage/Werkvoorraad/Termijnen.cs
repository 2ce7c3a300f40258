using Veiligthuis.BuildingBlocks.Werkdagen;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <summary>The statutory terms that start when a melding is received (domain.md §2).</summary>
public static class Termijnen
{
    public static readonly TimeSpan AcuteCheck = TimeSpan.FromHours(2);

    public const int VeiligheidsbeoordelingWerkdagen = 5;

    /// <summary>The acute-unsafety check is due two clock hours after receipt, weekends and holidays included.</summary>
    public static DateTimeOffset AcuteCheckUiterlijk(DateTimeOffset ontvangenOp) => ontvangenOp + AcuteCheck;

    /// <summary>
    /// The veiligheidsbeoordeling is due on the fifth werkdag after the day of receipt (Amsterdam
    /// calendar day; weekends and Dutch general holidays do not count).
    /// </summary>
    public static DateOnly BeoordelingUiterlijk(DateTimeOffset ontvangenOp) =>
        WerkdagenCalendar.Nederland.AddWerkdagen(AmsterdamTime.DateOf(ontvangenOp), VeiligheidsbeoordelingWerkdagen);
}
