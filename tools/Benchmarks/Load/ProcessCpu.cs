using System.Globalization;

namespace Veiligthuis.Benchmarks.Load;

/// <summary>
/// CPU seconds (user + system) of named processes, from /proc. A process given as a server's parent (the PostgreSQL
/// postmaster) counts its live children and the children it reaped as well. On a shared machine wall-clock rates move
/// with the neighbours' load; the CPU a phase costs each process does not, so the benchmarks report CPU per call.
/// </summary>
public sealed class ProcessCpu
{
    private const double TicksPerSecond = 100.0;
    private readonly IReadOnlyList<(string Name, int Pid, bool WithChildren)> _processes;

    public ProcessCpu(IEnumerable<(string Name, int Pid, bool WithChildren)> processes) => _processes = [.. processes];

    /// <summary>
    /// Parses <c>name=pid</c> pairs separated by commas; a pid ending in <c>+</c> counts its children too, e.g.
    /// <c>intake=123,postgres=456+</c>. Empty: no processes.
    /// </summary>
    public static ProcessCpu Parse(string spec) => new(spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(p => (p[0], int.Parse(p[1].TrimEnd('+'), CultureInfo.InvariantCulture), p[1].EndsWith('+'))));

    public bool IsEmpty => _processes.Count == 0;

    /// <summary>The CPU seconds each process has used so far, in the order given.</summary>
    public double[] Now() => [.. _processes.Select(p => p.WithChildren ? Seconds(p.Pid, withChildren: true) + Children(p.Pid) : Seconds(p.Pid, false))];

    /// <summary>"intake 412, postgres 530 µs per create" for the CPU used between two readings.</summary>
    public string PerCall(double[] start, double[] end, double calls, string unit) =>
        string.Join(", ", _processes.Select((p, i) => string.Create(CultureInfo.InvariantCulture,
            $"{p.Name} {(end[i] - start[i]) / calls * 1e6:F0}"))) + $" µs CPU per {unit}";

    private static double Children(int parent)
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat &&
                int.Parse(stat[1], CultureInfo.InvariantCulture) == parent)
            {
                total += Seconds(pid, withChildren: false);
            }
        }

        return total;
    }

    private static double Seconds(int pid, bool withChildren)
    {
        var stat = Stat(pid);
        if (stat is null)
        {
            return 0;
        }

        // Fields after the command: state (0), ppid (1), ... utime (11), stime (12), cutime (13), cstime (14).
        var ticks = long.Parse(stat[11], CultureInfo.InvariantCulture) + long.Parse(stat[12], CultureInfo.InvariantCulture);
        if (withChildren)
        {
            ticks += long.Parse(stat[13], CultureInfo.InvariantCulture) + long.Parse(stat[14], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
