using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Triage.Tests;

/// <summary>The context's own rules; the context itself, with intake and the register running, is in the end-to-end tests.</summary>
[Collection(nameof(TriageCollection))]
public sealed class BeoordelingContextTests(TriageApp app)
{
    private const string Drenthe = "vt-drenthe";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task GetBeoordelingContext_WithMalformedId_IsInvalidArgumentNamingTheField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetBeoordelingContextAsync(
            new GetBeoordelingContextRequest { WerkitemId = "12" }, Auth.Bearer(app.Tokens.For(Drenthe))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "werkitem_id");
    }

    [Fact]
    public async Task GetBeoordelingContext_OfAnotherRegio_IsNotFound_BeforeAnyoneElseIsAsked()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetBeoordelingContextAsync(
            new GetBeoordelingContextRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(app.Tokens.For("vt-flevoland"))).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task GetBeoordelingContext_WhileIntakeIsUnreachable_IsUnavailableWithoutIntakesDetail()
    {
        var werkitem = await app.OpenWerkitemAsync(Drenthe);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetBeoordelingContextAsync(
            new GetBeoordelingContextRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(app.Tokens.For(Drenthe))).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("Intake could not be asked for the context; retry later.", error.Status.Detail);
    }
}
