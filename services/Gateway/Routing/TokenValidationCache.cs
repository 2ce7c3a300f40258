using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// Bearer tokens the gateway validated, by their exact text, until they expire (at most
/// <see cref="MaxAge"/>). A front end or a regional system sends the same token on every call, and
/// validating it (parsing, signature, claims) was the largest per-call cost of the gateway after YARP
/// itself (ADR 0018). Only a token that passed validation is remembered, never one that failed; every
/// service validates every call again (defence in depth).
/// </summary>
public sealed class TokenValidationCache(TimeProvider time)
{
    /// <summary>Bounds how long a key rotation or a changed configuration can go unnoticed for one token.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string token, out ClaimsPrincipal principal) => TryGet(token.AsSpan(), out principal);

    /// <summary>Looked up by the token's characters (from the header), so a hit allocates nothing.</summary>
    public bool TryGet(ReadOnlySpan<char> token, out ClaimsPrincipal principal)
    {
        var entries = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        if (entries.TryGetValue(token, out var key, out var entry))
        {
            if (time.GetUtcNow() < entry.Until)
            {
                principal = entry.Principal;
                return true;
            }

            _entries.TryRemove(key, out _);
        }

        principal = null!;
        return false;
    }

    public void Add(string token, ClaimsPrincipal principal, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        var until = expires < now + MaxAge ? expires : now + MaxAge;
        if (until <= now)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Until <= now)
                {
                    _entries.TryRemove(key, out _);
                }
            }

            // Still full of live tokens: start over rather than grow (they are validated again once).
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }

        _entries[token] = new Entry(principal, until);
    }

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);
}

public static class TokenValidationCacheExtensions
{
    private const string BearerPrefix = "Bearer ";

    // The mark UseAuthentication leaves, and WebApplication looks for before it adds authentication itself.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>
    /// Authentication: a bearer token validated before (and not expired) sets the caller at once; any
    /// other call goes through ASP.NET Core's authentication (the JWT handler, which validates and fills the
    /// cache). Answering a remembered token inside the JWT handler still cost a handler, its events and
    /// tickets per call, about 3 % of the gateway's CPU under load (ADR 0018).
    /// </summary>
    public static IApplicationBuilder UseRememberedTokens(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<TokenValidationCache>();
        // UseAuthentication marks only the branch it is called on. Unmarked, WebApplication puts its own
        // authentication middleware in front of the whole pipeline, and every call, remembered or not, went
        // through the JWT handler first (gateway profile, ADR 0018). A test counts the handler's calls.
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        return app.UseWhen(context => !TryRemembered(context, cache), authenticate => authenticate.UseAuthentication());
    }

    private static bool TryRemembered(HttpContext context, TokenValidationCache cache)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } header
            || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || !cache.TryGet(header.AsSpan(BearerPrefix.Length).Trim(), out var principal))
        {
            return false;
        }

        // What the authentication middleware leaves behind for a successful scheme.
        var remembered = new RememberedAuthentication(
            AuthenticateResult.Success(new AuthenticationTicket(principal, JwtBearerDefaults.AuthenticationScheme)));
        context.User = principal;
        context.Features.Set<IHttpAuthenticationFeature>(remembered);
        context.Features.Set<IAuthenticateResultFeature>(remembered);
        return true;
    }

    private sealed class RememberedAuthentication(AuthenticateResult result) : IHttpAuthenticationFeature, IAuthenticateResultFeature
    {
        public ClaimsPrincipal? User
        {
            get => AuthenticateResult?.Principal;
            set => AuthenticateResult = value is null ? null : AuthenticateResult.Success(new AuthenticationTicket(value, JwtBearerDefaults.AuthenticationScheme));
        }

        public AuthenticateResult? AuthenticateResult { get; set; } = result;
    }

    /// <summary>Answers the JWT bearer handler from the cache before it validates, and fills the cache after.</summary>
    public static WebApplicationBuilder AddTokenValidationCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TokenValidationCache>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenValidationCache>((jwt, cache) =>
            {
                var events = jwt.Events ?? new JwtBearerEvents();
                var received = events.OnMessageReceived;
                var validated = events.OnTokenValidated;
                events.OnMessageReceived = async context =>
                {
                    await received(context);
                    var authorization = context.Request.Headers.Authorization.ToString();
                    if (context.Result is null && context.Token is null
                        && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
                        && cache.TryGet(authorization[BearerPrefix.Length..].Trim(), out var principal))
                    {
                        context.Principal = principal;
                        context.Success();
                    }
                };
                events.OnTokenValidated = async context =>
                {
                    await validated(context);
                    if (context.Result is null && context.Principal is { } principal && context.SecurityToken is JsonWebToken token)
                    {
                        cache.Add(token.EncodedToken, principal, new DateTimeOffset(token.ValidTo, TimeSpan.Zero));
                    }
                };
                jwt.Events = events;
            });
        return builder;
    }
}
