using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Veiligthuis.BuildingBlocks.Health;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Telemetry;
using Veiligthuis.Gateway.Logging;

namespace Veiligthuis.Gateway.Routing;

public static class GatewayDefaults
{
    public const string RequestIdHeader = "x-request-id";

    /// <summary>
    /// Telemetry, authentication at the edge (the token is passed on; services validate it again) and
    /// health: the HTTP probes and, like every service, the gRPC health service on the gRPC port.
    /// </summary>
    public static WebApplicationBuilder AddGatewayDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        // Spans only when exported: unexported, the server and client span of every proxied call were
        // about 5 % of the gateway's CPU under load (ADR 0018).
        builder.AddTelemetry("gateway");
        builder.AddBatchedConsoleLogging();
        builder.AddVeiligthuisAuthentication();
        builder.AddTokenValidationCache();
        builder.AddGatewayCors();
        builder.AddRequestLimits();
        // Stateless: ready once it serves. gRPC health answers UNKNOWN, not SERVING, without any check.
        // The gateway's own readiness (gRPC health) is "self"; /healthz/ready also aggregates the backends.
        builder.Services.AddSingleton<BackendReadiness>();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Ready])
            .AddCheck<BackendsHealthCheck>(BackendsHealthCheck.Name, tags: [BackendsHealthCheck.Tag]);
        // Only grpc.health.v1 is served here; every other gRPC path belongs to the proxy, so gRPC's
        // catch-all "unimplemented service" endpoint must not compete with the proxy routes.
        builder.Services.AddGrpc(o => o.IgnoreUnknownServices = true);
        builder.Services.AddGrpcHealthChecks(o => o.Services.Map("", check => check.Tags.Contains(HealthTags.Ready)));
        return builder;
    }

    public static WebApplication MapGatewayDefaults(this WebApplication app)
    {
        // Every call gets a request id (the client's, or a new one) that travels to the services and back.
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use((context, next) =>
        {
            var requestId = context.Request.Headers[RequestIdHeader].ToString();
            if (requestId.Length is 0 or > 128)
            {
                requestId = NewRequestId(time.GetUtcNow());
                context.Request.Headers[RequestIdHeader] = requestId;
            }

            context.Response.Headers[RequestIdHeader] = requestId;
            // Only on a span that is recorded (exported): ASP.NET Core starts an activity per request for
            // log correlation even when nothing traces, and a tag on it was pure cost.
            if (System.Diagnostics.Activity.Current is { Recorded: true } activity)
            {
                activity.SetTag("request.id", requestId);
            }

            return next(context);
        });
        app.UseAccessLog();
        app.UseGatewayCors();
        app.UseRequestLimits();
        app.UseGrpcDeadlines();
        app.UseGrpcWebTranslation();
        app.UseRememberedTokens();
        app.UseAuthorization();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { ResponseWriter = ReadinessResponse.WriteAsync })
            .AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// A version 7 UUID, as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>, but with its 74 random bits
    /// from <see cref="Random.Shared"/>: a request id must be unique, not unguessable, and the operating
    /// system's random source (<see cref="Guid.NewGuid"/>) cost a system call per request.
    /// </summary>
    public static string NewRequestId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var milliseconds = now.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
