namespace Veiligthuis.Intake.Adviezen;

public static class AdviezenExtensions
{
    public static WebApplicationBuilder AddAdviezen(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AdviesStore>();
        builder.Services.AddScoped<CreateAdviesHandler>();
        return builder;
    }
}
