using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.BuildingBlocks.Outbox;

/// <summary>
/// Publishes committed outbox rows, in order per subject (aggregate), and marks them published. A
/// failed publish leaves the row for a later attempt with capped exponential backoff: nothing is
/// lost while the bus is down, and delivery is at least once.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IEventPublisher publisher,
    OutboxSignal signal,
    MigrationState migrations,
    ServiceIdentity service,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    IMeterFactory meters,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly Meter _meter = meters.Create("Veiligthuis.Outbox");
    private Counter<long>? _published;
    private Counter<long>? _failures;
    private Counter<long>? _stuck;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _published = _meter.CreateCounter<long>("veiligthuis.outbox.published");
        _failures = _meter.CreateCounter<long>("veiligthuis.outbox.publish_failures");
        _stuck = _meter.CreateCounter<long>("veiligthuis.outbox.stuck", description: "Failed publishes of events past the alert threshold.");
        await migrations.WhenAppliedAsync(stoppingToken);
        _ = ListenAsync(stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            var drained = false;
            try
            {
                var (_, full) = await RelayBatchAsync(stoppingToken);
                drained = !full;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRelayFailed(logger, e.GetType().Name);
                drained = true;
            }

            if (drained)
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                // Woken by a commit, the relay lingers a moment so that one pass takes the commits that follow: at a few
                // hundred commits a second a pass per commit cost as many round trips again as the commits themselves.
                if (options.Value.Linger > TimeSpan.Zero)
                {
                    await Task.Delay(options.Value.Linger, clock, stoppingToken);
                }
            }
        }
    }

    /// <summary>Publishes due rows once; returns how many were published and whether the batch was full.</summary>
    public async Task<(int Published, bool Full)> RelayBatchAsync(CancellationToken ct)
    {
        var settings = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();

        await using (var gate = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // One relay per database at a time, so replicas cannot publish one aggregate's events out of order.
                new NpgsqlBatchCommand("SELECT pg_try_advisory_xact_lock(hashtext(current_database() || '.outbox-relay'))"),
                // The plan is pinned (migration 0003): each branch reads its own partial index in seq order, so a pass reads
                // about as many index entries as it publishes whatever the backlog. Left to itself, with the statistics of a
                // quiet moment, the planner chose scans that read every pending row again on every pass (docs/benchmarks.md,
                // CreateMelding run 8).
                new NpgsqlBatchCommand("SET LOCAL enable_bitmapscan = off"),
                new NpgsqlBatchCommand("SET LOCAL enable_seqscan = off"),
                new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"),
                // A mark lost in a crash only publishes its events again, which consumers' inboxes absorb (at least once),
                // so this commit need not wait for its WAL flush.
                new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"),
            },
        })
        {
            if (!(bool)(await gate.ExecuteScalarAsync(ct))!)
            {
                return (0, false);
            }
        }

        // Due: never tried, or tried and past its backoff; and no earlier event of its subject still waiting, so an
        // aggregate's events never overtake each other and one stuck event holds back only its own aggregate.
        const string notBehindAWaitingEvent = """
            NOT EXISTS (
                SELECT 1 FROM outbox waiting
                WHERE waiting.published_at IS NULL AND waiting.attempts > 0 AND waiting.subject = o.subject
                  AND waiting.seq < o.seq AND waiting.next_attempt_at > $1)
            """;
        var rows = new List<(long Seq, EventEnvelope Envelope, int Attempts)>();
        await using (var select = new NpgsqlCommand($"""
            SELECT seq, event_id, topic, type, subject, regio, payload, traceparent, created_at, attempts
            FROM ((SELECT o.* FROM outbox o
                   WHERE o.published_at IS NULL AND o.attempts = 0 AND {notBehindAWaitingEvent}
                   ORDER BY o.seq LIMIT $2)
                  UNION ALL
                  (SELECT o.* FROM outbox o
                   WHERE o.published_at IS NULL AND o.attempts > 0 AND o.next_attempt_at <= $1 AND {notBehindAWaitingEvent}
                   ORDER BY o.seq LIMIT $2)) due
            ORDER BY seq
            LIMIT $2
            """, connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = now });
            select.Parameters.Add(new NpgsqlParameter { Value = settings.BatchSize });
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), new EventEnvelope(
                    Id: reader.GetGuid(1),
                    Topic: reader.GetString(2),
                    Type: reader.GetString(3),
                    Source: service.Name,
                    Subject: reader.GetString(4),
                    Regio: reader.GetString(5),
                    Time: reader.GetFieldValue<DateTimeOffset>(8),
                    TraceParent: reader.IsDBNull(7) ? null : reader.GetString(7),
                    Data: reader.GetFieldValue<byte[]>(6)), reader.GetInt32(9)));
            }
        }

        // Published in waves: a wave is sent at once (Redis pipelines it) and runs up to the next event of a subject already
        // in it, so each subject's events still go one after the other. A wave with a failure ends the pass, as the bus is
        // likely down; its failed rows back off, and a failed row's backoff holds back the later events of its subject.
        var done = new List<long>();
        var failed = false;
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        for (var start = 0; start < rows.Count && !failed;)
        {
            subjects.Clear();
            var end = start;
            while (end < rows.Count && end - start < settings.MaxInFlight && subjects.Add(rows[end].Envelope.Subject))
            {
                end++;
            }

            var outcomes = await Task.WhenAll(rows.Skip(start).Take(end - start).Select(r => TryPublishAsync(r.Envelope, ct)));
            for (var i = 0; i < outcomes.Length; i++)
            {
                var (seq, envelope, attempts) = rows[start + i];
                if (outcomes[i] is not { } e)
                {
                    done.Add(seq);
                    continue;
                }

                failed = true;
                var backoff = Backoff(attempts + 1, settings);
                await using var fail = new NpgsqlCommand(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE seq = $3",
                    connection, transaction);
                fail.Parameters.Add(new NpgsqlParameter { Value = now + backoff });
                fail.Parameters.Add(new NpgsqlParameter { Value = e.GetType().Name });
                fail.Parameters.Add(new NpgsqlParameter { Value = seq });
                await fail.ExecuteNonQueryAsync(ct);
                _failures?.Add(1);
                if (attempts + 1 >= settings.AlertAfterAttempts)
                {
                    _stuck?.Add(1);
                }

                LogPublishFailed(logger, envelope.Id, envelope.Topic, attempts + 1, e.GetType().Name, backoff);
            }

            start = end;
        }

        if (done.Count > 0)
        {
            await using var mark = new NpgsqlCommand("UPDATE outbox SET published_at = $1 WHERE seq = ANY($2)", connection, transaction);
            mark.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            mark.Parameters.Add(new NpgsqlParameter { Value = done.ToArray() });
            await mark.ExecuteNonQueryAsync(ct);
            _published?.Add(done.Count);
        }

        await transaction.CommitAsync(ct);
        return (done.Count, rows.Count == settings.BatchSize && done.Count == rows.Count);
    }

    private async Task<Exception?> TryPublishAsync(EventEnvelope envelope, CancellationToken ct)
    {
        try
        {
            await publisher.PublishAsync(envelope, ct);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return e;
        }
    }

    internal static TimeSpan Backoff(int attempts, OutboxOptions settings)
    {
        var exponent = Math.Min(attempts - 1, 20);
        var ticks = settings.MinBackoff.Ticks * Math.Pow(2, exponent);
        return TimeSpan.FromTicks((long)Math.Min(ticks, settings.MaxBackoff.Ticks));
    }

    // Other replicas' commits arrive as NOTIFY; a lost listener only costs latency (the poll remains).
    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => signal.Signal();
                await using (var listen = new NpgsqlCommand("LISTEN outbox", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogListenFailed(logger, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5), clock, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing event {EventId} to {Topic} failed (attempt {Attempts}, {ExceptionType}); next try in {Backoff}")]
    private static partial void LogPublishFailed(ILogger logger, Guid eventId, string topic, int attempts, string exceptionType, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay pass failed ({ExceptionType})")]
    private static partial void LogRelayFailed(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox listener failed ({ExceptionType}); reconnecting")]
    private static partial void LogListenFailed(ILogger logger, string exceptionType);
}
