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
        builder.Services.AddScoped<ToewijzingHandler>();
        builder.Services.AddSingleton<TriageMetrics>();
        builder.Services.AddHostedService<TeLaatMonitor>();
        builder.Services.AddSingleton<WerkitemWijzigingOpruiming>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WerkitemWijzigingOpruiming>());
        return builder;
    }
}
