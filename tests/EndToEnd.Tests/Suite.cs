using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Veiligthuis.TestSupport;
using Xunit;

[assembly: AssemblyFixture(typeof(Veiligthuis.EndToEnd.Tests.Suite))]

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>
/// The whole suite as real processes, once for the test assembly: the gateway and the six services,
/// each started with <c>dotnet</c> from its build output on two free loopback ports, with its own fresh
/// database (a non-superuser role, so row-level security applies), the shared Redis under a stream
/// prefix of this run alone, and one development signing key. Tests talk to the gateway only, as a
/// front end would, and look at the hosts directly only for health.
/// </summary>
public sealed class Suite : IAsyncLifetime
{
    public const string GatewayName = "gateway";

    /// <summary>The backends the gateway routes to (architecture.md §2).</summary>
    public static readonly string[] Backends = ["intake", "register", "triage", "diensten", "overdracht", "monitoring"];

    public static readonly string[] Hosts = [GatewayName, .. Backends];

    // Seven .NET processes starting at once on two cores: generous, but bounded.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    // The gateway probes each backend every 10 s and may hold one unhealthy from before it was up.
    private static readonly TimeSpan RoutesTimeout = TimeSpan.FromSeconds(45);

    private const int StartAttempts = 3;

    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();
    private readonly Dictionary<string, string> _connectionStrings = [];
    private Dictionary<string, ServiceProcess> _processes = [];

    public TestTokens Tokens { get; } = new();

    /// <summary>One prefix for every stream of this stack: it shares nothing with other runs on the same Redis.</summary>
    public string StreamPrefix { get; } = "e2e" + Guid.NewGuid().ToString("N")[..12] + ":";

    public string LogDirectory { get; } = Path.Combine(
        AppContext.BaseDirectory, "e2e-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public IReadOnlyDictionary<string, ServiceProcess> Processes => _processes;

    public ServiceProcess Gateway => _processes[GatewayName];

    /// <summary>The gateway's gRPC port (h2c), as a front end sees it.</summary>
    public GrpcChannel GatewayGrpc => Channel(Gateway.GrpcAddress);

    /// <summary>An absolute URL on the gateway's HTTP/1.1 port (REST/JSON).</summary>
    public Uri GatewayRest(string pathAndQuery) => new(Gateway.HttpAddress, pathAndQuery);

    /// <summary>The connection string a service was started with (its own database, its own role).</summary>
    public string ConnectionString(string service) => _connectionStrings[service];

    public GrpcChannel Channel(Uri address) => _channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a));

    /// <summary>Every gRPC call of the tests carries a deadline.</summary>
    public static DateTime Deadline(int seconds = 20) => DateTime.UtcNow.AddSeconds(seconds);

    public async ValueTask InitializeAsync()
    {
        var binaries = Binaries.Locate(Hosts);
        var redis = await TestInfrastructure.RedisAsync();
        var databases = await Task.WhenAll(Backends.Select(async s => (Service: s, ConnectionString: await TestInfrastructure.CreateDatabaseAsync(s))));
        foreach (var (service, connectionString) in databases)
        {
            _connectionStrings[service] = connectionString;
        }

        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        for (var attempt = 1; ; attempt++)
        {
            _processes = StartAll(binaries, redis, attempt);
            var failed = await WaitUntilReadyAsync();
            if (failed.Count == 0)
            {
                break;
            }

            // A free port can be taken by another process between choosing and binding it: choose again.
            var portTaken = failed.Any(p => p.HasExited && p.FailedToBind());
            var report = string.Join(Environment.NewLine + Environment.NewLine, failed.Select(p => p.Describe()));
            await StopAllAsync();
            if (!portTaken || attempt == StartAttempts)
            {
                throw new InvalidOperationException(
                    $"Not every host became ready (limit {ReadyTimeout.TotalSeconds:0} s, attempt {attempt} of {StartAttempts}):"
                    + Environment.NewLine + report);
            }
        }

        await WaitUntilGatewayReachesBackendsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        Http.Dispose();
        await StopAllAsync();
    }

    private static readonly string BsnHmacKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private static readonly string MatchingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private Dictionary<string, ServiceProcess> StartAll(Binaries binaries, string redis, int attempt)
    {
        var ports = FreeLoopbackPorts(Hosts.Length * 2);
        var addresses = Hosts.Select((host, i) => (host, Grpc: ports[2 * i], Http: ports[(2 * i) + 1]))
            .ToDictionary(a => a.host, a => (a.Grpc, a.Http));

        var processes = new Dictionary<string, ServiceProcess>();
        try
        {
            // Started one after the other but not awaited: the seven start up in parallel.
            foreach (var host in Hosts)
            {
                var settings = new Dictionary<string, string>
                {
                    ["Auth:SigningKey"] = Tokens.SigningKey,
                    ["Logging:LogLevel:Default"] = "Information",
                    // Seven processes share two cores: workstation GC keeps each one small.
                    ["DOTNET_gcServer"] = "0",
                };
                if (host == GatewayName)
                {
                    // The distributed rate limit runs on the shared Redis, generous enough for every test.
                    settings["ConnectionStrings:redis"] = redis;
                    settings["Gateway:RateLimit:PermitsPerWindow"] = "1000";
                    settings["Gateway:RateLimit:Window"] = "00:01:00";
                    settings["Gateway:RateLimit:KeyPrefix"] = StreamPrefix + "ratelimit:";
                    settings["Gateway:Reflection"] = "true";
                    foreach (var backend in Backends)
                    {
                        settings[$"Services:{backend}:Grpc"] = $"http://127.0.0.1:{addresses[backend].Grpc}";
                        settings[$"Services:{backend}:Http"] = $"http://127.0.0.1:{addresses[backend].Http}";
                    }
                }
                else
                {
                    settings[$"ConnectionStrings:{host}"] = _connectionStrings[host];
                    settings["ConnectionStrings:redis"] = redis;
                    settings["Eventing:Transport"] = "Redis";
                    settings["Eventing:Redis:StreamPrefix"] = StreamPrefix;
                    settings["Outbox:PollInterval"] = "00:00:00.200";
                }

                if (host == "triage")
                {
                    // The beoordeling context asks intake and the register.
                    foreach (var backend in new[] { "intake", "register" })
                    {
                        settings[$"Services:{backend}:Grpc"] = $"http://127.0.0.1:{addresses[backend].Grpc}";
                    }
                }

                if (host == "intake")
                {
                    // The register link registers every melding's betrokkenen (ADR 0020); a short interval keeps tests quick.
                    settings["Services:register:Grpc"] = $"http://127.0.0.1:{addresses["register"].Grpc}";
                    settings["Registerkoppeling:Interval"] = "00:00:00.200";
                    settings["Registerkoppeling:EersteWachttijd"] = "00:00:00.200";
                    settings["Registerkoppeling:MaxWachttijd"] = "00:00:02";
                }

                if (host == "register")
                {
                    // The register refuses to start without a key for its BSN hashes (ADR 0013).
                    settings["Register:BsnHmacKeys:0:Id"] = "e2e";
                    settings["Register:BsnHmacKeys:0:Key"] = BsnHmacKey;
                    settings["Register:MatchingKey:Id"] = "e2e";
                    settings["Register:MatchingKey:Key"] = MatchingKey;
                }

                var log = Path.Combine(LogDirectory, attempt == 1 ? $"{host}.log" : $"{host}.attempt{attempt}.log");
                processes[host] = ServiceProcess.Start(
                    host, binaries.DotnetHost, binaries.Dll(host), addresses[host].Grpc, addresses[host].Http, settings, log);
            }
        }
        catch
        {
            foreach (var process in processes.Values)
            {
                process.Kill();
            }

            throw;
        }

        return processes;
    }

    /// <summary>Polls <c>/healthz/ready</c> on every HTTP port; returns the hosts that exited or never got ready.</summary>
    private async Task<List<ServiceProcess>> WaitUntilReadyAsync()
    {
        var results = await Task.WhenAll(_processes.Values.Select(async process =>
        {
            try
            {
                // An exited process ends the poll at once; its log says why.
                await Eventually.UntilAsync(async () => process.HasExited || await IsReadyAsync(process), ReadyTimeout, process.Name + " ready");
                return process.HasExited ? process : null;
            }
            catch (TimeoutException)
            {
                return process;
            }
        }));
        return [.. results.OfType<ServiceProcess>()];
    }

    private async Task<bool> IsReadyAsync(ServiceProcess process)
    {
        using var response = await Http.GetAsync(new Uri(process.HttpAddress, "/healthz/ready"));
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Waits until the gateway forwards to every backend on both ports: the backend answers (404,
    /// Unimplemented) instead of the gateway (502/503 while it holds the destination unhealthy).
    /// </summary>
    private async Task WaitUntilGatewayReachesBackendsAsync()
    {
        var token = Tokens.For("vt-utrecht");
        try
        {
            await Task.WhenAll(Backends.Select(backend => Eventually.UntilAsync(
                () => GatewayReachesAsync(backend, token), RoutesTimeout, "the gateway to reach " + backend)));
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException(e.Message + Environment.NewLine + Gateway.Describe(), e);
        }
    }

    private async Task<bool> GatewayReachesAsync(string backend, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, GatewayRest($"/api/v1/{backend}/e2e-route-probe"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        if ((int)response.StatusCode is >= 500)
        {
            return false;
        }

        var probe = new Method<Empty, Empty>(MethodType.Unary, $"veiligthuis.{backend}.v1.E2eRouteProbe", "Probe",
            Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom), Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom));
        try
        {
            await GatewayGrpc.CreateCallInvoker().AsyncUnaryCall(probe, null, new CallOptions(Auth.Bearer(token), Deadline(5)), new Empty());
            return true;
        }
        catch (RpcException e)
        {
            return e.StatusCode is StatusCode.Unimplemented;
        }
    }

    private async Task StopAllAsync()
    {
        await Task.WhenAll(_processes.Values.Select(p => p.DisposeAsync().AsTask()));
        _processes = [];
    }

    // A test host that dies without disposing fixtures must not leave seven servers behind.
    private void KillOnExit(object? sender, EventArgs e)
    {
        foreach (var process in _processes.Values)
        {
            process.Kill();
        }
    }

    /// <summary>Free loopback ports, all held at once while choosing so that none repeats, then released.</summary>
    private static int[] FreeLoopbackPorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>Where the hosts were built, found from the repository root (the folder with Services.sln).</summary>
    private sealed record Binaries(string Root, string Configuration, string TargetFramework, string DotnetHost)
    {
        public static Binaries Locate(IEnumerable<string> hosts)
        {
            var metadata = typeof(Suite).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
            var binaries = new Binaries(
                FindRoot(), metadata["Configuration"] ?? "Debug", metadata["TargetFramework"] ?? "net10.0", FindDotnet());
            var missing = hosts.Select(binaries.Dll).Where(dll => !File.Exists(dll)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException(
                    "Build the services first (dotnet build Services.sln); missing: " + string.Join(", ", missing));
            }

            return binaries;
        }

        public string Dll(string host)
        {
            var name = char.ToUpperInvariant(host[0]) + host[1..];
            return Path.Combine(Root, "services", name, "bin", Configuration, TargetFramework, $"Veiligthuis.{name}.dll");
        }

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Services.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Services.sln above {AppContext.BaseDirectory}.");
        }

        // The dotnet that runs the tests runs the hosts too.
        private static string FindDotnet()
        {
            var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
            {
                return hostPath;
            }

            var processPath = Environment.ProcessPath;
            if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            {
                return processPath;
            }

            return "dotnet";
        }
    }
}
