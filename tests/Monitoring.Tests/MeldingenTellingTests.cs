using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Monitoring.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Monitoring.Tests;

[Collection(nameof(MonitoringCollection))]
public sealed class MeldingenTellingTests(MonitoringApp app)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly V1.Beleidsinformatie.BeleidsinformatieClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task MeldingOntvangen_CountedOnTheAmsterdamDayOfReceipt_AndRedeliveryCountsOnce()
    {
        // Zuid-Limburg is used by this test only, so the totals are this test's own.
        const string regio = "vt-zuid-limburg";
        var lateEveningUtc = new DateTimeOffset(2025, 3, 10, 23, 30, 0, TimeSpan.Zero);   // 11 March in Amsterdam
        var first = Envelope(lateEveningUtc, regio);

        await app.PublishAsync(first);
        await app.PublishAsync(first);
        await app.PublishAsync(Envelope(lateEveningUtc.AddHours(3), regio));

        await Eventually.UntilAsync(async () => await CountAsync(regio, new(2025, 3, 11), new(2025, 3, 11)) == 2, Timeout,
            "two meldingen counted on 11 March");
        Assert.Equal(0, await CountAsync(regio, new(2025, 3, 10), new(2025, 3, 10)));
        Assert.Equal(2, await CountAsync(regio, new(2025, 3, 1), new(2025, 3, 31)));
    }

    [Fact]
    public async Task GetMeldingenTelling_SeesOnlyTheCallersRegio()
    {
        var day = new DateTimeOffset(2025, 5, 20, 10, 0, 0, TimeSpan.Zero);
        await app.PublishAsync(Envelope(day, "vt-zeeland"));
        await Eventually.UntilAsync(async () => await CountAsync("vt-zeeland", new(2025, 5, 20), new(2025, 5, 20)) == 1, Timeout,
            "the Zeeland melding counted");

        Assert.Equal(0, await CountAsync("vt-drenthe", new(2025, 5, 20), new(2025, 5, 20)));
    }

    [Fact]
    public async Task GetMeldingenTelling_ForACaseworker_ReturnsPermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetMeldingenTellingAsync(
            Request(new(2025, 1, 1), new(2025, 1, 2)), Auth.Bearer(app.Tokens.For("vt-zeeland", Roles.Medewerker))).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetMeldingenTelling_WithReversedOrMissingPeriode_NamesTheFields()
    {
        var token = Auth.Bearer(app.Tokens.For("vt-zeeland", Roles.Beleidsmedewerker));

        var reversed = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetMeldingenTellingAsync(Request(new(2025, 2, 1), new(2025, 1, 1)), token).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetMeldingenTellingAsync(new GetMeldingenTellingRequest(), token).ResponseAsync);

        Assert.Equal(["periode"], reversed.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.Equal(["periode.van", "periode.tot_en_met"], missing.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    private async Task<long> CountAsync(string regio, DateOnly van, DateOnly totEnMet) =>
        (await _client.GetMeldingenTellingAsync(Request(van, totEnMet),
            Auth.Bearer(app.Tokens.For(regio, Roles.Beleidsmedewerker)))).Meldingen;

    private static GetMeldingenTellingRequest Request(DateOnly van, DateOnly totEnMet) => new()
    {
        Periode = new DateRange
        {
            Van = new Google.Type.Date { Year = van.Year, Month = van.Month, Day = van.Day },
            TotEnMet = new Google.Type.Date { Year = totEnMet.Year, Month = totEnMet.Month, Day = totEnMet.Day },
        },
    };

    private static BuildingBlocks.Eventing.EventEnvelope Envelope(DateTimeOffset ontvangenOp, string regio)
    {
        var meldingId = Guid.CreateVersion7().ToString();
        return TestEvents.Envelope(EventTopics.MeldingOntvangen, new MeldingOntvangen
        {
            MeldingId = meldingId,
            OntvangenOp = Timestamp.FromDateTimeOffset(ontvangenOp),
            MelderGroep = MelderGroep.OverigeProfessional,
            Aard = { AardGeweld.Kindermishandeling },
        }, regio, meldingId);
    }
}
