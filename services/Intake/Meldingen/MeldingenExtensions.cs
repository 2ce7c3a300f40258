namespace Veiligthuis.Intake.Meldingen;

public static class MeldingenExtensions
{
    public static WebApplicationBuilder AddMeldingen(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<MeldingStore>();
        builder.Services.AddScoped<CreateMeldingHandler>();
        builder.Services.AddScoped<UpdateMeldingHandler>();
        return builder;
    }
}
