using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>The register link (ADR 0020): intake registers a melding's betrokkenen in the register after storing it.</summary>
public sealed class RegisterkoppelingTests(Suite suite)
{
    [Fact]
    public async Task CreateMelding_SlachtofferKnownInAnotherRegio_IsRegisteredWithWhereElseKnown_AndThatRegioSeesItInItsLog()
    {
        // Haaglanden has known the slachtoffer (by BSN) since February.
        var bsn = TestMeldingen.Bsn();
        var register = new Register.V1.Register.RegisterClient(suite.GatewayGrpc);
        var haaglandenRegister = Auth.Bearer(suite.Tokens.For(Flow.Haaglanden, Roles.RegisterClient));
        var sinds = new Google.Type.Date { Year = 2026, Month = 2, Day = 3 };
        await register.RegistreerBetrokkenheidAsync(new RegistreerBetrokkenheidRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            CasusReferentie = "HGL-" + Guid.NewGuid().ToString("N")[..8],
            Startdatum = sinds,
            Personen = { new PersoonIdentiteit { Bsn = bsn } },
        }, haaglandenRegister, Suite.Deadline());
        var achternaam = "Koppelpersoon-" + Guid.NewGuid().ToString("N")[..6];
        var request = TestMeldingen.Valid();
        request.Betrokkenen.Clear();
        request.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.Slachtoffer, "Sanne", achternaam, new(1988, 4, 12), Geslacht.Vrouw, bsn));
        request.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.VermoedelijkPleger, "", achternaam, new(1985, 9, 30), Geslacht.Man, ""));
        var token = Auth.Bearer(suite.Tokens.For(Flow.Utrecht));

        var created = await Flow.CreateMeldingAsync(suite, Flow.Utrecht, request);

        Assert.Equal(RegisterKoppelingStatus.Wachtend, created.Betrokkenen[0].RegisterKoppeling.Status);
        var melding = await Eventually.UntilAsync(async () =>
        {
            var m = await Flow.Meldingen(suite).GetMeldingAsync(new GetMeldingRequest { MeldingId = created.MeldingId }, token, Suite.Deadline());
            return m.Betrokkenen[0].RegisterKoppeling.Status == RegisterKoppelingStatus.Geregistreerd ? m : null;
        }, Flow.WerkitemTimeout, "the registration of the slachtoffer in the register");
        var slachtoffer = melding.Betrokkenen[0].RegisterKoppeling;
        Assert.NotEmpty(slachtoffer.PersoonId);
        var elders = Assert.Single(slachtoffer.EldersBekend);
        Assert.Equal(Regio.Haaglanden, elders.Regio);
        Assert.Equal(sinds, elders.Sinds);
        Assert.True(elders.Open);
        Assert.NotEmpty(elders.Contactpunt);
        // Without a voornaam the register cannot match the pleger: not sent.
        Assert.Equal(RegisterKoppelingStatus.NietMogelijk, melding.Betrokkenen[1].RegisterKoppeling.Status);

        // Haaglanden sees in its access log that intake, for Utrecht, registered its person.
        var log = await register.GetToegangslogAsync(new GetToegangslogRequest(), haaglandenRegister, Suite.Deadline());
        Assert.Contains(log.Regels, r => r.Regio == Regio.Utrecht && r.Handeling == Handeling.Registratie
            && r.Wie == "service:intake" && r.PersoonId == slachtoffer.PersoonId);
    }
}
