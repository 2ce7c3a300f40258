using System.Security.Cryptography;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.Redis;

namespace Veiligthuis.TestSupport;

/// <summary>
/// The real PostgreSQL and Redis the tests run on, chosen once per test process: the servers that
/// <c>tools/test.sh</c> started (<c>VT_TEST_POSTGRES</c>, <c>VT_TEST_REDIS</c>) win; otherwise
/// Testcontainers when a Docker engine answers; otherwise the tests fail saying what to run.
/// </summary>
public static class TestInfrastructure
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _postgresAdmin;
    private static string? _redis;

    public static async Task<string> PostgresAdminAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_postgresAdmin is not null)
            {
                return _postgresAdmin;
            }

            var fromScript = Environment.GetEnvironmentVariable("VT_TEST_POSTGRES");
            if (!string.IsNullOrWhiteSpace(fromScript))
            {
                return _postgresAdmin = fromScript;
            }

            EnsureDocker("PostgreSQL");
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            return _postgresAdmin = container.GetConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<string> RedisAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_redis is not null)
            {
                return _redis;
            }

            var fromScript = Environment.GetEnvironmentVariable("VT_TEST_REDIS");
            if (!string.IsNullOrWhiteSpace(fromScript))
            {
                return _redis = fromScript;
            }

            EnsureDocker("Redis");
            var container = new RedisBuilder("redis:7-alpine").Build();
            await container.StartAsync();
            return _redis = container.GetConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// A fresh database owned by a fresh login role that is neither superuser nor BYPASSRLS, as in
    /// production, so that row-level security applies to the service under test.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string service)
    {
        var admin = await PostgresAdminAsync();
        var name = $"t_{service}_{Guid.NewGuid():N}"[..30];
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            foreach (var sql in new[]
            {
                $"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{password}'",
                $"CREATE DATABASE {name} OWNER {name}",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        var builder = new NpgsqlConnectionStringBuilder(admin)
        {
            Database = name,
            Username = name,
            Password = password,
            MaxAutoPrepare = 20,
            MaxPoolSize = 20,
        };
        return builder.ConnectionString;
    }

    /// <summary>A connection string to <paramref name="serviceConnectionString"/>'s database as the admin (bypasses row-level security).</summary>
    public static async Task<string> AdminConnectionToAsync(string serviceConnectionString)
    {
        var admin = new NpgsqlConnectionStringBuilder(await PostgresAdminAsync())
        {
            Database = new NpgsqlConnectionStringBuilder(serviceConnectionString).Database,
        };
        return admin.ConnectionString;
    }

    private static void EnsureDocker(string what)
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            throw new InvalidOperationException(
                $"No {what} for the tests: run them with tools/test.sh (it starts PostgreSQL and Redis on loopback) or start a Docker engine.");
        }
    }
}
