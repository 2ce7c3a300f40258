using Veiligthuis.BuildingBlocks.Eventing;

namespace Veiligthuis.Triage.Werkvoorraad;

public static class WerkvoorraadExtensions
{
    public static WebApplicationBuilder AddWerkvoorraad(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<TriageOptions>(builder.Configuration.GetSection(TriageOptions.Section));
        builder.AddRedis();
        builder.Services.AddSingleton<WerkitemLeases>();
        builder.Services.AddScoped<ClaimWerkitemHandler>();
        builder.Services.AddSingleton<TriageMetrics>();
        builder.Services.AddHostedService<TeLaatMonitor>();
        return builder;
    }
}
