using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>The Adviezen API as REST/JSON through gRPC JSON transcoding.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class AdviezenRestTests(IntakeApp app)
{
    private const string Friesland = "vt-friesland";

    [Fact]
    public async Task PostAdvies_ThenGetAndList_RoundTripsAsProto3Json()
    {
        using var rest = app.CreateRestClient(app.Tokens.For(Friesland));
        var requestId = Guid.NewGuid();

        using var created = await rest.PostAsJsonAsync("/api/v1/intake/adviezen", new
        {
            requestId,
            startdatum = new { year = 2023, month = 11, day = 14 },
            einddatum = new { year = 2023, month = 11, day = 20 },
            gemeente = "GM0080",
            aard = new[] { "AARD_GEWELD_OUDERENMISHANDELING" },
            adviesvrager = new { betrokkenheid = "BETROKKENHEID_BEROEPSMATIG", functie = "FUNCTIE_WIJKTEAMMEDEWERKER", organisatie = "ORGANISATIE_MAATSCHAPPELIJKE_ONDERSTEUNING" },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var adviesId = body.RootElement.GetProperty("adviesId").GetString();

        using var fetched = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/intake/adviezen/{adviesId}"));
        Assert.Equal("REGIO_FRIESLAND", fetched.RootElement.GetProperty("regio").GetString());
        Assert.Equal("GM0080", fetched.RootElement.GetProperty("gemeente").GetString());
        Assert.Equal(20, fetched.RootElement.GetProperty("einddatum").GetProperty("day").GetInt32());
        Assert.Equal("FUNCTIE_WIJKTEAMMEDEWERKER", fetched.RootElement.GetProperty("adviesvrager").GetProperty("functie").GetString());

        using var listed = JsonDocument.Parse(await rest.GetStringAsync(
            "/api/v1/intake/adviezen?periode.van.year=2023&periode.van.month=11&periode.van.day=14" +
            "&periode.totEnMet.year=2023&periode.totEnMet.month=11&periode.totEnMet.day=14&page.pageSize=500"));
        Assert.Contains(adviesId, listed.RootElement.GetProperty("adviezen").EnumerateArray().Select(a => a.GetProperty("adviesId").GetString()));
    }

    [Fact]
    public async Task PostAdvies_AnonymousWithGemeente_Returns400NamingGemeente()
    {
        using var rest = app.CreateRestClient(app.Tokens.For(Friesland));

        using var response = await rest.PostAsJsonAsync("/api/v1/intake/adviezen", new
        {
            requestId = Guid.NewGuid(),
            startdatum = new { year = 2023, month = 11, day = 14 },
            anoniem = true,
            gemeente = "GM0080",
            aard = new[] { "AARD_GEWELD_PARTNERGEWELD" },
            adviesvrager = new { betrokkenheid = "BETROKKENHEID_NIET_BEROEPSMATIG", rol = "MELDER_ROL_FAMILIELID" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("gemeente", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAdvies_Unknown_Returns404()
    {
        using var rest = app.CreateRestClient(app.Tokens.For(Friesland));

        using var response = await rest.GetAsync($"/api/v1/intake/adviezen/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ListAdviezen_WithoutToken_Returns401()
    {
        using var rest = app.CreateRestClient(token: null);

        using var response = await rest.GetAsync("/api/v1/intake/adviezen");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
