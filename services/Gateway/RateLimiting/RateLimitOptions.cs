namespace Veiligthuis.Gateway.RateLimiting;

/// <summary>Settings under <c>Gateway:RateLimit</c>: a fixed window per (caller, regio), counted in Redis.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    /// <summary>Calls one caller of one regio may make per window, over all gateway replicas; 0 turns the limit off.</summary>
    public int PermitsPerWindow { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Prefix of the Redis keys; replicas that share a limit share the prefix.</summary>
    public string KeyPrefix { get; set; } = "vt:gateway:ratelimit:";

    /// <summary>
    /// Most permits a replica reserves from Redis at once for one caller; the batch is also at most 1 % of
    /// <see cref="PermitsPerWindow"/> (at least 1), so a small limit is still counted call by call (ADR 0018).
    /// </summary>
    public int MaxBatch { get; set; } = 1000;

    public bool Enabled => PermitsPerWindow > 0;

    public int BatchSize => Math.Clamp(PermitsPerWindow / 100, 1, Math.Max(1, MaxBatch));
}
