using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;

namespace Veiligthuis.Gateway.Routing;

/// <summary>Settings under <c>Gateway</c> that bound a single request.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Gateway";

    /// <summary>Largest request body accepted on REST and gRPC-Web; larger gets 413 (REST) before proxying.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Timeout of a proxied REST call (unary); gRPC streams are bounded by the clusters' ActivityTimeout instead.</summary>
    public TimeSpan RestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest deadline of a unary gRPC call (the client's <c>grpc-timeout</c> is capped at it, and a call
    /// without one gets it); <c>Services:&lt;svc&gt;:GrpcTimeout</c> overrides it for one service.
    /// </summary>
    public TimeSpan GrpcTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Taken off a client's deadline before it is passed on, so that the service gives up first and its
    /// DeadlineExceeded (with its trailers) reaches the client before the client's own timer cancels the
    /// call mid-response (as Envoy's <c>grpc_timeout_header_offset</c>).
    /// </summary>
    public TimeSpan GrpcTimeoutOffset { get; set; } = TimeSpan.FromMilliseconds(100);
}

public static class RequestLimits
{
    public const string TooLarge = "Request too large.";

    public static RequestLimitOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        if (options.MaxRequestBodyBytes <= 0)
        {
            throw new InvalidOperationException(
                $"Gateway:MaxRequestBodyBytes must be positive (got {options.MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.RestTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Gateway:RestTimeout must be positive (got '{options.RestTimeout}').");
        }

        if (options.GrpcTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Gateway:GrpcTimeout must be positive (got '{options.GrpcTimeout}').");
        }

        if (options.GrpcTimeoutOffset < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Gateway:GrpcTimeoutOffset must not be negative (got '{options.GrpcTimeoutOffset}').");
        }

        return options;
    }

    /// <summary>Kestrel's body limit and the request-timeout service YARP's route <c>Timeout</c> runs on.</summary>
    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        var options = Read(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddRequestTimeouts();
        return builder;
    }

    /// <summary>
    /// A declared body over the limit is refused at once, before authentication and proxying (REST 413,
    /// gRPC <c>ResourceExhausted</c>); a chunked one is cut off by Kestrel's limit while it is read.
    /// (YARP lifts Kestrel's limit for gRPC calls, whose messages the services bound themselves.)
    /// </summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        var options = Read(app.Configuration);
        app.Use((context, next) =>
        {
            if (context.Request.ContentLength > options.MaxRequestBodyBytes)
            {
                if (GrpcStatusResponse.IsGrpc(context.Request))
                {
                    GrpcStatusResponse.WriteTrailersOnly(context, GrpcStatusResponse.ResourceExhausted, TooLarge);
                    return Task.CompletedTask;
                }

                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return Task.CompletedTask;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = options.MaxRequestBodyBytes;
            }

            return next(context);
        });
        app.UseRequestTimeouts();
        app.Use(async (context, next) =>
        {
            await next(context);
            // YARP reports the timeout's cancellation as a cancelled request (400); the caller waited too long: 504.
            if (context.Features.Get<IHttpRequestTimeoutFeature>() is { RequestTimeoutToken.IsCancellationRequested: true }
                && context.Features.Get<IForwarderErrorFeature>() is not null
                && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            }
        });
        return app;
    }
}
