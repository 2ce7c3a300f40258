using System.Globalization;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>One region's CBS kerncijfers for the second half of 2019, the volumes the generator scales.</summary>
public sealed record RegioCijfers(Regio Regio, string TenantId, string Naam, int Adviezen, int Meldingen);

/// <summary>Reads kerncijfers-2019h2.csv (CBS, Beleidsinformatie Veilig Thuis H2 2019), embedded in this assembly.</summary>
public static class Kerncijfers
{
    private static readonly Lazy<IReadOnlyList<RegioCijfers>> Cached = new(Load);

    /// <summary>The 26 regions in the order of the CSV; the <c>Totaal</c> row is left out.</summary>
    public static IReadOnlyList<RegioCijfers> Regios => Cached.Value;

    public static RegioCijfers Of(Regio regio) => Regios.Single(r => r.Regio == regio);

    private static List<RegioCijfers> Load()
    {
        using var stream = typeof(Kerncijfers).Assembly.GetManifestResourceStream("kerncijfers-2019h2.csv")
            ?? throw new InvalidOperationException("kerncijfers-2019h2.csv is not embedded.");
        using var reader = new StreamReader(stream);
        var header = (reader.ReadLine() ?? "").Split(',');
        var adviezen = Array.IndexOf(header, "adviezen_gestart");
        var meldingen = Array.IndexOf(header, "meldingen_ontvangen");
        var result = new List<RegioCijfers>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            if (line.Length == 0 || fields[0] == "Totaal")
            {
                continue;
            }

            if (!BuildingBlocks.Security.Regios.TryParse(fields[0], out var regio))
            {
                throw new InvalidDataException($"Unknown CBS region name '{fields[0]}'.");
            }

            result.Add(new RegioCijfers(regio, BuildingBlocks.Security.Regios.ToTenantId(regio), fields[0],
                int.Parse(fields[adviezen], CultureInfo.InvariantCulture), int.Parse(fields[meldingen], CultureInfo.InvariantCulture)));
        }

        return result;
    }
}
