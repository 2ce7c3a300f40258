using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class RequestLimitTests
{
    private const string MeldingenPath = "/api/v1/intake/meldingen";

    [Fact]
    public async Task RestBody_OverConfiguredLimit_Is413BeforeProxying()
    {
        using var app = new GatewayApp();
        app.Settings["Gateway:MaxRequestBodyBytes"] = "1024";
        using var client = Authenticated(app);

        using var tooLarge = await client.PostAsync(MeldingenPath, Json(1025));
        using var fits = await client.PostAsync(MeldingenPath, Json(1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, fits.StatusCode);
    }

    [Fact]
    public async Task RestBody_OverDefaultFourMebibytes_Is413()
    {
        using var app = new GatewayApp();
        using var client = Authenticated(app);

        using var tooLarge = await client.PostAsync(MeldingenPath, Json((4 * 1024 * 1024) + 1));
        using var fits = await client.PostAsync(MeldingenPath, Json(4 * 1024 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, fits.StatusCode);
    }

    [Fact]
    public async Task RestCall_SlowerThanRestTimeout_Is504()
    {
        await using var backend = await SlowBackendAsync();
        using var app = new GatewayApp();
        app.Settings["Services:intake:Http"] = backend.Urls.Single();
        // Far below the slow call's minute, far above a cold first call on a loaded 2-core machine.
        app.Settings["Gateway:RestTimeout"] = "00:00:03";
        using var client = Authenticated(app);

        using var fast = await client.GetAsync("/api/v1/intake/fast");
        using var slow = await client.GetAsync("/api/v1/intake/slow");

        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
    }

    /// <summary>A backend HTTP port that is healthy, answers /fast at once and /slow after a minute.</summary>
    private static async Task<WebApplication> SlowBackendAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the gateway's appsettings.json (its Kestrel endpoints) that lies next to the tests.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var backend = builder.Build();
        backend.MapGet("/healthz/ready", () => "ok");
        backend.MapGet("/api/v1/intake/fast", () => "fast");
        backend.MapGet("/api/v1/intake/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
            return "slow";
        });
        await backend.StartAsync();
        return backend;
    }

    private static HttpClient Authenticated(GatewayApp app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Tokens.For("vt-utrecht"));
        return client;
    }

    private static ByteArrayContent Json(int bytes)
    {
        var body = new byte[bytes];
        Array.Fill(body, (byte)' ');
        body[0] = (byte)'{';
        body[^1] = (byte)'}';
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
