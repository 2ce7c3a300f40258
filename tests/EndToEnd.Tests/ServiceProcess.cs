using System.Diagnostics;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>
/// One host of the suite as a real child process (<c>dotnet Veiligthuis.&lt;Name&gt;.dll</c>) on its own
/// two loopback ports, configured by environment variables only. Its stdout and stderr go to a log
/// file; the last lines are kept for failure messages. Disposing kills the whole process tree.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int TailLines = 60;

    // Inherited settings that would compete with the ones given here (a developer's shell may set them).
    private static readonly string[] ClearedPrefixes =
        ["ASPNETCORE_", "DOTNET_ENVIRONMENT", "DOTNET_URLS", "ConnectionStrings__", "Services__", "Kestrel__", "Auth__", "Eventing__", "Outbox__", "Register__", "Gateway__"];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private bool _disposed;
    private bool _logClosed;

    private ServiceProcess(string name, int grpcPort, int httpPort, string logPath, Process process, StreamWriter log)
    {
        Name = name;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        LogPath = logPath;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    /// <summary>The HTTP/2-only (h2c) port: gRPC.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The HTTP/1.1 port: REST/JSON and the probes.</summary>
    public Uri HttpAddress { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public static ServiceProcess Start(
        string name, string dotnetHost, string dll, int grpcPort, int httpPort,
        IReadOnlyDictionary<string, string> settings, string logPath)
    {
        var start = new ProcessStartInfo(dotnetHost)
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => ClearedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}";
        start.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        start.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Kestrel__Endpoints__Http__Protocols"] = "Http1";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, grpcPort, httpPort, logPath, process, log);
        process.OutputDataReceived += (_, e) => service.Append(e.Data, "");
        process.ErrorDataReceived += (_, e) => service.Append(e.Data, "[stderr] ");
        try
        {
            process.Start();
        }
        catch
        {
            log.Dispose();
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Exit code and last log lines, for failure messages.</summary>
    public string Describe()
    {
        var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : "still running";
        string[] lines;
        lock (_gate)
        {
            lines = [.. _tail];
        }

        return $"{Name} ({state}; gRPC {GrpcAddress}, HTTP {HttpAddress}); log {LogPath}, last {lines.Length} lines:"
            + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }

    /// <summary>Whether the log says the process could not bind one of its ports (another process took it).</summary>
    public bool FailedToBind()
    {
        lock (_gate)
        {
            return _tail.Any(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Kills the process and its children now (no graceful shutdown is needed in tests).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                // Also waits for the redirected output to drain into the log.
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // Left to the operating system; the log is closed regardless.
            }
        }

        lock (_gate)
        {
            _logClosed = true;
            _log.Dispose();
        }

        _process.Dispose();
    }

    private void Append(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_logClosed)
            {
                return;
            }

            _log.WriteLine(prefix + line);
            _tail.Enqueue(prefix + line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
