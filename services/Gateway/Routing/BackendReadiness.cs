using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Veiligthuis.Gateway.Routing;

/// <summary>The readiness of one backend's two destinations as the gateway last probed them.</summary>
public sealed record BackendState(string Name, bool Grpc, bool Http);

/// <summary>
/// Probes every backend's <c>/healthz/ready</c> on its gRPC port (h2c, HTTP/2 exactly, as the YARP
/// cluster speaks it) and its HTTP port (HTTP/1.1), with a short timeout, and keeps the answer a few
/// seconds so that frequent readiness probes do not become a probe storm on the backends.
/// </summary>
public sealed class BackendReadiness(IReadOnlyList<ServiceBackend> backends, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        ConnectTimeout = ProbeTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        UseProxy = false,
    });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<BackendState>? _last;
    private long _lastAt;

    public async Task<IReadOnlyList<BackendState>> GetAsync(CancellationToken cancellationToken)
    {
        if (_last is { } fresh && time.GetElapsedTime(_lastAt) < CacheFor)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } probedMeanwhile && time.GetElapsedTime(_lastAt) < CacheFor)
            {
                return probedMeanwhile;
            }

            var states = await Task.WhenAll(backends.Select(async backend =>
            {
                var grpc = ProbeAsync(backend.Grpc, new Version(2, 0), cancellationToken);
                var http = ProbeAsync(backend.Http, new Version(1, 1), cancellationToken);
                return new BackendState(backend.Name, await grpc, await http);
            }));
            _last = states;
            _lastAt = time.GetTimestamp();
            return states;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> ProbeAsync(Uri destination, Version version, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(destination, "/healthz/ready"))
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _gate.Dispose();
    }
}

/// <summary>Unhealthy when any destination of any backend does not answer ready.</summary>
public sealed class BackendsHealthCheck(BackendReadiness readiness) : IHealthCheck
{
    public const string Name = "backends";
    public const string Tag = "backends";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = await readiness.GetAsync(cancellationToken);
        var data = new Dictionary<string, object> { [Name] = states };
        return states.All(s => s.Grpc && s.Http)
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Unhealthy("Not every backend is ready.", data: data);
    }
}

public static class ReadinessResponse
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// <c>{"status":"Unhealthy","backends":[{"name":"intake","grpc":"Healthy","http":"Unhealthy"}]}</c>:
    /// names and states only, never addresses (the endpoint is anonymous).
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var backends = report.Entries.TryGetValue(BackendsHealthCheck.Name, out var entry)
            && entry.Data.TryGetValue(BackendsHealthCheck.Name, out var value)
            && value is IReadOnlyList<BackendState> states
                ? states.Select(s => new { name = s.Name, grpc = State(s.Grpc), http = State(s.Http) }).ToArray()
                : [];
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(new { status = report.Status.ToString(), backends }, Json), context.RequestAborted);
    }

    private static string State(bool ready) => ready ? "Healthy" : "Unhealthy";
}
