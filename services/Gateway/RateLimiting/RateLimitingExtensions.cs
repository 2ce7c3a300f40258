using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Gateway.Routing;
using Yarp.ReverseProxy.Model;

namespace Veiligthuis.Gateway.RateLimiting;

public static class RateLimitingExtensions
{
    private const string Message = "Rate limit exceeded; retry later.";

    /// <summary>
    /// The distributed limit per (token subject or client id, regio) of <c>Gateway:RateLimit</c>, on the
    /// shared Redis of <c>ConnectionStrings:redis</c>. Off while <c>PermitsPerWindow</c> is 0.
    /// </summary>
    public static WebApplicationBuilder AddGatewayRateLimiting(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(RateLimitOptions.Section);
        var options = section.Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.Configure<RateLimitOptions>(section);
        if (!options.Enabled)
        {
            return builder;
        }

        if (options.Window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{RateLimitOptions.Section}:Window must be positive (got '{options.Window}').");
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("redis")))
        {
            throw new InvalidOperationException($"{RateLimitOptions.Section} needs ConnectionStrings:redis.");
        }

        builder.AddRedis();
        builder.Services.AddSingleton<RedisRateLimiter>();
        return builder;
    }

    /// <summary>
    /// Counts every proxied call of an authenticated caller before it is forwarded; after authorization,
    /// so a call without a valid token is refused (401) and never counted.
    /// </summary>
    public static WebApplication UseGatewayRateLimiting(this WebApplication app)
    {
        var limiter = app.Services.GetService<RedisRateLimiter>();
        if (limiter is null)
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            var user = context.User;
            if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is null || user.Identity?.IsAuthenticated != true)
            {
                await next(context);
                return;
            }

            var caller = user.FindFirst(VeiligthuisClaims.Subject)?.Value ?? user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value ?? "";
            var regio = user.FindFirst(VeiligthuisClaims.Regio)?.Value ?? "";
            var decision = await limiter.AcquireAsync(caller, regio);
            if (decision.Allowed)
            {
                await next(context);
                return;
            }

            await RefuseAsync(context, decision.RetryAfter);
        });
        return app;
    }

    /// <summary>REST: 429 with Retry-After. gRPC (and gRPC-Web): ResourceExhausted with google.rpc.RetryInfo.</summary>
    private static async Task RefuseAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var response = context.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = Message,
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds)) }) },
        };

        if (GrpcStatusResponse.IsGrpc(context.Request))
        {
            GrpcStatusResponse.WriteTrailersOnly(context, status.Code, Message, status.ToByteArray());
            return;
        }

        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(new
        {
            code = status.Code,
            message = status.Message,
            details = new[]
            {
                new Dictionary<string, string>
                {
                    ["@type"] = "type.googleapis.com/google.rpc.RetryInfo",
                    ["retryDelay"] = seconds.ToString(CultureInfo.InvariantCulture) + "s",
                },
            },
        }));
    }
}
