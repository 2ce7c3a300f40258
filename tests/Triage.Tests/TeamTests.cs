using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class TeamTests(TriageApp app)
{
    // Only this class uses this regio.
    private const string Gooi = "vt-gooi-en-vechtstreek";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());
    private readonly string _token = app.Tokens.For(Gooi);

    [Fact]
    public async Task ListWerkvoorraad_ByTeam_ListsOnlyThatTeamsItemsInOrder_AcrossPages()
    {
        var now = DateTimeOffset.UtcNow;
        var seeded = await app.OpenWerkitemsAsync(Gooi, now.AddDays(-1), now.AddMinutes(-5), now.AddDays(-3), now.AddHours(-1), now);
        foreach (var i in new[] { 0, 1, 2 })
        {
            await AssignAsync(seeded[i], "team-noord");
        }

        await AssignAsync(seeded[3], "team-zuid");
        var moved = await AssignAsync(seeded[2], "team-zuid");

        var all = await ListAsync(new ListWerkvoorraadRequest(), 500);
        var noord = await ListAsync(new ListWerkvoorraadRequest { Team = "team-noord" }, 1);
        var zuid = await ListAsync(new ListWerkvoorraadRequest { Team = "team-zuid" }, 500);
        var zuidAcute = await ListAsync(new ListWerkvoorraadRequest { Team = "team-zuid", Status = WerkitemStatus.AcuteCheckOpen }, 500);

        Assert.Equal("team-zuid", moved.Team);
        Assert.Equal(all.Where(w => w.Team == "team-noord").Select(w => w.WerkitemId), noord.Select(w => w.WerkitemId));
        // Both acute checks are open: the one received a day ago is due first.
        Assert.Equal([seeded[0].WerkitemId, seeded[1].WerkitemId], noord.Select(w => w.WerkitemId));
        Assert.Equal(all.Where(w => w.Team == "team-zuid").Select(w => w.WerkitemId), zuid.Select(w => w.WerkitemId));
        Assert.Equal(2, zuid.Count);
        Assert.Equal(zuid.Select(w => w.WerkitemId), zuidAcute.Select(w => w.WerkitemId));
        Assert.Contains(all, w => w.WerkitemId == seeded[4].WerkitemId && w.Team.Length == 0);
    }

    [Fact]
    public async Task WijsWerkitemToe_WithEmptyTeam_RemovesTheAssignment_AndAWatcherSeesBothChanges()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(_token), cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        var werkitem = await app.OpenWerkitemAsync(Gooi);

        await AssignAsync(werkitem, "team-west");
        var cleared = await AssignAsync(werkitem, "");

        Assert.Empty(cleared.Team);
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(_token));
        Assert.Empty(read.Team);
        var toegewezen = new List<WerkvoorraadWijziging>();
        while (toegewezen.Count < 2)
        {
            Assert.True(await watch.ResponseStream.MoveNext(cancel.Token), "The stream ended.");
            var w = watch.ResponseStream.Current.Wijziging;
            if (w?.WerkitemId == werkitem.WerkitemId && w.Soort == WerkvoorraadWijzigingSoort.Toegewezen)
            {
                toegewezen.Add(w);
            }
        }

        Assert.Equal(["team-west", ""], toegewezen.Select(w => w.Team));
        await cancel.CancelAsync();
    }

    [Theory]
    [InlineData("Team-Noord")]
    [InlineData("-noord")]
    [InlineData("noord|1")]
    [InlineData("noord\n")]
    public async Task TeamNames_OfTheWrongShape_AreInvalidArgumentNamingTheField(string team)
    {
        var werkitem = await app.OpenWerkitemAsync(Gooi);

        var assign = await Assert.ThrowsAsync<RpcException>(() => _client.WijsWerkitemToeAsync(
            new WijsWerkitemToeRequest { WerkitemId = werkitem.WerkitemId, Team = team }, Auth.Bearer(_token)).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => _client.ListWerkvoorraadAsync(
            new ListWerkvoorraadRequest { Team = team }, Auth.Bearer(_token)).ResponseAsync);

        Assert.All([assign, list], e =>
        {
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains(e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "team");
        });
        Assert.Null(Assert.Single(await app.AdminQueryAsync("SELECT team FROM werkitem WHERE werkitem_id = $1",
            Guid.Parse(werkitem.WerkitemId)))[0]);
    }

    [Fact]
    public async Task WijsWerkitemToe_OfAnotherRegio_IsNotFound_AndOfAnAfgerondItem_IsFailedPrecondition()
    {
        var werkitem = await app.OpenWerkitemAsync(Gooi);
        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => _client.WijsWerkitemToeAsync(
            new WijsWerkitemToeRequest { WerkitemId = werkitem.WerkitemId, Team = "team-noord" },
            Auth.Bearer(app.Tokens.For("vt-zaanstreek-waterland"))).ResponseAsync);

        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        await _client.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = werkitem.WerkitemId,
            Veiligheidstaxatie = { Veiligheidstaxatie.GeenZorgen },
            Besluit = Besluit.GeenVervolg,
            Motivatie = "Geen zorgen.",
            MedeBeoordelaar = "collega-2",
            MedeBeoordelaarDeskundigheid = Deskundigheid.Collega,
        }, Auth.Bearer(_token));
        var afgerond = await Assert.ThrowsAsync<RpcException>(() => _client.WijsWerkitemToeAsync(
            new WijsWerkitemToeRequest { WerkitemId = werkitem.WerkitemId, Team = "team-noord" }, Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, afgerond.StatusCode);
        Assert.Null(Assert.Single(await app.AdminQueryAsync("SELECT team FROM werkitem WHERE werkitem_id = $1",
            Guid.Parse(werkitem.WerkitemId)))[0]);
    }

    private async Task<Werkitem> AssignAsync(Werkitem werkitem, string team) =>
        await _client.WijsWerkitemToeAsync(new WijsWerkitemToeRequest { WerkitemId = werkitem.WerkitemId, Team = team },
            Auth.Bearer(_token));

    private Task<List<Werkitem>> ListAsync(ListWerkvoorraadRequest request, int pageSize) =>
        _client.ListAllAsync(request, _token, pageSize);
}
