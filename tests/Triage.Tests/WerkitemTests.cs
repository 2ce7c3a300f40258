using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Veiligthuis.Triage.Werkvoorraad;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class WerkitemTests(TriageApp app)
{
    private const string Utrecht = "vt-utrecht";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task MeldingOntvangen_OpensWerkitemWithStatutoryClocks()
    {
        var ontvangenOp = new DateTimeOffset(2026, 4, 2, 8, 15, 0, TimeSpan.Zero);
        var meldingId = Guid.CreateVersion7();

        await app.PublishAsync(Envelope(meldingId, ontvangenOp, Utrecht));
        var werkitem = await GetEventuallyAsync(meldingId, Utrecht);

        Assert.Equal(WerkitemStatus.AcuteCheckOpen, werkitem.Status);
        Assert.Equal(Regio.Utrecht, werkitem.Regio);
        Assert.Equal(ontvangenOp, werkitem.OntvangenOp.ToDateTimeOffset());
        Assert.Equal(ontvangenOp.AddHours(2), werkitem.AcuteCheckUiterlijk.ToDateTimeOffset());
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 4, Day = 13 }, werkitem.BeoordelingUiterlijk);
    }

    [Fact]
    public async Task MeldingOntvangen_RedeliveredTwice_IsHandledOnce()
    {
        var meldingId = Guid.CreateVersion7();
        var envelope = Envelope(meldingId, DateTimeOffset.UtcNow, Utrecht);

        await app.PublishAsync(envelope);
        await app.PublishAsync(envelope);
        await app.PublishAsync(Envelope(meldingId, DateTimeOffset.UtcNow, Utrecht));
        await GetEventuallyAsync(meldingId, Utrecht);
        await Eventually.UntilAsync(
            async () => await app.AdminScalarAsync<long>("SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = ANY($2)",
                MeldingOntvangenHandler.Consumer, new[] { envelope.Id }) == 1, Timeout, "the inbox row");

        // Let every delivery be consumed before counting: the pending list of the group drains.
        await Eventually.UntilAsync(async () => await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM inbox WHERE consumer = $1", MeldingOntvangenHandler.Consumer) >= 2, Timeout, "both distinct events");
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM werkitem WHERE melding_id = $1", meldingId));
    }

    [Fact]
    public async Task GetWerkitem_OfAnotherRegio_ReturnsNotFound()
    {
        var meldingId = Guid.CreateVersion7();
        await app.PublishAsync(Envelope(meldingId, DateTimeOffset.UtcNow, Utrecht));
        await GetEventuallyAsync(meldingId, Utrecht);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetWerkitemAsync(
            new GetWerkitemRequest { MeldingId = meldingId.ToString() }, Auth.Bearer(app.Tokens.For("vt-haaglanden"))).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task GetWerkitem_WithMalformedId_ReturnsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetWerkitemAsync(
            new GetWerkitemRequest { MeldingId = "42" }, Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task GetWerkitem_OverRest_ReturnsTheWerkitemAsJson()
    {
        var meldingId = Guid.CreateVersion7();
        await app.PublishAsync(Envelope(meldingId, DateTimeOffset.UtcNow, Utrecht));
        await GetEventuallyAsync(meldingId, Utrecht);

        using var rest = app.CreateRestClient(app.Tokens.For(Utrecht));
        var json = await rest.GetStringAsync($"/api/v1/triage/meldingen/{meldingId}/werkitem");

        Assert.Contains($"\"meldingId\":\"{meldingId}\"", json.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("WERKITEM_STATUS_ACUTE_CHECK_OPEN", json, StringComparison.Ordinal);
    }

    private static BuildingBlocks.Eventing.EventEnvelope Envelope(Guid meldingId, DateTimeOffset ontvangenOp, string regio) =>
        TestEvents.Envelope(EventTopics.MeldingOntvangen, new MeldingOntvangen
        {
            MeldingId = meldingId.ToString(),
            OntvangenOp = Timestamp.FromDateTimeOffset(ontvangenOp),
            MelderGroep = MelderGroep.Politie,
            Aard = { AardGeweld.Partnergeweld },
        }, regio, meldingId.ToString());

    private Task<Werkitem> GetEventuallyAsync(Guid meldingId, string regio) =>
        Eventually.UntilAsync<Werkitem>(async () =>
        {
            try
            {
                return await _client.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = meldingId.ToString() },
                    Auth.Bearer(app.Tokens.For(regio)));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        }, Timeout, $"the werkitem of melding {meldingId}");
}
