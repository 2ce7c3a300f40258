using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Veiligthuis.Benchmarks.Gateway.V1;

namespace Veiligthuis.Benchmarks.Gateway;

/// <summary>The backend every variant proxies to: one unary echo, no logging, no auth.</summary>
public static class EchoBackend
{
    public static async Task RunAsync(string ip, int grpcPort, int httpPort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // h2c needs an HTTP/2-only endpoint (architecture.md §5).
            kestrel.Listen(IPAddress.Parse(ip), grpcPort, o => o.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Parse(ip), httpPort, o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        // The gateway probes its gRPC clusters over h2c on the gRPC port, the REST cluster on the HTTP port.
        app.MapGet("/healthz/ready", () => "ok");
        await app.RunAsync();
    }
}

public sealed class EchoService : Echo.EchoBase
{
    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context) =>
        Task.FromResult(new PingReply { Payload = request.Payload });
}
