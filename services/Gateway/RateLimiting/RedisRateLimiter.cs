using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Veiligthuis.Gateway.RateLimiting;

/// <summary>The outcome for one call: allowed, or refused until <see cref="RetryAfter"/> has passed.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// A fixed window per (caller, regio) in Redis, so that every gateway replica counts against the same
/// budget: one Lua script increments the counter and starts the window's expiry atomically. When Redis
/// cannot be reached the call is allowed (fail open) and a warning is logged (ADR 0012).
/// </summary>
public sealed partial class RedisRateLimiter(
    IConnectionMultiplexer redis, IOptions<RateLimitOptions> options, TimeProvider time, ILogger<RedisRateLimiter> logger)
{
    /// <summary>While Redis is down every call would warn; one warning per interval says enough.</summary>
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    // KEYS[1] counter; ARGV[1] window in ms. Returns { count, milliseconds left in the window }.
    private static readonly LuaScript FixedWindow = LuaScript.Prepare(
        """
        local count = redis.call('INCR', @key)
        local ttl = redis.call('PTTL', @key)
        if count == 1 or ttl < 0 then
          redis.call('PEXPIRE', @key, @window)
          ttl = tonumber(@window)
        end
        return { count, ttl }
        """);

    private readonly RateLimitOptions _options = options.Value;
    private long _nextWarningTimestamp = long.MinValue;

    public async Task<RateLimitDecision> AcquireAsync(string caller, string regio)
    {
        if (!redis.IsConnected)
        {
            WarnFailingOpen(regio, null);
            return new RateLimitDecision(true, TimeSpan.Zero);
        }

        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(FixedWindow, new
            {
                key = (RedisKey)Key(caller, regio),
                window = (long)_options.Window.TotalMilliseconds,
            }))!;
            var count = (long)result[0];
            var left = TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1]));
            return count <= _options.PermitsPerWindow
                ? new RateLimitDecision(true, TimeSpan.Zero)
                : new RateLimitDecision(false, left);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            WarnFailingOpen(regio, e);
            return new RateLimitDecision(true, TimeSpan.Zero);
        }
    }

    /// <summary>The caller's id is hashed: Redis holds no user ids, only the regio in the clear.</summary>
    private string Key(string caller, string regio) =>
        _options.KeyPrefix + regio + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(caller)), 0, 16);

    private void WarnFailingOpen(string regio, Exception? exception)
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextWarningTimestamp);
        var interval = (long)(WarningInterval.TotalSeconds * time.TimestampFrequency);
        if (now >= next && Interlocked.CompareExchange(ref _nextWarningTimestamp, now + interval, next) == next)
        {
            LogRedisUnavailable(logger, regio, exception);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning,
        Message = "Rate limit not applied for a caller of regio {Regio}: Redis is unreachable (failing open; this warning repeats at most every 30 s).")]
    private static partial void LogRedisUnavailable(ILogger logger, string regio, Exception? exception);
}
