using System.Globalization;
using Veiligthuis.BuildingBlocks.Health;
using Yarp.ReverseProxy.Configuration;

namespace Veiligthuis.Gateway.Routing;

/// <summary>The backends behind the gateway: <c>Services:&lt;name&gt;:Grpc</c> and <c>Services:&lt;name&gt;:Http</c>.</summary>
public sealed record ServiceBackend(string Name, Uri Grpc, Uri Http, TimeSpan? GrpcTimeout = null);

public static class ServiceRoutes
{
    public const string AuthenticatedPolicy = "default";

    /// <summary>
    /// For each backend: gRPC by package path (<c>/veiligthuis.&lt;svc&gt;.v1.*</c>) to its HTTP/2-only
    /// port with HTTP/2 demanded exactly (h2c), and REST/JSON (<c>/api/v1/&lt;svc&gt;/…</c>) to its
    /// HTTP/1.1 port. The gRPC port is probed with the same h2c the cluster uses.
    /// </summary>
    public static WebApplicationBuilder AddServiceRoutes(this WebApplicationBuilder builder)
    {
        var backends = ReadBackends(builder.Configuration);
        var limits = RequestLimits.Read(builder.Configuration);
        var restTimeout = limits.RestTimeout;
        var grpcTimeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var backend in backends)
        {
            routes.Add(new RouteConfig
            {
                RouteId = backend.Name + "-grpc",
                ClusterId = backend.Name + "-grpc",
                AuthorizationPolicy = AuthenticatedPolicy,
                Match = new RouteMatch { Path = $"/veiligthuis.{backend.Name}.v1.{{service}}/{{method}}" },
            });
            grpcTimeouts[backend.Name + "-grpc"] = backend.GrpcTimeout ?? limits.GrpcTimeout;
            routes.Add(new RouteConfig
            {
                RouteId = backend.Name + "-rest",
                ClusterId = backend.Name + "-http",
                AuthorizationPolicy = AuthenticatedPolicy,
                Match = new RouteMatch { Path = $"/api/v1/{backend.Name}/{{**rest}}" },
                // REST calls are unary: bounded as a whole (504 when it passes), unlike gRPC streams.
                Timeout = restTimeout,
            });
            clusters.Add(Cluster(backend.Name + "-grpc", backend.Grpc, new Version(2, 0), TimeSpan.FromMinutes(10)));
            clusters.Add(Cluster(backend.Name + "-http", backend.Http, new Version(1, 1), TimeSpan.FromSeconds(100)));
        }

        builder.Services.AddSingleton<IReadOnlyList<ServiceBackend>>(backends);
        builder.Services.AddSingleton(new GrpcRouteTimeouts(grpcTimeouts));
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    private static ClusterConfig Cluster(string id, Uri address, Version version, TimeSpan activityTimeout) => new()
    {
        ClusterId = id,
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // Idle server streams (werkvoorraad, signalen) outlive YARP's 100 s default.
            ActivityTimeout = activityTimeout,
        },
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(10),
                Timeout = TimeSpan.FromSeconds(5),
                Policy = "ConsecutiveFailures",
                Path = "/healthz/ready",
            },
        },
        Destinations = new Dictionary<string, DestinationConfig> { ["primary"] = new() { Address = address.ToString() } },
    };

    internal static List<ServiceBackend> ReadBackends(IConfiguration configuration)
    {
        var backends = new List<ServiceBackend>();
        foreach (var section in configuration.GetSection("Services").GetChildren())
        {
            var name = section.Key.ToLowerInvariant();
            backends.Add(new ServiceBackend(name, Address(section, "Grpc"), Address(section, "Http"), Timeout(section)));
        }

        return backends;
    }

    private static TimeSpan? Timeout(IConfigurationSection service)
    {
        var value = service["GrpcTimeout"];
        if (value is null)
        {
            return null;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : throw new InvalidOperationException($"Services:{service.Key}:GrpcTimeout must be a positive time span, e.g. 00:00:30 (got '{value}').");
    }

    // Uri.TryCreate alone is not enough: "intake:5110" parses as a URI of scheme "intake", and on
    // Unix "/intake" as a file URI. A backend is reached over http(s) at a host.
    private static Uri Address(IConfigurationSection service, string port)
    {
        var value = service[port];
        if (Uri.TryCreate(value, UriKind.Absolute, out var address)
            && (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps)
            && address.Host.Length > 0)
        {
            return address;
        }

        throw new InvalidOperationException(
            $"Services:{service.Key}:{port} must be an absolute http:// or https:// address, e.g. http://intake:8080 (got '{value}').");
    }
}
