using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Gateway.RateLimiting;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

/// <summary>
/// The distributed rate limit on the real Redis: two gateway instances with the same Redis and key
/// prefix stand for two replicas. The backend is down, so an allowed call ends in a gateway error
/// (502/503) and a refused one in 429 / ResourceExhausted.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private const string MeldingPath = "/api/v1/intake/meldingen/0196a0d2-1c41-7cd4-a5a2-6fb0c1d2e3f4";
    private readonly List<GatewayApp> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task CallsAlternatingBetweenTwoReplicas_TripTheSharedLimitAtTheConfiguredTotal()
    {
        var (first, second) = await ReplicasAsync(permits: 4, window: TimeSpan.FromMinutes(1));
        var token = Token(first, "vt-utrecht", "medewerker-1");

        for (var i = 0; i < 4; i++)
        {
            using var allowed = await GetAsync(i % 2 == 0 ? first : second, token);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }

        using var refusedOnFirst = await GetAsync(first, token);
        using var refusedOnSecond = await GetAsync(second, token);

        foreach (var refused in new[] { refusedOnFirst, refusedOnSecond })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 60);
        }
    }

    [Fact]
    public async Task GrpcCallOverTheLimit_IsResourceExhaustedWithRetryInfo()
    {
        var (first, second) = await ReplicasAsync(permits: 1, window: TimeSpan.FromMinutes(1));
        var token = Token(first, "vt-utrecht", "medewerker-grpc");
        using var allowed = await GetAsync(first, token);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Meldingen.MeldingenClient(second.CreateGrpcChannel())
            .GetMeldingAsync(new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, Auth.Bearer(token), DateTime.UtcNow.AddSeconds(30))
            .ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        var retryInfo = status.GetDetail<Google.Rpc.RetryInfo>();
        Assert.NotNull(retryInfo);
        Assert.InRange(retryInfo.RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.NotNull(error.Trailers.GetValue("retry-after"));
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task GrpcWebCallOverTheLimit_IsResourceExhaustedWithRetryInfo(GrpcWebMode mode)
    {
        var (first, second) = await ReplicasAsync(permits: 1, window: TimeSpan.FromMinutes(1));
        var token = Token(first, "vt-utrecht", "browser-" + mode);
        using var allowed = await GetAsync(first, token);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Meldingen.MeldingenClient(second.CreateGrpcWebChannel(mode))
            .GetMeldingAsync(new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, Auth.Bearer(token), DateTime.UtcNow.AddSeconds(30))
            .ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.NotNull(error.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>());
    }

    [Fact]
    public async Task OtherRegioOrOtherSubject_HasItsOwnBudget()
    {
        var (first, second) = await ReplicasAsync(permits: 1, window: TimeSpan.FromMinutes(1));
        var utrecht = Token(first, "vt-utrecht", "medewerker-2");
        using var used = await GetAsync(first, utrecht);
        using var refused = await GetAsync(second, utrecht);

        using var sameSubjectOtherRegio = await GetAsync(second, Token(first, "vt-haaglanden", "medewerker-2"));
        using var otherSubjectSameRegio = await GetAsync(second, Token(first, "vt-utrecht", "medewerker-3"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, sameSubjectOtherRegio.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, otherSubjectSameRegio.StatusCode);
    }

    [Fact]
    public async Task Limit_RecoversAfterTheWindow()
    {
        var (first, second) = await ReplicasAsync(permits: 1, window: TimeSpan.FromSeconds(1));
        var token = Token(first, "vt-utrecht", "medewerker-4");
        using var used = await GetAsync(first, token);

        await Eventually.UntilAsync(async () =>
        {
            using var response = await GetAsync(second, token);
            return response.StatusCode == HttpStatusCode.TooManyRequests;
        }, TimeSpan.FromSeconds(10), "the limit to trip");
        await Eventually.UntilAsync(async () =>
        {
            using var response = await GetAsync(second, token);
            return response.StatusCode != HttpStatusCode.TooManyRequests;
        }, TimeSpan.FromSeconds(10), "the window to pass");
    }

    [Fact]
    public async Task LargeLimitCountedInBatches_IsNeverExceededAcrossReplicas()
    {
        // 1,000 permits: each replica reserves 10 (1 %) at a time from Redis and counts them out locally.
        var (first, second) = await ReplicasAsync(permits: 1000, window: TimeSpan.FromMinutes(1));
        var token = Token(first, "vt-utrecht", "medewerker-batch");
        var allowed = 0;

        for (var i = 0; i < 1100; i++)
        {
            using var response = await GetAsync(i % 2 == 0 ? first : second, token);
            allowed += response.StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
        }

        // Never over the limit; under it by at most what each replica reserved and did not hand out (a batch).
        Assert.InRange(allowed, 1000 - (2 * 10), 1000);
        using var refused = await GetAsync(first, token);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Theory]
    [InlineData(4, 100, 1)]
    [InlineData(1000, 100, 10)]
    [InlineData(1_000_000, 100, 100)]
    [InlineData(1_000_000, 20, 20)]
    [InlineData(1_000_000, 0, 1)]
    public void BatchSize_IsAtMostOnePercentOfTheLimitAndTheConfiguredMaximum(int permits, int maxBatch, int expected) =>
        Assert.Equal(expected, new RateLimitOptions { PermitsPerWindow = permits, MaxBatch = maxBatch }.BatchSize);

    [Theory]
    [InlineData(4, 1)]
    [InlineData(10_000, 100)]
    [InlineData(1_000_000_000, 1000)]
    public void BatchSize_ByDefault_IsOnePercentOfTheLimitUpToAThousand(int permits, int expected) =>
        Assert.Equal(expected, new RateLimitOptions { PermitsPerWindow = permits }.BatchSize);

    [Fact]
    public async Task CallWithoutToken_IsRefusedBeforeCounting()
    {
        var (first, _) = await ReplicasAsync(permits: 1, window: TimeSpan.FromMinutes(1));
        using var client = first.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(MeldingPath);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task RedisUnreachable_FailsOpenWithOneWarningNamingOnlyTheRegio()
    {
        var nothingListens = new GatewayApp().UnusedPort;
        var app = App("gwtest-unreachable:", permits: 1, TimeSpan.FromMinutes(1), $"127.0.0.1:{nothingListens},connectTimeout=200", trusting: null);
        var logs = new CollectingLoggerProvider();
        using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var token = Token(app, "vt-utrecht", "medewerker-5");

        for (var i = 0; i < 3; i++)
        {
            using var client = logged.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.GetAsync(MeldingPath);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
        }

        var warning = Assert.Single(logs.Messages, m => m.Contains("failing open", StringComparison.Ordinal));
        Assert.Contains("vt-utrecht", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("medewerker-5", warning, StringComparison.Ordinal);
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(Messages);

        public void Dispose()
        {
        }

        private sealed class Collector(System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Enqueue(formatter(state, exception));
                }
            }
        }
    }

    private async Task<(GatewayApp First, GatewayApp Second)> ReplicasAsync(int permits, TimeSpan window)
    {
        var redis = await TestInfrastructure.RedisAsync();
        var prefix = "gwtest:" + Guid.NewGuid().ToString("N")[..12] + ":";
        var first = App(prefix, permits, window, redis, trusting: null);
        var second = App(prefix, permits, window, redis, trusting: first);
        return (first, second);
    }

    /// <summary>A gateway instance; with <paramref name="trusting"/>, one that trusts that instance's tokens (a replica).</summary>
    private GatewayApp App(string prefix, int permits, TimeSpan window, string redis, GatewayApp? trusting)
    {
        var app = new GatewayApp();
        _apps.Add(app);
        if (trusting is not null)
        {
            app.Settings["Auth:SigningKey"] = trusting.Tokens.SigningKey;
        }

        app.Settings["ConnectionStrings:redis"] = redis;
        app.Settings["Gateway:RateLimit:PermitsPerWindow"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.Settings["Gateway:RateLimit:Window"] = window.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        app.Settings["Gateway:RateLimit:KeyPrefix"] = prefix;
        return app;
    }

    private static string Token(GatewayApp app, string regio, string subject) =>
        DevelopmentTokens.Create(app.Tokens.SigningKey, regio, [Roles.Medewerker], subject, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    private static async Task<HttpResponseMessage> GetAsync(GatewayApp app, string token)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(MeldingPath);
    }
}
