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

    public bool Enabled => PermitsPerWindow > 0;
}
