using System.Data.Common;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Veiligthuis.BuildingBlocks.Health;
using Veiligthuis.BuildingBlocks.Outbox;

namespace Veiligthuis.BuildingBlocks.Persistence;

public static class PersistenceExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database (<c>ConnectionStrings:&lt;service&gt;</c>): one data
    /// source, migrations of the building blocks and of <paramref name="migrationsAssembly"/> applied
    /// at start-up, the transactional outbox with its relay, and a readiness check.
    /// </summary>
    public static WebApplicationBuilder AddPostgres(this WebApplicationBuilder builder, string service, Assembly migrationsAssembly)
    {
        var connectionString = builder.Configuration.GetConnectionString(service)
            ?? throw new InvalidOperationException($"ConnectionStrings:{service} is not configured.");

        var serviceConnectionString = ServiceConnectionString(connectionString);

        // Parameter values can be personal data: never logged.
        builder.Services.AddNpgsqlDataSource(serviceConnectionString, dataSource => dataSource.EnableParameterLogging(false));
        builder.Services.AddSingleton(new MigrationSource("buildingblocks", typeof(PersistenceExtensions).Assembly));
        builder.Services.AddSingleton(new MigrationSource(service, migrationsAssembly));
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<MigrationState>();
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.Services.AddSingleton<Database>();

        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection(OutboxOptions.Section));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        builder.Services.AddSingleton<OutboxPruning>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxPruning>());

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", HealthStatus.Unhealthy, [HealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// The connection string a service connects with: <paramref name="connectionString"/> with the pool settings of
    /// ours that it does not set itself.
    /// </summary>
    public static string ServiceConnectionString(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // Statements used again are prepared on their connection, so PostgreSQL parses and plans them once per
        // connection instead of on every call (docs/benchmarks.md, CreateMelding); a connection string may say otherwise.
        if (!Names(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = 64;
        }

        // A pooled connection carries no session state of ours: app.regio is set per transaction (is_local) and every
        // advisory lock is transaction-scoped, so the reset Npgsql would otherwise send on every reuse (RESET ALL,
        // CLOSE ALL, UNLISTEN *, DISCARD ...) is pure cost on the server; a connection string may still ask for it.
        if (!Names(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            settings.NoResetOnClose = true;
        }

        return settings.ConnectionString;
    }

    // Whether the connection string itself sets the key. NpgsqlConnectionStringBuilder.ContainsKey cannot tell: it
    // answers whether the keyword is one it knows, so it is true for every Npgsql setting, set or not.
    private static bool Names(string connectionString, params string[] keys)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(given.ContainsKey);
    }
}
