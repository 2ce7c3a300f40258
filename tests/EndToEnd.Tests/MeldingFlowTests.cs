using System.Net;
using System.Text.Json;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>A melding created at the gateway opens a werkitem in triage, through intake's outbox and Redis.</summary>
public sealed class MeldingFlowTests(Suite suite)
{
    [Fact]
    public async Task CreateMelding_OverGrpcThroughGateway_OpensWerkitemWithStatutoryTerms()
    {
        // Tuesday 22:30 UTC is already Wednesday in Amsterdam, and Whit Monday (9 June) falls in the
        // five werkdagen: a term counted from the UTC day or without holidays would differ.
        var request = TestMeldingen.Valid(new DateTimeOffset(2025, 6, 3, 22, 30, 0, TimeSpan.Zero));

        var melding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht, request);
        var werkitem = await Flow.WaitForWerkitemAsync(suite, Flow.Utrecht, melding.MeldingId);

        Assert.Equal(Regio.Utrecht, melding.Regio);
        Assert.Equal(request.OntvangenOp, melding.OntvangenOp);
        Flow.AssertOpenedWithTerms(werkitem, melding.MeldingId, Regio.Utrecht, melding.OntvangenOp);
        Assert.Equal(new Google.Type.Date { Year = 2025, Month = 6, Day = 12 }, werkitem.BeoordelingUiterlijk);
    }

    [Fact]
    public async Task CreateMelding_OverRestThroughGateway_OpensWerkitemReadOverRest()
    {
        var requestId = Guid.NewGuid().ToString();
        var ontvangenOp = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds());
        // proto3 JSON as a front end sends it: camelCase field names, enums by name, RFC 3339 times.
        var body = $$"""
            {
              "requestId": "{{requestId}}",
              "ontvangenOp": "{{ontvangenOp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)}}",
              "melder": { "groep": "MELDER_GROEP_NIET_PROFESSIONAL", "betrokkenheid": "BETROKKENHEID_NIET_BEROEPSMATIG", "rol": "MELDER_ROL_BUUR" },
              "aard": ["AARD_GEWELD_KINDERMISHANDELING"],
              "vermoedelijkeDuur": "VERMOEDELIJKE_DUUR_EENMALIG",
              "aanvullendeInformatie": ["AANVULLENDE_INFORMATIE_CONFLICTSCHEIDING"]
            }
            """;

        using var created = await Flow.RestAsync(suite, HttpMethod.Post, "/api/v1/intake/meldingen", suite.Tokens.For(Flow.Utrecht), body);
        var melding = await Flow.ReadAsync<Melding>(created);
        var werkitemJson = await Flow.WaitForWerkitemJsonAsync(suite, Flow.Utrecht, melding.MeldingId);

        Assert.Equal(Regio.Utrecht, melding.Regio);
        Assert.Equal(MelderRol.Buur, melding.Melder.Rol);
        Assert.Equal([AardGeweld.Kindermishandeling], melding.Aard);
        Assert.Equal(ontvangenOp, melding.OntvangenOp.ToDateTimeOffset());
        using (var json = JsonDocument.Parse(werkitemJson))
        {
            // proto3 JSON: camelCase names, enums by name.
            Assert.Equal("WERKITEM_STATUS_ACUTE_CHECK_OPEN", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("REGIO_UTRECHT", json.RootElement.GetProperty("regio").GetString());
            Assert.Equal(melding.MeldingId, json.RootElement.GetProperty("meldingId").GetString());
        }

        var werkitem = new Google.Protobuf.JsonParser(Google.Protobuf.JsonParser.Settings.Default.WithIgnoreUnknownFields(true))
            .Parse<Werkitem>(werkitemJson);
        Flow.AssertOpenedWithTerms(werkitem, melding.MeldingId, Regio.Utrecht, melding.OntvangenOp);
    }

    [Fact]
    public async Task GetMelding_ThroughGateway_ReturnsWhatWasCreated()
    {
        var melding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht);
        var token = suite.Tokens.For(Flow.Utrecht);

        var overGrpc = await Flow.Meldingen(suite).GetMeldingAsync(
            new GetMeldingRequest { MeldingId = melding.MeldingId }, TestSupport.Auth.Bearer(token), Suite.Deadline());
        using var response = await Flow.RestAsync(suite, HttpMethod.Get, $"/api/v1/intake/meldingen/{melding.MeldingId}", token);
        var overRest = await Flow.ReadAsync<Melding>(response);

        // The register link runs after the melding (ADR 0020): its status may have moved on since the create.
        Assert.Equal(ZonderRegisterkoppeling(melding), ZonderRegisterkoppeling(overGrpc));
        Assert.Equal(ZonderRegisterkoppeling(melding), ZonderRegisterkoppeling(overRest));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Melding ZonderRegisterkoppeling(Melding melding)
    {
        var zonder = melding.Clone();
        foreach (var betrokkene in zonder.Betrokkenen)
        {
            betrokkene.RegisterKoppeling = null;
        }

        return zonder;
    }
}
