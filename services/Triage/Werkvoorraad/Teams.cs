using System.Text.RegularExpressions;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <summary>
/// A team of a regio, named by the regio itself (e.g. "team-noord"). A fixed, URL- and token-safe shape rather than a
/// central list: the 26 organisations organise their teams differently and change them without a release.
/// </summary>
public static partial class Teams
{
    public const string Rule = "1–50 lowercase letters, digits and '-', starting with a letter or digit.";

    public static bool IsValid(string team) => TeamShape().IsMatch(team);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,49}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TeamShape();
}
