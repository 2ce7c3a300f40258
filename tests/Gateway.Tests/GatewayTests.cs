using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Health.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class GatewayTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private const string RequestIdHeader = "x-request-id";
    private const string MeldingenPath = "/api/v1/intake/meldingen";

    [Fact]
    public async Task RestCall_WithoutToken_Returns401WithoutBackendDetail()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync(MeldingenPath, new StringContent("{}", null, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(app.UnusedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("GET", "/api/v1/intake/meldingen/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4")]
    [InlineData("GET", "/api/v1/triage/meldingen/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4/werkitem")]
    [InlineData("GET", "/api/v1/monitoring/meldingen-telling")]
    public async Task EveryBackendRoute_WithoutToken_Returns401(string method, string path)
    {
        using var client = app.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("forged")]
    public async Task RestCall_WithInvalidToken_Returns401(string kind)
    {
        using var client = app.CreateClient();
        var token = kind == "expired" ? app.Tokens.Expired("vt-utrecht") : TestTokens.WronglySigned("vt-utrecht");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync(MeldingenPath + "/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RestCall_WithValidTokenButBackendDown_ReturnsGatewayErrorWithoutBackendDetail()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Tokens.For("vt-utrecht"));

        using var response = await client.GetAsync(MeldingenPath + "/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4");

        Assert.True((int)response.StatusCode is 502 or 503 or 504, $"Expected a gateway error, got {(int)response.StatusCode}.");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(app.UnusedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcCall_WithoutToken_ReturnsUnauthenticated()
    {
        var client = new Meldingen.MeldingenClient(app.CreateGrpcChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.GetMeldingAsync(new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Liveness_WithoutToken_Returns200()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GrpcHealth_WithoutToken_IsServing()
    {
        var health = new Health.HealthClient(app.CreateGrpcChannel());

        var response = await health.CheckAsync(new HealthCheckRequest { Service = "" }, deadline: Deadline());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData(MeldingenPath)]
    [InlineData("/no/such/route")]
    public async Task Response_WithoutRequestId_CarriesGeneratedUuid(string path)
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path);

        var requestId = Assert.Single(response.Headers.GetValues(RequestIdHeader));
        Assert.True(Guid.TryParse(requestId, out var parsed) && parsed != Guid.Empty, $"'{requestId}' is not a UUID.");
    }

    [Fact]
    public async Task Responses_WithoutRequestId_CarryDifferentIds()
    {
        using var client = app.CreateClient();

        using var first = await client.GetAsync("/healthz/live");
        using var second = await client.GetAsync("/healthz/live");

        Assert.NotEqual(first.Headers.GetValues(RequestIdHeader).Single(), second.Headers.GetValues(RequestIdHeader).Single());
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData(MeldingenPath)]
    public async Task Response_WithRequestId_EchoesIt(string path)
    {
        using var client = app.CreateClient();
        var requestId = "client-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(RequestIdHeader, requestId);

        using var response = await client.SendAsync(request);

        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues(RequestIdHeader)));
    }

    [Fact]
    public async Task Response_WithOverlongRequestId_CarriesGeneratedUuidInstead()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz/live");
        request.Headers.Add(RequestIdHeader, new string('a', 129));

        using var response = await client.SendAsync(request);

        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues(RequestIdHeader)), out _));
    }

    [Fact]
    public async Task GrpcResponse_CarriesEchoedRequestId()
    {
        var health = new Health.HealthClient(app.CreateGrpcChannel());
        var requestId = "client-" + Guid.NewGuid().ToString("N");

        using var call = health.CheckAsync(new HealthCheckRequest(), new Metadata { { RequestIdHeader, requestId } }, Deadline());
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(requestId, headers.GetValue(RequestIdHeader));
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
