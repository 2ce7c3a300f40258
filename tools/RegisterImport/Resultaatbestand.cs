using System.Globalization;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>The import's answer: the result CSV and the summary.</summary>
public static class Resultaatbestand
{
    public const string Kop = "registratie_id,persoon_id,huishouden_id,uitkomst";

    public static string Uitkomst(MatchUitkomst uitkomst) => uitkomst switch
    {
        MatchUitkomst.Zeker => "zeker",
        MatchUitkomst.Mogelijk => "mogelijk",
        _ => "geen",
    };

    public static async Task SchrijfAsync(ImportResultaat resultaat, TextWriter uit)
    {
        await uit.WriteLineAsync(Kop);
        foreach (var u in resultaat.Uitslagen)
        {
            await uit.WriteLineAsync(Csv.Regel(u.RegistratieId, u.PersoonId, u.HuishoudenId, Uitkomst(u.Uitkomst)));
        }

        await uit.FlushAsync();
    }

    public static void Samenvatting(ImportResultaat resultaat, TextWriter uit)
    {
        var huishoudens = resultaat.Uitslagen.DistinctBy(u => u.BetrokkenheidId).Select(u => u.HuishoudenUitkomst).ToList();
        uit.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            rows registered: {resultaat.Uitslagen.Count:N0} in {resultaat.Registraties:N0} registrations; not registered: {resultaat.Fouten.Count:N0}
            persons:    zeker {resultaat.Aantal(MatchUitkomst.Zeker):N0}, mogelijk {resultaat.Aantal(MatchUitkomst.Mogelijk):N0}, geen {resultaat.Aantal(MatchUitkomst.Geen):N0}
            registrations joining a household: zeker {huishoudens.Count(h => h == MatchUitkomst.Zeker):N0}, mogelijk {huishoudens.Count(h => h == MatchUitkomst.Mogelijk):N0}, geen {huishoudens.Count(h => h == MatchUitkomst.Geen):N0}
            """));
        foreach (var fout in resultaat.Fouten)
        {
            uit.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"line {fout.Regel}{(fout.RegistratieId.Length > 0 ? $" ({fout.RegistratieId})" : "")}: {fout.Reden}"));
        }
    }
}
