using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Veiligthuis.TestSupport;

namespace Veiligthuis.Gateway.Tests;

/// <summary>
/// The gateway alone, in-process, with the intake backend configured at a loopback port where nothing
/// listens: what the gateway answers by itself is tested, never a backend's answer.
/// </summary>
public sealed class GatewayApp : WebApplicationFactory<Program>
{
    public TestTokens Tokens { get; } = new();

    /// <summary>A loopback port that was free a moment ago; nothing of this test listens on it.</summary>
    public int UnusedPort { get; } = FreeLoopbackPort();

    /// <summary>Extra settings of one test (they win over the defaults above them).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Auth:SigningKey", Tokens.SigningKey);
        builder.UseSetting("Services:intake:Grpc", $"http://127.0.0.1:{UnusedPort}");
        builder.UseSetting("Services:intake:Http", $"http://127.0.0.1:{UnusedPort}");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public GrpcChannel CreateGrpcChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    /// <summary>A browser's channel: gRPC-Web (binary or base64 text) over HTTP/1.1.</summary>
    public GrpcChannel CreateGrpcWebChannel(GrpcWebMode mode) =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, Server.CreateHandler()),
            HttpVersion = HttpVersion.Version11,
        });

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
