using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.BuildingBlocks.Tests.Eventing;

/// <summary>
/// A minimal service on the test server: the building blocks' eventing with one subscription
/// (<see cref="RecordingHandler"/> on <see cref="Events.Topic"/>) and the given settings.
/// </summary>
public sealed class EventHost : IAsyncDisposable
{
    public const string Service = "bbtest";

    private EventHost(WebApplication app) => App = app;

    public WebApplication App { get; }

    public static async Task<EventHost> StartAsync(HandlerLog log, IDictionary<string, string?> settings, bool withAuthentication = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(log);
        if (withAuthentication)
        {
            builder.AddVeiligthuisAuthentication();
        }

        builder.AddEventing().Subscribe<MeldingOntvangen, RecordingHandler>(Events.Topic);

        var app = builder.Build();
        if (withAuthentication)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.MapEventSubscriptions();
        await app.StartAsync();
        return new EventHost(app);
    }

    public HttpClient CreateClient() => App.GetTestClient();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
