using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Veiligthuis.BuildingBlocks.Outbox;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Outbox;

public sealed class OutboxPruningTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task PruneOnce_RemovesOnlyPublishedRowsPastTheirTimeAndOldInboxRows_NeverUnpublishedOnes()
    {
        await using var db = await TestDatabase.CreateAsync();
        var now = _clock.GetUtcNow();
        var oldPublished = await OutboxRowAsync(db, createdAt: now.AddDays(-9), publishedAt: now.AddDays(-8));
        var recentPublished = await OutboxRowAsync(db, createdAt: now.AddDays(-2), publishedAt: now.AddDays(-1));
        var oldUnpublished = await OutboxRowAsync(db, createdAt: now.AddDays(-40), publishedAt: null);
        var oldInbox = await InboxRowAsync(db, now.AddDays(-31));
        var recentInbox = await InboxRowAsync(db, now.AddDays(-29));
        var pruning = new OutboxPruning(db.DataSource, new MigrationState(), Options.Create(new OutboxOptions()), _clock,
            NullLogger<OutboxPruning>.Instance);

        var removed = await pruning.PruneOnceAsync(CancellationToken.None);
        var again = await pruning.PruneOnceAsync(CancellationToken.None);

        Assert.Equal((1, 1), removed);
        Assert.Equal((0, 0), again);
        Assert.Equal(0L, await CountAsync(db, "outbox", oldPublished));
        Assert.Equal(1L, await CountAsync(db, "outbox", recentPublished));
        Assert.Equal(1L, await CountAsync(db, "outbox", oldUnpublished));
        Assert.Equal(0L, await CountAsync(db, "inbox", oldInbox));
        Assert.Equal(1L, await CountAsync(db, "inbox", recentInbox));
    }

    private static async Task<Guid> OutboxRowAsync(TestDatabase db, DateTimeOffset createdAt, DateTimeOffset? publishedAt)
    {
        var eventId = Guid.NewGuid();
        await db.AdminExecuteAsync("""
            INSERT INTO outbox (event_id, topic, type, subject, regio, payload, created_at, next_attempt_at, published_at)
            VALUES ($1, 'test.topic', 'test.Type', 'subject', 'vt-utrecht', '\x00'::bytea, $2, $2, $3)
            """, eventId, createdAt, publishedAt is { } p ? p : DBNull.Value);
        return eventId;
    }

    private static async Task<Guid> InboxRowAsync(TestDatabase db, DateTimeOffset receivedAt)
    {
        var eventId = Guid.NewGuid();
        await db.AdminExecuteAsync("INSERT INTO inbox (consumer, event_id, received_at) VALUES ('test', $1, $2)", eventId, receivedAt);
        return eventId;
    }

    private static Task<long> CountAsync(TestDatabase db, string table, Guid eventId) =>
        db.AdminScalarAsync<long>($"SELECT count(*) FROM {table} WHERE event_id = $1", eventId);
}
