using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class WerkvoorraadAantallenTests(TriageApp app)
{
    // Only this class uses this regio.
    private const string Kennemerland = "vt-kennemerland";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());
    private readonly string _token = app.Tokens.For(Kennemerland);

    [Fact]
    public async Task Aantallen_AfterParallelArrivalsAcuteChecksAndAfrondingen_EqualACountOfTheItems()
    {
        var now = DateTimeOffset.UtcNow;
        var werkitems = await app.OpenWerkitemsAsync(Kennemerland, [.. Enumerable.Range(0, 24).Select(i => now.AddMinutes(-i))]);

        await Task.WhenAll(werkitems.Take(12).Select(ClaimAndRecordAcuteCheckAsync));
        await Task.WhenAll(werkitems.Take(5).Select(w => _client.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = w.WerkitemId,
            Veiligheidstaxatie = { Veiligheidstaxatie.GeenZorgen },
            Besluit = Besluit.GeenVervolg,
            Motivatie = "Geen zorgen.",
            MedeBeoordelaar = "collega-gw-1",
            MedeBeoordelaarDeskundigheid = Deskundigheid.Gedragswetenschapper,
        }, Auth.Bearer(_token)).ResponseAsync));

        var aantallen = (await _client.ListWerkvoorraadAsync(new ListWerkvoorraadRequest(), Auth.Bearer(_token)))
            .Aantallen.ToDictionary(a => a.Status, a => a.Aantal);
        var counted = (await app.AdminQueryAsync(
                "SELECT status, count(*)::int FROM werkitem WHERE regio = $1 GROUP BY status", Kennemerland))
            .ToDictionary(row => (WerkitemStatus)(int)row[0]!, row => (int)row[1]!);

        Assert.Equal(new Dictionary<WerkitemStatus, int>
        {
            [WerkitemStatus.AcuteCheckOpen] = 12,
            [WerkitemStatus.BeoordelingOpen] = 7,
            [WerkitemStatus.Afgerond] = 5,
        }, counted);
        Assert.Equal(counted, aantallen);
    }

    private async Task ClaimAndRecordAcuteCheckAsync(Werkitem werkitem)
    {
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId },
            Auth.Bearer(_token));
    }
}
