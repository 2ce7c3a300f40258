using Microsoft.AspNetCore.Authorization;
using Veiligthuis.Register.Matching;

namespace Veiligthuis.Register.Betrokkenheden;

public static class RegisterExtensions
{
    public static WebApplicationBuilder AddRegister(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegisterOptions>()
            .Bind(builder.Configuration.GetSection(RegisterOptions.Section))
            .Validate(o => o.IsValid(),
                "Register:BsnHmacKeys needs at least one key, each with a unique Id and a base64 Key of at least 32 bytes; " +
                "Register:MatchingKey needs an Id and a base64 Key of at least 32 bytes; " +
                "Register:Bewaartermijn is \"<n>y\" or \"<n>d\"; Register:RetentionInterval is positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<BsnHasher>();
        builder.Services.AddSingleton<PersoonMatcher>();
        builder.Services.AddScoped<RegisterHandler>();
        builder.Services.AddScoped<BulkRegistratie>();
        builder.Services.AddSingleton<RetentionJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalAuditHandler>();
        return builder;
    }
}
