namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>Settings under <c>Registerkoppeling</c>: how often and how patiently intake registers betrokkenen (ADR 0020).</summary>
public sealed class RegisterkoppelingOptions
{
    public const string Section = "Registerkoppeling";

    /// <summary>How often the worker looks for due koppelingen.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after the first failed attempt; it doubles per attempt up to <see cref="MaxWachttijd"/>.</summary>
    public TimeSpan EersteWachttijd { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts: a koppeling is never given up, only slowed down.</summary>
    public TimeSpan MaxWachttijd { get; set; } = TimeSpan.FromHours(1);

    /// <summary>From this many failed attempts a koppeling counts as stuck: logged once and counted in the gauge.</summary>
    public int VastNaPogingen { get; set; } = 10;

    /// <summary>The deadline of one RegistreerBetrokkenheid call.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At most this many koppelingen per regio per pass, so one busy regio cannot starve the others.</summary>
    public int PerRegioPerPass { get; set; } = 50;

    /// <summary>The wait before attempt <paramref name="pogingen"/> + 1, after <paramref name="pogingen"/> failures.</summary>
    public TimeSpan Wachttijd(int pogingen)
    {
        // Doubling from EersteWachttijd; the exponent is capped so the multiplication cannot overflow.
        var factor = Math.Pow(2, Math.Min(Math.Max(pogingen - 1, 0), 30));
        var ticks = Math.Min(EersteWachttijd.Ticks * factor, MaxWachttijd.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
