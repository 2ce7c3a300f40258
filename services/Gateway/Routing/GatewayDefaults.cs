using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Telemetry;

namespace Veiligthuis.Gateway.Routing;

public static class GatewayDefaults
{
    public const string RequestIdHeader = "x-request-id";

    /// <summary>Telemetry, authentication at the edge (the token is passed on; services validate it again) and health.</summary>
    public static WebApplicationBuilder AddGatewayDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTelemetry("gateway");
        builder.AddVeiligthuisAuthentication();
        builder.Services.AddHealthChecks();
        return builder;
    }

    public static WebApplication MapGatewayDefaults(this WebApplication app)
    {
        // Every call gets a request id (the client's, or a new one) that travels to the services and back.
        app.Use((context, next) =>
        {
            var requestId = context.Request.Headers[RequestIdHeader].ToString();
            if (requestId.Length is 0 or > 128)
            {
                requestId = Guid.CreateVersion7().ToString();
                context.Request.Headers[RequestIdHeader] = requestId;
            }

            context.Response.Headers[RequestIdHeader] = requestId;
            System.Diagnostics.Activity.Current?.SetTag("request.id", requestId);
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready").AllowAnonymous();
        return app;
    }
}
