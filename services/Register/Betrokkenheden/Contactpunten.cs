using System.Collections.Frozen;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>The contact point a regio shows to other regios; 0800-2000 is the national number of every VT.</summary>
public static class Contactpunten
{
    private static readonly FrozenDictionary<Regio, string> Namen = new Dictionary<Regio, string>
    {
        [Regio.AmsterdamAmstelland] = "Amsterdam-Amstelland",
        [Regio.BrabantNoordoost] = "Brabant-Noordoost",
        [Regio.Drenthe] = "Drenthe",
        [Regio.Flevoland] = "Flevoland",
        [Regio.Friesland] = "Friesland",
        [Regio.GelderlandMidden] = "Gelderland-Midden",
        [Regio.GelderlandZuid] = "Gelderland-Zuid",
        [Regio.GooiEnVechtstreek] = "Gooi en Vechtstreek",
        [Regio.Groningen] = "Groningen",
        [Regio.Haaglanden] = "Haaglanden",
        [Regio.HollandsMidden] = "Hollands-Midden",
        [Regio.Ijsselland] = "IJsselland",
        [Regio.Kennemerland] = "Kennemerland",
        [Regio.MiddenBrabant] = "Midden-Brabant",
        [Regio.NoordEnOostGelderland] = "Noord- en Oost-Gelderland",
        [Regio.NoordEnMiddenLimburg] = "Noord- en Midden-Limburg",
        [Regio.NoordHollandNoord] = "Noord-Holland Noord",
        [Regio.Twente] = "Twente",
        [Regio.RotterdamRijnmond] = "Rotterdam-Rijnmond",
        [Regio.Utrecht] = "Utrecht",
        [Regio.WestBrabant] = "West-Brabant",
        [Regio.ZaanstreekWaterland] = "Zaanstreek-Waterland",
        [Regio.Zeeland] = "Zeeland",
        [Regio.ZuidHollandZuid] = "Zuid-Holland Zuid",
        [Regio.ZuidLimburg] = "Zuid-Limburg",
        [Regio.ZuidoostBrabant] = "Zuidoost-Brabant",
    }.ToFrozenDictionary();

    public static string For(Regio regio) =>
        Namen.TryGetValue(regio, out var naam) ? $"Veilig Thuis {naam}, 0800-2000" : "Veilig Thuis, 0800-2000";
}
