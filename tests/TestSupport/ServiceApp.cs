using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.TestSupport;

/// <summary>
/// One service in-process on a real database of its own and the shared Redis, with stream names
/// prefixed per instance so parallel test classes never see each other's events.
/// </summary>
public abstract class ServiceApp<TProgram>(string service) : WebApplicationFactory<TProgram> where TProgram : class
{
    public string Service { get; } = service;

    public TestTokens Tokens { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public string RedisConnection { get; private set; } = "";

    public string StreamPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    /// <summary>Extra settings of a test class (e.g. shorter reclaim times).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.CreateDatabaseAsync(Service);
        RedisConnection = await TestInfrastructure.RedisAsync();
        var migrations = Services.GetService<MigrationState>();
        if (migrations is not null)
        {
            await migrations.WhenAppliedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:" + Service, ConnectionString);
        builder.UseSetting("ConnectionStrings:redis", RedisConnection);
        builder.UseSetting("Auth:SigningKey", Tokens.SigningKey);
        builder.UseSetting("Eventing:Redis:StreamPrefix", StreamPrefix);
        builder.UseSetting("Eventing:Redis:ClaimIdleAfter", "00:00:01");
        builder.UseSetting("Eventing:Redis:ClaimInterval", "00:00:00.200");
        builder.UseSetting("Outbox:PollInterval", "00:00:00.200");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Publishes an event onto this instance's streams, as another service would.</summary>
    public Task PublishAsync(EventEnvelope envelope) => TestEvents.PublishAsync(RedisConnection, StreamPrefix, envelope);

    /// <summary>One value read as the admin, past row-level security: tests look at every row.</summary>
    public async Task<T> AdminScalarAsync<T>(string sql, params object[] parameters) =>
        (T)(await AdminQueryAsync(sql, parameters))[0][0]!;

    /// <summary>Rows read as the admin, past row-level security.</summary>
    public async Task<List<object?[]>> AdminQueryAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(await TestInfrastructure.AdminConnectionToAsync(ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public GrpcChannel CreateGrpcChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    public HttpClient CreateRestClient(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}

public static class Auth
{
    public static Grpc.Core.Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };
}
