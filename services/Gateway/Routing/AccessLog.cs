using System.Diagnostics;
using Veiligthuis.BuildingBlocks.Security;
using Yarp.ReverseProxy.Model;

namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// One structured line per call on a proxy route (also those the gateway refuses itself: 401, 413,
/// 429): route id, method, status, duration, the token's regio and the request id. Never the path
/// (it can hold ids), query string, headers, token or body.
/// </summary>
public static partial class AccessLog
{
    public const string Category = "Veiligthuis.Gateway.AccessLog";

    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            // Routing ran before this middleware: the endpoint tells whether this is a proxy route.
            var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();
            if (route is null || !logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var regio = context.User.FindFirst(VeiligthuisClaims.Regio)?.Value;
                regio = regio is { Length: > 0 and <= 64 } ? regio : "-";
                var grpcStatus = GrpcStatus(context);
                var requestId = context.Request.Headers[GatewayDefaults.RequestIdHeader].ToString();
                LogProxied(logger, route.Config.RouteId, context.Request.Method, context.Response.StatusCode, grpcStatus, elapsedMs, regio, requestId);
            }
        });
    }

    // gRPC answers 200 with the outcome in grpc-status: a trailer, or a header when trailers-only.
    private static string GrpcStatus(HttpContext context)
    {
        var status = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString();
        if (string.IsNullOrEmpty(status))
        {
            status = context.Response.Headers["grpc-status"].ToString();
        }

        return status is { Length: > 0 and <= 3 } ? status : "-";
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information,
        Message = "Proxied {RouteId} {Method} {StatusCode} grpc-status {GrpcStatus} in {DurationMs:0.0} ms regio {Regio} request {RequestId}")]
    private static partial void LogProxied(ILogger logger, string routeId, string method, int statusCode, string grpcStatus, double durationMs, string regio, string requestId);
}
