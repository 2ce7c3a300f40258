using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client.Web;
using Veiligthuis.Intake.V1;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

/// <summary>What the gateway answers by itself to gRPC-Web calls (the proxied calls are in EndToEnd.Tests).</summary>
public sealed class GrpcWebTests
{
    public static TheoryData<GrpcWebMode> Modes => [GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task GrpcWebCall_WithoutToken_IsUnauthenticated(GrpcWebMode mode)
    {
        using var app = new GatewayApp();
        var client = new Meldingen.MeldingenClient(app.CreateGrpcWebChannel(mode));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetMeldingAsync(
            new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task GrpcWebHealth_WithoutToken_IsServing(GrpcWebMode mode)
    {
        using var app = new GatewayApp();
        var health = new Health.HealthClient(app.CreateGrpcWebChannel(mode));

        var response = await health.CheckAsync(new HealthCheckRequest(), deadline: Deadline());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task GrpcWebTextCall_OverBodyLimit_IsResourceExhausted()
    {
        using var app = new GatewayApp();
        app.Settings["Gateway:MaxRequestBodyBytes"] = "64";
        var client = new Meldingen.MeldingenClient(app.CreateGrpcWebChannel(GrpcWebMode.GrpcWebText));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetMeldingAsync(
            new GetMeldingRequest { MeldingId = new string('a', 200) },
            new Metadata { { "Authorization", "Bearer " + app.Tokens.For("vt-utrecht") } }, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
