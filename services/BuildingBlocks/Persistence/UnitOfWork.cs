using System.Diagnostics;
using Google.Protobuf;
using Npgsql;
using Veiligthuis.BuildingBlocks.Outbox;

namespace Veiligthuis.BuildingBlocks.Persistence;

/// <summary>
/// One connection and transaction bound to one regio: <c>app.regio</c> is set for the transaction,
/// so row-level security filters every statement even when a query forgets its own filter.
/// Events are written to the outbox in the same transaction as the state change.
/// </summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private readonly OutboxSignal _outboxSignal;
    private readonly string _source;
    private bool _enqueued;
    private bool _completed;
    private bool _bound;

    internal UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, string regio, string source,
        TimeProvider clock, OutboxSignal outboxSignal)
    {
        Connection = connection;
        Transaction = transaction;
        Regio = regio;
        Clock = clock;
        _source = source;
        _outboxSignal = outboxSignal;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The tenant id this transaction is bound to.</summary>
    public string Regio { get; }

    public TimeProvider Clock { get; }

    /// <summary>A command in this transaction; the regio must be bound already (always so after <see cref="Database.BeginAsync"/>).</summary>
    public NpgsqlCommand Command(string sql, params object?[] parameters)
    {
        if (!_bound)
        {
            throw new InvalidOperationException("This unit of work binds its regio with its first ExecuteAsync or QueryAsync.");
        }

        var command = new NpgsqlCommand(sql, Connection, Transaction);
        AddParameters(command.Parameters, parameters);
        return command;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] parameters)
    {
        if (_bound)
        {
            await using var command = Command(sql, parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }

        await using var batch = BindingBatch(sql, parameters);
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[1].RecordsAffected;
    }

    /// <summary>Runs a query; the caller reads and disposes the reader before the next statement.</summary>
    public async Task<NpgsqlDataReader> QueryAsync(string sql, CancellationToken ct, params object?[] parameters)
    {
        if (_bound)
        {
            // Not disposed here: the reader outlives this method, and the command holds nothing the reader's disposal does not free.
            var command = Command(sql, parameters);
            return await command.ExecuteReaderAsync(ct);
        }

        var batch = BindingBatch(sql, parameters);
        var reader = await batch.ExecuteReaderAsync(ct);
        // The first result is the binding's own; the caller's query is the second.
        await reader.NextResultAsync(ct);
        return reader;
    }

    /// <summary>
    /// Runs <paramref name="commands"/> in one round trip, the regio binding first when no statement has bound it yet,
    /// and returns the reader at the first command's result; the caller moves on with <c>NextResultAsync</c>.
    /// </summary>
    public async Task<NpgsqlDataReader> QueryBatchAsync(IEnumerable<NpgsqlBatchCommand> commands, CancellationToken ct)
    {
        // Not disposed here, as in QueryAsync: the reader outlives this method.
        var batch = new NpgsqlBatch(Connection, Transaction);
        var binds = !_bound;
        if (binds)
        {
            batch.BatchCommands.Add(BindCommand());
            _bound = true;
        }

        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        var reader = await batch.ExecuteReaderAsync(ct);
        if (binds)
        {
            await reader.NextResultAsync(ct);
        }

        return reader;
    }

    /// <summary>A batch command with parameters given as <see cref="Command"/> takes them.</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, parameters);
        return command;
    }

    /// <summary>
    /// For a statement of the caller's own that wrote outbox rows (and sent the outbox NOTIFY, as
    /// <see cref="PublishAsync{T}(string, T, string, CancellationToken)"/> does): the relay is woken when this commits.
    /// </summary>
    public void OutboxWritten() => _enqueued = true;

    /// <summary>The service that writes: the CloudEvents source and the outbox NOTIFY's payload.</summary>
    public string Source => _source;

    internal async Task BindAsync(CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(BindSql, Connection, Transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Regio });
        await command.ExecuteNonQueryAsync(ct);
        _bound = true;
    }

    // app.regio for this transaction only (is_local), so a pooled connection carries no regio into its next use.
    private const string BindSql = "SELECT set_config('app.regio', $1, true)";

    private NpgsqlBatch BindingBatch(string sql, object?[] parameters)
    {
        var batch = new NpgsqlBatch(Connection, Transaction);
        batch.BatchCommands.Add(BindCommand());
        batch.BatchCommands.Add(BatchCommand(sql, parameters));
        _bound = true;
        return batch;
    }

    private NpgsqlBatchCommand BindCommand()
    {
        var bind = new NpgsqlBatchCommand(BindSql);
        bind.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Regio });
        return bind;
    }

    private static void AddParameters(NpgsqlParameterCollection target, object?[] parameters)
    {
        foreach (var parameter in parameters)
        {
            target.Add(parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }
    }

    /// <summary>Records an event in the outbox; the relay publishes it after this transaction commits.</summary>
    public Task<Guid> PublishAsync<T>(string topic, T @event, string subject, CancellationToken ct)
        where T : IMessage<T> =>
        PublishAsync(topic, @event, subject, Regio, ct);

    /// <summary>
    /// Records an event addressed to <paramref name="regio"/> rather than this transaction's tenant:
    /// for national tables whose events concern another regio (the register's signals).
    /// </summary>
    public async Task<Guid> PublishAsync<T>(string topic, T @event, string subject, string regio, CancellationToken ct)
        where T : IMessage<T>
    {
        var now = Clock.GetUtcNow();
        var eventId = Guid.CreateVersion7(now);
        // The NOTIFY wakes relays of other replicas; PostgreSQL delivers it only when the transaction commits and folds
        // repeats within one transaction into one. Sent with the insert, it costs no round trip of its own.
        await ExecuteAsync("""
            WITH event AS (
                INSERT INTO outbox (event_id, topic, type, subject, regio, payload, traceparent, created_at, next_attempt_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                RETURNING event_id)
            SELECT pg_notify('outbox', $9) FROM event
            """, ct, eventId, topic, @event.Descriptor.FullName, subject, regio, @event.ToByteArray(),
            Activity.Current?.Id, now, _source);
        _enqueued = true;
        return eventId;
    }

    /// <summary>
    /// Records many events in one statement (bulk loads): as many calls of
    /// <see cref="PublishAsync{T}(string, T, string, string, CancellationToken)"/> in this order, in one round trip.
    /// </summary>
    public async Task PublishManyAsync(IReadOnlyList<OutboxEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        var now = Clock.GetUtcNow();
        var ids = new Guid[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Guid.CreateVersion7(now);
        }

        // Notifies as PublishAsync does, in the same statement (ADR 0025); PostgreSQL folds the repeats into one.
        await ExecuteAsync("""
            WITH events AS (
                INSERT INTO outbox (event_id, topic, type, subject, regio, payload, traceparent, created_at, next_attempt_at)
                SELECT e, t, y, s, r, p, $7, $8, $8 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[])
                    WITH ORDINALITY AS u(e, t, y, s, r, p, n)
                ORDER BY n
                RETURNING event_id)
            SELECT pg_notify('outbox', $9) FROM (SELECT 1 FROM events LIMIT 1) e
            """, ct, ids, events.Select(e => e.Topic).ToArray(), events.Select(e => e.Event.Descriptor.FullName).ToArray(),
            events.Select(e => e.Subject).ToArray(), events.Select(e => e.Regio ?? Regio).ToArray(),
            events.Select(e => e.Event.ToByteArray()).ToArray(),
            new NpgsqlParameter<string?> { TypedValue = Activity.Current?.Id, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, now, _source);
        _enqueued = true;
    }

    /// <summary>
    /// Records that <paramref name="consumer"/> handles <paramref name="eventId"/> in this transaction.
    /// False when it was handled before: the caller stops, and the redelivery is harmless.
    /// </summary>
    public async Task<bool> TryAcceptEventAsync(string consumer, Guid eventId, CancellationToken ct) =>
        await ExecuteAsync(
            "INSERT INTO inbox (consumer, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            ct, consumer, eventId, Clock.GetUtcNow()) == 1;

    public async Task CommitAsync(CancellationToken ct)
    {
        await Transaction.CommitAsync(ct);
        _completed = true;
        if (_enqueued)
        {
            _outboxSignal.Signal();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            await Transaction.DisposeAsync();
        }

        await Connection.DisposeAsync();
    }
}

/// <summary>One event for <see cref="UnitOfWork.PublishManyAsync"/>; <see cref="Regio"/> null: the unit of work's regio.</summary>
public sealed record OutboxEvent(string Topic, IMessage Event, string Subject, string? Regio = null);
