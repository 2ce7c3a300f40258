namespace Veiligthuis.Triage.Werkvoorraad;

public sealed class TriageOptions
{
    public const string Section = "Triage";

    /// <summary>How long a claim on a werkitem lasts unless it is renewed or released.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(15);
}
