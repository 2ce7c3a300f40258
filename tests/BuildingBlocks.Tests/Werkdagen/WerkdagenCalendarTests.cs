using Veiligthuis.BuildingBlocks.Werkdagen;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Werkdagen;

public sealed class WerkdagenCalendarTests
{
    private static readonly WerkdagenCalendar Calendar = WerkdagenCalendar.Nederland;

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    [Theory]
    [InlineData(2000, 4, 23)]
    [InlineData(2016, 3, 27)]
    [InlineData(2019, 4, 21)]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    [InlineData(1900, 4, 15)]
    [InlineData(2200, 4, 6)]
    public void Pasen_KnownYears_ReturnsEasterSunday(int year, int month, int day)
    {
        var pasen = WerkdagenCalendar.Pasen(year);

        Assert.Equal(D(year, month, day), pasen);
        Assert.Equal(DayOfWeek.Sunday, pasen.DayOfWeek);
    }

    [Theory]
    [InlineData(1899)]
    [InlineData(2201)]
    public void Pasen_YearOutsideSupportedRange_Throws(int year)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WerkdagenCalendar.Pasen(year));
    }

    [Fact]
    public void Feestdagen_2026_ContainsAllElevenDutchHolidays()
    {
        var expected = new Dictionary<DateOnly, Feestdag>
        {
            [D(2026, 1, 1)] = Feestdag.Nieuwjaarsdag,
            [D(2026, 4, 3)] = Feestdag.GoedeVrijdag,
            [D(2026, 4, 5)] = Feestdag.EerstePaasdag,
            [D(2026, 4, 6)] = Feestdag.TweedePaasdag,
            [D(2026, 4, 27)] = Feestdag.Koningsdag,
            [D(2026, 5, 5)] = Feestdag.Bevrijdingsdag,
            [D(2026, 5, 14)] = Feestdag.Hemelvaartsdag,
            [D(2026, 5, 24)] = Feestdag.EerstePinksterdag,
            [D(2026, 5, 25)] = Feestdag.TweedePinksterdag,
            [D(2026, 12, 25)] = Feestdag.EersteKerstdag,
            [D(2026, 12, 26)] = Feestdag.TweedeKerstdag,
        };

        var actual = Calendar.Feestdagen(2026);

        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    [Fact]
    public void Feestdagen_SameYearTwice_ReturnsCachedInstance()
    {
        Assert.Same(Calendar.Feestdagen(2026), Calendar.Feestdagen(2026));
    }

    [Fact]
    public void Feestdagen_ConcurrentFirstAccess_AllCallersSeeSameHolidays()
    {
        var calendar = WerkdagenCalendar.Nederland;
        var results = new IReadOnlyDictionary<DateOnly, Feestdag>[64];

        Parallel.For(0, results.Length, i => results[i] = calendar.Feestdagen(2137));

        Assert.All(results, r => Assert.Equal(11, r.Count));
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public void Feestdagen_HemelvaartOnFifthOfMay2016_DateIsFeestdagOnce()
    {
        var feestdagen = Calendar.Feestdagen(2016);

        Assert.Equal(D(2016, 5, 5), WerkdagenCalendar.Pasen(2016).AddDays(39));
        Assert.True(Calendar.IsFeestdag(D(2016, 5, 5)));
        Assert.Equal(10, feestdagen.Count);
    }

    [Fact]
    public void AddWerkdagen_FromThursdayBeforeGoodFriday_SkipsGoodFridayAndEasterMonday()
    {
        // Melding on Thursday 2 April 2026: Fri 3 April (Goede Vrijdag), the weekend and
        // Mon 6 April (Tweede Paasdag) do not count, so day 1 is Tue 7 April and day 5 is Mon 13 April.
        var deadline = Calendar.AddWerkdagen(D(2026, 4, 2), 5);

        Assert.Equal(D(2026, 4, 13), deadline);
        Assert.Equal(DayOfWeek.Monday, deadline.DayOfWeek);
    }

    [Theory]
    [InlineData(2026, 4, 3)]
    [InlineData(2026, 4, 5)]
    [InlineData(2026, 4, 6)]
    public void IsWerkdag_Easter2026Holidays_ReturnsFalse(int year, int month, int day)
    {
        Assert.True(Calendar.IsFeestdag(D(year, month, day)));
        Assert.False(Calendar.IsWerkdag(D(year, month, day)));
    }

    [Fact]
    public void IsFeestdag_Koningsdag2025OnSunday_MovesToSaturday26April()
    {
        Assert.Equal(DayOfWeek.Sunday, D(2025, 4, 27).DayOfWeek);
        Assert.True(Calendar.IsFeestdag(D(2025, 4, 26)));
        Assert.False(Calendar.IsFeestdag(D(2025, 4, 27)));
        Assert.Equal(Feestdag.Koningsdag, Calendar.Feestdagen(2025)[D(2025, 4, 26)]);
    }

    [Fact]
    public void IsFeestdag_Koningsdag2031OnSunday_MovesToSaturday26April()
    {
        Assert.Equal(DayOfWeek.Sunday, D(2031, 4, 27).DayOfWeek);
        Assert.True(Calendar.IsFeestdag(D(2031, 4, 26)));
        Assert.False(Calendar.IsFeestdag(D(2031, 4, 27)));
    }

    [Fact]
    public void IsFeestdag_Koningsdag2014OnSunday_MovesToSaturday26April()
    {
        Assert.True(Calendar.IsFeestdag(D(2014, 4, 26)));
        Assert.False(Calendar.IsFeestdag(D(2014, 4, 27)));
    }

    [Fact]
    public void IsFeestdag_Koninginnedag2006OnSunday_MovesToSaturday29April()
    {
        Assert.Equal(DayOfWeek.Sunday, D(2006, 4, 30).DayOfWeek);
        Assert.True(Calendar.IsFeestdag(D(2006, 4, 29)));
        Assert.False(Calendar.IsFeestdag(D(2006, 4, 30)));
    }

    [Fact]
    public void IsFeestdag_Koninginnedag2013_Is30April()
    {
        Assert.Equal(Feestdag.Koningsdag, Calendar.Feestdagen(2013)[D(2013, 4, 30)]);
        Assert.False(Calendar.IsFeestdag(D(2013, 4, 27)));
    }

    [Fact]
    public void IsWerkdag_Koningsdag2026OnMonday_ReturnsFalse()
    {
        Assert.Equal(DayOfWeek.Monday, D(2026, 4, 27).DayOfWeek);
        Assert.False(Calendar.IsWerkdag(D(2026, 4, 27)));
        Assert.Equal(D(2026, 4, 28), Calendar.AddWerkdagen(D(2026, 4, 24), 1));
    }

    [Fact]
    public void AddWerkdagen_FromWednesdayBeforeChristmas_SkipsChristmasAndWeekend()
    {
        // Wed 23 Dec 2026: Thu 24 = 1, Fri 25 (Kerst) and Sat 26/Sun 27 skipped, Mon 28 = 2,
        // Tue 29 = 3, Wed 30 = 4, Thu 31 = 5.
        Assert.Equal(D(2026, 12, 31), Calendar.AddWerkdagen(D(2026, 12, 23), 5));
    }

    [Fact]
    public void AddWerkdagen_AcrossNewYear_SkipsNieuwjaarsdagAndWeekend()
    {
        // Fri 1 Jan 2027 is Nieuwjaarsdag, 2-3 Jan is the weekend: the 6th werkdag is Mon 4 Jan.
        Assert.Equal(D(2027, 1, 4), Calendar.AddWerkdagen(D(2026, 12, 23), 6));
        Assert.False(Calendar.IsWerkdag(D(2027, 1, 1)));
    }

    [Fact]
    public void AddWerkdagen_AcrossHemelvaart2026_SkipsThursday14May()
    {
        Assert.Equal(Feestdag.Hemelvaartsdag, Calendar.Feestdagen(2026)[D(2026, 5, 14)]);
        Assert.Equal(D(2026, 5, 15), Calendar.AddWerkdagen(D(2026, 5, 13), 1));
    }

    [Fact]
    public void AddWerkdagen_AcrossPinksteren2026_SkipsWeekendAndMonday25May()
    {
        Assert.True(Calendar.IsFeestdag(D(2026, 5, 24)));
        Assert.False(Calendar.IsWerkdag(D(2026, 5, 25)));
        Assert.Equal(D(2026, 5, 26), Calendar.AddWerkdagen(D(2026, 5, 22), 1));
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    [InlineData(2027)]
    [InlineData(2029)]
    public void IsWerkdag_FifthOfMayEveryYear_ReturnsFalse(int year)
    {
        Assert.Equal(Feestdag.Bevrijdingsdag, Calendar.Feestdagen(year)[D(year, 5, 5)]);
        Assert.False(Calendar.IsWerkdag(D(year, 5, 5)));
    }

    [Fact]
    public void AddWerkdagen_FromMondayBeforeFifthOfMay2026_SkipsTuesday()
    {
        Assert.Equal(D(2026, 5, 6), Calendar.AddWerkdagen(D(2026, 5, 4), 1));
    }

    [Fact]
    public void AddWerkdagen_FromSaturday_FirstWerkdagIsMonday()
    {
        Assert.Equal(D(2026, 1, 5), Calendar.AddWerkdagen(D(2026, 1, 3), 1));
        Assert.Equal(D(2026, 1, 9), Calendar.AddWerkdagen(D(2026, 1, 3), 5));
    }

    [Fact]
    public void AddWerkdagen_FromMondayWithoutHolidays_FiveWerkdagenIsNextMonday()
    {
        Assert.Equal(D(2026, 1, 12), Calendar.AddWerkdagen(D(2026, 1, 5), 5));
    }

    [Theory]
    [InlineData(2026, 1, 3)]
    [InlineData(2026, 4, 6)]
    [InlineData(2026, 6, 10)]
    public void AddWerkdagen_Zero_ReturnsStartEvenIfNotAWerkdag(int year, int month, int day)
    {
        Assert.Equal(D(year, month, day), Calendar.AddWerkdagen(D(year, month, day), 0));
    }

    [Fact]
    public void AddWerkdagen_Negative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWerkdagen(D(2026, 1, 5), -1));
    }

    [Fact]
    public void WerkdagenTussen_ReversedRange_IsNegative()
    {
        Assert.Equal(5, Calendar.WerkdagenTussen(D(2026, 4, 2), D(2026, 4, 13)));
        Assert.Equal(-5, Calendar.WerkdagenTussen(D(2026, 4, 13), D(2026, 4, 2)));
        Assert.Equal(0, Calendar.WerkdagenTussen(D(2026, 4, 13), D(2026, 4, 13)));
    }

    [Fact]
    public void WerkdagenTussen_WholeYear2026_Is253()
    {
        // 261 weekdays in 2026 minus the 8 feestdagen on a weekday
        // (1 Jan, 3 Apr, 6 Apr, 27 Apr, 5 May, 14 May, 25 May, 25 Dec).
        Assert.Equal(253, Calendar.WerkdagenTussen(D(2025, 12, 31), D(2026, 12, 31)));
    }

    [Fact]
    public void WerkdagenTussen_IsInverseOfAddWerkdagen_ForEveryDayIn2024To2027()
    {
        for (var day = D(2024, 1, 1); day <= D(2027, 12, 31); day = day.AddDays(1))
        {
            var previous = day;
            for (var n = 0; n <= 12; n++)
            {
                var result = Calendar.AddWerkdagen(day, n);

                Assert.Equal(n, Calendar.WerkdagenTussen(day, result));
                Assert.Equal(-n, Calendar.WerkdagenTussen(result, day));
                if (n > 0)
                {
                    Assert.True(Calendar.IsWerkdag(result), $"{day:O} + {n} = {result:O} is not a werkdag");
                    Assert.True(result > previous);
                    // Nothing between the previous result and this one is a werkdag.
                    Assert.Equal(1, Calendar.WerkdagenTussen(previous, result));
                }

                previous = result;
            }
        }
    }

    [Fact]
    public void WerkdagenTussen_MatchesDayByDayCount_AcrossYearBoundaries()
    {
        var start = D(2025, 12, 1);
        var expected = 0;
        for (var to = start; to <= D(2027, 2, 1); to = to.AddDays(1))
        {
            if (to > start && Calendar.IsWerkdag(to))
            {
                expected++;
            }

            Assert.Equal(expected, Calendar.WerkdagenTussen(start, to));
        }
    }

    [Theory]
    [InlineData("2026-07-01T22:30:00Z", 2026, 7, 2)]
    [InlineData("2026-07-01T21:59:59Z", 2026, 7, 1)]
    [InlineData("2026-01-15T23:30:00Z", 2026, 1, 16)]
    [InlineData("2026-01-15T22:59:59Z", 2026, 1, 15)]
    public void DateOf_AroundMidnightUtc_ReturnsAmsterdamCalendarDay(string instant, int year, int month, int day)
    {
        var utc = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(D(year, month, day), AmsterdamTime.DateOf(utc));
    }

    [Fact]
    public void Today_UsesClockInAmsterdam()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 31, 23, 15, 0, TimeSpan.Zero));

        Assert.Equal(D(2027, 1, 1), AmsterdamTime.Today(clock));
    }

    [Theory]
    [InlineData(2026, 7, 15, 2)]
    [InlineData(2026, 1, 15, 1)]
    [InlineData(2026, 3, 29, 2)]
    [InlineData(2026, 10, 25, 1)]
    public void EndOfDay_ReturnsLastTickWithAmsterdamOffset(int year, int month, int day, int offsetHours)
    {
        var end = AmsterdamTime.EndOfDay(D(year, month, day));

        Assert.Equal(TimeSpan.FromHours(offsetHours), end.Offset);
        Assert.Equal(new DateTime(year, month, day, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9_999_999), end.DateTime);
        Assert.Equal(D(year, month, day), AmsterdamTime.DateOf(end));
        Assert.Equal(D(year, month, day).AddDays(1), AmsterdamTime.DateOf(end.AddTicks(1)));
    }

    [Theory]
    [InlineData(2026, 7, 15, 2)]
    [InlineData(2026, 1, 15, 1)]
    [InlineData(2026, 3, 29, 1)]
    [InlineData(2026, 10, 25, 2)]
    public void StartOfDay_ReturnsLocalMidnightWithTheOffsetInForceThen(int year, int month, int day, int offsetHours)
    {
        var start = AmsterdamTime.StartOfDay(D(year, month, day));

        Assert.Equal(TimeSpan.FromHours(offsetHours), start.Offset);
        Assert.Equal(new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified), start.DateTime);
        Assert.Equal(D(year, month, day), AmsterdamTime.DateOf(start));
        Assert.Equal(D(year, month, day).AddDays(-1), AmsterdamTime.DateOf(start.AddTicks(-1)));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
