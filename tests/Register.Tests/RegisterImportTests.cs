using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.V1;
using Veiligthuis.Tools.RegisterImport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

/// <summary>The CSV import command's core (tools/RegisterImport, ADR 0022) against the register over gRPC.</summary>
[Collection(nameof(RegisterCollection))]
public sealed class RegisterImportTests(RegisterApp app)
{
    private const string Kennemerland = "vt-kennemerland";
    private const string Kop = "registratie_id,regio,registratiedatum,voornamen,tussenvoegsel,achternaam,geboortedatum,geslacht,bsn,straat,huisnummer,huisnummer_toevoeging,postcode,woonplaats";

    private Importeur Importeur(string token) => new(new V1.Register.RegisterClient(app.CreateGrpcChannel()), new TokenBron(token));

    private static string Uniek(string naam) =>
        naam + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);

    private static async Task<ImportResultaat> ImporteerAsync(Importeur importeur, string csv) =>
        await importeur.ImporteerAsync(new StringReader(csv), null, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Importeer_InvalidRows_AreReportedWithLineAndReason_AndTheRestIsRegistered()
    {
        var (a, p) = (Uniek("Terpstra"), Uniek("Postma"));
        var id = Uniek("r");
        var csv = "\uFEFF" + string.Join("\r\n",
            Kop,
            $"{id}-1,Kennemerland,2024-02-01,Sietske,,{a},1981-05-06,V,,\"Lange Voorhout, achter\",12,a,2011 AB,\"Haarlem\"",
            $"{id}-2,vt-kennemerland,2024-02-01,\"Jelle \"\"Jel\"\"\",,{a},2009-11-30,M,,Lange Voorhout,12,A,2011AB,Haarlem",
            $"{id}-3,vt-kennemerland,2024-02-01,Wytske,,{a},2011-13-01,V,,Lange Voorhout,12,a,2011AB,Haarlem",
            $"{id}-4,vt-kennemerland,2024-02-01,Hidde,,{a},2012-03-04,M,123456789,Lange Voorhout,12,a,2011AB,Haarlem",
            $"{id}-5,Atlantis,2024-02-01,Anne,,{p},1990-01-01,V,,,,,,",
            $"{id}-6,vt-kennemerland,2024-03-09,Anne,van,{p},1990-01-01,V,,,,,,",
            $"{id}-7,vt-zeeland,2024-03-09,Bauke,,{p},1991-01-01,M,,,,,,",
            $"{id}-1,vt-kennemerland,2024-03-09,Bauke,,{p},1991-01-01,M,,,,,,") + "\r\n";

        var resultaat = await ImporteerAsync(Importeur(app.Tokens.For(Kennemerland, Roles.RegisterClient)), csv);

        Assert.Equal([$"{id}-1", $"{id}-2", $"{id}-6"], resultaat.Uitslagen.Select(u => u.RegistratieId));
        Assert.Equal([2, 3, 7], resultaat.Uitslagen.Select(u => u.Regel));
        Assert.All(resultaat.Uitslagen, u => Assert.Equal(MatchUitkomst.Geen, u.Uitkomst));
        Assert.Equal(resultaat.Uitslagen[0].HuishoudenId, resultaat.Uitslagen[1].HuishoudenId);
        Assert.NotEqual(resultaat.Uitslagen[0].HuishoudenId, resultaat.Uitslagen[2].HuishoudenId);
        Assert.Equal(2, resultaat.Registraties);
        Assert.Collection(resultaat.Fouten,
            f => Assert.Equal((4, $"{id}-3", true), (f.Regel, f.RegistratieId, f.Reden.StartsWith("geboortedatum", StringComparison.Ordinal))),
            f => Assert.Equal((5, $"{id}-4", true), (f.Regel, f.RegistratieId, f.Reden.StartsWith("bsn: Not a valid BSN", StringComparison.Ordinal))),
            f => Assert.Equal((6, $"{id}-5", true), (f.Regel, f.RegistratieId, f.Reden.StartsWith("regio: 'Atlantis'", StringComparison.Ordinal))),
            f => Assert.Equal((8, $"{id}-7", true), (f.Regel, f.RegistratieId, f.Reden.Contains("the token is for vt-kennemerland", StringComparison.Ordinal))),
            f => Assert.Equal((9, $"{id}-1", "registratie_id: already on line 2"), (f.Regel, f.RegistratieId, f.Reden)));

        var uit = new StringWriter();
        await Resultaatbestand.SchrijfAsync(resultaat, uit);
        var regels = uit.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Resultaatbestand.Kop, regels[0]);
        Assert.Equal($"{id}-6,{resultaat.Uitslagen[2].PersoonId},{resultaat.Uitslagen[2].HuishoudenId},geen", regels[3]);
        Assert.Equal(2L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM betrokkenheid WHERE regio = $1 AND casus_referentie LIKE $2", Kennemerland, id + "%"));
    }

    [Fact]
    public async Task Importeer_TheSameFileTwice_RegistersNothingTwice_AndAnotherRegiosFileLinksZeker()
    {
        var a = Uniek("Wiersma");
        var id = Uniek("r");
        var bsn = Bsn();
        var csv = string.Join("\n", Kop,
            $"{id}-1,vt-kennemerland,2023-06-01,Gerrit,,{a},1975-08-09,M,{bsn},,3,,1901AA,",
            $"{id}-2,vt-kennemerland,2023-06-01,Grietje,,{a},1977-10-11,V,,,3,,1901AA,");
        var importeur = Importeur(app.Tokens.For(Kennemerland, Roles.RegisterClient));

        var eerste = await ImporteerAsync(importeur, csv);
        var tweede = await ImporteerAsync(importeur, csv);
        var beheerder = Importeur(app.Tokens.For("vt-midden-brabant", Roles.RegisterClient, Roles.Beheerder));
        var elders = await ImporteerAsync(beheerder, string.Join("\n", Kop,
            $"{id}-3,IJsselland,2025-01-02,G.,,{a},1975-08-09,M,{bsn},,8,,8011AA,",
            $"{id}-4,vt-ijsselland,2025-01-02,Grietje,,{a.ToUpperInvariant()},1977-10-11,,,,8,,8011AA,"));

        Assert.Equal(eerste.Uitslagen.Select(u => (u.PersoonId, u.HuishoudenId)), tweede.Uitslagen.Select(u => (u.PersoonId, u.HuishoudenId)));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM betrokkenheid WHERE casus_referentie = $1", id + "-1"));
        Assert.Empty(elders.Fouten);
        Assert.Equal(eerste.Uitslagen.Select(u => u.PersoonId), elders.Uitslagen.Select(u => u.PersoonId));
        Assert.All(elders.Uitslagen, u => Assert.Equal((MatchUitkomst.Zeker, MatchUitkomst.Zeker, eerste.Uitslagen[0].HuishoudenId),
            (u.Uitkomst, u.HuishoudenUitkomst, u.HuishoudenId)));
        Assert.Equal("vt-ijsselland", await app.AdminScalarAsync<string>(
            "SELECT regio FROM betrokkenheid WHERE casus_referentie = $1", id + "-3"));
    }

    [Fact]
    public async Task Importeer_WithATokenTheRegisterRefuses_ReportsEveryRow_AndDoesNotThrow()
    {
        var id = Uniek("r");
        var csv = string.Join("\n", Kop,
            $"{id}-1,vt-kennemerland,2023-06-01,Gerrit,,{Uniek("Bijl")},1975-08-09,M,,,3,,1901AA,",
            $"{id}-2,vt-kennemerland,2023-06-01,Grietje,,{Uniek("Bijl")},1977-10-11,V,,,4,,1901AA,");

        var resultaat = await ImporteerAsync(Importeur(app.Tokens.For(Kennemerland, Roles.Medewerker)), csv);

        Assert.Empty(resultaat.Uitslagen);
        Assert.Equal([2, 3], resultaat.Fouten.Select(f => f.Regel));
        Assert.All(resultaat.Fouten, f => Assert.StartsWith("register refused the call: PermissionDenied", f.Reden, StringComparison.Ordinal));
    }

    [Fact]
    public void Lees_QuotedFields_CarryCommasQuotesAndLineBreaks_AndLinesAreCounted()
    {
        var records = Csv.Lees(new StringReader("\uFEFFa,b\r\n\"x, y\",\"regel 1\r\nregel 2\"\r\n\r\n\"he \"\"zei\"\"\",\n")).ToList();

        Assert.Equal([1, 2, 5], records.Select(r => r.Regel));
        Assert.Equal(["a", "b"], records[0].Velden);
        Assert.Equal(["x, y", "regel 1\r\nregel 2"], records[1].Velden);
        Assert.Equal(["he \"zei\"", ""], records[2].Velden);
    }
}
