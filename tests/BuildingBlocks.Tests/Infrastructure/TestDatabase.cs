using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Veiligthuis.BuildingBlocks.Outbox;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Infrastructure;

/// <summary>
/// A fresh database owned by a non-superuser, non-BYPASSRLS role (so row-level security applies),
/// with a data source as that role and admin helpers that look past row-level security.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Service = "bbtest";

    /// <summary>The migrations embedded in this test assembly (Migrations/*.sql).</summary>
    public const string TestTrack = "bbtests";

    private readonly OutboxSignal _signal = new();

    private TestDatabase(string connectionString, string adminConnectionString)
    {
        ConnectionString = connectionString;
        AdminConnectionString = adminConnectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public string AdminConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static IReadOnlyList<MigrationSource> Sources { get; } =
    [
        new("buildingblocks", typeof(MigrationRunner).Assembly),
        new(TestTrack, typeof(TestDatabase).Assembly),
    ];

    /// <summary>A new database; with <paramref name="migrate"/>, the building blocks' and the test track's migrations applied.</summary>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true)
    {
        var connectionString = await TestInfrastructure.CreateDatabaseAsync("bb");
        var database = new TestDatabase(connectionString, await TestInfrastructure.AdminConnectionToAsync(connectionString));
        if (migrate)
        {
            await database.Runner().ApplyAsync(CancellationToken.None);
        }

        return database;
    }

    public MigrationRunner Runner(NpgsqlDataSource? dataSource = null) =>
        new(dataSource ?? DataSource, Sources, TimeProvider.System, NullLogger<MigrationRunner>.Instance);

    public Database Database(TimeProvider? clock = null, NpgsqlDataSource? dataSource = null) =>
        new(dataSource ?? DataSource, clock ?? TimeProvider.System, _signal, new ServiceIdentity(Service));

    /// <summary>A scalar as the admin: past row-level security, so it sees every row.</summary>
    public async Task<T> AdminScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException("The query returned no row.");
        }

        return reader.GetFieldValue<T>(0);
    }

    public async Task<int> AdminExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops the database and its role: the server is shared with other test runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        _signal.Dispose();
        using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            NpgsqlConnection.ClearPool(admin);
        }

        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database!;
        await using var connection = new NpgsqlConnection(await TestInfrastructure.PostgresAdminAsync());
        await connection.OpenAsync();
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", $"DROP ROLE IF EXISTS {name}" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}

/// <summary>One migrated database shared by the tests of a collection; each test uses its own ids.</summary>
public sealed class SharedDatabase : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Db => _database ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(PersistenceCollection))]
public sealed class PersistenceCollection : ICollectionFixture<SharedDatabase>;
