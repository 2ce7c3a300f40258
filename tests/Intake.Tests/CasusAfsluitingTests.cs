using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>A casus closes when the veiligheidsbeoordelingen of all its meldingen ended at VT. Only this class writes in vt-rotterdam-rijnmond.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class CasusAfsluitingTests(IntakeApp app)
{
    private const string Rijnmond = "vt-rotterdam-rijnmond";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly V1.Meldingen.MeldingenClient _meldingen = new(app.CreateGrpcChannel());
    private readonly V1.Casussen.CasussenClient _casussen = new(app.CreateGrpcChannel());

    private Metadata As => Auth.Bearer(app.Tokens.For(Rijnmond));

    [Fact]
    public async Task Casus_ClosesWhenItsLastMeldingEnds_NotBefore_AndAFurtherMeldingOpensANewOne()
    {
        var huishouden = TestMeldingen.RandomHuishouden();
        var eerste = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(huishouden: huishouden), As);
        var tweede = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(huishouden: huishouden), As);

        await AfrondenAsync(eerste, Besluit.GeenVervolg);
        await Eventually.UntilAsync(async () => await VbBesluitAsync(eerste) is not null ? true : (bool?)null, Timeout, "the first besluit");
        Assert.Equal(CasusStatus.Open, (await CasusAsync(eerste)).Status);

        await AfrondenAsync(tweede, Besluit.Overdracht);
        var gesloten = await Eventually.UntilAsync(async () =>
        {
            var casus = await CasusAsync(eerste);
            return casus.Status == CasusStatus.Gesloten ? casus : null;
        }, Timeout, "the casus to close");
        var derde = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(huishouden: huishouden), As);

        Assert.NotNull(gesloten.GeslotenOp);
        Assert.NotEqual(eerste.CasusId, derde.CasusId);
    }

    [Fact]
    public async Task Casus_StaysOpen_WhenTheBesluitContinuesAtVt_AndARedeliveredEventIsHandledOnce()
    {
        var melding = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(), As);
        var eventId = Guid.NewGuid();

        await AfrondenAsync(melding, Besluit.VervolgstappenBijVt, eventId);
        await AfrondenAsync(melding, Besluit.VervolgstappenBijVt, eventId);
        await Eventually.UntilAsync(async () => await VbBesluitAsync(melding) is not null ? true : (bool?)null, Timeout, "the besluit");

        Assert.Equal((int)Besluit.VervolgstappenBijVt, await VbBesluitAsync(melding));
        Assert.Equal(CasusStatus.Open, (await CasusAsync(melding)).Status);
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = $1", eventId));
    }

    private Task AfrondenAsync(Melding melding, Besluit besluit, Guid? eventId = null) =>
        app.PublishAsync(TestEvents.Envelope(EventTopics.VeiligheidsbeoordelingAfgerond, new VeiligheidsbeoordelingAfgerond
        {
            WerkitemId = Guid.NewGuid().ToString(),
            MeldingId = melding.MeldingId,
            Besluit = besluit,
            AfgerondOp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, Rijnmond, melding.MeldingId, eventId));

    private async Task<Casus> CasusAsync(Melding melding) =>
        await _casussen.GetCasusAsync(new GetCasusRequest { CasusId = melding.CasusId }, As);

    private async Task<int?> VbBesluitAsync(Melding melding) =>
        (await app.AdminQueryAsync("SELECT vb_besluit FROM melding WHERE melding_id = $1", Guid.Parse(melding.MeldingId)))[0][0] as int?;
}
