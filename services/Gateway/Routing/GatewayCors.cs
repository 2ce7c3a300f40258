namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// CORS for the front ends' origins (<c>Gateway:Cors:Origins</c>; none by default, so no CORS headers at
/// all). Bearer tokens, not cookies: no credentials. The gRPC-Web request headers are allowed and the
/// gRPC status, the request id and the rate limit's retry hint are exposed to the browser.
/// </summary>
public static class GatewayCors
{
    public const string OriginsSetting = "Gateway:Cors:Origins";

    public static readonly string[] AllowedHeaders =
    [
        "authorization", "content-type", "accept", "x-grpc-web", "x-user-agent", "grpc-timeout",
        "grpc-accept-encoding", GatewayDefaults.RequestIdHeader,
    ];

    public static readonly string[] ExposedHeaders =
    [
        "grpc-status", "grpc-message", "grpc-status-details-bin", GatewayDefaults.RequestIdHeader, "retry-after",
    ];

    private static readonly string[] AllowedMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static WebApplicationBuilder AddGatewayCors(this WebApplicationBuilder builder)
    {
        var origins = Origins(builder.Configuration);
        if (origins.Length > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins)
                .WithMethods(AllowedMethods)
                .WithHeaders(AllowedHeaders)
                .WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }

        return builder;
    }

    /// <summary>Answers preflights before authentication (they carry no token).</summary>
    public static WebApplication UseGatewayCors(this WebApplication app)
    {
        if (Origins(app.Configuration).Length > 0)
        {
            app.UseCors();
        }

        return app;
    }

    private static string[] Origins(IConfiguration configuration) =>
        [.. (configuration.GetSection(OriginsSetting).Get<string[]>() ?? [])
            .Where(o => !string.IsNullOrWhiteSpace(o))
            .Select(o => o.Trim().TrimEnd('/'))];
}
