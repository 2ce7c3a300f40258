namespace Veiligthuis.Triage.Werkvoorraad;

public sealed class TriageOptions
{
    public const string Section = "Triage";

    /// <summary>How long a claim on a werkitem lasts unless it is renewed or released.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the overdue werkitems are counted for the te_laat gauge.</summary>
    public TimeSpan TeLaatInterval { get; set; } = TimeSpan.FromSeconds(30);
}
