using Microsoft.Extensions.Logging;
using Npgsql;

namespace Veiligthuis.BuildingBlocks.Persistence;

/// <summary>
/// Applies pending migrations in one transaction under a PostgreSQL advisory lock, so that replicas
/// starting together apply each migration once. A released migration that changed is refused.
/// </summary>
public sealed partial class MigrationRunner(
    NpgsqlDataSource dataSource, IEnumerable<MigrationSource> sources, TimeProvider clock, ILogger<MigrationRunner> logger)
{
    public async Task<int> ApplyAsync(CancellationToken ct)
    {
        var all = sources.SelectMany(s => s.Load()).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext(current_database() || '.migrations'))", ct);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                track      text        NOT NULL,
                version    integer     NOT NULL,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL,
                PRIMARY KEY (track, version))
            """, ct);

        var applied = new Dictionary<(string, int), string>();
        await using (var read = new NpgsqlCommand("SELECT track, version, checksum FROM schema_migrations", connection))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                applied[(reader.GetString(0), reader.GetInt32(1))] = reader.GetString(2);
            }
        }

        var count = 0;
        foreach (var migration in all)
        {
            if (applied.TryGetValue((migration.Track, migration.Version), out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Track}/{migration.Version:D4} changed after it was applied; add a new migration instead.");
                }

                continue;
            }

            await ExecuteAsync(connection, migration.Sql, ct);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (track, version, name, checksum, applied_at) VALUES ($1, $2, $3, $4, $5)", connection)
            {
                Parameters =
                {
                    new() { Value = migration.Track },
                    new() { Value = migration.Version },
                    new() { Value = migration.Name },
                    new() { Value = migration.Checksum },
                    new() { Value = clock.GetUtcNow() },
                },
            };
            await record.ExecuteNonQueryAsync(ct);
            LogApplied(logger, migration.Track, migration.Version, migration.Name);
            count++;
        }

        await transaction.CommitAsync(ct);
        return count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Track}/{Version} {Name}")]
    private static partial void LogApplied(ILogger logger, string track, int version, string name);
}
