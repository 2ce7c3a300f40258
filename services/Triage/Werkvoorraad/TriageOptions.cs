namespace Veiligthuis.Triage.Werkvoorraad;

public sealed class TriageOptions
{
    public const string Section = "Triage";

    /// <summary>How long a claim on a werkitem lasts unless it is renewed or released.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the overdue werkitems are counted for the te_laat gauge.</summary>
    public TimeSpan TeLaatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long werkitem changes are kept for WatchWerkvoorraad.</summary>
    public TimeSpan WijzigingBewaartermijn { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the changes past <see cref="WijzigingBewaartermijn"/> are removed.</summary>
    public TimeSpan WijzigingOpruimInterval { get; set; } = TimeSpan.FromHours(1);
}
