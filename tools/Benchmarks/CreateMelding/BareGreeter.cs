using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Veiligthuis.Benchmarks.CreateMelding;

/// <summary>
/// The cheapest unary gRPC call this stack can serve: Kestrel, HTTP/2 without TLS, one method that answers at once.
/// Nothing else (no authentication, logging or database), so it marks the ceiling the services are measured against.
/// </summary>
public static class BareGreeter
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var port = arguments.Number("port", 5220);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<ServingHealth>();
        Console.WriteLine($"greeter listening on 127.0.0.1:{port}");
        await app.RunAsync();
        return 0;
    }

    private sealed class ServingHealth : Health.HealthBase
    {
        private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };

        public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
            Task.FromResult(Serving);
    }
}
