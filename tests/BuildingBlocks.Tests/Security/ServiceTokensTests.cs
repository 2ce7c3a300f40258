using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Security;

public sealed class ServiceTokensTests
{
    private const string Utrecht = "vt-utrecht";
    private const string Secret = "s3cr3t-of-intake";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task DevelopmentIssuer_MintsAServiceTokenForTheRegioAndRole_AndReusesItUntilFourFifthsOfItsLifetime()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var host = Host(new() { ["Auth:SigningKey"] = key, ["Auth:ServiceClient:DevelopmentLifetime"] = "00:10:00" });
        var tokens = host.Services.GetRequiredService<ServiceTokens>();

        var first = await tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(7));
        var reused = await tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var renewed = await tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None);

        Assert.Equal(first, reused);
        Assert.NotEqual(first, renewed);
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(first, new TokenValidationParameters
        {
            ValidIssuer = "veiligthuis-dev",
            ValidAudience = "veiligthuis",
            IssuerSigningKey = new AuthOptions { SigningKey = key }.DevelopmentKey(),
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal(Utrecht, validated.Claims[VeiligthuisClaims.Regio]);
        Assert.Equal(Roles.RegisterClient, validated.Claims[VeiligthuisClaims.Role]);
        Assert.Equal("service:intake", validated.Claims[VeiligthuisClaims.Subject]);
    }

    [Fact]
    public async Task ClientCredentials_ManyCallersAtOnce_ShareOneRequest_ThatAsksForTheRegioAndRole()
    {
        await using var idp = await FakeAuthority.StartAsync(expiresIn: 300);
        using var host = Host(Settings(idp));
        var tokens = host.Services.GetRequiredService<ServiceTokens>();

        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None)));
        _clock.Advance(TimeSpan.FromSeconds(230));
        var reused = await tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None);
        var otherRegio = await tokens.ForAsync("vt-zeeland", Roles.RegisterClient, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(20));
        var renewed = await tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None);

        Assert.All(all, t => Assert.Equal("token-1", t));
        Assert.Equal("token-1", reused);
        Assert.Equal("token-2", otherRegio);
        Assert.Equal("token-3", renewed);
        var request = idp.Requests.First();
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("intake:" + Secret)), request.Authorization);
        Assert.Equal("client_credentials", request.Form["grant_type"]);
        Assert.Equal($"veiligthuis regio:{Utrecht} rol:{Roles.RegisterClient}", request.Form["scope"]);
        Assert.Equal(1, idp.DiscoveryRequests);
    }

    [Fact]
    public async Task ClientCredentials_Refused_FailsWithTheStatusButNotTheSecret_AndTheNextCallAsksAgain()
    {
        await using var idp = await FakeAuthority.StartAsync(expiresIn: 300, refuse: true);
        using var host = Host(Settings(idp));
        var tokens = host.Services.GetRequiredService<ServiceTokens>();

        var first = await Assert.ThrowsAsync<HttpRequestException>(() => tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(() => tokens.ForAsync(Utrecht, Roles.RegisterClient, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.DoesNotContain(Secret, first.Message, StringComparison.Ordinal);
        Assert.Equal(2, idp.Requests.Count);
    }

    [Fact]
    public async Task UnknownRegioOrRole_IsRefusedBeforeAnyRequest()
    {
        using var host = Host(new() { ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        var tokens = host.Services.GetRequiredService<ServiceTokens>();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tokens.ForAsync("vt-atlantis", Roles.RegisterClient, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tokens.ForAsync(Utrecht, "koning", CancellationToken.None));
    }

    private static Dictionary<string, string?> Settings(FakeAuthority idp) => new()
    {
        ["Auth:Authority"] = idp.Address,
        ["Auth:ServiceClient:ClientId"] = "intake",
        ["Auth:ServiceClient:ClientSecret"] = Secret,
    };

    private IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton(new ServiceIdentity("intake"));
        builder.AddServiceTokens();
        return builder.Build();
    }

    /// <summary>An OIDC authority with a discovery document and a client-credentials token endpoint, on loopback.</summary>
    private sealed class FakeAuthority : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _issued;
        private int _discovery;

        private FakeAuthority(WebApplication app) => _app = app;

        public ConcurrentQueue<(string? Authorization, Dictionary<string, string> Form)> Requests { get; } = new();

        public int DiscoveryRequests => _discovery;

        public string Address => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        public static async Task<FakeAuthority> StartAsync(int expiresIn, bool refuse = false)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var authority = new FakeAuthority(app);
            app.MapGet("/.well-known/openid-configuration", (HttpContext http) =>
            {
                Interlocked.Increment(ref authority._discovery);
                return Results.Json(new Dictionary<string, string> { ["token_endpoint"] = authority.Address + "/token" });
            });
            app.MapPost("/token", async (HttpContext http) =>
            {
                var form = await http.Request.ReadFormAsync();
                authority.Requests.Enqueue((http.Request.Headers.Authorization.ToString(),
                    form.ToDictionary(f => f.Key, f => f.Value.ToString())));
                // Slow enough that concurrent callers overlap.
                await Task.Delay(TimeSpan.FromMilliseconds(50));
                return refuse
                    ? Results.Json(new Dictionary<string, string> { ["error"] = "invalid_client" }, statusCode: 401)
                    : Results.Json(new Dictionary<string, object>
                    {
                        ["access_token"] = $"token-{Interlocked.Increment(ref authority._issued)}",
                        ["token_type"] = "Bearer",
                        ["expires_in"] = expiresIn,
                    });
            });
            await app.StartAsync();
            return authority;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
