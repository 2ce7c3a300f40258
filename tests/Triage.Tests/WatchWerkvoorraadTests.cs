using Grpc.Core;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class WatchWerkvoorraadTests(TriageApp app)
{
    private const string Twente = "vt-twente";
    private const string Groningen = "vt-groningen";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task WatchWerkvoorraad_DeliversTheCountsThenTheRegiosChangesInOrder_AndNothingToAnotherRegio()
    {
        var token = app.Tokens.For(Twente);
        using var cancel = new CancellationTokenSource();
        using var twente = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(token), cancellationToken: cancel.Token);
        using var groningen = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(app.Tokens.For(Groningen)),
            cancellationToken: cancel.Token);
        Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Aantallen, (await NextAsync(twente)).UpdateCase);
        Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Aantallen, (await NextAsync(groningen)).UpdateCase);

        var werkitem = await app.OpenWerkitemAsync(Twente);
        var claimed = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

        var seen = await WijzigingenOfAsync(twente, werkitem.WerkitemId, 3);
        Assert.Equal(
            [WerkvoorraadWijzigingSoort.Geopend, WerkvoorraadWijzigingSoort.Geclaimd, WerkvoorraadWijzigingSoort.AcuteCheckVastgelegd],
            seen.Select(w => w.Soort));
        Assert.All(seen, w => Assert.Equal(werkitem.MeldingId, w.MeldingId));
        Assert.Equal(
            [WerkitemStatus.AcuteCheckOpen, WerkitemStatus.AcuteCheckOpen, WerkitemStatus.BeoordelingOpen],
            seen.Select(w => w.Status));
        Assert.Equal(claimed.GeclaimdDoor, seen[1].GeclaimdDoor);
        Assert.NotNull(seen[1].GeclaimdTot);

        // Changes come in commit order per regio and ids are global: once Groningen's own later change
        // arrives, any Twente change it could have seen would have come before it.
        var marker = await app.OpenWerkitemAsync(Groningen);
        var groningenSeen = new List<WerkvoorraadWijziging>();
        while (groningenSeen.LastOrDefault()?.WerkitemId != marker.WerkitemId)
        {
            var update = await NextAsync(groningen);
            if (update.UpdateCase == WerkvoorraadUpdate.UpdateOneofCase.Wijziging)
            {
                groningenSeen.Add(update.Wijziging);
            }
        }

        Assert.DoesNotContain(groningenSeen, w => w.WerkitemId == werkitem.WerkitemId);
        await cancel.CancelAsync();
    }

    private static async Task<List<WerkvoorraadWijziging>> WijzigingenOfAsync(AsyncServerStreamingCall<WerkvoorraadUpdate> call,
        string werkitemId, int count)
    {
        var seen = new List<WerkvoorraadWijziging>();
        while (seen.Count < count)
        {
            var update = await NextAsync(call);
            if (update.UpdateCase == WerkvoorraadUpdate.UpdateOneofCase.Wijziging && update.Wijziging.WerkitemId == werkitemId)
            {
                seen.Add(update.Wijziging);
            }
        }

        return seen;
    }

    private static async Task<WerkvoorraadUpdate> NextAsync(AsyncServerStreamingCall<WerkvoorraadUpdate> call)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "The stream ended.");
        return call.ResponseStream.Current;
    }
}
