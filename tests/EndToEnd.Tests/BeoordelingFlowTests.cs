using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>Melding → acute check → veiligheidsbeoordeling → besluit, all through the gateway.</summary>
public sealed class BeoordelingFlowTests(Suite suite)
{
    [Fact]
    public async Task MeldingToBesluit_ThroughGateway_RecordsEachStep_AndAnotherRegioSeesNothing()
    {
        var melding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht);
        var werkitem = await Flow.WaitForWerkitemAsync(suite, Flow.Utrecht, melding.MeldingId);
        // One medewerker (one token subject) claims and records; the colleague is the second pair of eyes.
        var medewerker = suite.Tokens.For(Flow.Utrecht);
        var triage = Flow.Werkvoorraad(suite);

        var claimed = await triage.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId },
            Auth.Bearer(medewerker), Suite.Deadline());
        var checkedItem = await triage.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest
        {
            WerkitemId = werkitem.WerkitemId,
            AcuteOnveiligheid = true,
            DirecteActie = DirecteActie.HuisbezoekZelfdeDag,
        }, Auth.Bearer(medewerker), Suite.Deadline());
        using var afronden = await Flow.RestAsync(suite, HttpMethod.Post,
            $"/api/v1/triage/werkitems/{werkitem.WerkitemId}:afronden", medewerker, """
            {
              "veiligheidstaxatie": ["VEILIGHEIDSTAXATIE_ACUTE_ONVEILIGHEID"],
              "besluit": "BESLUIT_VERVOLGSTAPPEN_BIJ_VT",
              "vervolg": "VERVOLG_VOORWAARDEN_EN_VERVOLG",
              "motivatie": "Afspraken met moeder en ex-partner; huisbezoek vandaag gedaan.",
              "medeBeoordelaar": "vertrouwensarts-utrecht-2",
              "medeBeoordelaarDeskundigheid": "DESKUNDIGHEID_VERTROUWENSARTS"
            }
            """);
        var afgerond = await Flow.ReadAsync<Werkitem>(afronden);

        Assert.Equal(WerkitemStatus.AcuteCheckOpen, werkitem.Status);
        Assert.NotEmpty(claimed.GeclaimdDoor);
        Assert.Equal(WerkitemStatus.BeoordelingOpen, checkedItem.Status);
        Assert.Equal(WerkitemStatus.Afgerond, afgerond.Status);
        Assert.Equal(Besluit.VervolgstappenBijVt, afgerond.Besluit);
        Assert.Equal(Vervolg.VoorwaardenEnVervolg, afgerond.Vervolg);
        Assert.Equal(claimed.GeclaimdDoor, afgerond.AfgerondDoor);
        Assert.Equal("vertrouwensarts-utrecht-2", afgerond.MedeBeoordelaar);
        Assert.Equal(Deskundigheid.Vertrouwensarts, afgerond.MedeBeoordelaarDeskundigheid);

        var read = await triage.GetWerkitemAsync(new GetWerkitemRequest { MeldingId = melding.MeldingId },
            Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline());
        Assert.Equal(WerkitemStatus.Afgerond, read.Status);
        Assert.Equal(Regio.Utrecht, read.Regio);

        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => triage.GetWerkitemAsync(
            new GetWerkitemRequest { MeldingId = melding.MeldingId }, Auth.Bearer(suite.Tokens.For(Flow.Haaglanden)),
            Suite.Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, elsewhere.StatusCode);
        var again = await Assert.ThrowsAsync<RpcException>(() => triage.ClaimWerkitemAsync(
            new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(medewerker), Suite.Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task Besluit_GeenVervolg_OnTheOnlyMeldingOfACasus_ClosesTheCasusInIntake()
    {
        var melding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht);
        var werkitem = await Flow.WaitForWerkitemAsync(suite, Flow.Utrecht, melding.MeldingId);
        var medewerker = suite.Tokens.For(Flow.Utrecht);
        var triage = Flow.Werkvoorraad(suite);
        await triage.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(medewerker), Suite.Deadline());
        await triage.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(medewerker), Suite.Deadline());
        await triage.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = werkitem.WerkitemId,
            Veiligheidstaxatie = { Veiligheidstaxatie.GeenZorgen },
            Besluit = Besluit.GeenVervolg,
            Motivatie = "Geen zorgen na gesprek met beide ouders.",
            MedeBeoordelaar = "collega-utrecht-7",
            MedeBeoordelaarDeskundigheid = Deskundigheid.Collega,
        }, Auth.Bearer(medewerker), Suite.Deadline());

        var casussen = new Intake.V1.Casussen.CasussenClient(suite.GatewayGrpc);
        var casus = await Eventually.UntilAsync(async () =>
        {
            var current = await casussen.GetCasusAsync(new Intake.V1.GetCasusRequest { CasusId = melding.CasusId },
                Auth.Bearer(medewerker), Suite.Deadline(5));
            return current.Status == Intake.V1.CasusStatus.Gesloten ? current : null;
        }, Flow.WerkitemTimeout, "intake to close the casus");

        Assert.Equal(melding.CasusId, casus.CasusId);
        Assert.NotNull(casus.GeslotenOp);
    }
}
