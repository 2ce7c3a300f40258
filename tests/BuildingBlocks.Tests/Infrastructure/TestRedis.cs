using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Eventing.Redis;
using Veiligthuis.TestSupport;
using Xunit;

[assembly: AssemblyFixture(typeof(Veiligthuis.BuildingBlocks.Tests.Infrastructure.TestRedis))]

namespace Veiligthuis.BuildingBlocks.Tests.Infrastructure;

/// <summary>
/// The shared Redis of the test run. Other test runs use it too, so every test takes its own
/// stream prefix; the streams under the prefixes handed out are deleted at the end.
/// </summary>
public sealed class TestRedis : IAsyncLifetime
{
    private readonly ConcurrentBag<string> _prefixes = [];
    private ConnectionMultiplexer? _connection;

    public string ConnectionString { get; private set; } = "";

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Not initialised.");

    public IDatabase Db => Connection.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestInfrastructure.RedisAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
    }

    /// <summary>A stream prefix no other test (or test run) uses.</summary>
    public string NewPrefix()
    {
        var prefix = $"bbt:{Guid.NewGuid():N}:";
        _prefixes.Add(prefix);
        return prefix;
    }

    public RedisStreamsPublisher Publisher(string prefix) =>
        new(Connection, Options.Create(new RedisStreamsOptions { StreamPrefix = prefix }));

    public async ValueTask DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        foreach (var prefix in _prefixes)
        {
            foreach (var endpoint in _connection.GetEndPoints())
            {
                var keys = _connection.GetServer(endpoint).KeysAsync(pattern: prefix + "*");
                await foreach (var key in keys)
                {
                    await _connection.GetDatabase().KeyDeleteAsync(key);
                }
            }
        }

        await _connection.DisposeAsync();
    }
}
