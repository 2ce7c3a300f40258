using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

public sealed class IntakeApp() : ServiceApp<Program>("intake"), IAsyncLifetime
{
    public LogCapture Logs { get; } = new();

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
