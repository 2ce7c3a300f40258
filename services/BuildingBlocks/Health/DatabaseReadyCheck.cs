using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.BuildingBlocks.Health;

/// <summary>Ready when the migrations are applied and the database answers now.</summary>
internal sealed class DatabaseReadyCheck(NpgsqlDataSource dataSource, MigrationState migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrations.IsApplied)
        {
            return HealthCheckResult.Unhealthy("Migrations not applied yet.");
        }

        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable (" + e.GetType().Name + ").");
        }
    }
}
