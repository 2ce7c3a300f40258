using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.BuildingBlocks.Security;

/// <summary>
/// Settings under <c>Auth:ServiceClient</c>: how this service obtains tokens to call another service itself, for one
/// regio (e.g. intake registering betrokkenen in the register after the caller has gone). See ADR 0019.
/// </summary>
public sealed class ServiceClientOptions
{
    public const string Section = "Auth:ServiceClient";

    /// <summary>OAuth 2.0 client id of this service at the authority (client credentials); unused with the development issuer.</summary>
    public string? ClientId { get; set; }

    /// <summary>Its secret; from a Kubernetes Secret, never committed.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The token endpoint; when empty, taken from the authority's discovery document.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Scopes asked for besides <c>regio:&lt;id&gt;</c> and <c>rol:&lt;role&gt;</c>.</summary>
    public string Scope { get; set; } = "veiligthuis";

    /// <summary>Lifetime of development tokens.</summary>
    public TimeSpan DevelopmentLifetime { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Bearer tokens with which this service calls another as itself, for one regio and role. From the OIDC authority by
/// client credentials (the authority maps the requested <c>regio:</c> and <c>rol:</c> scopes to the claims), or minted
/// by the development issuer when no authority is configured. Each token is reused until four fifths of its lifetime
/// have passed, and concurrent callers for the same regio and role share one request.
/// </summary>
public sealed class ServiceTokens(IOptions<AuthOptions> auth, IOptions<ServiceClientOptions> options, IHttpClientFactory httpFactory,
    ServiceIdentity service, TimeProvider clock)
{
    public const string HttpClientName = "service-tokens";

    private readonly ConcurrentDictionary<(string Regio, string Role), Lazy<Task<CachedToken>>> _tokens = new();
    private Uri? _discoveredTokenEndpoint;

    /// <summary>The subject of development service tokens: services are told apart from medewerkers by this prefix.</summary>
    public string Subject => "service:" + service.Name;

    public async Task<string> ForAsync(string regio, string role, CancellationToken ct)
    {
        if (!Regios.IsTenantId(regio))
        {
            throw new ArgumentOutOfRangeException(nameof(regio), "Unknown regio tenant id.");
        }

        if (!Roles.All.Contains(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), "Unknown role.");
        }

        var key = (regio, role);
        while (true)
        {
            // Shared by every caller waiting for it, so no single caller's cancellation may end it (the HTTP timeout does).
            var entry = _tokens.GetOrAdd(key, k => new Lazy<Task<CachedToken>>(() => ObtainAsync(k.Regio, k.Role, CancellationToken.None)));
            CachedToken token;
            try
            {
                token = await entry.Value.WaitAsync(ct);
            }
            catch
            {
                // A failed request is not cached: the next caller asks again.
                _tokens.TryRemove(new KeyValuePair<(string, string), Lazy<Task<CachedToken>>>(key, entry));
                throw;
            }

            if (clock.GetUtcNow() < token.RenewAfter)
            {
                return token.Value;
            }

            _tokens.TryRemove(new KeyValuePair<(string, string), Lazy<Task<CachedToken>>>(key, entry));
        }
    }

    /// <summary>Metadata carrying a token for <paramref name="regio"/> and <paramref name="role"/>, for a gRPC call.</summary>
    public async Task<Grpc.Core.Metadata> HeadersAsync(string regio, string role, CancellationToken ct) =>
        new() { { "authorization", "Bearer " + await ForAsync(regio, role, ct) } };

    private async Task<CachedToken> ObtainAsync(string regio, string role, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var settings = auth.Value;
        if (string.IsNullOrWhiteSpace(settings.Authority))
        {
            var lifetime = options.Value.DevelopmentLifetime;
            var minted = DevelopmentTokens.Create(settings.SigningKey ?? "", regio, [role], Subject, now, lifetime,
                settings.Issuer, settings.Audience);
            return new CachedToken(minted, now + lifetime * 0.8);
        }

        var client = options.Value;
        if (string.IsNullOrWhiteSpace(client.ClientId) || string.IsNullOrWhiteSpace(client.ClientSecret))
        {
            throw new InvalidOperationException("Configure Auth:ServiceClient:ClientId and ClientSecret to call other services.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, await TokenEndpointAsync(settings, ct))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = $"{client.Scope} regio:{regio} rol:{role}".Trim(),
            }),
        };
        // RFC 6749 §2.3.1: form-encode, then Basic.
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret)}")));
        using var http = httpFactory.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo the request; the status is enough to act on and leaks nothing.
            throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode} to the client credentials of '{client.ClientId}'.",
                null, response.StatusCode);
        }

        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
            ?? throw new HttpRequestException("The token endpoint answered without a body.");
        if (string.IsNullOrEmpty(body.AccessToken) || body.ExpiresIn <= 0)
        {
            throw new HttpRequestException("The token endpoint answered without access_token or expires_in.");
        }

        return new CachedToken(body.AccessToken, now + TimeSpan.FromSeconds(body.ExpiresIn * 0.8));
    }

    private async Task<Uri> TokenEndpointAsync(AuthOptions settings, CancellationToken ct)
    {
        if (options.Value.TokenEndpoint is { } configured)
        {
            return configured;
        }

        if (_discoveredTokenEndpoint is { } known)
        {
            return known;
        }

        var discovery = new Uri(settings.Authority!.TrimEnd('/') + "/.well-known/openid-configuration");
        using var http = httpFactory.CreateClient(HttpClientName);
        var document = await http.GetFromJsonAsync<DiscoveryDocument>(discovery, ct);
        return _discoveredTokenEndpoint = document?.TokenEndpoint
            ?? throw new InvalidOperationException($"{discovery} names no token_endpoint.");
    }

    private sealed record CachedToken(string Value, DateTimeOffset RenewAfter);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] double ExpiresIn);

    private sealed record DiscoveryDocument([property: JsonPropertyName("token_endpoint")] Uri? TokenEndpoint);
}

public static class ServiceTokensExtensions
{
    /// <summary>Registers <see cref="ServiceTokens"/> for calls from this service to another.</summary>
    public static IHostApplicationBuilder AddServiceTokens(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        builder.Services.Configure<ServiceClientOptions>(builder.Configuration.GetSection(ServiceClientOptions.Section));
        builder.Services.AddHttpClient(ServiceTokens.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceTokens>();
        return builder;
    }
}
