using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Reflection.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>What the real gateway tells about the system: readiness of every backend, reflection, OpenAPI.</summary>
public sealed class GatewayDiscoveryTests(Suite suite)
{
    [Fact]
    public async Task GatewayReady_ListsEveryBackendHealthyOnBothPorts()
    {
        using var response = await suite.Http.GetAsync(suite.GatewayRest("/healthz/ready"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var backends = json.RootElement.GetProperty("backends").EnumerateArray().ToList();
        Assert.Equal(6, backends.Count);
        Assert.All(backends, b =>
        {
            Assert.Equal("Healthy", b.GetProperty("grpc").GetString());
            Assert.Equal("Healthy", b.GetProperty("http").GetString());
        });
    }

    [Fact]
    public async Task Reflection_OnTheGatewaysGrpcPort_ListsThePublicServices()
    {
        var client = new ServerReflection.ServerReflectionClient(suite.GatewayGrpc);

        using var call = client.ServerReflectionInfo(Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline());
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("veiligthuis.intake.v1.Meldingen", services);
        Assert.Contains("veiligthuis.triage.v1.Werkvoorraad", services);
    }

    [Fact]
    public async Task OpenApi_OnTheGatewaysHttpPort_IsServedAnonymously()
    {
        using var document = await suite.Http.GetAsync(suite.GatewayRest("/openapi/v1.json"));
        using var docs = await suite.Http.GetAsync(suite.GatewayRest("/docs"));

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        using var json = JsonDocument.Parse(await document.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/v1/intake/meldingen", out _));
    }
}
