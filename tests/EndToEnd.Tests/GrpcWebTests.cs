using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>Browsers call over gRPC-Web on the gateway's HTTP/1.1 port; the gateway speaks gRPC to the backend.</summary>
public sealed class GrpcWebTests(Suite suite)
{
    public static TheoryData<GrpcWebMode> Modes => [GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CreateMelding_OverGrpcWebWithToken_CreatesIt(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(mode);
        var request = Flow.ValidMelding();

        var melding = await new Meldingen.MeldingenClient(channel).CreateMeldingAsync(
            request, Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline());

        Assert.True(Guid.TryParse(melding.MeldingId, out _), $"'{melding.MeldingId}' is not a UUID.");
        Assert.Equal(request.Aard, melding.Aard);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CreateMelding_OverGrpcWebWithoutToken_IsUnauthenticated(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(mode);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Meldingen.MeldingenClient(channel).CreateMeldingAsync(
            Flow.ValidMelding(), deadline: Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task GetMelding_OverGrpcWebForUnknownId_CarriesBackendStatusInTrailers(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(mode);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Meldingen.MeldingenClient(channel).GetMeldingAsync(
            new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private GrpcChannel GrpcWebChannel(GrpcWebMode mode) =>
        GrpcChannel.ForAddress(suite.Gateway.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
}
