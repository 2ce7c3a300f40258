using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Xunit;

namespace Veiligthuis.Triage.Tests;

public class TriageApp() : ServiceApp<Program>("triage"), IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Every log line the service wrote, formatted, to check that no free text leaks into logs.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    // The overdue count refreshes every second here, so a test sees a new werkitem in the gauge soon. No intake runs
    // beside these tests: the context points at a loopback port where nothing listens (the end-to-end tests run both).
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Triage:TeLaatInterval", "00:00:01"),
        new("Services:intake:Grpc", "http://127.0.0.1:9"),
        new("Services:register:Grpc", "http://127.0.0.1:9"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs))));
    }

    /// <summary>Publishes a MeldingOntvangen per receipt time and waits until triage has opened every werkitem.</summary>
    public async Task<IReadOnlyList<Werkitem>> OpenWerkitemsAsync(string regio, params DateTimeOffset[] ontvangenOp)
    {
        var meldingIds = ontvangenOp.Select(_ => Guid.CreateVersion7()).ToArray();
        for (var i = 0; i < meldingIds.Length; i++)
        {
            await PublishAsync(TestEvents.Envelope(EventTopics.MeldingOntvangen, new MeldingOntvangen
            {
                MeldingId = meldingIds[i].ToString(),
                OntvangenOp = Timestamp.FromDateTimeOffset(ontvangenOp[i]),
                MelderGroep = MelderGroep.Politie,
                Aard = { AardGeweld.Partnergeweld },
            }, regio, meldingIds[i].ToString()));
        }

        var client = new V1.Werkvoorraad.WerkvoorraadClient(CreateGrpcChannel());
        var token = Tokens.For(regio);
        return await Task.WhenAll(meldingIds.Select(meldingId => Eventually.UntilAsync<Werkitem>(async () =>
        {
            try
            {
                return await client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = meldingId.ToString() }, Auth.Bearer(token));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        }, Timeout, $"the werkitem of melding {meldingId}")));
    }

    public async Task<Werkitem> OpenWerkitemAsync(string regio, DateTimeOffset? ontvangenOp = null) =>
        (await OpenWerkitemsAsync(regio, ontvangenOp ?? DateTimeOffset.UtcNow))[0];
}

[CollectionDefinition(nameof(TriageCollection))]
public sealed class TriageCollection : ICollectionFixture<TriageApp>;

/// <summary>Triage with one-second leases, to see a lease lapse.</summary>
public sealed class ShortLeaseTriageApp : TriageApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("Triage:LeaseDuration", "00:00:01")];
}

[CollectionDefinition(nameof(ShortLeaseCollection))]
public sealed class ShortLeaseCollection : ICollectionFixture<ShortLeaseTriageApp>;

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + " " + exception);
    }
}
