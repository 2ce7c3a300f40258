using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>The same API as REST/JSON through gRPC JSON transcoding.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class MeldingenRestTests(IntakeApp app)
{
    [Fact]
    public async Task PostMelding_ThenGet_RoundTripsAsProto3Json()
    {
        using var rest = app.CreateRestClient(app.Tokens.For("vt-groningen"));
        var requestId = Guid.NewGuid();

        using var created = await rest.PostAsJsonAsync("/api/v1/intake/meldingen", new
        {
            requestId,
            ontvangenOp = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            melder = new { groep = "MELDER_GROEP_NIET_PROFESSIONAL", betrokkenheid = "BETROKKENHEID_NIET_BEROEPSMATIG", rol = "MELDER_ROL_BUUR", anoniem = true },
            aard = new[] { "AARD_GEWELD_KINDERMISHANDELING" },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var meldingId = body.RootElement.GetProperty("meldingId").GetString();

        using var fetched = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/intake/meldingen/{meldingId}"));
        Assert.Equal("REGIO_GRONINGEN", fetched.RootElement.GetProperty("regio").GetString());
        Assert.True(fetched.RootElement.GetProperty("melder").GetProperty("anoniem").GetBoolean());
        Assert.Equal("MELDER_ROL_BUUR", fetched.RootElement.GetProperty("melder").GetProperty("rol").GetString());
    }

    [Fact]
    public async Task PostMelding_EmptyBody_Returns400WithFieldViolations()
    {
        using var rest = app.CreateRestClient(app.Tokens.For("vt-groningen"));

        using var response = await rest.PostAsJsonAsync("/api/v1/intake/meldingen", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("request_id", text, StringComparison.Ordinal);
        Assert.Contains("melder", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMelding_WithoutToken_Returns401()
    {
        using var rest = app.CreateRestClient(token: null);

        using var response = await rest.GetAsync($"/api/v1/intake/meldingen/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetMelding_Unknown_Returns404()
    {
        using var rest = app.CreateRestClient(app.Tokens.For("vt-groningen"));

        using var response = await rest.GetAsync($"/api/v1/intake/meldingen/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
