using System.Security.Cryptography;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Register.Tests;

/// <summary>The register with one BSN key, "a".</summary>
public sealed class RegisterApp() : ServiceApp<Program>("register"), IAsyncLifetime
{
    public static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public static readonly string MatchingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static KeyValuePair<string, string>[] Matching =>
        [new("Register:MatchingKey:Id", "m"), new("Register:MatchingKey:Key", MatchingKey)];

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Register:BsnHmacKeys:0:Id", "a"),
        new("Register:BsnHmacKeys:0:Key", KeyA),
        .. Matching,
    ];
}

/// <summary>The register after a key rotation: key "b" is current, "a" still matches; on another app's database.</summary>
public sealed class RotatedRegisterApp(string connectionString) : ServiceApp<Program>("register"), IAsyncLifetime
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("ConnectionStrings:register", connectionString),
        new("Register:BsnHmacKeys:0:Id", "b"),
        new("Register:BsnHmacKeys:0:Key", RegisterApp.KeyB),
        new("Register:BsnHmacKeys:1:Id", "a"),
        new("Register:BsnHmacKeys:1:Key", RegisterApp.KeyA),
        .. RegisterApp.Matching,
    ];
}

[CollectionDefinition(nameof(RegisterCollection))]
public sealed class RegisterCollection : ICollectionFixture<RegisterApp>;

/// <summary>The register with a key too short to be safe.</summary>
public sealed class WeakKeyRegisterApp() : ServiceApp<Program>("register"), IAsyncLifetime
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Register:BsnHmacKeys:0:Id", "zwak"),
        new("Register:BsnHmacKeys:0:Key", Convert.ToBase64String(new byte[16])),
        .. RegisterApp.Matching,
    ];
}

/// <summary>The register with a retention period of one day, on its own database.</summary>
public sealed class RetentionRegisterApp() : ServiceApp<Program>("register"), IAsyncLifetime
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Register:BsnHmacKeys:0:Id", "a"),
        new("Register:BsnHmacKeys:0:Key", RegisterApp.KeyA),
        new("Register:Bewaartermijn", "1d"),
        .. RegisterApp.Matching,
    ];
}
