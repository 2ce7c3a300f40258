using System.Diagnostics;

namespace Veiligthuis.Benchmarks.Load;

/// <summary>The latencies (milliseconds, sorted) of one bounded load run, its failed calls and how long it took.</summary>
public sealed record LoadResult(double[] LatenciesMs, int Errors, TimeSpan Elapsed)
{
    public int Calls => LatenciesMs.Length;

    public double PerSecond => Calls / Elapsed.TotalSeconds;

    public double P50 => At(0.50);

    public double P99 => At(0.99);

    public double Max => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[^1];

    private double At(double quantile) =>
        LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)(quantile * LatenciesMs.Length))];

    internal static LoadResult Of(IEnumerable<long> ticks, int errors, TimeSpan elapsed) =>
        new([.. ticks.Select(t => t * 1000.0 / Stopwatch.Frequency).Order()], errors, elapsed);
}

/// <summary>The two load shapes of the benchmarks under tools/, both bounded in time.</summary>
public static class LoadLoops
{
    /// <summary>
    /// <paramref name="concurrency"/> callers, each calling again as soon as its call returns, until <paramref name="duration"/>
    /// has passed; a call's latency is its own duration. The argument of <paramref name="call"/> counts calls from 0.
    /// </summary>
    public static async Task<LoadResult> ClosedAsync(int concurrency, TimeSpan duration, Func<int, CancellationToken, Task> call,
        Func<Exception, bool> isFailure, CancellationToken ct = default)
    {
        var latencies = new List<long>[concurrency];
        var errors = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async caller =>
        {
            var own = latencies[caller] = new List<long>(8192);
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(i, ct);
                    own.Add(Stopwatch.GetTimestamp() - started);
                }
                catch (Exception e) when (isFailure(e))
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return LoadResult.Of(latencies.SelectMany(l => l), errors, clock.Elapsed);
    }

    /// <summary>
    /// Calls leave at <paramref name="rate"/> a second for <paramref name="duration"/>, whether or not earlier ones returned;
    /// a call's latency counts from when it was due, so queueing shows. A thread of its own sends each call when it is due
    /// (sleeping whole milliseconds, so a call may leave up to about 1 ms late: the floor of this measurement, which a bare
    /// greeter's figures show). The earlier 1 ms timer ticks, with a thread-pool hop per call, left calls several
    /// milliseconds late on a busy two-core machine (a bare greeter's p99 was 8.6 ms at 500 calls/s).
    /// </summary>
    public static async Task<LoadResult> OpenAsync(int rate, TimeSpan duration, Func<int, CancellationToken, Task> call,
        Func<Exception, bool> isFailure, CancellationToken ct = default)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new long[total];
        var calls = new Task[total];
        var errors = 0;
        var start = Stopwatch.GetTimestamp();

        async Task MeasureAsync(int index, long dueAt)
        {
            try
            {
                await call(index, ct);
                latencies[index] = Stopwatch.GetTimestamp() - dueAt;
            }
            catch (Exception e) when (isFailure(e))
            {
                latencies[index] = -1;
                Interlocked.Increment(ref errors);
            }
        }

        var pacer = new Thread(() =>
        {
            for (var index = 0; index < total; index++)
            {
                var dueAt = start + (long)(index * (double)Stopwatch.Frequency / rate);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueAt);
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep((int)Math.Ceiling(wait.TotalMilliseconds));
                }

                calls[index] = MeasureAsync(index, dueAt);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop pacer",
        };
        pacer.Start();
        await Task.Run(pacer.Join, CancellationToken.None);
        await Task.WhenAll(calls);
        return LoadResult.Of(latencies.Where(l => l >= 0), errors, Stopwatch.GetElapsedTime(start));
    }
}
