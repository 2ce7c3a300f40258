using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Veiligthuis.Gateway.RateLimiting;

/// <summary>The outcome for one call: allowed, or refused until <see cref="RetryAfter"/> has passed.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// A fixed window per (caller, regio) in Redis, so that every gateway replica counts against the same
/// budget. A replica reserves permits from Redis in batches (one Lua script increments the counter,
/// starts the window's expiry and grants what is left of the limit, atomically) and hands them out
/// locally, reserving the next batch before the current one runs out: the call path seldom waits for
/// Redis. The batch is at most 1 % of the limit (<see cref="RateLimitOptions.BatchSize"/>), so a small
/// limit is still counted call by call. Permits a replica reserved but did not use lapse with the
/// window: the limit is never exceeded, at worst reached a little early (ADR 0018). When Redis cannot
/// be reached the call is allowed (fail open) and a warning is logged (ADR 0012).
/// </summary>
public sealed partial class RedisRateLimiter(
    IConnectionMultiplexer redis, IOptions<RateLimitOptions> options, TimeProvider time, ILogger<RedisRateLimiter> logger)
{
    /// <summary>While Redis is down every call would warn; one warning per interval says enough.</summary>
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    // Returns { permits granted (0..batch), milliseconds left in the window }.
    private static readonly LuaScript Reserve = LuaScript.Prepare(
        """
        local count = redis.call('INCRBY', @key, @batch)
        local ttl = redis.call('PTTL', @key)
        if ttl < 0 then
          redis.call('PEXPIRE', @key, @window)
          ttl = tonumber(@window)
        end
        local before = count - tonumber(@batch)
        local granted = math.max(0, math.min(tonumber(@batch), tonumber(@limit) - before))
        return { granted, ttl }
        """);

    private readonly RateLimitOptions _options = options.Value;
    private readonly TimeProvider _time = time;
    private readonly ConcurrentDictionary<(string Caller, string Regio), Bucket> _buckets = new();
    private long _nextWarningTimestamp = long.MinValue;
    private long _nextSweepTimestamp;

    public ValueTask<RateLimitDecision> AcquireAsync(string caller, string regio)
    {
        if (!redis.IsConnected)
        {
            WarnFailingOpen(regio, null);
            return ValueTask.FromResult(new RateLimitDecision(true, TimeSpan.Zero));
        }

        var bucket = _buckets.GetOrAdd((caller, regio), static (k, self) => new Bucket(self.Key(k.Caller, k.Regio), k.Regio), this);
        SweepLapsedBuckets();
        return bucket.TryTake(this, out var decision) ? ValueTask.FromResult(decision) : AcquireSlowAsync(bucket);
    }

    private async ValueTask<RateLimitDecision> AcquireSlowAsync(Bucket bucket)
    {
        // A few rounds at most: another call may take the permits a reservation brought in.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (!await bucket.ReservationFor(this))
            {
                return new RateLimitDecision(true, TimeSpan.Zero);
            }

            if (bucket.TryTake(this, out var decision))
            {
                return decision;
            }
        }

        return new RateLimitDecision(false, TimeSpan.FromSeconds(1));
    }

    /// <summary>One Redis round trip; false (fail open) when Redis cannot be reached.</summary>
    private async Task<bool> ReserveAsync(Bucket bucket)
    {
        // Started under the bucket's lock: never complete (and clear the bucket's reservation) inside it.
        await Task.Yield();
        try
        {
            var batch = _options.BatchSize;
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Reserve, new
            {
                key = (RedisKey)bucket.Key,
                batch,
                limit = _options.PermitsPerWindow,
                window = (long)_options.Window.TotalMilliseconds,
            }))!;
            bucket.Add(this, (int)(long)result[0], batch, TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])));
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            bucket.Failed();
            WarnFailingOpen(bucket.Regio, e);
            return false;
        }
    }

    /// <summary>The caller's id is hashed: Redis holds no user ids, only the regio in the clear.</summary>
    private string Key(string caller, string regio) =>
        _options.KeyPrefix + regio + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(caller)), 0, 16);

    /// <summary>Forgets callers whose window has passed, at most once per window, so the table stays small.</summary>
    private void SweepLapsedBuckets()
    {
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweepTimestamp);
        if (now < next || Interlocked.CompareExchange(ref _nextSweepTimestamp, now + Ticks(_options.Window), next) != next)
        {
            return;
        }

        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.Lapsed(now))
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private void WarnFailingOpen(string regio, Exception? exception)
    {
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextWarningTimestamp);
        if (now >= next && Interlocked.CompareExchange(ref _nextWarningTimestamp, now + Ticks(WarningInterval), next) == next)
        {
            LogRedisUnavailable(logger, regio, exception);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning,
        Message = "Rate limit not applied for a caller of regio {Regio}: Redis is unreachable (failing open; this warning repeats at most every 30 s).")]
    private static partial void LogRedisUnavailable(ILogger logger, string regio, Exception? exception);

    /// <summary>The permits this replica holds for one (caller, regio) in the current window.</summary>
    private sealed class Bucket(string key, string regio)
    {
        private readonly Lock _gate = new();
        private int _remaining;
        private long _windowEnds;
        private bool _exhausted;
        private Task<bool>? _reserving;

        public string Key { get; } = key;

        public string Regio { get; } = regio;

        public bool TryTake(RedisRateLimiter limiter, out RateLimitDecision decision)
        {
            lock (_gate)
            {
                var now = limiter._time.GetTimestamp();
                if (now < _windowEnds)
                {
                    if (_remaining > 0)
                    {
                        _remaining--;
                        // Reserve the next batch while a quarter of this one is left, off the call path.
                        if (_remaining <= limiter._options.BatchSize / 4 && !_exhausted && _reserving is null && limiter._options.BatchSize > 1)
                        {
                            _reserving = limiter.ReserveAsync(this);
                        }

                        decision = new RateLimitDecision(true, TimeSpan.Zero);
                        return true;
                    }

                    if (_exhausted)
                    {
                        decision = new RateLimitDecision(false, limiter._time.GetElapsedTime(now, _windowEnds));
                        return true;
                    }
                }

                decision = default;
                return false;
            }
        }

        /// <summary>The reservation in flight, or a new one: concurrent calls share one round trip.</summary>
        public Task<bool> ReservationFor(RedisRateLimiter limiter)
        {
            lock (_gate)
            {
                return _reserving ??= limiter.ReserveAsync(this);
            }
        }

        public void Failed()
        {
            lock (_gate)
            {
                _reserving = null;
            }
        }

        public void Add(RedisRateLimiter limiter, int granted, int requested, TimeSpan windowLeft)
        {
            lock (_gate)
            {
                var now = limiter._time.GetTimestamp();
                var windowEnds = now + limiter.Ticks(windowLeft);
                // Another window than the permits held (they lapsed with theirs): start over, never carry them.
                if (now >= _windowEnds || windowEnds - _windowEnds > limiter.Ticks(limiter._options.Window / 2))
                {
                    _remaining = 0;
                }

                _remaining += granted;
                _windowEnds = windowEnds;
                _exhausted = granted < requested;
                _reserving = null;
            }
        }

        public bool Lapsed(long now)
        {
            lock (_gate)
            {
                return now >= _windowEnds && _reserving is null;
            }
        }
    }
}
