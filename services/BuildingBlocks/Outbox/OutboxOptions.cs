namespace Veiligthuis.BuildingBlocks.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often the relay looks for due rows when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the relay waits after a commit woke it, so that one pass takes the commits that follow.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The most rows one pass reads and publishes.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The most publishes of one pass awaited together.</summary>
    public int MaxInFlight { get; set; } = 128;

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Past this many attempts a row is still retried, but counted in the stuck-events metric.</summary>
    public int AlertAfterAttempts { get; set; } = 10;

    /// <summary>How long a published row stays in the outbox (for inspection) before it is pruned.</summary>
    public TimeSpan KeepPublished { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an inbox row keeps a handled event from being handled again.</summary>
    public TimeSpan KeepInbox { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}
