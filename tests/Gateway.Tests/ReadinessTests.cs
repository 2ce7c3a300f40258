using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class ReadinessTests
{
    private static readonly string[] Backends = ["intake", "register", "triage", "diensten", "overdracht", "monitoring"];

    [Fact]
    public async Task Ready_WithOneBackendUnreachable_Is503AndNamesEachBackendsState()
    {
        await using var stub = await ReadyBackendAsync();
        using var app = new GatewayApp();
        PointAllBackendsAt(app, stub);
        app.Settings["Services:register:Grpc"] = $"http://127.0.0.1:{app.UnusedPort}";
        app.Settings["Services:register:Http"] = $"http://127.0.0.1:{app.UnusedPort}";
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var backends = json.RootElement.GetProperty("backends").EnumerateArray()
            .ToDictionary(b => b.GetProperty("name").GetString()!, b => (Grpc: b.GetProperty("grpc").GetString(), Http: b.GetProperty("http").GetString()));
        Assert.Equal(Backends.Order(), backends.Keys.Order());
        Assert.Equal(("Healthy", "Healthy"), backends["intake"]);
        Assert.Equal(("Unhealthy", "Unhealthy"), backends["register"]);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_WithEveryBackendReady_Is200_AndLiveIgnoresBackends()
    {
        await using var stub = await ReadyBackendAsync();
        using var app = new GatewayApp();
        PointAllBackendsAt(app, stub);
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.All(json.RootElement.GetProperty("backends").EnumerateArray(), b =>
        {
            Assert.Equal("Healthy", b.GetProperty("grpc").GetString());
            Assert.Equal("Healthy", b.GetProperty("http").GetString());
        });
    }

    [Fact]
    public async Task Live_WithBackendsUnreachable_Is200()
    {
        using var app = new GatewayApp();
        using var client = app.CreateClient();

        using var live = await client.GetAsync("/healthz/live");
        using var ready = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    private static void PointAllBackendsAt(GatewayApp app, ReadyBackend stub)
    {
        foreach (var name in Backends)
        {
            app.Settings[$"Services:{name}:Grpc"] = stub.Grpc;
            app.Settings[$"Services:{name}:Http"] = stub.Http;
        }
    }

    internal sealed record ReadyBackend(WebApplication App, string Grpc, string Http) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>A backend that answers /healthz/ready on an HTTP/2-only (h2c) port and an HTTP/1.1 port.</summary>
    internal static async Task<ReadyBackend> ReadyBackendAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the gateway's appsettings.json (its Kestrel endpoints) that lies next to the tests.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1);
        });
        var backend = builder.Build();
        backend.MapGet("/healthz/ready", () => "ok");
        await backend.StartAsync();
        var addresses = backend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        return new ReadyBackend(backend, addresses[0], addresses[1]);
    }
}
