using System.Net;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class CorsTests : IDisposable
{
    private const string Allowed = "https://app.veiligthuis.example";
    private const string GrpcPath = "/veiligthuis.intake.v1.Meldingen/CreateMelding";

    private readonly GatewayApp _app = new();

    public CorsTests()
    {
        _app.Settings["Gateway:Cors:Origins:0"] = Allowed;
        _app.Settings["Gateway:Cors:Origins:1"] = "https://beheer.veiligthuis.example";
    }

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(GrpcPath)]
    [InlineData("/api/v1/intake/meldingen")]
    public async Task Preflight_FromAllowedOrigin_AllowsGrpcWebHeaders(string path)
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight(path, Allowed));

        Assert.True(response.IsSuccessStatusCode, $"Preflight got {(int)response.StatusCode}.");
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var allowedHeaders = HeaderList(response, "Access-Control-Allow-Headers");
        foreach (var header in new[] { "authorization", "content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "x-request-id" })
        {
            Assert.Contains(header, allowedHeaders);
        }

        Assert.Contains("POST", HeaderList(response, "Access-Control-Allow-Methods"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Response_ToAllowedOrigin_ExposesGrpcStatusAndRequestId()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, GrpcPath)
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc-web");
        request.Headers.Add("Origin", Allowed);
        request.Headers.Add("x-grpc-web", "1");

        using var response = await client.SendAsync(request);

        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var exposed = HeaderList(response, "Access-Control-Expose-Headers");
        foreach (var header in new[] { "grpc-status", "grpc-message", "x-request-id" })
        {
            Assert.Contains(header, exposed);
        }
    }

    [Theory]
    [InlineData(GrpcPath)]
    [InlineData("/api/v1/intake/meldingen")]
    public async Task Preflight_FromOtherOrigin_GetsNoCorsHeaders(string path)
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(Preflight(path, "https://evil.example"));

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Preflight_WithoutConfiguredOrigins_GetsNoCorsHeaders()
    {
        using var app = new GatewayApp();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Preflight(GrpcPath, Allowed));

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-grpc-web,x-user-agent,grpc-timeout,x-request-id");
        return request;
    }

    private static string[] HeaderList(HttpResponseMessage response, string name) =>
        [.. response.Headers.GetValues(name).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}
