using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

public sealed class IntakeApp() : ServiceApp<Program>("intake"), IAsyncLifetime
{
    public LogCapture Logs { get; } = new();

    // No register runs beside these tests: it points at a loopback port where nothing listens (the end-to-end tests
    // run both), with short waits so the backoff of the register link shows within a test.
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Services:register:Grpc", "http://127.0.0.1:9"),
        new("Registerkoppeling:Interval", "00:00:00.100"),
        new("Registerkoppeling:EersteWachttijd", "00:00:00.050"),
        new("Registerkoppeling:MaxWachttijd", "00:00:00.400"),
        new("Registerkoppeling:VastNaPogingen", "5"),
        // One writer: meldingen sent together queue up behind its transaction, so tests that send in parallel store
        // them in batches (ADR 0027) as a busy intake does.
        new("Ontvangst:Writers", "1"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        }));
    }
}

[CollectionDefinition(nameof(IntakeCollection))]
public sealed class IntakeCollection : ICollectionFixture<IntakeApp>;
