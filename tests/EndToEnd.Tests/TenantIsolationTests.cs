using System.Net;
using Grpc.Core;
using Veiligthuis.Intake.V1;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>Another regio learns nothing of a melding: not the melding, not its werkitem.</summary>
public sealed class TenantIsolationTests(Suite suite)
{
    [Fact]
    public async Task UtrechtMelding_ReadWithHaaglandenTokenOverGrpc_IsNotFound()
    {
        var meldingId = await UtrechtMeldingWithWerkitemAsync();
        var haaglanden = Auth.Bearer(suite.Tokens.For(Flow.Haaglanden));

        var melding = await Assert.ThrowsAsync<RpcException>(() => Flow.Meldingen(suite).GetMeldingAsync(
            new GetMeldingRequest { MeldingId = meldingId }, haaglanden, Suite.Deadline()).ResponseAsync);
        var werkitem = await Assert.ThrowsAsync<RpcException>(() => Flow.Werkvoorraad(suite).GetWerkitemAsync(
            new GetWerkitemRequest { MeldingId = meldingId }, haaglanden, Suite.Deadline()).ResponseAsync);

        Assert.Contains(melding.StatusCode, new[] { StatusCode.NotFound, StatusCode.PermissionDenied });
        Assert.Contains(werkitem.StatusCode, new[] { StatusCode.NotFound, StatusCode.PermissionDenied });
    }

    [Fact]
    public async Task UtrechtMelding_ReadWithHaaglandenTokenOverRest_Is404()
    {
        var meldingId = await UtrechtMeldingWithWerkitemAsync();
        var haaglanden = suite.Tokens.For(Flow.Haaglanden);

        using var melding = await Flow.RestAsync(suite, HttpMethod.Get, $"/api/v1/intake/meldingen/{meldingId}", haaglanden);
        using var werkitem = await Flow.RestAsync(suite, HttpMethod.Get, $"/api/v1/triage/meldingen/{meldingId}/werkitem", haaglanden);

        Assert.Contains(melding.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
        Assert.Contains(werkitem.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
    }

    // Both records exist for Utrecht before Haaglanden asks: a NotFound then means "not yours", not "not yet".
    private async Task<string> UtrechtMeldingWithWerkitemAsync()
    {
        var melding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht);
        await Flow.WaitForWerkitemAsync(suite, Flow.Utrecht, melding.MeldingId);
        return melding.MeldingId;
    }
}
