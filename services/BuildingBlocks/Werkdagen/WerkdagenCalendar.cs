using System.Collections.Concurrent;
using System.Collections.ObjectModel;

namespace Veiligthuis.BuildingBlocks.Werkdagen;

/// <summary>Algemeen erkende feestdagen (Algemene Termijnenwet) that do not count as werkdagen.</summary>
public enum Feestdag
{
    Nieuwjaarsdag,
    GoedeVrijdag,
    EerstePaasdag,
    TweedePaasdag,
    Koningsdag,
    Bevrijdingsdag,
    Hemelvaartsdag,
    EerstePinksterdag,
    TweedePinksterdag,
    EersteKerstdag,
    TweedeKerstdag,
}

/// <summary>
/// Dutch working-day calendar for statutory deadlines (e.g. "veiligheidsbeoordeling binnen 5 werkdagen").
/// A werkdag is Monday to Friday and not a <see cref="Feestdag"/>. Supported years: 1900..2200.
/// </summary>
public sealed class WerkdagenCalendar
{
    public const int MinYear = 1900;
    public const int MaxYear = 2200;

    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<DateOnly, Feestdag>> _feestdagenPerYear = new();

    private WerkdagenCalendar()
    {
    }

    public static WerkdagenCalendar Nederland { get; } = new();

    /// <summary>Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher).</summary>
    public static DateOnly Pasen(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, MinYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, MaxYear);

        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>All feestdagen of <paramref name="year"/>, keyed by date.</summary>
    public IReadOnlyDictionary<DateOnly, Feestdag> Feestdagen(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, MinYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, MaxYear);
        return _feestdagenPerYear.GetOrAdd(year, static y => BuildFeestdagen(y));
    }

    public bool IsFeestdag(DateOnly d) => Feestdagen(d.Year).ContainsKey(d);

    public bool IsWerkdag(DateOnly d) => !IsWeekend(d) && !IsFeestdag(d);

    /// <summary>
    /// The date <paramref name="werkdagen"/> werkdagen after <paramref name="start"/>. The start day itself
    /// is day 0 and never counts, so a melding received on a Saturday has its first werkdag on Monday.
    /// </summary>
    public DateOnly AddWerkdagen(DateOnly start, int werkdagen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(werkdagen);

        var current = start;
        var remaining = werkdagen;
        while (remaining > 0)
        {
            current = current.AddDays(1);
            if (IsWerkdag(current))
            {
                remaining--;
            }
        }

        return current;
    }

    /// <summary>
    /// Number of werkdagen d with <paramref name="from"/> &lt; d ≤ <paramref name="to"/>; negative when
    /// <paramref name="to"/> lies before <paramref name="from"/>. For every n ≥ 0:
    /// <c>WerkdagenTussen(x, AddWerkdagen(x, n)) == n</c>.
    /// </summary>
    public int WerkdagenTussen(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            return -WerkdagenTussen(to, from);
        }

        var count = WeekdaysBetween(from, to);
        for (var year = from.Year; year <= to.Year; year++)
        {
            foreach (var feestdag in Feestdagen(year).Keys)
            {
                if (feestdag > from && feestdag <= to && !IsWeekend(feestdag))
                {
                    count--;
                }
            }
        }

        return count;
    }

    private static bool IsWeekend(DateOnly d) => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    // Monday..Friday in (from, to], from <= to.
    private static int WeekdaysBetween(DateOnly from, DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber;
        var count = days / 7 * 5;
        var day = from.AddDays(days / 7 * 7);
        while (day < to)
        {
            day = day.AddDays(1);
            if (!IsWeekend(day))
            {
                count++;
            }
        }

        return count;
    }

    private static ReadOnlyDictionary<DateOnly, Feestdag> BuildFeestdagen(int year)
    {
        var pasen = Pasen(year);
        var result = new Dictionary<DateOnly, Feestdag>();

        // TryAdd: Hemelvaartsdag can coincide with 5 mei (e.g. 2016); the date is a feestdag either way
        // and the first-listed one (Bevrijdingsdag) keeps the key.
        void Add(DateOnly date, Feestdag feestdag) => result.TryAdd(date, feestdag);

        Add(new DateOnly(year, 1, 1), Feestdag.Nieuwjaarsdag);
        Add(pasen.AddDays(-2), Feestdag.GoedeVrijdag);
        Add(pasen, Feestdag.EerstePaasdag);
        Add(pasen.AddDays(1), Feestdag.TweedePaasdag);
        Add(Koningsdag(year), Feestdag.Koningsdag);
        // The Atw counts 5 mei every year, even though many CAOs only give it off in lustrum years.
        Add(new DateOnly(year, 5, 5), Feestdag.Bevrijdingsdag);
        Add(pasen.AddDays(39), Feestdag.Hemelvaartsdag);
        Add(pasen.AddDays(49), Feestdag.EerstePinksterdag);
        Add(pasen.AddDays(50), Feestdag.TweedePinksterdag);
        Add(new DateOnly(year, 12, 25), Feestdag.EersteKerstdag);
        Add(new DateOnly(year, 12, 26), Feestdag.TweedeKerstdag);

        return new ReadOnlyDictionary<DateOnly, Feestdag>(result);
    }

    private static DateOnly Koningsdag(int year)
    {
        // The King's birthday (27 April) since 2014, Koninginnedag (30 April) before that. Neither is
        // celebrated on a Sunday, so it moves to the Saturday before. (Pre-1980 history is simplified.)
        var day = year >= 2014 ? new DateOnly(year, 4, 27) : new DateOnly(year, 4, 30);
        return day.DayOfWeek == DayOfWeek.Sunday ? day.AddDays(-1) : day;
    }
}

/// <summary>Calendar days as experienced in the Netherlands, independent of the server's time zone.</summary>
public static class AmsterdamTime
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    public static DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOf(clock.GetUtcNow());
    }

    /// <summary>Midnight at the start of <paramref name="day"/> in Amsterdam (CET or CEST).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // DST switches happen at 02:00/03:00, so midnight local is never ambiguous or invalid.
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    /// <summary>The last tick of <paramref name="day"/> in Amsterdam (23:59:59.9999999, CET or CEST).</summary>
    public static DateTimeOffset EndOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Unspecified);
        // DST switches happen at 02:00/03:00, so 23:59 local is never ambiguous or invalid.
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
