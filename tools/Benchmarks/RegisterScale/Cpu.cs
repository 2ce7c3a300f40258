using System.Globalization;

namespace Veiligthuis.Benchmarks.RegisterScale;

/// <summary>
/// CPU seconds used by the register process and by PostgreSQL (the postmaster, its live children, and the
/// children it reaped), from /proc. On a shared machine wall-clock rates move with the neighbours' load; the CPU
/// a phase costs the service and the database does not.
/// </summary>
internal sealed class Cpu(int? servicePid, int? postmasterPid)
{
    private static readonly double TicksPerSecond = 100.0;

    public (double Service, double Postgres) Now() =>
        (servicePid is { } s ? Seconds(s, withChildren: false) : double.NaN,
         postmasterPid is { } p ? Seconds(p, withChildren: true) + Children(p) : double.NaN);

    public static string Format((double Service, double Postgres) start, (double Service, double Postgres) end, double per, string unit) =>
        string.Create(CultureInfo.InvariantCulture,
            $"CPU: register {end.Service - start.Service:F1} s, PostgreSQL {end.Postgres - start.Postgres:F1} s = {(end.Service - start.Service) / per * 1e6:F0} + {(end.Postgres - start.Postgres) / per * 1e6:F0} µs per {unit}");

    private static double Children(int parent)
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat && int.Parse(stat[1], CultureInfo.InvariantCulture) == parent)
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
