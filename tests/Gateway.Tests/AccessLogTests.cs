using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class AccessLogTests
{
    private const string MeldingId = "0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4";
    private const string QueryValue = "jansen-1971";

    [Fact]
    public async Task ProxiedCall_LogsOneLineWithRouteStatusRegioAndRequestId_NeverPathIdQueryOrToken()
    {
        await using var backend = await ReadinessTests.ReadyBackendAsync();
        using var app = new GatewayApp();
        app.Settings["Services:intake:Http"] = backend.Http;
        var logs = new CapturedLogs();
        using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = logged.CreateClient();
        var token = app.Tokens.For("vt-utrecht");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Add("x-request-id", "req-4711");

        using var response = await client.GetAsync($"/api/v1/intake/meldingen/{MeldingId}?achternaam={QueryValue}");

        var line = Assert.Single(logs.Entries, e => e.Category == "Veiligthuis.Gateway.AccessLog");
        Assert.Equal(7002, line.EventId);
        Assert.Equal("intake-rest", line.Fields["RouteId"]);
        Assert.Equal("GET", line.Fields["Method"]);
        Assert.Equal((int)response.StatusCode, line.Fields["StatusCode"]);
        Assert.Equal("vt-utrecht", line.Fields["Regio"]);
        Assert.Equal("req-4711", line.Fields["RequestId"]);
        Assert.IsType<double>(line.Fields["DurationMs"]);
        Assert.All(logs.Entries, e =>
        {
            Assert.DoesNotContain(MeldingId, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(QueryValue, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(token, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(e.Fields.Values, v => v?.ToString() is { } s && (s.Contains(MeldingId, StringComparison.Ordinal) || s.Contains(QueryValue, StringComparison.Ordinal)));
        });
    }

    [Fact]
    public async Task RefusedCall_WithoutToken_IsLoggedWithoutRegio_HealthIsNot()
    {
        using var app = new GatewayApp();
        var logs = new CapturedLogs();
        using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = logged.CreateClient();

        using var refused = await client.GetAsync($"/api/v1/intake/meldingen/{MeldingId}");
        using var live = await client.GetAsync("/healthz/live");

        var line = Assert.Single(logs.Entries, e => e.Category == "Veiligthuis.Gateway.AccessLog");
        Assert.Equal(401, line.Fields["StatusCode"]);
        Assert.Equal("-", line.Fields["Regio"]);
    }

    [Fact]
    public async Task GrpcCall_IsLoggedByRouteIdWithItsGrpcStatus()
    {
        using var app = new GatewayApp();
        // A limit of one call: the second is refused by the gateway itself, trailers-only ResourceExhausted.
        app.Settings["ConnectionStrings:redis"] = await Veiligthuis.TestSupport.TestInfrastructure.RedisAsync();
        app.Settings["Gateway:RateLimit:PermitsPerWindow"] = "1";
        app.Settings["Gateway:RateLimit:Window"] = "00:05:00";
        app.Settings["Gateway:RateLimit:KeyPrefix"] = "gwtest-accesslog:" + Guid.NewGuid().ToString("N")[..12] + ":";
        var logs = new CapturedLogs();
        using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(logged.Server.BaseAddress, new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = logged.Server.CreateHandler() });
        var client = new Veiligthuis.Intake.V1.Meldingen.MeldingenClient(channel);
        var headers = new Grpc.Core.Metadata { { "authorization", "Bearer " + app.Tokens.For("vt-utrecht") } };
        var request = new Veiligthuis.Intake.V1.GetMeldingRequest { MeldingId = MeldingId };

        var first = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.GetMeldingAsync(request, headers).ResponseAsync);
        var second = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.GetMeldingAsync(request, headers).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.Unavailable, first.StatusCode);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, second.StatusCode);
        var lines = logs.Entries.Where(e => e.Category == "Veiligthuis.Gateway.AccessLog").ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("intake-grpc", l.Fields["RouteId"]));
        Assert.Equal("-", lines[0].Fields["GrpcStatus"]);
        Assert.Equal(200, lines[1].Fields["StatusCode"]);
        Assert.Equal("8", lines[1].Fields["GrpcStatus"]);
        Assert.Equal("vt-utrecht", lines[1].Fields["Regio"]);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(MeldingId, StringComparison.Ordinal));
    }

    private sealed record Entry(string Category, int EventId, string Message, IReadOnlyDictionary<string, object?> Fields);

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Collector(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? pairs.ToDictionary(p => p.Key, p => p.Value)
                    : [];
                entries.Enqueue(new Entry(category, eventId.Id, formatter(state, exception) + exception, fields));
            }
        }
    }
}
