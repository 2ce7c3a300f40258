namespace Veiligthuis.Triage.Beoordeling;

public static class BeoordelingExtensions
{
    public static WebApplicationBuilder AddBeoordeling(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<BeoordelingHandler>();
        return builder;
    }
}
