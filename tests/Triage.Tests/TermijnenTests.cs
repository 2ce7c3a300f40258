using Veiligthuis.Triage.Werkvoorraad;
using Xunit;

namespace Veiligthuis.Triage.Tests;

public sealed class TermijnenTests
{
    private static DateTimeOffset Amsterdam(int y, int m, int d, int h, int min, int offsetHours) =>
        new(y, m, d, h, min, 0, TimeSpan.FromHours(offsetHours));

    [Fact]
    public void BeoordelingUiterlijk_MeldingOnThursdayBeforeGoedeVrijdag_SkipsGoedeVrijdagWeekendAndTweedePaasdag()
    {
        // Thursday 2 April 2026; 3 April Goede Vrijdag, 6 April Tweede Paasdag.
        Assert.Equal(new DateOnly(2026, 4, 13), Termijnen.BeoordelingUiterlijk(Amsterdam(2026, 4, 2, 10, 0, 2)));
    }

    [Fact]
    public void BeoordelingUiterlijk_AcrossKoningsdag_SkipsKoningsdag()
    {
        // Wednesday 22 April 2026; Monday 27 April is Koningsdag.
        Assert.Equal(new DateOnly(2026, 4, 30), Termijnen.BeoordelingUiterlijk(Amsterdam(2026, 4, 22, 9, 0, 2)));
    }

    [Fact]
    public void BeoordelingUiterlijk_WhenKoningsdagFallsOnSunday_SkipsTheSaturdayBefore()
    {
        // 27 April 2031 is a Sunday, so Koningsdag is Saturday 26 April: a weekend day anyway; no werkdag is lost.
        Assert.Equal(new DateOnly(2031, 4, 30), Termijnen.BeoordelingUiterlijk(Amsterdam(2031, 4, 23, 9, 0, 2)));
    }

    [Fact]
    public void BeoordelingUiterlijk_AcrossChristmasAndNewYear_SkipsBothKerstdagenAndNieuwjaarsdag()
    {
        Assert.Equal(new DateOnly(2026, 12, 31), Termijnen.BeoordelingUiterlijk(Amsterdam(2026, 12, 23, 16, 0, 1)));
        Assert.Equal(new DateOnly(2027, 1, 7), Termijnen.BeoordelingUiterlijk(Amsterdam(2026, 12, 30, 16, 0, 1)));
    }

    [Fact]
    public void BeoordelingUiterlijk_CountsFromTheAmsterdamDayNotTheUtcDay()
    {
        // 22:30 UTC on 1 April 2026 is 00:30 on 2 April in Amsterdam.
        Assert.Equal(new DateOnly(2026, 4, 13), Termijnen.BeoordelingUiterlijk(new DateTimeOffset(2026, 4, 1, 22, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void AcuteCheckUiterlijk_IsTwoClockHoursEvenOnASaturdayNight()
    {
        var saturdayNight = Amsterdam(2026, 4, 4, 23, 30, 2);
        Assert.Equal(Amsterdam(2026, 4, 5, 1, 30, 2), Termijnen.AcuteCheckUiterlijk(saturdayNight));
    }
}
