using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Veiligthuis.BuildingBlocks.Security;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

/// <summary>The register as REST/JSON through gRPC JSON transcoding.</summary>
[Collection(nameof(RegisterCollection))]
public sealed class RegisterRestTests(RegisterApp app)
{
    [Fact]
    public async Task RegistreerZoekBeeindigAndToegangslog_OverRest()
    {
        using var utrecht = app.CreateRestClient(app.Tokens.For(Utrecht, Roles.RegisterClient));
        using var haaglanden = app.CreateRestClient(app.Tokens.For(Haaglanden, Roles.RegisterClient));
        var bsn = Bsn();

        using var registered = await utrecht.PostAsJsonAsync("/api/v1/register/betrokkenheden", new
        {
            requestId = Guid.NewGuid(),
            casusReferentie = "REST-1",
            startdatum = new { year = 2025, month = 1, day = 2 },
            personen = new[] { new { bsn } },
        });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        using var body = JsonDocument.Parse(await registered.Content.ReadAsStringAsync());
        var betrokkenheidId = body.RootElement.GetProperty("betrokkenheidId").GetString();

        using var found = await haaglanden.PostAsJsonAsync("/api/v1/register/zoekvragen", new { bsn, doel = "DOEL_ONDERZOEK" });
        var foundText = await found.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains("REGIO_UTRECHT", foundText, StringComparison.Ordinal);
        Assert.DoesNotContain("REST-1", foundText, StringComparison.Ordinal);

        using var refused = await haaglanden.PostAsJsonAsync($"/api/v1/register/betrokkenheden/{betrokkenheidId}/beeindiging",
            new { einddatum = new { year = 2025, month = 2, day = 1 } });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using var ended = await utrecht.PostAsJsonAsync($"/api/v1/register/betrokkenheden/{betrokkenheidId}/beeindiging",
            new { einddatum = new { year = 2025, month = 2, day = 1 } });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);

        using var page = JsonDocument.Parse(await utrecht.GetStringAsync("/api/v1/register/toegangslog?page.pageSize=2"));
        Assert.Equal(2, page.RootElement.GetProperty("regels").GetArrayLength());
        var token = page.RootElement.GetProperty("page").GetProperty("nextPageToken").GetString();
        Assert.False(string.IsNullOrEmpty(token));
        using var next = JsonDocument.Parse(await utrecht.GetStringAsync($"/api/v1/register/toegangslog?page.pageSize=2&page.pageToken={token}"));
        Assert.NotEmpty(next.RootElement.GetProperty("regels").EnumerateArray());
    }

    [Fact]
    public async Task MogelijkMatch_ListedAndDecided_OverRest()
    {
        using var groningen = app.CreateRestClient(app.Tokens.For("vt-groningen", Roles.RegisterClient));
        var achternaam = "Wiersma" + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);
        foreach (var voornamen in new[] { "Tjitske", "T." })
        {
            using var registered = await groningen.PostAsJsonAsync("/api/v1/register/betrokkenheden", new
            {
                requestId = Guid.NewGuid(),
                casusReferentie = "REST-2",
                startdatum = new { year = 2025, month = 1, day = 2 },
                personen = new[] { new { voornamen, achternaam, geboortedatum = new { year = 1999, month = 3, day = 4 } } },
                adres = new { postcode = "9711 AB", huisnummer = 5 },
            });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        using var list = await groningen.GetAsync("/api/v1/register/matchbeoordelingen?page.pageSize=100");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var listed = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        var id = Assert.Single(listed.RootElement.GetProperty("matchbeoordelingen").EnumerateArray()).GetProperty("matchbeoordelingId").GetString();

        using var decided = await groningen.PostAsJsonAsync($"/api/v1/register/matchbeoordelingen/{id}/besluit",
            new { besluit = "MATCHBEOORDELING_STATUS_ZELFDE_PERSOON" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Contains("MATCHBEOORDELING_STATUS_ZELFDE_PERSOON", await decided.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
