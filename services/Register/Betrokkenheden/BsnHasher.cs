using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Veiligthuis.Register.Betrokkenheden;

public sealed class RegisterOptions
{
    public const string Section = "Register";

    /// <summary>HMAC keys for BSNs; the first is current, the others are still tried so keys can rotate.</summary>
    public IList<BsnHmacKey> BsnHmacKeys { get; } = [];

    public const int MinimumKeyBytes = 32;

    /// <summary>
    /// The key of the keyed hashes and Bloom filters that probabilistic matching stores (ADR 0017); separate
    /// from the BSN keys, because stored features cannot be re-keyed without the clear data.
    /// </summary>
    public BsnHmacKey MatchingKey { get; set; } = new();

    /// <summary>
    /// How long an ended betrokkenheid is kept after its einddatum: "&lt;n&gt;y" years or "&lt;n&gt;d" days.
    /// The default of 20 years is a proposal (ADR 0013): the seeds give no retention period.
    /// </summary>
    public string Bewaartermijn { get; set; } = "20y";

    /// <summary>How often the retention job runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The last day an ended betrokkenheid is kept.</summary>
    public DateOnly BewarenTot(DateOnly einddatum)
    {
        var (jaren, dagen) = BewaartermijnDelen();
        return einddatum.AddYears(jaren).AddDays(dagen);
    }

    /// <summary>The retention period as years and days (one of them zero).</summary>
    public (int Jaren, int Dagen) BewaartermijnDelen() =>
        TryParseBewaartermijn(Bewaartermijn, out var jaren, out var dagen)
            ? (jaren, dagen)
            : throw new InvalidOperationException("Register:Bewaartermijn is not valid.");

    private static bool TryParseBewaartermijn(string value, out int jaren, out int dagen)
    {
        jaren = 0;
        dagen = 0;
        if (value.Length < 2 ||
            !int.TryParse(value.AsSpan(0, value.Length - 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return false;
        }

        switch (value[^1])
        {
            case 'y':
                jaren = n;
                return true;
            case 'd':
                dagen = n;
                return true;
            default:
                return false;
        }
    }

    public bool IsValid() =>
        TryParseBewaartermijn(Bewaartermijn, out _, out _) && RetentionInterval > TimeSpan.Zero &&
        BsnHmacKeys.Count > 0 &&
        BsnHmacKeys.Select(k => k.Id).Distinct(StringComparer.Ordinal).Count() == BsnHmacKeys.Count &&
        BsnHmacKeys.All(k => !string.IsNullOrWhiteSpace(k.Id) && DecodedLength(k.Key) >= MinimumKeyBytes) &&
        !string.IsNullOrWhiteSpace(MatchingKey.Id) && DecodedLength(MatchingKey.Key) >= MinimumKeyBytes;

    private static int DecodedLength(string key)
    {
        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key, buffer, out var written) ? written : 0;
    }
}

public sealed class BsnHmacKey
{
    public string Id { get; set; } = "";

    /// <summary>Base64, at least 32 bytes; from a secret, never from a checked-in file outside development.</summary>
    public string Key { get; set; } = "";
}

/// <summary>
/// Turns a BSN into the keyed hash the register stores; the BSN itself is never stored or logged.
/// </summary>
public sealed class BsnHasher(IOptions<RegisterOptions> options)
{
    private readonly (string Id, byte[] Key)[] _keys =
        [.. options.Value.BsnHmacKeys.Select(k => (k.Id, Convert.FromBase64String(k.Key)))];

    public string CurrentKeyId => _keys[0].Id;

    public byte[] Current(string bsn) => Hash(_keys[0].Key, bsn);

    /// <summary>The hash under every configured key, current first: a lookup matches rows of any key.</summary>
    public byte[][] All(string bsn) => [.. _keys.Select(k => Hash(k.Key, bsn))];

    private static byte[] Hash(byte[] key, string bsn) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(bsn));
}
