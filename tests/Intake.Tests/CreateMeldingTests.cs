using Google.Rpc;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

[Collection(nameof(IntakeCollection))]
public sealed class CreateMeldingTests(IntakeApp app)
{
    private const string Utrecht = "vt-utrecht";
    private readonly V1.Meldingen.MeldingenClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task CreateMelding_WithTraceparent_ItsEventCarriesTheCallersTrace()
    {
        // No span exporter is configured in tests, as locally: the caller's trace must still reach the event.
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var headers = Auth.Bearer(app.Tokens.For(Utrecht));
        headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        var melding = await _client.CreateMeldingAsync(TestMeldingen.Valid(), headers);

        var traceparent = await app.AdminScalarAsync<string>("SELECT traceparent FROM outbox WHERE subject = $1", melding.MeldingId);
        Assert.StartsWith($"00-{traceId}-", traceparent);
    }

    [Fact]
    public async Task CreateMelding_Valid_StoresMeldingWithItsOutboxEvent()
    {
        var request = TestMeldingen.Valid();

        var melding = await _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht)));

        Assert.Equal(Regio.Utrecht, melding.Regio);
        Assert.Equal(request.Aard, melding.Aard);
        Assert.Equal(MelderGroep.Politie, melding.Melder.Groep);
        var fetched = await _client.GetMeldingAsync(new GetMeldingRequest { MeldingId = melding.MeldingId }, Auth.Bearer(app.Tokens.For(Utrecht)));
        Assert.Equal(melding, fetched);
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE subject = $1 AND topic = $2", melding.MeldingId, EventTopics.MeldingOntvangen));
    }

    [Fact]
    public async Task CreateMelding_SameRequestIdTwice_CreatesOneMeldingAndOneEvent()
    {
        var request = TestMeldingen.Valid();
        var token = Auth.Bearer(app.Tokens.For(Utrecht));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _client.CreateMeldingAsync(request, token).ResponseAsync));

        Assert.Single(results.Select(m => m.MeldingId).Distinct());
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM melding WHERE request_id = $1", Guid.Parse(request.RequestId)));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE subject = $1", results[0].MeldingId));
    }

    [Fact]
    public async Task CreateMelding_WithoutRequiredFields_ReturnsInvalidArgumentNamingEachFieldAndWritesNothing()
    {
        var before = await app.AdminScalarAsync<long>("SELECT count(*) FROM melding");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateMeldingAsync(new CreateMeldingRequest(), Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(["aard", "melder", "ontvangen_op", "request_id"], fields.Order());
        Assert.Equal(before, await app.AdminScalarAsync<long>("SELECT count(*) FROM melding"));
    }

    [Fact]
    public async Task CreateMelding_WithMalformedFields_NamesEachMalformedField()
    {
        var request = TestMeldingen.Valid(DateTimeOffset.UtcNow.AddDays(2));
        request.RequestId = "not-a-uuid";
        request.Melder.Groep = MelderGroep.Onbekend;
        request.Melder.Rol = MelderRol.Buur;
        request.Aard.Add(AardGeweld.Partnergeweld);
        request.Aard.Add((AardGeweld)999);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Contains("request_id", fields);
        Assert.Contains("ontvangen_op", fields);
        Assert.Contains("melder.groep", fields);
        Assert.Contains("melder.rol", fields);
        Assert.Contains("aard", fields);
        Assert.DoesNotContain("vermoedelijke_duur", fields);
    }

    [Fact]
    public async Task GetMelding_OfAnotherRegio_ReturnsNotFound()
    {
        var melding = await _client.CreateMeldingAsync(TestMeldingen.Valid(), Auth.Bearer(app.Tokens.For(Utrecht)));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetMeldingAsync(
            new GetMeldingRequest { MeldingId = melding.MeldingId }, Auth.Bearer(app.Tokens.For("vt-haaglanden"))).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task CreateMelding_WithoutToken_ReturnsUnauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateMeldingAsync(TestMeldingen.Valid()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("forged")]
    public async Task CreateMelding_WithInvalidToken_ReturnsUnauthenticated(string kind)
    {
        var token = kind == "expired" ? app.Tokens.Expired(Utrecht) : TestTokens.WronglySigned(Utrecht);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateMeldingAsync(TestMeldingen.Valid(), Auth.Bearer(token)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task CreateMelding_WithRoleThatIsNotCasewerk_ReturnsPermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateMeldingAsync(
            TestMeldingen.Valid(), Auth.Bearer(app.Tokens.For(Utrecht, Roles.RegisterClient))).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
