using Npgsql;
using Veiligthuis.BuildingBlocks.Outbox;
using Veiligthuis.BuildingBlocks.Security;

namespace Veiligthuis.BuildingBlocks.Persistence;

/// <summary>The service's database: opens regio-bound units of work.</summary>
public sealed class Database(NpgsqlDataSource dataSource, TimeProvider clock, OutboxSignal outboxSignal, ServiceIdentity service)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Begins a transaction in which row-level security admits only <paramref name="regio"/>'s rows.</summary>
    public async Task<UnitOfWork> BeginAsync(string regio, CancellationToken ct)
    {
        var uow = await BeginDeferredAsync(regio, ct);
        try
        {
            await uow.BindAsync(ct);
            return uow;
        }
        catch
        {
            await uow.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Like <see cref="BeginAsync"/>, but the regio is bound by the unit of work's first statement, which must be an
    /// <see cref="UnitOfWork.ExecuteAsync"/> or <see cref="UnitOfWork.QueryAsync"/>: the binding travels in the same
    /// round trip instead of one of its own. For hot paths; <see cref="UnitOfWork.Command"/> refuses to run unbound.
    /// </summary>
    public async Task<UnitOfWork> BeginDeferredAsync(string regio, CancellationToken ct)
    {
        if (!Regios.IsTenantId(regio))
        {
            throw new ArgumentOutOfRangeException(nameof(regio), "Unknown regio tenant id.");
        }

        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            // Sends nothing yet: Npgsql prepends BEGIN to the first statement.
            var transaction = await connection.BeginTransactionAsync(ct);
            return new UnitOfWork(connection, transaction, regio, service.Name, clock, outboxSignal);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The name of this service: CloudEvents source, consumer group, telemetry service name.</summary>
public sealed record ServiceIdentity(string Name);
