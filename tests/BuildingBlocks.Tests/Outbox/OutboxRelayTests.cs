using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Outbox;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Veiligthuis.Intake.V1;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Outbox;

/// <summary>
/// The relay publishes every due row of the outbox table, so each test has a database of its own;
/// the real Redis is shared, so each test has its own stream prefix.
/// </summary>
public sealed class OutboxRelayTests(TestRedis redis)
{
    private const string Utrecht = "vt-utrecht";
    private static readonly IMeterFactory Meters =
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly OutboxOptions _options = new();
    private readonly string _prefix = redis.NewPrefix();

    private string Stream => _prefix + Events.Topic;

    [Fact]
    public async Task Publish_InUnitOfWorkNotCommitted_NeverReachesTheOutbox()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var relay = Relay(db, redis.Publisher(_prefix));
        Guid eventId;
        await using (var uow = await db.Database(_clock).BeginAsync(Utrecht, CancellationToken.None))
        {
            eventId = await uow.PublishAsync(Events.Topic, Events.MeldingOntvangen(), "subject", CancellationToken.None);
            var written = await uow.Command("SELECT count(*) FROM outbox WHERE event_id = $1", eventId).ExecuteScalarAsync();
            Assert.Equal(1L, written);
        }

        var (published, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(0L, await db.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE event_id = $1", eventId));
        Assert.Equal(0, published);
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(Stream));
    }

    [Fact]
    public async Task Relay_CommittedEvent_PublishesCloudEventWithAllAttributesToRedisStream()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var relay = Relay(db, redis.Publisher(_prefix));
        var message = Events.MeldingOntvangen();
        var eventId = await CommitAsync(db, message);

        var (published, full) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(1, published);
        Assert.False(full);
        var entry = Assert.Single(await redis.Db.StreamRangeAsync(Stream));
        Assert.Equal(eventId.ToString(), (string?)entry["id"]);
        Assert.Equal("veiligthuis.intake.v1.MeldingOntvangen", (string?)entry["type"]);
        Assert.Equal(TestDatabase.Service, (string?)entry["source"]);
        Assert.Equal(message.MeldingId, (string?)entry["subject"]);
        Assert.Equal(Utrecht, (string?)entry["regio"]);
        Assert.Equal(_clock.GetUtcNow(), DateTimeOffset.Parse((string)entry["time"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(message, MeldingOntvangen.Parser.ParseFrom((byte[])entry["data"]!));
        Assert.Equal(_clock.GetUtcNow(), await db.AdminScalarAsync<DateTimeOffset>(
            "SELECT published_at FROM outbox WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task Relay_AfterBusWasDown_DeliversWithBackoff()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bus = new FlakyPublisher(redis.Publisher(_prefix)) { Down = true };
        using var relay = Relay(db, bus);
        var eventId = await CommitAsync(db, Events.MeldingOntvangen());

        var (failedPass, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(0, failedPass);
        var row = await RowAsync(db, eventId);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(nameof(RedisConnectionException), row.LastError);
        Assert.Null(row.PublishedAt);
        Assert.True(row.NextAttemptAt > _clock.GetUtcNow(), "the next attempt waits");
        Assert.Equal(_clock.GetUtcNow() + _options.MinBackoff, row.NextAttemptAt);
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(Stream));

        // The bus is back, but the row's backoff has not passed: a pass at the same instant leaves it.
        bus.Down = false;
        var callsBefore = bus.Calls;
        var (earlyPass, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(0, earlyPass);
        Assert.Equal(callsBefore, bus.Calls);
        Assert.Equal(1, (await RowAsync(db, eventId)).Attempts);
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(Stream));

        _clock.Advance(_options.MinBackoff + TimeSpan.FromMilliseconds(1));
        var (laterPass, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(1, laterPass);
        Assert.Equal(_clock.GetUtcNow(), (await RowAsync(db, eventId)).PublishedAt);
        var entry = Assert.Single(await redis.Db.StreamRangeAsync(Stream));
        Assert.Equal(eventId.ToString(), (string?)entry["id"]);

        var (afterwards, _) = await relay.RelayBatchAsync(CancellationToken.None);
        Assert.Equal(0, afterwards);
        Assert.Equal(1L, await redis.Db.StreamLengthAsync(Stream));
    }

    [Fact]
    public async Task Relay_FirstOfThreeEventsFails_OnlyTheFailedMeldingWaits()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bus = new FlakyPublisher(redis.Publisher(_prefix));
        using var relay = Relay(db, bus);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CommitAsync(db, Events.MeldingOntvangen()));
        }

        // Three meldingen: one wave. The failed event backs off; the other two are published and marked.
        bus.DownFor = ids[0];
        var (firstPass, full) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(2, firstPass);
        Assert.False(full);
        Assert.Equal(3, bus.Calls);
        var failed = await RowAsync(db, ids[0]);
        Assert.Equal(1, failed.Attempts);
        Assert.True(failed.NextAttemptAt > _clock.GetUtcNow(), "the failed event backs off");
        Assert.All(ids.Skip(1), id => Assert.NotNull(RowAsync(db, id).GetAwaiter().GetResult().PublishedAt));

        var (whileBackingOff, _) = await relay.RelayBatchAsync(CancellationToken.None);
        Assert.Equal(0, whileBackingOff);

        bus.DownFor = null;
        _clock.Advance(_options.MinBackoff);
        var (laterPass, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(1, laterPass);
        var entries = await redis.Db.StreamRangeAsync(Stream);
        Assert.Equal([ids[1].ToString(), ids[2].ToString(), ids[0].ToString()], entries.Select(e => (string?)e["id"]));
    }

    [Fact]
    public async Task Relay_TwoEventsOfOneMeldingInAPass_AreSentOneAfterTheOther_AndTheSecondWaitsWhenTheFirstFails()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bus = new FlakyPublisher(redis.Publisher(_prefix));
        using var relay = Relay(db, bus);
        var message = Events.MeldingOntvangen();
        var first = await CommitAsync(db, message);
        var other = await CommitAsync(db, Events.MeldingOntvangen());
        var second = await CommitAsync(db, message);

        // The repeated subject starts a second wave, which a failure in the first never sends.
        bus.DownFor = first;
        var (failedPass, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(1, failedPass);
        Assert.Equal(2, bus.Calls);
        Assert.Null((await RowAsync(db, second)).PublishedAt);
        Assert.Equal(0, (await RowAsync(db, second)).Attempts);

        bus.DownFor = null;
        _clock.Advance(_options.MinBackoff);
        var (laterPass, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(2, laterPass);
        var entries = await redis.Db.StreamRangeAsync(Stream);
        Assert.Equal([other.ToString(), first.ToString(), second.ToString()], entries.Select(e => (string?)e["id"]));
    }

    [Fact]
    public async Task Relay_WhileAnotherReplicaRelays_SkipsThePass()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var relay = Relay(db, redis.Publisher(_prefix));
        var eventId = await CommitAsync(db, Events.MeldingOntvangen());

        await using (var otherReplica = await db.DataSource.OpenConnectionAsync())
        await using (var transaction = await otherReplica.BeginTransactionAsync())
        {
            await using var hold = new Npgsql.NpgsqlCommand(
                "SELECT pg_advisory_xact_lock(hashtext(current_database() || '.outbox-relay'))", otherReplica, transaction);
            await hold.ExecuteNonQueryAsync();

            var (whileHeld, _) = await relay.RelayBatchAsync(CancellationToken.None);
            Assert.Equal(0, whileHeld);
            Assert.Null((await RowAsync(db, eventId)).PublishedAt);
        }

        var (afterwards, _) = await relay.RelayBatchAsync(CancellationToken.None);
        Assert.Equal(1, afterwards);
    }

    [Fact]
    public async Task Relay_EventOfOneMeldingBackingOff_DoesNotHoldBackAnotherMelding()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bus = new FlakyPublisher(redis.Publisher(_prefix)) { Down = true };
        using var relay = Relay(db, bus);
        var stuck = await CommitAsync(db, Events.MeldingOntvangen());
        await relay.RelayBatchAsync(CancellationToken.None);

        bus.Down = false;
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        var other = await CommitAsync(db, Events.MeldingOntvangen());
        var (published, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(1, published);
        var entries = await redis.Db.StreamRangeAsync(Stream);
        Assert.Equal([other.ToString()], entries.Select(e => (string?)e["id"]));
        Assert.Null((await RowAsync(db, stuck)).PublishedAt);
    }

    [Fact]
    public async Task Relay_EventCommittedWhileAnEarlierOneBacksOff_DoesNotOvertakeIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bus = new FlakyPublisher(redis.Publisher(_prefix)) { Down = true };
        using var relay = Relay(db, bus);
        var message = Events.MeldingOntvangen();
        var first = await CommitAsync(db, message);
        await relay.RelayBatchAsync(CancellationToken.None);

        // The bus is back before the first event's backoff ends; a second event of the same melding arrives.
        bus.Down = false;
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        var second = await CommitAsync(db, message);
        var (early, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(0, early);
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(Stream));

        _clock.Advance(_options.MinBackoff);
        var (later, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(2, later);
        var entries = await redis.Db.StreamRangeAsync(Stream);
        Assert.Equal([first.ToString(), second.ToString()], entries.Select(e => (string?)e["id"]));
    }

    [Fact]
    public async Task Relay_NewEventOfAReplicaWhoseClockIsAhead_IsDueAtOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var relay = Relay(db, redis.Publisher(_prefix));
        var aheadClock = new FakeTimeProvider(_clock.GetUtcNow() + TimeSpan.FromSeconds(2));
        Guid eventId;
        await using (var uow = await db.Database(aheadClock).BeginAsync(Utrecht, CancellationToken.None))
        {
            var message = Events.MeldingOntvangen();
            eventId = await uow.PublishAsync(Events.Topic, message, message.MeldingId, CancellationToken.None);
            await uow.CommitAsync(CancellationToken.None);
        }

        var (published, _) = await relay.RelayBatchAsync(CancellationToken.None);

        Assert.Equal(1, published);
        Assert.NotNull((await RowAsync(db, eventId)).PublishedAt);
    }

    [Fact]
    public async Task Relay_BacklogOfManyBatches_IsPublishedInSeqOrderBatchByBatch()
    {
        _options.BatchSize = 50;
        _options.MaxInFlight = 16;
        await using var db = await TestDatabase.CreateAsync();
        using var relay = Relay(db, redis.Publisher(_prefix));
        await using (var uow = await db.Database(_clock).BeginAsync(Utrecht, CancellationToken.None))
        {
            var events = Enumerable.Range(0, 5 * _options.BatchSize + 7).Select(_ => Events.MeldingOntvangen()).ToList();
            await uow.PublishManyAsync([.. events.Select(e => new OutboxEvent(Events.Topic, e, e.MeldingId))], CancellationToken.None);
            await uow.CommitAsync(CancellationToken.None);
        }

        var passes = new List<(int Published, bool Full)>();
        for (var pass = 0; pass < 10 && (passes.Count == 0 || passes[^1].Full); pass++)
        {
            passes.Add(await relay.RelayBatchAsync(CancellationToken.None));
        }

        Assert.Equal([.. Enumerable.Repeat(_options.BatchSize, 5), 7], passes.Select(p => p.Published));
        Assert.False(passes[^1].Full);
        var ids = await db.AdminScalarAsync<Guid[]>("SELECT array_agg(event_id ORDER BY seq) FROM outbox");
        var entries = await redis.Db.StreamRangeAsync(Stream);
        Assert.Equal(ids.Select(i => i.ToString()), entries.Select(e => (string?)e["id"]));
    }

    [Fact]
    public async Task Relay_BusDownRepeatedly_AttemptsGrowAndBackoffDoubles()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bus = new FlakyPublisher(redis.Publisher(_prefix)) { Down = true };
        using var relay = Relay(db, bus);
        var eventId = await CommitAsync(db, Events.MeldingOntvangen());

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await relay.RelayBatchAsync(CancellationToken.None);
            var row = await RowAsync(db, eventId);
            Assert.Equal(attempt, row.Attempts);
            waits.Add(row.NextAttemptAt - _clock.GetUtcNow());
            _clock.SetUtcNow(row.NextAttemptAt);
        }

        Assert.Equal([500, 1000, 2000, 4000], waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(0L, await redis.Db.StreamLengthAsync(Stream));
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1_000)]
    [InlineData(3, 2_000)]
    [InlineData(4, 4_000)]
    [InlineData(10, 256_000)]
    [InlineData(11, 300_000)]
    [InlineData(30, 300_000)]
    [InlineData(1_000, 300_000)]
    public void Backoff_GrowsExponentiallyAndCapsAtMaxBackoff(int attempts, int expectedMilliseconds)
    {
        var settings = new OutboxOptions { MinBackoff = TimeSpan.FromMilliseconds(500), MaxBackoff = TimeSpan.FromMinutes(5) };

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), OutboxRelay.Backoff(attempts, settings));
    }

    [Fact]
    public async Task PublishMany_Committed_StoresTheEventsInOrder_AndNotifiesOtherReplicasOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var listener = new Npgsql.NpgsqlConnection(db.AdminConnectionString);
        await listener.OpenAsync();
        var notificaties = new List<string>();
        listener.Notification += (_, e) => notificaties.Add(e.Payload);
        await using (var listen = new Npgsql.NpgsqlCommand("LISTEN outbox", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var messages = Enumerable.Range(0, 3).Select(_ => Events.MeldingOntvangen()).ToList();
        await using (var uow = await db.Database(_clock).BeginAsync(Utrecht, CancellationToken.None))
        {
            await uow.PublishManyAsync([.. messages.Select((m, i) => new OutboxEvent(Events.Topic, m, m.MeldingId, i == 1 ? "vt-twente" : null))],
                CancellationToken.None);
            Assert.False(await listener.WaitAsync(TimeSpan.FromMilliseconds(200)));
            await uow.CommitAsync(CancellationToken.None);
        }

        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([TestDatabase.Service], notificaties);
        var rijen = await db.AdminScalarAsync<string>("SELECT string_agg(subject || ':' || regio, ',' ORDER BY seq) FROM outbox");
        Assert.Equal(string.Join(',', messages.Select((m, i) => $"{m.MeldingId}:{(i == 1 ? "vt-twente" : Utrecht)}")), rijen);
    }

    [Fact]
    public void Backoff_NeverShrinksAsAttemptsGrow()
    {
        var settings = new OutboxOptions();

        var backoffs = Enumerable.Range(1, 100).Select(a => OutboxRelay.Backoff(a, settings)).ToList();

        Assert.Equal(backoffs.Order(), backoffs);
        Assert.All(backoffs, b => Assert.InRange(b, settings.MinBackoff, settings.MaxBackoff));
    }

    private OutboxRelay Relay(TestDatabase db, IEventPublisher publisher) => new(
        db.DataSource, publisher, new OutboxSignal(), new MigrationState(), new ServiceIdentity(TestDatabase.Service),
        _clock, Options.Create(_options), Meters, NullLogger<OutboxRelay>.Instance);

    private async Task<Guid> CommitAsync(TestDatabase db, MeldingOntvangen message)
    {
        await using var uow = await db.Database(_clock).BeginAsync(Utrecht, CancellationToken.None);
        var eventId = await uow.PublishAsync(Events.Topic, message, message.MeldingId, CancellationToken.None);
        await uow.CommitAsync(CancellationToken.None);
        return eventId;
    }

    private static async Task<OutboxRow> RowAsync(TestDatabase db, Guid eventId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT attempts, last_error, published_at, next_attempt_at FROM outbox WHERE event_id = $1", connection)
        {
            Parameters = { new() { Value = eventId } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"outbox row {eventId} exists");
        return new OutboxRow(
            reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetFieldValue<DateTimeOffset>(3));
    }

    private sealed record OutboxRow(int Attempts, string? LastError, DateTimeOffset? PublishedAt, DateTimeOffset NextAttemptAt);
}
