using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Persistence;

[Collection(nameof(PersistenceCollection))]
public sealed class InboxTests(SharedDatabase shared)
{
    private const string Utrecht = "vt-utrecht";
    private readonly TestDatabase _db = shared.Db;

    [Fact]
    public async Task TryAcceptEvent_FirstTime_ReturnsTrueAndRecordsIt()
    {
        var consumer = NewConsumer();
        var eventId = Guid.NewGuid();

        Assert.True(await AcceptAsync(consumer, eventId));

        Assert.Equal(1L, await _db.AdminScalarAsync<long>(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2", consumer, eventId));
    }

    [Fact]
    public async Task TryAcceptEvent_SameConsumerSameEventAgain_ReturnsFalse()
    {
        var consumer = NewConsumer();
        var eventId = Guid.NewGuid();
        await AcceptAsync(consumer, eventId);

        Assert.False(await AcceptAsync(consumer, eventId));
    }

    [Fact]
    public async Task TryAcceptEvent_OtherConsumerSameEvent_ReturnsTrue()
    {
        var eventId = Guid.NewGuid();
        await AcceptAsync(NewConsumer(), eventId);

        Assert.True(await AcceptAsync(NewConsumer(), eventId));
    }

    [Fact]
    public async Task TryAcceptEvent_InUnitOfWorkNotCommitted_IsNotRemembered()
    {
        var consumer = NewConsumer();
        var eventId = Guid.NewGuid();
        await using (var uow = await _db.Database().BeginAsync(Utrecht, CancellationToken.None))
        {
            Assert.True(await uow.TryAcceptEventAsync(consumer, eventId, CancellationToken.None));
        }

        Assert.True(await AcceptAsync(consumer, eventId));
    }

    [Fact]
    public async Task TryAcceptEvent_ConcurrentUnitsOfWork_ExactlyOneAccepts()
    {
        const int parallel = 8;
        var consumer = NewConsumer();
        var eventId = Guid.NewGuid();
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await AcceptAsync(consumer, eventId);
        })).ToList();
        start.Set();
        var accepted = await Task.WhenAll(attempts);

        Assert.Single(accepted, a => a);
        Assert.Equal(1L, await _db.AdminScalarAsync<long>(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2", consumer, eventId));
    }

    private static string NewConsumer() => "consumer-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<bool> AcceptAsync(string consumer, Guid eventId)
    {
        await using var uow = await _db.Database().BeginAsync(Utrecht, CancellationToken.None);
        var accepted = await uow.TryAcceptEventAsync(consumer, eventId, CancellationToken.None);
        await uow.CommitAsync(CancellationToken.None);
        return accepted;
    }
}
