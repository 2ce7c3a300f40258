namespace Veiligthuis.Intake.Meldingen;

public static class MeldingenExtensions
{
    public static WebApplicationBuilder AddMeldingen(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<MeldingStore>();
        builder.Services.AddSingleton<CreateMeldingHandler>();
        builder.Services.Configure<MeldingOntvangstOptions>(builder.Configuration.GetSection(MeldingOntvangstOptions.Section));
        builder.Services.AddSingleton<MeldingOntvangst>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeldingOntvangst>());
        builder.Services.AddScoped<UpdateMeldingHandler>();
        return builder;
    }
}
