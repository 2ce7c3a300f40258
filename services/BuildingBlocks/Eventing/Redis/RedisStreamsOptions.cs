namespace Veiligthuis.BuildingBlocks.Eventing.Redis;

public sealed class RedisStreamsOptions
{
    public const string Section = "Eventing:Redis";

    /// <summary>Shortest and longest wait between empty reads (StackExchange.Redis cannot block on XREADGROUP).</summary>
    public TimeSpan MinPollDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan MaxPollDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A pending entry idle this long belongs to a consumer that crashed or failed: reclaim it.</summary>
    public TimeSpan ClaimIdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often pending entries are inspected for reclaiming.</summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After this many deliveries an entry moves to the dead-letter stream.</summary>
    public int MaxDeliveries { get; set; } = 10;

    public int BatchSize { get; set; } = 64;

    /// <summary>Prefixes every stream name, so that environments (or test runs) can share one Redis.</summary>
    public string StreamPrefix { get; set; } = "";

    /// <summary>Approximate length each stream is trimmed to on publish.</summary>
    public int MaxStreamLength { get; set; } = 1_000_000;
}
