using Google.Rpc;
using Grpc.Core;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class BeoordelingTests(TriageApp app)
{
    private const string Friesland = "vt-friesland";
    private const string Motivatie = "Motivatie-7c1f: moeder vertelt over dreiging door ex-partner.";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());
    private readonly string _token = app.Tokens.For(Friesland);

    [Fact]
    public async Task AcuteCheckAndBeoordeling_RecordWhoWhatAndWhen_AndPublishCodesWithoutMotivatie()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);
        var claimed = await ClaimAsync(werkitem, _token);

        var afterCheck = await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest
        {
            WerkitemId = werkitem.WerkitemId,
            AcuteOnveiligheid = true,
            DirecteActie = DirecteActie.PolitieIngeschakeld,
        }, Auth.Bearer(_token));

        Assert.Equal(WerkitemStatus.BeoordelingOpen, afterCheck.Status);
        Assert.True(afterCheck.AcuteOnveiligheid);
        Assert.Equal(DirecteActie.PolitieIngeschakeld, afterCheck.DirecteActie);
        Assert.Equal(claimed.GeclaimdDoor, afterCheck.GeclaimdDoor);

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var afgerond = await _client.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = werkitem.WerkitemId,
            Veiligheidstaxatie = { Veiligheidstaxatie.AcuteOnveiligheid, Veiligheidstaxatie.StructureleOnveiligheid },
            Vermoeden = true,
            Besluit = Besluit.VervolgstappenBijVt,
            Vervolg = Vervolg.Onderzoek,
            Motivatie = Motivatie,
            MedeBeoordelaar = "collega-gw-1",
            MedeBeoordelaarDeskundigheid = Deskundigheid.Gedragswetenschapper,
        }, Auth.Bearer(_token));

        Assert.Equal(WerkitemStatus.Afgerond, afgerond.Status);
        Assert.Equal(Besluit.VervolgstappenBijVt, afgerond.Besluit);
        Assert.Equal(Vervolg.Onderzoek, afgerond.Vervolg);
        Assert.Equal(claimed.GeclaimdDoor, afgerond.AfgerondDoor);
        Assert.Equal("collega-gw-1", afgerond.MedeBeoordelaar);
        Assert.Equal(Deskundigheid.Gedragswetenschapper, afgerond.MedeBeoordelaarDeskundigheid);
        Assert.InRange(afgerond.AfgerondOp.ToDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1));
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(_token));
        Assert.Equal(WerkitemStatus.Afgerond, read.Status);
        Assert.Empty(read.GeclaimdDoor);
        Assert.Equal([Veiligheidstaxatie.AcuteOnveiligheid, Veiligheidstaxatie.StructureleOnveiligheid], read.Veiligheidstaxatie);
        Assert.Equal(Motivatie, read.Motivatie);
        Assert.Empty(afgerond.Motivatie);
        var stored = Assert.Single(await app.AdminQueryAsync(
            "SELECT motivatie, afgerond_door, geclaimd_door FROM werkitem WHERE werkitem_id = $1", Guid.Parse(werkitem.WerkitemId)));
        Assert.Equal(Motivatie, stored[0]);
        Assert.Equal(claimed.GeclaimdDoor, stored[1]);
        Assert.Null(stored[2]);

        var events = await OutboxAsync(werkitem.MeldingId);
        Assert.Equal([EventTopics.AcuteCheckVastgelegd, EventTopics.VeiligheidsbeoordelingAfgerond], events.Select(e => e.Topic));
        var acute = AcuteCheckVastgelegd.Parser.ParseFrom(events[0].Payload);
        Assert.Equal(werkitem.WerkitemId, acute.WerkitemId);
        Assert.True(acute.AcuteOnveiligheid);
        Assert.Equal(DirecteActie.PolitieIngeschakeld, acute.DirecteActie);
        Assert.True(acute.BinnenTermijn);
        var vb = VeiligheidsbeoordelingAfgerond.Parser.ParseFrom(events[1].Payload);
        Assert.Equal(werkitem.WerkitemId, vb.WerkitemId);
        Assert.Equal(werkitem.MeldingId, vb.MeldingId);
        Assert.Equal(Besluit.VervolgstappenBijVt, vb.Besluit);
        Assert.Equal(Vervolg.Onderzoek, vb.Vervolg);
        Assert.True(vb.BinnenTermijn);
        Assert.Equal(afgerond.AfgerondOp, vb.AfgerondOp);
        Assert.Equal(Deskundigheid.Gedragswetenschapper, vb.MedeBeoordelaarDeskundigheid);
        Assert.All(events, e => Assert.DoesNotContain("collega-gw-1", System.Text.Encoding.UTF8.GetString(e.Payload), StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain("Motivatie-7c1f", System.Text.Encoding.UTF8.GetString(e.Payload), StringComparison.Ordinal));
        Assert.Contains(app.Logs, l => l.Contains(werkitem.WerkitemId, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, l => l.Contains("Motivatie-7c1f", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RondBeoordelingAf_AfterTheTerm_PublishesNotBinnenTermijn()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland, DateTimeOffset.UtcNow.AddDays(-30));
        await ClaimAsync(werkitem, _token);
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));

        await _client.RondBeoordelingAfAsync(Afronden(werkitem, Besluit.Overdracht), Auth.Bearer(_token));

        var events = await OutboxAsync(werkitem.MeldingId);
        Assert.False(AcuteCheckVastgelegd.Parser.ParseFrom(events[0].Payload).BinnenTermijn);
        var vb = VeiligheidsbeoordelingAfgerond.Parser.ParseFrom(events[1].Payload);
        Assert.False(vb.BinnenTermijn);
        Assert.Equal(Besluit.Overdracht, vb.Besluit);
        Assert.Equal(Vervolg.Onbekend, vb.Vervolg);
    }

    [Fact]
    public async Task RondBeoordelingAf_BeforeTheAcuteCheck_ReturnsFailedPreconditionAndChangesNothing()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);
        await ClaimAsync(werkitem, _token);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.RondBeoordelingAfAsync(Afronden(werkitem, Besluit.GeenVervolg), Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        await AssertUnchangedAsync(werkitem, WerkitemStatus.AcuteCheckOpen, events: 0);
    }

    [Fact]
    public async Task RondBeoordelingAf_Twice_ReturnsFailedPreconditionTheSecondTime()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);
        await ClaimAsync(werkitem, _token);
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        await _client.RondBeoordelingAfAsync(Afronden(werkitem, Besluit.GeenVervolg), Auth.Bearer(_token));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.RondBeoordelingAfAsync(Afronden(werkitem, Besluit.Overdracht), Auth.Bearer(_token)).ResponseAsync);
        var claim = await Assert.ThrowsAsync<RpcException>(() =>
            ClaimAsync(werkitem, app.Tokens.For(Friesland)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, claim.StatusCode);
        await AssertUnchangedAsync(werkitem, WerkitemStatus.Afgerond, events: 2);
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(_token));
        Assert.Equal(Besluit.GeenVervolg, read.Besluit);
    }

    [Fact]
    public async Task RondBeoordelingAf_WithoutTheClaim_ReturnsFailedPreconditionAndChangesNothing()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);
        await ClaimAsync(werkitem, _token);
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));

        // A colleague without the claim, then the former holder after releasing it.
        var colleague = await Assert.ThrowsAsync<RpcException>(() => _client.RondBeoordelingAfAsync(
            Afronden(werkitem, Besluit.GeenVervolg), Auth.Bearer(app.Tokens.For(Friesland))).ResponseAsync);
        await _client.ReleaseWerkitemAsync(new ReleaseWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        var released = await Assert.ThrowsAsync<RpcException>(() => _client.RondBeoordelingAfAsync(
            Afronden(werkitem, Besluit.GeenVervolg), Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, colleague.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, released.StatusCode);
        await AssertUnchangedAsync(werkitem, WerkitemStatus.BeoordelingOpen, events: 1);
    }

    [Fact]
    public async Task LegAcuteCheckVast_WithoutClaimOrTwice_ReturnsFailedPrecondition()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);

        var unclaimed = await Assert.ThrowsAsync<RpcException>(() => _client.LegAcuteCheckVastAsync(
            new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token)).ResponseAsync);
        await AssertUnchangedAsync(werkitem, WerkitemStatus.AcuteCheckOpen, events: 0);
        await ClaimAsync(werkitem, _token);
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        var twice = await Assert.ThrowsAsync<RpcException>(() => _client.LegAcuteCheckVastAsync(
            new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId, AcuteOnveiligheid = true, DirecteActie = DirecteActie.Overig },
            Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, unclaimed.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
        await AssertUnchangedAsync(werkitem, WerkitemStatus.BeoordelingOpen, events: 1);
    }

    [Fact]
    public async Task LegAcuteCheckVast_AcuteWithoutDirecteActie_ReturnsInvalidArgumentWithFieldViolation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.LegAcuteCheckVastAsync(
            new LegAcuteCheckVastRequest { WerkitemId = Guid.CreateVersion7().ToString(), AcuteOnveiligheid = true },
            Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "directe_actie");
    }

    [Fact]
    public async Task RondBeoordelingAf_WithInvalidFields_ReportsEveryViolation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = Guid.CreateVersion7().ToString(),
            Besluit = Besluit.VervolgstappenBijVt,
            Motivatie = new string('x', 4001),
        }, Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("veiligheidstaxatie", fields);
        Assert.Contains("vervolg", fields);
        Assert.Contains("motivatie", fields);
        Assert.Contains("mede_beoordelaar", fields);
        Assert.Contains("mede_beoordelaar_deskundigheid", fields);
    }

    [Fact]
    public async Task RondBeoordelingAf_WithTheCallerAsTheSecondPairOfEyes_ReturnsInvalidArgumentAndChangesNothing()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);
        var claimed = await ClaimAsync(werkitem, _token);
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        var request = Afronden(werkitem, Besluit.GeenVervolg);
        request.MedeBeoordelaar = claimed.GeclaimdDoor;

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.RondBeoordelingAfAsync(request, Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "mede_beoordelaar");
        await AssertUnchangedAsync(werkitem, WerkitemStatus.BeoordelingOpen, events: 1);
    }

    [Fact]
    public async Task LegAcuteCheckVast_OfAnotherRegio_ReturnsNotFound()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);
        await ClaimAsync(werkitem, _token);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.LegAcuteCheckVastAsync(
            new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(app.Tokens.For("vt-flevoland"))).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        await AssertUnchangedAsync(werkitem, WerkitemStatus.AcuteCheckOpen, events: 0);
    }

    [Fact]
    public async Task ClaimWerkitem_OverRest_ReturnsTheClaimAsJson()
    {
        var werkitem = await app.OpenWerkitemAsync(Friesland);

        using var rest = app.CreateRestClient(_token);
        using var response = await rest.PostAsync($"/api/v1/triage/werkitems/{werkitem.WerkitemId}:claim",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, json);
        Assert.Contains("\"geclaimdDoor\"", json, StringComparison.Ordinal);
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(_token));
        Assert.NotEmpty(read.GeclaimdDoor);
    }

    private async Task<Werkitem> ClaimAsync(Werkitem werkitem, string token) =>
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

    private static RondBeoordelingAfRequest Afronden(Werkitem werkitem, Besluit besluit) => new()
    {
        WerkitemId = werkitem.WerkitemId,
        Veiligheidstaxatie = { Veiligheidstaxatie.StructureleOnveiligheid },
        Besluit = besluit,
        Motivatie = Motivatie,
        MedeBeoordelaar = "collega-gw-1",
        MedeBeoordelaarDeskundigheid = Deskundigheid.Gedragswetenschapper,
    };

    private async Task AssertUnchangedAsync(Werkitem werkitem, WerkitemStatus status, int events)
    {
        var row = Assert.Single(await app.AdminQueryAsync("SELECT status FROM werkitem WHERE werkitem_id = $1", Guid.Parse(werkitem.WerkitemId)));
        Assert.Equal((int)status, row[0]);
        Assert.Equal(events, (await OutboxAsync(werkitem.MeldingId)).Count);
    }

    private async Task<List<(string Topic, byte[] Payload)>> OutboxAsync(string meldingId) =>
        [.. (await app.AdminQueryAsync("SELECT topic, payload FROM outbox WHERE subject = $1 ORDER BY seq", meldingId))
            .Select(r => ((string)r[0]!, (byte[])r[1]!))];
}
