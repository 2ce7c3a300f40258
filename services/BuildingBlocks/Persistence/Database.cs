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
        if (!Regios.IsTenantId(regio))
        {
            throw new ArgumentOutOfRangeException(nameof(regio), "Unknown regio tenant id.");
        }

        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await using (var command = new NpgsqlCommand("SELECT set_config('app.regio', $1, true)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = regio });
                await command.ExecuteNonQueryAsync(ct);
            }

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
