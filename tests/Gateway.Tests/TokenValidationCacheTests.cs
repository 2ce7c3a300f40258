using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Veiligthuis.Gateway.Routing;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class TokenValidationCacheTests
{
    private static readonly ClaimsPrincipal Principal = new(new ClaimsIdentity([new Claim("regio", "vt-utrecht")], "Bearer"));

    [Fact]
    public async Task RememberedToken_AuthenticatesLaterCallsAsItsCaller_AForgedTwinIsStillRefused()
    {
        using var app = new GatewayApp();
        using var client = app.CreateClient();
        var token = app.Tokens.For("vt-utrecht");
        const string path = "/api/v1/intake/meldingen/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4";

        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync(client, path, token);
            Assert.NotEqual(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var signatureEnd = token[^4..] == "AAAA" ? "BBBB" : "AAAA";
        using var forged = await SendAsync(client, path, token[..^4] + signatureEnd);
        using var none = await SendAsync(client, path, null);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, none.StatusCode);
        var cache = app.Services.GetRequiredService<TokenValidationCache>();
        Assert.True(cache.TryGet(token, out var remembered));
        Assert.Equal("vt-utrecht", remembered.FindFirst("regio")?.Value);
    }

    [Fact]
    public async Task RememberedToken_SkipsTheJwtHandler_OnlyTheFirstCallIsValidated()
    {
        var received = 0;
        using var app = new GatewayApp();
        using var counted = app.WithWebHostBuilder(web => web.ConfigureServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
            {
                var inner = jwt.Events.OnMessageReceived;
                jwt.Events.OnMessageReceived = context =>
                {
                    Interlocked.Increment(ref received);
                    return inner(context);
                };
            })));
        using var client = counted.CreateClient();
        var token = app.Tokens.For("vt-utrecht");
        const string path = "/api/v1/intake/meldingen/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4";

        for (var i = 0; i < 5; i++)
        {
            using var response = await SendAsync(client, path, token);
            Assert.NotEqual(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(1, Volatile.Read(ref received));
        using var none = await SendAsync(client, path, null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(2, Volatile.Read(ref received));
    }

    [Fact]
    public void GeneratedRequestIds_AreVersion7UuidsOfTheClockTime_AndUnique()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);

        var ids = Enumerable.Range(0, 10_000).Select(_ => GatewayDefaults.NewRequestId(now)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            var uuid = Guid.Parse(id);
            Assert.Equal(7, uuid.Version);
            Assert.Equal(id, uuid.ToString());
            var bytes = uuid.ToByteArray(bigEndian: true);
            var milliseconds = bytes.Take(6).Aggregate(0L, (acc, b) => (acc << 8) | b);
            Assert.Equal(now.ToUnixTimeMilliseconds(), milliseconds);
            Assert.Equal(0x80, bytes[8] & 0xC0);
        });
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void ValidatedToken_IsServedUntilItExpires()
    {
        var clock = new ManualClock();
        var cache = new TokenValidationCache(clock);
        cache.Add("token-a", Principal, clock.Now.AddMinutes(2));

        Assert.True(cache.TryGet("token-a", out var cached));
        Assert.Same(Principal, cached);
        Assert.False(cache.TryGet("token-b", out _));

        clock.Now = clock.Now.AddMinutes(2);
        Assert.False(cache.TryGet("token-a", out _));
    }

    [Fact]
    public void LongLivedToken_IsKeptAtMostMaxAge()
    {
        var clock = new ManualClock();
        var cache = new TokenValidationCache(clock);
        cache.Add("token-a", Principal, clock.Now.AddHours(8));

        clock.Now = clock.Now + TokenValidationCache.MaxAge - TimeSpan.FromSeconds(1);
        Assert.True(cache.TryGet("token-a", out _));
        clock.Now = clock.Now.AddSeconds(1);
        Assert.False(cache.TryGet("token-a", out _));
    }

    [Fact]
    public void ExpiredToken_IsNotRemembered()
    {
        var clock = new ManualClock();
        var cache = new TokenValidationCache(clock);
        cache.Add("token-a", Principal, clock.Now.AddSeconds(-1));

        Assert.False(cache.TryGet("token-a", out _));
    }

    [Fact]
    public void FullCache_StaysBounded()
    {
        var clock = new ManualClock();
        var cache = new TokenValidationCache(clock);
        for (var i = 0; i <= TokenValidationCache.MaxEntries; i++)
        {
            cache.Add("token-" + i, Principal, clock.Now.AddMinutes(1));
        }

        Assert.True(cache.TryGet("token-" + TokenValidationCache.MaxEntries, out _));
        Assert.False(cache.TryGet("token-0", out _));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
