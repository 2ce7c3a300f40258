using System.Globalization;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Model;

namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// Deadline propagation for unary gRPC calls. The client's <c>grpc-timeout</c> travels to the service
/// (YARP copies it), capped at the route's timeout (<c>Gateway:GrpcTimeout</c>, per service
/// <c>Services:&lt;svc&gt;:GrpcTimeout</c>) and shortened by <c>Gateway:GrpcTimeoutOffset</c>; a call
/// without a deadline gets the route's. The service
/// enforces it (gRPC servers answer <c>DeadlineExceeded</c> themselves); the gateway stops waiting
/// shortly after, as a backstop for a backend that ignores the header. Streaming methods of the public
/// API keep the client's deadline, if any: they are bounded by the cluster's activity timeout.
/// </summary>
/// <summary>The deadline cap of every gRPC route, by route id (read once at start-up).</summary>
public sealed record GrpcRouteTimeouts(IReadOnlyDictionary<string, TimeSpan> ByRouteId);

public static class GrpcDeadlines
{
    public const string TimeoutHeader = "grpc-timeout";

    public const int DeadlineExceeded = 4;

    /// <summary>
    /// Extra time before the gateway gives up itself, so that the service's own answer (with its
    /// trailers) normally reaches the client rather than the gateway's.
    /// </summary>
    public static readonly TimeSpan BackstopGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>Paths (<c>/package.Service/Method</c>) of the public API's client, server or bidirectional streams.</summary>
    public static IReadOnlySet<string> StreamingMethods { get; } = GatewayReflection.PublicServices
        .SelectMany(s => s.Methods)
        .Where(m => m.IsClientStreaming || m.IsServerStreaming)
        .Select(m => "/" + m.Service.FullName + "/" + m.Name)
        .ToHashSet(StringComparer.Ordinal);

    public static WebApplication UseGrpcDeadlines(this WebApplication app)
    {
        var caps = app.Services.GetRequiredService<GrpcRouteTimeouts>();
        var offset = RequestLimits.Read(app.Configuration).GrpcTimeoutOffset;
        app.Use(async (context, next) =>
        {
            if (!GrpcStatusResponse.IsGrpc(context.Request)
                || context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not { } route
                || !caps.ByRouteId.TryGetValue(route.Config.RouteId, out var cap)
                || StreamingMethods.Contains(context.Request.Path.Value ?? ""))
            {
                await next(context);
                return;
            }

            var deadline = TryParseTimeout(context.Request.Headers[TimeoutHeader], out var requested) && requested - offset < cap
                ? requested - offset
                : cap;
            context.Request.Headers[TimeoutHeader] = FormatTimeout(deadline);

            var aborted = context.RequestAborted;
            using var backstop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            backstop.CancelAfter(deadline + BackstopGrace);
            // YARP forwards until RequestAborted: the same switch the request-timeout middleware uses.
            context.RequestAborted = backstop.Token;
            try
            {
                await next(context);
            }
            finally
            {
                context.RequestAborted = aborted;
            }

            if (backstop.IsCancellationRequested && !aborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                GrpcStatusResponse.WriteTrailersOnly(context, DeadlineExceeded, "Deadline exceeded.");
            }
        });
        return app;
    }

    /// <summary>The gRPC wire format: at most 8 digits and a unit (H, M, S, m, u, n).</summary>
    public static bool TryParseTimeout(StringValues header, out TimeSpan timeout)
    {
        timeout = TimeSpan.Zero;
        var value = header.ToString();
        if (value.Length is < 2 or > 9
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        TimeSpan? parsed = value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromMicroseconds(amount),
            'n' => TimeSpan.FromTicks(amount / 100),
            _ => null,
        };
        timeout = parsed ?? TimeSpan.Zero;
        return parsed is not null;
    }

    /// <summary>In milliseconds (rounded up, so a deadline never shrinks to zero); 8 digits hold 27 hours.</summary>
    public static string FormatTimeout(TimeSpan timeout) =>
        Math.Clamp((long)Math.Ceiling(timeout.TotalMilliseconds), 1, 99_999_999).ToString(CultureInfo.InvariantCulture) + "m";
}
