using System.Globalization;
using Microsoft.Extensions.ObjectPool;
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

    /// <summary>Backstop sources that were not cancelled, reset for the next call (as Kestrel and YARP pool theirs).</summary>
    private static readonly ObjectPool<CancellationTokenSource> Backstops =
        new DefaultObjectPool<CancellationTokenSource>(new ResettableSources(), 1024);

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
            // Pooled (with its timer) rather than a linked source per call: a new source and timer per
            // call was a measurable share of the gateway's CPU under load (ADR 0018).
            var backstop = Backstops.Get();
            var timedOut = false;
            try
            {
                backstop.CancelAfter(deadline + BackstopGrace);
                using (aborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), backstop))
                {
                    // YARP forwards until RequestAborted: the same switch the request-timeout middleware uses.
                    context.RequestAborted = backstop.Token;
                    try
                    {
                        await next(context);
                    }
                    finally
                    {
                        context.RequestAborted = aborted;
                        // Not "and the client is still there": under load the client's own cancel can arrive just
                        // after the backstop fired, and YARP's 400 for the cancelled forward then reached a client
                        // that had not yet given up. Answering a client that did go away is harmless.
                        timedOut = backstop.IsCancellationRequested;
                    }
                }
            }
            finally
            {
                Backstops.Return(backstop);
            }

            if (timedOut && !context.Response.HasStarted)
            {
                GrpcStatusResponse.WriteTrailersOnly(context, DeadlineExceeded, "Deadline exceeded.");
            }
        });
        return app;
    }

    private sealed class ResettableSources : PooledObjectPolicy<CancellationTokenSource>
    {
        public override CancellationTokenSource Create() => new();

        // TryReset also stops the timer; a cancelled source cannot be reset and is dropped (and disposed).
        public override bool Return(CancellationTokenSource source)
        {
            if (source.TryReset())
            {
                return true;
            }

            source.Dispose();
            return false;
        }
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
