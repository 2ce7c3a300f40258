using System.Collections.Frozen;
using Veiligthuis.Common.V1;

namespace Veiligthuis.BuildingBlocks.Security;

/// <summary>
/// The 26 tenants: the <see cref="Regio"/> enum of the contracts, the tenant id carried by tokens and
/// stored rows (domain.md §5), and the CBS region names, including the spellings CBS prints.
/// </summary>
public static class Regios
{
    private static readonly (Regio Regio, string TenantId, string Naam)[] All =
    [
        (Regio.AmsterdamAmstelland, "vt-amsterdam-amstelland", "Amsterdam-Amstelland"),
        (Regio.BrabantNoordoost, "vt-brabant-noordoost", "Brabant-Noordoost"),
        (Regio.Drenthe, "vt-drenthe", "Drenthe"),
        (Regio.Flevoland, "vt-flevoland", "Flevoland"),
        (Regio.Friesland, "vt-friesland", "Friesland"),
        (Regio.GelderlandMidden, "vt-gelderland-midden", "Gelderland-Midden"),
        (Regio.GelderlandZuid, "vt-gelderland-zuid", "Gelderland-Zuid"),
        (Regio.GooiEnVechtstreek, "vt-gooi-en-vechtstreek", "Gooi en Vechtstreek"),
        (Regio.Groningen, "vt-groningen", "Groningen"),
        (Regio.Haaglanden, "vt-haaglanden", "Haaglanden"),
        (Regio.HollandsMidden, "vt-hollands-midden", "Hollands-Midden"),
        (Regio.Ijsselland, "vt-ijsselland", "IJsselland"),
        (Regio.Kennemerland, "vt-kennemerland", "Kennemerland"),
        (Regio.MiddenBrabant, "vt-midden-brabant", "Midden-Brabant"),
        (Regio.NoordEnOostGelderland, "vt-noord-en-oost-gelderland", "Noord- en Oost-Gelderland"),
        (Regio.NoordEnMiddenLimburg, "vt-noord-en-midden-limburg", "Noord- en Midden-Limburg"),
        (Regio.NoordHollandNoord, "vt-noord-holland-noord", "Noord-Holland Noord"),
        (Regio.Twente, "vt-twente", "Twente"),
        (Regio.RotterdamRijnmond, "vt-rotterdam-rijnmond", "Rotterdam-Rijnmond"),
        (Regio.Utrecht, "vt-utrecht", "Utrecht"),
        (Regio.WestBrabant, "vt-west-brabant", "West-Brabant"),
        (Regio.ZaanstreekWaterland, "vt-zaanstreek-waterland", "Zaanstreek-Waterland"),
        (Regio.Zeeland, "vt-zeeland", "Zeeland"),
        (Regio.ZuidHollandZuid, "vt-zuid-holland-zuid", "Zuid-Holland Zuid"),
        (Regio.ZuidLimburg, "vt-zuid-limburg", "Zuid-Limburg"),
        (Regio.ZuidoostBrabant, "vt-zuidoost-brabant", "Zuidoost-Brabant"),
    ];

    // CBS prints some names differently (domain.md §5); they are accepted as aliases.
    private static readonly (string Alias, Regio Regio)[] CbsAliases =
    [
        ("Overijssel regio Twente", Regio.Twente),
        ("Noord en Oost Gelderland", Regio.NoordEnOostGelderland),
        ("Noord- en Midden Limburg", Regio.NoordEnMiddenLimburg),
    ];

    private static readonly FrozenDictionary<string, Regio> ByTenantId =
        All.ToFrozenDictionary(r => r.TenantId, r => r.Regio, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Regio, string> TenantIds =
        All.ToFrozenDictionary(r => r.Regio, r => r.TenantId);

    private static readonly FrozenDictionary<string, Regio> ByNaam =
        All.Select(r => (r.Naam, r.Regio)).Concat(CbsAliases)
            .ToFrozenDictionary(r => r.Item1, r => r.Item2, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> AllTenantIds => ByTenantId.Keys;

    public static bool IsTenantId(string? value) => value is not null && ByTenantId.ContainsKey(value);

    public static Regio FromTenantId(string tenantId) =>
        ByTenantId.TryGetValue(tenantId, out var regio)
            ? regio
            : throw new ArgumentOutOfRangeException(nameof(tenantId), "Unknown regio tenant id.");

    public static string ToTenantId(Regio regio) =>
        TenantIds.TryGetValue(regio, out var id)
            ? id
            : throw new ArgumentOutOfRangeException(nameof(regio), "No tenant for this regio.");

    /// <summary>Accepts a tenant id or a CBS region name (with CBS's alternative spellings).</summary>
    public static bool TryParse(string? value, out Regio regio)
    {
        regio = Regio.Onbekend;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var trimmed = value.Trim();
        return ByTenantId.TryGetValue(trimmed, out regio) || ByNaam.TryGetValue(trimmed, out regio);
    }
}
