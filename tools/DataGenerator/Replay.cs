using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Tools.DataGenerator;

public sealed record ReplayOptions(string In, Uri Gateway, string SigningKey, int Concurrency);

/// <summary>
/// Sends a generated file through the gateway, each request with a development token of its regio.
/// Safe to run twice: intake creates a request_id once and answers the repeat with the same result.
/// </summary>
public static class Replay
{
    private const int MaxAttempts = 5;

    /// <param name="handler">Tests pass an in-process server's handler; otherwise a pooled HTTP/2 handler is used.</param>
    public static async Task<int> RunAsync(ReplayOptions options, TextWriter progress, CancellationToken cancellationToken,
        HttpMessageHandler? handler = null)
    {
        var lines = await File.ReadAllLinesAsync(options.In, cancellationToken);
        var verzoeken = lines.Where(l => l.Length > 0).Select(JsonLines.Parse).ToList();

        using var channel = GrpcChannel.ForAddress(options.Gateway, new GrpcChannelOptions
        {
            HttpHandler = handler ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        });
        var meldingen = new Meldingen.MeldingenClient(channel);
        var adviezen = new Adviezen.AdviezenClient(channel);

        // One token per regio, valid long enough for a national half-year at a slow rate.
        var now = DateTimeOffset.UtcNow;
        var tokens = verzoeken.Select(v => v.Regio).Distinct(StringComparer.Ordinal).ToDictionary(
            regio => regio,
            regio => new Metadata
            {
                { "authorization", "Bearer " + DevelopmentTokens.Create(options.SigningKey, regio, [Roles.Medewerker], "datagenerator", now, TimeSpan.FromHours(12)) },
            },
            StringComparer.Ordinal);

        var done = 0;
        var errors = 0;
        var firstErrors = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = ReportAsync(progress, verzoeken.Count, () => (Volatile.Read(ref done), Volatile.Read(ref errors)), stopwatch, reporting.Token);

        await Parallel.ForEachAsync(verzoeken, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (verzoek, ct) =>
            {
                try
                {
                    await SendAsync(meldingen, adviezen, verzoek.Request, tokens[verzoek.Regio], ct);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref errors);
                    lock (firstErrors)
                    {
                        if (firstErrors.Count < 10)
                        {
                            firstErrors.Add($"{verzoek.Regio} {RequestId(verzoek.Request)}: {e.StatusCode} {e.Status.Detail}");
                        }
                    }
                }

                Interlocked.Increment(ref done);
            });

        await reporting.CancelAsync();
        await reporter;
        Report(progress, verzoeken.Count, done, errors, stopwatch.Elapsed);
        foreach (var error in firstErrors)
        {
            await progress.WriteLineAsync("  error: " + error);
        }

        return errors == 0 ? 0 : 1;
    }

    // Unavailable and the like are transient (a restarting service, a full queue); idempotent
    // creates make a retry safe. Validation errors are not retried: the file is wrong.
    private static async Task SendAsync(Meldingen.MeldingenClient meldingen, Adviezen.AdviezenClient adviezen, IMessage request, Metadata auth,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var options = new CallOptions(auth, DateTime.UtcNow.AddSeconds(30), cancellationToken);
            try
            {
                switch (request)
                {
                    case CreateMeldingRequest melding:
                        await meldingen.CreateMeldingAsync(melding, options);
                        break;
                    case CreateAdviesRequest advies:
                        await adviezen.CreateAdviesAsync(advies, options);
                        break;
                }

                return;
            }
            catch (RpcException e) when (attempt < MaxAttempts &&
                e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)), cancellationToken);
            }
        }
    }

    private static async Task ReportAsync(TextWriter progress, int total, Func<(int Done, int Errors)> state, Stopwatch stopwatch,
        CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var (done, errors) = state();
                Report(progress, total, done, errors, stopwatch.Elapsed);
            }
        }
        catch (OperationCanceledException)
        {
            // The replay has ended; the caller prints the final line.
        }
    }

    private static void Report(TextWriter progress, int total, int done, int errors, TimeSpan elapsed)
    {
        var rate = done / Math.Max(elapsed.TotalSeconds, 0.001);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        progress.WriteLine($"replay: {done:N0}/{total:N0} ({100.0 * done / Math.Max(total, 1):F1} %), {rate:F0}/s, {errors:N0} errors, ETA {eta:hh\\:mm\\:ss}");
    }

    private static string RequestId(IMessage request) => request switch
    {
        CreateMeldingRequest m => m.RequestId,
        CreateAdviesRequest a => a.RequestId,
        _ => "",
    };
}
