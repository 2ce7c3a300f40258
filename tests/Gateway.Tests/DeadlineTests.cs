using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Veiligthuis.Gateway.Routing;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

/// <summary>
/// Deadline propagation through the real gateway to a real gRPC backend on h2c: the client's deadline
/// reaches the service, the route's timeout caps it, and a call past its deadline is DeadlineExceeded.
/// </summary>
public sealed class DeadlineTests
{
    [Fact]
    public async Task ClientDeadline_ReachesTheBackend()
    {
        await using var backend = await DeadlineBackend.StartAsync();
        using var app = Gateway(backend);
        var id = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow.AddSeconds(20);

        await Meldingen(app).GetMeldingAsync(new GetMeldingRequest { MeldingId = id }, Auth.Bearer(Token(app)), deadline);

        // The client's 20 s as it set them (not the default cap of 30 s): the remaining time travels, so the
        // service's deadline is the client's, shifted by the time in transit and the gateway's small offset.
        Assert.InRange(backend.Seen[id].Deadline, deadline.AddSeconds(-5), DateTime.UtcNow.AddSeconds(21));
    }

    [Fact]
    public async Task ClientDeadlineLongerThanTheRouteTimeout_IsCappedForTheBackend()
    {
        await using var backend = await DeadlineBackend.StartAsync();
        using var app = Gateway(backend);
        app.Settings["Gateway:GrpcTimeout"] = "00:00:05";
        var id = Guid.NewGuid().ToString();
        var before = DateTime.UtcNow;

        await Meldingen(app).GetMeldingAsync(new GetMeldingRequest { MeldingId = id }, Auth.Bearer(Token(app)), DateTime.UtcNow.AddHours(1));

        Assert.InRange(backend.Seen[id].Deadline, before.AddSeconds(1), DateTime.UtcNow.AddSeconds(6));
    }

    [Fact]
    public async Task CallWithoutDeadline_GetsTheServicesRouteTimeout()
    {
        await using var backend = await DeadlineBackend.StartAsync();
        using var app = Gateway(backend);
        app.Settings["Services:intake:GrpcTimeout"] = "00:00:07";
        var id = Guid.NewGuid().ToString();
        var before = DateTime.UtcNow;

        // No deadline on purpose: the gateway gives the call the route's.
        await Meldingen(app).GetMeldingAsync(new GetMeldingRequest { MeldingId = id }, Auth.Bearer(Token(app)));

        Assert.InRange(backend.Seen[id].Deadline, before.AddSeconds(3), DateTime.UtcNow.AddSeconds(8));
    }

    [Fact]
    public async Task SlowCallPastTheClientsDeadline_IsDeadlineExceededAndCancelledInTheBackend()
    {
        await using var backend = await DeadlineBackend.StartAsync();
        using var app = Gateway(backend);
        var id = DeadlineBackend.SlowPrefix + Guid.NewGuid();
        await WarmUpAsync(app);

        var error = await Assert.ThrowsAsync<RpcException>(() => Meldingen(app)
            .GetMeldingAsync(new GetMeldingRequest { MeldingId = id }, Auth.Bearer(Token(app)), DateTime.UtcNow.AddSeconds(2)).ResponseAsync);

        Assert.True(error.StatusCode == StatusCode.DeadlineExceeded, error.Status.Detail + " | " + error.Status.DebugException);
        await Eventually.UntilAsync(() => Task.FromResult(backend.Cancelled.ContainsKey(id)), TimeSpan.FromSeconds(30),
            "the backend's call to be cancelled at its deadline");
    }

    [Fact]
    public async Task SlowCallPastTheRouteTimeout_IsDeadlineExceededLongBeforeTheClientsDeadline()
    {
        await using var backend = await DeadlineBackend.StartAsync();
        using var app = Gateway(backend);
        app.Settings["Gateway:GrpcTimeout"] = "00:00:02";
        var id = DeadlineBackend.SlowPrefix + Guid.NewGuid();
        await WarmUpAsync(app);
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<RpcException>(() => Meldingen(app)
            .GetMeldingAsync(new GetMeldingRequest { MeldingId = id }, Auth.Bearer(Token(app)), DateTime.UtcNow.AddMinutes(2)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "the route's 2 s, not the client's 2 min, bounded the call");
        await Eventually.UntilAsync(() => Task.FromResult(backend.Cancelled.ContainsKey(id)), TimeSpan.FromSeconds(30),
            "the backend's call to be cancelled at the capped deadline");
    }

    [Fact]
    public async Task BackendIgnoringTheDeadline_GetsDeadlineExceededFromTheGateway()
    {
        await using var backend = await DeadlineBackend.StartAsync();
        using var app = Gateway(backend);
        app.Settings["Gateway:GrpcTimeout"] = "00:00:02";
        var id = Guid.NewGuid().ToString();
        await WarmUpAsync(app);
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<RpcException>(() => new Adviezen.AdviezenClient(app.CreateGrpcChannel())
            .GetAdviesAsync(new GetAdviesRequest { AdviesId = id }, Auth.Bearer(Token(app)), DateTime.UtcNow.AddMinutes(2)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "the gateway stopped waiting at the route's 2 s");
        Assert.Equal("2000m", backend.IgnoredTimeoutHeader);
    }

    [Fact]
    public void StreamingMethodsOfThePublicApi_AreLeftToTheActivityTimeout()
    {
        Assert.Contains("/veiligthuis.register.v1.Register/WatchSignalen", GrpcDeadlines.StreamingMethods);
        Assert.DoesNotContain("/veiligthuis.intake.v1.Meldingen/GetMelding", GrpcDeadlines.StreamingMethods);
    }

    [Theory]
    [InlineData("2H", 7_200_000)]
    [InlineData("3M", 180_000)]
    [InlineData("20S", 20_000)]
    [InlineData("1500m", 1_500)]
    [InlineData("99999999u", 99_999.999)]
    [InlineData("5000000n", 5)]
    public void TimeoutHeader_InEveryUnit_IsParsed(string header, double milliseconds)
    {
        Assert.True(GrpcDeadlines.TryParseTimeout(header, out var timeout));
        Assert.Equal(milliseconds, timeout.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("10s")]
    public void TimeoutHeader_NotInTheWireFormat_IsRejected(string header) =>
        Assert.False(GrpcDeadlines.TryParseTimeout(header, out _));

    private static GatewayApp Gateway(DeadlineBackend backend)
    {
        var app = new GatewayApp();
        app.Settings["Services:intake:Grpc"] = backend.Address;
        return app;
    }

    /// <summary>A first call starts the gateway and its connection to the backend, which a short deadline must not include.</summary>
    private static async Task WarmUpAsync(GatewayApp app) =>
        await Meldingen(app).GetMeldingAsync(new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, Auth.Bearer(Token(app)),
            DateTime.UtcNow.AddSeconds(60));

    private static string Token(GatewayApp app) => app.Tokens.For("vt-utrecht");

    private static Meldingen.MeldingenClient Meldingen(GatewayApp app) => new(app.CreateGrpcChannel());
}

/// <summary>
/// An intake gRPC port (h2c, as in the cluster): a real gRPC service that records the deadline each
/// call arrives with (and waits for cancellation when the id starts with <see cref="SlowPrefix"/>),
/// and one method that is not a gRPC server and ignores <c>grpc-timeout</c>.
/// </summary>
internal sealed class DeadlineBackend : IAsyncDisposable
{
    public const string SlowPrefix = "slow-";

    private readonly WebApplication _app;

    private DeadlineBackend(WebApplication app) => _app = app;

    public string Address => _app.Urls.Single();

    public ConcurrentDictionary<string, SeenCall> Seen { get; } = new();

    public ConcurrentDictionary<string, bool> Cancelled { get; } = new();

    public string? IgnoredTimeoutHeader { get; private set; }

    public static async Task<DeadlineBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the gateway's appsettings.json (its Kestrel endpoints) that lies next to the tests.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<RecordingMeldingen>();
        var app = builder.Build();
        var backend = new DeadlineBackend(app);
        app.Services.GetRequiredService<RecordingMeldingen>().Backend = backend;
        app.MapGrpcService<RecordingMeldingen>();
        app.MapGet("/healthz/ready", () => "ok");
        app.MapPost("/veiligthuis.intake.v1.Adviezen/GetAdvies", async (HttpContext context) =>
        {
            backend.IgnoredTimeoutHeader = context.Request.Headers[GrpcDeadlines.TimeoutHeader].ToString();
            // Ends only when the gateway gives up and resets the stream.
            await Task.Delay(TimeSpan.FromMinutes(5), context.RequestAborted);
        });
        await app.StartAsync();
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed record SeenCall(DateTime Deadline, string? TimeoutHeader);

internal sealed class RecordingMeldingen : Meldingen.MeldingenBase
{
    public DeadlineBackend Backend { get; set; } = null!;

    public override async Task<Melding> GetMelding(GetMeldingRequest request, ServerCallContext context)
    {
        Backend.Seen[request.MeldingId] = new SeenCall(context.Deadline, context.RequestHeaders.GetValue(GrpcDeadlines.TimeoutHeader));
        if (request.MeldingId.StartsWith(DeadlineBackend.SlowPrefix, StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(5), context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Backend.Cancelled[request.MeldingId] = true;
                throw;
            }
        }

        return new Melding { MeldingId = request.MeldingId };
    }
}
