using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Veiligthuis.Benchmarks.Gateway;

/// <summary>
/// The reference point for the gateway: YARP with the gateway's gRPC route and cluster settings
/// (HTTP/2 exactly) and nothing else — no authentication, rate limit, request id, access log or probes.
/// </summary>
public static class BareYarp
{
    public static async Task RunAsync(string ip, int port, Uri backend)
    {
        // The full builder, as the gateway and YARP's own template use (not the slim one): the same
        // hosting defaults, so that the difference measured is the gateway's middleware.
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Parse(ip), port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "bench-grpc", ClusterId = "bench-grpc", Match = new RouteMatch { Path = "/veiligthuis.bench.v1.{service}/{method}" } }],
            [new ClusterConfig
            {
                ClusterId = "bench-grpc",
                HttpRequest = new ForwarderRequestConfig { Version = new Version(2, 0), VersionPolicy = HttpVersionPolicy.RequestVersionExact },
                Destinations = new Dictionary<string, DestinationConfig> { ["primary"] = new() { Address = backend.ToString() } },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.RunAsync();
    }
}
