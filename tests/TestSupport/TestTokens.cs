using System.Security.Cryptography;
using Veiligthuis.BuildingBlocks.Security;

namespace Veiligthuis.TestSupport;

/// <summary>Development tokens signed with a key made for one test run.</summary>
public sealed class TestTokens
{
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string For(string regio, params string[] roles) =>
        DevelopmentTokens.Create(SigningKey, regio, roles.Length == 0 ? [Roles.Medewerker] : roles,
            "test-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public string Expired(string regio) =>
        DevelopmentTokens.Create(SigningKey, regio, [Roles.Medewerker], "test-expired",
            DateTimeOffset.UtcNow - TimeSpan.FromHours(2), TimeSpan.FromHours(1));

    /// <summary>A token that looks right but is signed with another key.</summary>
    public static string WronglySigned(string regio) =>
        DevelopmentTokens.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), regio, [Roles.Medewerker],
            "test-forged", DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
}
