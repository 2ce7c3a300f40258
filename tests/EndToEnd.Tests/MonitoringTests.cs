using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Monitoring.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>MeldingOntvangen also reaches monitoring, which counts it on the Amsterdam day of receipt.</summary>
public sealed class MonitoringTests(Suite suite)
{
    // Only this class creates meldingen for Zeeland, so its count moves by this test's melding alone.
    private const string Zeeland = "vt-zeeland";

    [Fact]
    public async Task MeldingOntvangen_IsCountedInBeleidsinformatieOfItsAmsterdamDay()
    {
        // 23:30 UTC in summer is 01:30 the next day in Amsterdam: counted on that next day.
        var ontvangenOp = new DateTimeOffset(DateTimeOffset.UtcNow.Year - 1, 7, 14, 23, 30, 0, TimeSpan.Zero);
        var dag = AmsterdamTime.DateOf(ontvangenOp);
        var beleid = new Beleidsinformatie.BeleidsinformatieClient(suite.GatewayGrpc);
        var token = Auth.Bearer(suite.Tokens.For(Zeeland, Roles.Beleidsmedewerker));
        var request = new GetMeldingenTellingRequest
        {
            Periode = new DateRange { Van = Date(dag), TotEnMet = Date(dag) },
        };
        var before = (await beleid.GetMeldingenTellingAsync(request, token, Suite.Deadline())).Meldingen;

        await Flow.CreateMeldingAsync(suite, Zeeland, TestMeldingen.Valid(ontvangenOp));
        var telling = await Eventually.UntilAsync(async () =>
        {
            var current = await beleid.GetMeldingenTellingAsync(request, token, Suite.Deadline(5));
            return current.Meldingen > before ? current : null;
        }, TimeSpan.FromSeconds(30), "monitoring to count the melding");

        Assert.Equal(before + 1, telling.Meldingen);
        Assert.Equal(Regio.Zeeland, telling.Regio);
        var utcDay = new DateRange { Van = Date(DateOnly.FromDateTime(ontvangenOp.UtcDateTime)), TotEnMet = Date(DateOnly.FromDateTime(ontvangenOp.UtcDateTime)) };
        Assert.Equal(0, (await beleid.GetMeldingenTellingAsync(new GetMeldingenTellingRequest { Periode = utcDay }, token, Suite.Deadline())).Meldingen);
    }

    private static Google.Type.Date Date(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}
