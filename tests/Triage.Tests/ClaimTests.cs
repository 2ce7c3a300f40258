using Grpc.Core;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class ClaimTests(TriageApp app)
{
    private const string Drenthe = "vt-drenthe";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task ClaimWerkitem_TwentyParallelClaims_ExactlyOneWins()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);
        var tokens = Enumerable.Range(0, 20).Select(_ => app.Tokens.For(Drenthe)).ToList();

        var outcomes = await Task.WhenAll(tokens.Select(async token =>
        {
            try
            {
                return (Werkitem: await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId },
                    Auth.Bearer(token)), Status: StatusCode.OK);
            }
            catch (RpcException e)
            {
                return (Werkitem: (Werkitem?)null, Status: e.StatusCode);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Status == StatusCode.OK).Werkitem!;
        Assert.All(outcomes.Where(o => o.Status != StatusCode.OK), o => Assert.Equal(StatusCode.FailedPrecondition, o.Status));
        Assert.NotEmpty(winner.GeclaimdDoor);
        Assert.True(winner.GeclaimdTot.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(10));

        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(tokens[0]));
        Assert.Equal(winner.GeclaimdDoor, read.GeclaimdDoor);
        var row = Assert.Single(await app.AdminQueryAsync("SELECT geclaimd_door FROM werkitem WHERE werkitem_id = $1",
            Guid.Parse(werkitem.WerkitemId)));
        Assert.Equal(winner.GeclaimdDoor, row[0]);
    }

    [Fact]
    public async Task ClaimWerkitem_ByTheHolderAgain_RenewsTheLease()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);
        var token = app.Tokens.For(Drenthe);

        var first = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));
        var second = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

        Assert.Equal(first.GeclaimdDoor, second.GeclaimdDoor);
        Assert.True(second.GeclaimdTot.ToDateTimeOffset() >= first.GeclaimdTot.ToDateTimeOffset());
    }

    [Fact]
    public async Task ReleaseWerkitem_ByANonHolder_ReturnsFailedPreconditionAndTheHolderKeepsIt()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);
        var holder = app.Tokens.For(Drenthe);
        var claimed = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(holder));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ReleaseWerkitemAsync(
            new ReleaseWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(app.Tokens.For(Drenthe))).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(holder));
        Assert.Equal(claimed.GeclaimdDoor, read.GeclaimdDoor);
    }

    [Fact]
    public async Task ReleaseWerkitem_ByTheHolder_LetsAColleagueClaim()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);
        var holder = app.Tokens.For(Drenthe);
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(holder));

        var released = await _client.ReleaseWerkitemAsync(new ReleaseWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(holder));
        var colleague = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId },
            Auth.Bearer(app.Tokens.For(Drenthe)));

        Assert.Empty(released.GeclaimdDoor);
        Assert.NotEmpty(colleague.GeclaimdDoor);
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(holder));
        Assert.Equal(colleague.GeclaimdDoor, read.GeclaimdDoor);
    }

    [Fact]
    public async Task ClaimWerkitem_OfAnotherRegio_ReturnsNotFound()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ClaimWerkitemAsync(
            new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(app.Tokens.For("vt-groningen"))).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ClaimWerkitem_WithMalformedId_ReturnsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ClaimWerkitemAsync(
            new ClaimWerkitemRequest { WerkitemId = "x" }, Auth.Bearer(app.Tokens.For(Drenthe))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}

[Collection(nameof(ShortLeaseCollection))]
public sealed class LeaseExpiryTests(ShortLeaseTriageApp app)
{
    private const string Drenthe = "vt-drenthe";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task ClaimWerkitem_AfterTheLeaseExpired_SucceedsForAColleague()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);
        var first = app.Tokens.For(Drenthe);
        var colleague = app.Tokens.For(Drenthe);
        var claimed = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(first));

        var taken = await Eventually.UntilAsync<Werkitem>(
            async () => await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(colleague)),
            TimeSpan.FromSeconds(15), "the lease to expire");

        Assert.NotEqual(claimed.GeclaimdDoor, taken.GeclaimdDoor);
        var read = await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(first));
        Assert.Equal(taken.GeclaimdDoor, read.GeclaimdDoor);
        var release = await Assert.ThrowsAsync<RpcException>(() => _client.ReleaseWerkitemAsync(
            new ReleaseWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(first)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, release.StatusCode);
    }

    [Fact]
    public async Task GetWerkitem_AfterTheLeaseExpired_ShowsItUnclaimed()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);
        var token = app.Tokens.For(Drenthe);
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

        await Eventually.UntilAsync(async () => (await _client.GetWerkitemAsync(
            new GetWerkitemRequest { MeldingId = werkitem.MeldingId }, Auth.Bearer(token))).GeclaimdDoor.Length == 0,
            TimeSpan.FromSeconds(15), "the lease to expire");
    }
}
