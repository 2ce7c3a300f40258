namespace Veiligthuis.BuildingBlocks.Persistence;

public static class PostgresTime
{
    /// <summary>
    /// PostgreSQL keeps microseconds; truncating before storing makes what a create returns equal
    /// to what every later read (and an idempotent repeat) returns.
    /// </summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);
}
