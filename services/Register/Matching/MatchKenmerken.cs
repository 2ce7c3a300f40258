using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Register.Matching;

/// <summary>What a regio supplies about one person, in clear, as it arrives; never stored as such.</summary>
public sealed record PersoonGegevens(
    string Voornamen, string Tussenvoegsel, string Achternaam, DateOnly? Geboortedatum, Geslacht Geslacht,
    string Postcode, int Huisnummer, string HuisnummerToevoeging);

/// <summary>
/// The keyed form of a person's identifying data that the register stores and compares (ADR 0017): keyed
/// hashes for equality, keyed Bloom filters of name bigrams for similarity, sex as a code. Nothing in it can
/// be turned back into a name, date or address without the matching key.
/// </summary>
public sealed class MatchKenmerken
{
    public const int HashBytes = 16;
    public const int BloomBytes = 64;
    // Version 2 added TweedeVoornaam at the end; version 3 gives each variant its deletion position. Older rows
    // are still read (without the second given name; variants without positions compare as before).
    private const byte Version = 3;

    /// <summary>A variant: the deletion position (0 for the name itself) and an 8-byte keyed hash.</summary>
    public const int VariantBytes = 9;
    private static readonly byte[] Empty = [];

    public byte[] Achternaam { get; init; } = Empty;
    public byte[] AchternaamKlank { get; init; } = Empty;
    public byte[] AchternaamBloom { get; init; } = Empty;
    public byte[] Roepnaam { get; init; } = Empty;
    public byte[] RoepnaamBloom { get; init; } = Empty;
    public byte[] Initiaal { get; init; } = Empty;

    /// <summary>
    /// Keyed 8-byte hashes of the name and of every form with one letter deleted: two names share one when
    /// they differ by one typo (a letter replaced, dropped, added, or two neighbours swapped).
    /// </summary>
    public byte[] AchternaamVarianten { get; init; } = Empty;
    public byte[] RoepnaamVarianten { get; init; } = Empty;

    /// <summary>Bytes per variant: <see cref="VariantBytes"/>, or 8 (no position) in rows of version 1 and 2.</summary>
    public int VariantGrootte { get; init; } = VariantBytes;
    public bool AlleenInitialen { get; init; }

    /// <summary>The second given name: it tells a typo in a short first name (Daaj Jan, Daan Jan) from a twin.</summary>
    public byte[] TweedeVoornaam { get; init; } = Empty;

    /// <summary>The whole date, and the date with day and month exchanged when both are at most 12.</summary>
    public byte[] Geboortedatum { get; init; } = Empty;
    public byte[] GeboortedatumGewisseld { get; init; } = Empty;

    /// <summary>Two of year, month, day: a typo in one part keeps two pairs equal.</summary>
    public byte[] JaarMaand { get; init; } = Empty;
    public byte[] JaarDag { get; init; } = Empty;
    public byte[] MaandDag { get; init; } = Empty;
    public Geslacht Geslacht { get; init; }
    public byte[] Postcode { get; init; } = Empty;
    public byte[] Adres { get; init; } = Empty;

    /// <summary>Blocking keys: a candidate must share at least one (see <see cref="MatchKenmerkenFactory"/>).</summary>
    public IReadOnlyList<byte[]> Blokken { get; init; } = [];

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version);
        writer.Write((byte)Geslacht);
        writer.Write(AlleenInitialen);
        foreach (var field in Fields())
        {
            writer.Write((ushort)field.Length);
            writer.Write(field);
        }

        writer.Flush();
        return stream.ToArray();
    }

    public static MatchKenmerken FromBytes(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var version = reader.ReadByte();
        if (version is not (1 or 2 or Version))
        {
            throw new InvalidDataException("Unknown version of stored match features.");
        }

        var geslacht = (Geslacht)reader.ReadByte();
        var alleenInitialen = reader.ReadBoolean();
        byte[] Next() => reader.ReadBytes(reader.ReadUInt16());
        return new MatchKenmerken
        {
            Geslacht = geslacht,
            AlleenInitialen = alleenInitialen,
            Achternaam = Next(),
            AchternaamKlank = Next(),
            AchternaamBloom = Next(),
            Roepnaam = Next(),
            RoepnaamBloom = Next(),
            Initiaal = Next(),
            Geboortedatum = Next(),
            GeboortedatumGewisseld = Next(),
            JaarMaand = Next(),
            JaarDag = Next(),
            MaandDag = Next(),
            Postcode = Next(),
            Adres = Next(),
            AchternaamVarianten = Next(),
            RoepnaamVarianten = Next(),
            TweedeVoornaam = version >= 2 ? Next() : Empty,
            VariantGrootte = version >= 3 ? VariantBytes : 8,
        };
    }

    private IEnumerable<byte[]> Fields() =>
    [
        Achternaam, AchternaamKlank, AchternaamBloom, Roepnaam, RoepnaamBloom, Initiaal, Geboortedatum,
        GeboortedatumGewisseld, JaarMaand, JaarDag, MaandDag, Postcode, Adres, AchternaamVarianten, RoepnaamVarianten,
        TweedeVoornaam,
    ];

    /// <summary>
    /// Whether two names are one typo apart: they share a variant, and the deletions were at the same position
    /// (a letter replaced) or neighbouring ones (two letters swapped), or one side is the name itself (a letter
    /// dropped or added). Without the position check Boer and Berg would pass: "ber" is a deletion of both, at
    /// positions 1 and 3, but they are two edits apart. Variants without positions (old rows) share a hash only.
    /// </summary>
    public static bool DeelVariant(byte[] a, int grootteA, byte[] b, int grootteB)
    {
        var posities = grootteA == VariantBytes && grootteB == VariantBytes;
        for (var i = 0; i + grootteA <= a.Length; i += grootteA)
        {
            var hashA = a.AsSpan(i + grootteA - 8, 8);
            for (var j = 0; j + grootteB <= b.Length; j += grootteB)
            {
                if (hashA.SequenceEqual(b.AsSpan(j + grootteB - 8, 8)) &&
                    (!posities || a[i] == 0 || b[j] == 0 || Math.Abs(a[i] - b[j]) <= 1))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Dice coefficient of two Bloom filters: 2|A∩B| / (|A|+|B|); 0 when either is absent.</summary>
    public static double Dice(byte[] a, byte[] b)
    {
        if (a.Length == 0 || b.Length != a.Length)
        {
            return 0;
        }

        int both = 0, total = 0;
        for (var i = 0; i < a.Length; i += 8)
        {
            var x = BinaryPrimitives.ReadUInt64LittleEndian(a.AsSpan(i));
            var y = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i));
            both += BitOperations.PopCount(x & y);
            total += BitOperations.PopCount(x) + BitOperations.PopCount(y);
        }

        return total == 0 ? 0 : 2.0 * both / total;
    }
}

/// <summary>
/// Turns clear person data into <see cref="MatchKenmerken"/> with the matching key. Every hash is an
/// HMAC-SHA256 with a field label, truncated to 16 bytes: equal inputs give equal hashes within one key,
/// and labels keep a surname from ever equalling a first name.
/// </summary>
public sealed class MatchKenmerkenFactory(byte[] key)
{
    // Bloom filter of bigrams (Schnell et al. 2009): each bigram sets this many of the 512 bits.
    private const int BloomHashes = 12;
    private const int BloomBits = MatchKenmerken.BloomBytes * 8;

    public MatchKenmerken Create(PersoonGegevens p)
    {
        var naam = DutchNames.Normaliseer(p.Voornamen, p.Tussenvoegsel, p.Achternaam);
        var klank = DutchNames.Klank(naam.Achternaam);
        var roepnaamKlank = DutchNames.Klank(naam.Roepnaam);
        var postcode = NormalisePostcode(p.Postcode);
        var datum = p.Geboortedatum;

        var blokken = new List<byte[]>();
        if (datum is { } d)
        {
            // The date in a day/month order-free form, so a swapped day and month still block together.
            var datumSleutel = $"{d.Year}:{Math.Min(d.Day, d.Month)}:{Math.Max(d.Day, d.Month)}";
            if (klank.Length > 0)
            {
                blokken.Add(Hash("blok-achternaam-jaar", $"{klank}|{d.Year}"));
            }

            if (postcode.Length > 0)
            {
                blokken.Add(Hash("blok-datum-postcode", $"{datumSleutel}|{postcode}"));
            }

            if (roepnaamKlank.Length > 0)
            {
                blokken.Add(Hash("blok-roepnaam-datum", $"{roepnaamKlank}|{datumSleutel}"));
            }
        }

        if (klank.Length > 0 && naam.Initiaal is { } initiaal && postcode.Length > 0)
        {
            // Without (or with a wrong) birth date a person is still found at the same address.
            blokken.Add(Hash("blok-achternaam-postcode", $"{klank}|{initiaal}|{postcode}"));
        }

        return new MatchKenmerken
        {
            Achternaam = Optional("achternaam", naam.Achternaam),
            AchternaamKlank = Optional("achternaam-klank", klank),
            AchternaamBloom = Bloom("achternaam-bigram", naam.Achternaam),
            Roepnaam = Optional("roepnaam", naam.Roepnaam),
            RoepnaamBloom = Bloom("roepnaam-bigram", naam.Roepnaam),
            Initiaal = naam.Initiaal is { } i ? Hash("initiaal", i.ToString()) : [],
            AchternaamVarianten = Varianten("achternaam-variant", naam.Achternaam.Replace(" ", "", StringComparison.Ordinal)),
            RoepnaamVarianten = Varianten("roepnaam-variant", naam.Roepnaam),
            TweedeVoornaam = Optional("tweede-voornaam", naam.TweedeVoornaam),
            AlleenInitialen = naam.AlleenInitialen,
            Geboortedatum = datum is { } a ? Hash("datum", $"{a.Year}-{a.Month}-{a.Day}") : [],
            GeboortedatumGewisseld = datum is { Day: <= 12 } b && b.Day != b.Month ? Hash("datum", $"{b.Year}-{b.Day}-{b.Month}") : [],
            JaarMaand = datum is { } c ? Hash("jaar-maand", $"{c.Year}-{c.Month}") : [],
            JaarDag = datum is { } e ? Hash("jaar-dag", $"{e.Year}-{e.Day}") : [],
            MaandDag = datum is { } f ? Hash("maand-dag", $"{f.Month}-{f.Day}") : [],
            Geslacht = p.Geslacht,
            Postcode = Optional("postcode", postcode),
            Adres = Adres(p),
            Blokken = blokken,
        };
    }

    /// <summary>The keyed hash of postcode, house number and toevoeging; empty without postcode or number.</summary>
    public byte[] Adres(PersoonGegevens p)
    {
        var postcode = NormalisePostcode(p.Postcode);
        return postcode.Length > 0 && p.Huisnummer > 0
            ? Hash("adres", $"{postcode}|{p.Huisnummer}|{NormaliseToevoeging(p.HuisnummerToevoeging)}")
            : [];
    }

    /// <summary>"1234 ab" → "1234AB"; anything else that is not a Dutch postcode → empty.</summary>
    public static string NormalisePostcode(string value)
    {
        var compact = string.Concat(value.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        return compact.Length == 6 && compact[..4].All(char.IsAsciiDigit) && compact[0] != '0' &&
               compact[4..].All(char.IsAsciiLetterUpper)
            ? compact
            : "";
    }

    private static string NormaliseToevoeging(string value) =>
        string.Concat(value.Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();

    // Below this length one letter is too much of a name: Sem and Siem, Eva and Evi are different names.
    private const int MinVariantLengte = 4;

    private byte[] Varianten(string label, string value)
    {
        if (value.Length < MinVariantLengte)
        {
            return [];
        }

        // The first letter is kept: typos there are rare, and it stops Daan matching Jaan. A deletion that gives the
        // same string at two positions (a repeated letter) is kept at both, so a neighbour test cannot miss it.
        var varianten = new List<(int Positie, string Waarde)> { (0, value) };
        for (var i = 1; i < value.Length && i <= byte.MaxValue; i++)
        {
            varianten.Add((i, string.Concat(value.AsSpan(0, i), value.AsSpan(i + 1))));
        }

        return [.. varianten.OrderBy(v => v.Waarde, StringComparer.Ordinal).ThenBy(v => v.Positie)
            .SelectMany(v => (byte[])[(byte)v.Positie, .. Hash(label, v.Waarde)[..8]])];
    }

    private byte[] Optional(string label, string value) => value.Length == 0 ? [] : Hash(label, value);

    private byte[] Hash(string label, string value)
    {
        Span<byte> full = stackalloc byte[32];
        Mac(label + "\u001f" + value, full);
        return full[..MatchKenmerken.HashBytes].ToArray();
    }

    // A person's features take some forty HMACs (a bulk load computes them for every person); a keyed HMAC kept per
    // thread skips the key set-up that each one-shot HMAC repeats. The digests are the same.
    [ThreadStatic]
    private static (byte[] Key, IncrementalHash Hmac)? _hmac;

    private void Mac(string input, Span<byte> digest)
    {
        if (_hmac is not { } hmac || !ReferenceEquals(hmac.Key, key))
        {
            _hmac = hmac = (key, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
        }

        hmac.Hmac.AppendData(Encoding.UTF8.GetBytes(input));
        hmac.Hmac.GetHashAndReset(digest);
    }

    private byte[] Bloom(string label, string value)
    {
        if (value.Length == 0)
        {
            return [];
        }

        var bits = new byte[MatchKenmerken.BloomBytes];
        var padded = "_" + value + "_";
        Span<byte> mac = stackalloc byte[32];
        for (var i = 0; i + 1 < padded.Length; i++)
        {
            Mac(string.Concat(label, "\u001f", padded.AsSpan(i, 2)), mac);
            // Double hashing (Kirsch–Mitzenmacher): positions h1 + j·h2 from one keyed digest.
            var h1 = BinaryPrimitives.ReadUInt32LittleEndian(mac);
            var h2 = BinaryPrimitives.ReadUInt32LittleEndian(mac[4..]) | 1;
            for (var j = 0u; j < BloomHashes; j++)
            {
                var bit = (int)((h1 + (j * h2)) % BloomBits);
                bits[bit / 8] |= (byte)(1 << (bit % 8));
            }
        }

        return bits;
    }
}
