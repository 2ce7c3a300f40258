using System.Security.Claims;
using Veiligthuis.Gateway.Routing;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class TokenValidationCacheTests
{
    private static readonly ClaimsPrincipal Principal = new(new ClaimsIdentity([new Claim("regio", "vt-utrecht")], "Bearer"));

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
