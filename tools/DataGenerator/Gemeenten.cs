using Veiligthuis.Common.V1;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>
/// A few CBS gemeentecodes per regio (its larger municipalities), for the gemeente of a
/// non-anonymous advies. Not the full list: the generator needs plausible codes, not coverage.
/// </summary>
public static class Gemeenten
{
    private static readonly Dictionary<Regio, string[]> Codes = new()
    {
        [Regio.AmsterdamAmstelland] = ["GM0363", "GM0362", "GM0384"],
        [Regio.BrabantNoordoost] = ["GM0796", "GM0828"],
        [Regio.Drenthe] = ["GM0106", "GM0114"],
        [Regio.Flevoland] = ["GM0034", "GM0995"],
        [Regio.Friesland] = ["GM0080", "GM0074"],
        [Regio.GelderlandMidden] = ["GM0202", "GM0228"],
        [Regio.GelderlandZuid] = ["GM0268", "GM0296"],
        [Regio.GooiEnVechtstreek] = ["GM0402", "GM0406"],
        [Regio.Groningen] = ["GM0014"],
        [Regio.Haaglanden] = ["GM0518", "GM0503", "GM0637"],
        [Regio.HollandsMidden] = ["GM0546", "GM0484"],
        [Regio.Ijsselland] = ["GM0193", "GM0150"],
        [Regio.Kennemerland] = ["GM0392", "GM0453"],
        [Regio.MiddenBrabant] = ["GM0855", "GM0867"],
        [Regio.NoordEnOostGelderland] = ["GM0200", "GM0222"],
        [Regio.NoordEnMiddenLimburg] = ["GM0983", "GM0957"],
        [Regio.NoordHollandNoord] = ["GM0361", "GM0400"],
        [Regio.Twente] = ["GM0153", "GM0164"],
        [Regio.RotterdamRijnmond] = ["GM0599", "GM0606"],
        [Regio.Utrecht] = ["GM0344", "GM0307"],
        [Regio.WestBrabant] = ["GM0758", "GM1674"],
        [Regio.ZaanstreekWaterland] = ["GM0479", "GM0852"],
        [Regio.Zeeland] = ["GM0687", "GM0718"],
        [Regio.ZuidHollandZuid] = ["GM0505"],
        [Regio.ZuidLimburg] = ["GM0935", "GM0917"],
        [Regio.ZuidoostBrabant] = ["GM0772", "GM0794"],
    };

    public static string Kies(Regio regio, Random random)
    {
        var codes = Codes[regio];
        return codes[random.Next(codes.Length)];
    }
}
