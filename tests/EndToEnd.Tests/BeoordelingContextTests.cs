using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>The context of a beoordeling: earlier meldingen of the casus from intake, and the register's knowledge.</summary>
public sealed class BeoordelingContextTests(Suite suite)
{
    [Fact]
    public async Task GetBeoordelingContext_ThroughGateway_ShowsEarlierMeldingenAndWhereTheRegisterKnowsThePersons_AndTheRegisterLogsIt()
    {
        // The slachtoffer (by BSN) and the pleger (without BSN, by name and birth date) have been known in Haaglanden
        // since March; the kind is known nowhere; the ouder has too little data to search on.
        var bsn = TestMeldingen.Bsn();
        var achternaam = "Contextpersoon-" + Guid.NewGuid().ToString("N")[..6];
        var register = new Register.V1.Register.RegisterClient(suite.GatewayGrpc);
        var haaglandenRegister = Auth.Bearer(suite.Tokens.For(Flow.Haaglanden, Roles.RegisterClient));
        var sinds = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 };
        await register.RegistreerBetrokkenheidAsync(new RegistreerBetrokkenheidRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            CasusReferentie = "HGL-" + Guid.NewGuid().ToString("N")[..8],
            Startdatum = sinds,
            Personen =
            {
                new PersoonIdentiteit { Bsn = bsn },
                new PersoonIdentiteit
                {
                    Voornamen = "Ferdinand", Achternaam = achternaam, Geslacht = Geslacht.Man,
                    Geboortedatum = new Google.Type.Date { Year = 1957, Month = 3, Day = 17 },
                },
            },
        }, haaglandenRegister, Suite.Deadline());

        var huishouden = TestMeldingen.RandomHuishouden();
        var eerste = TestMeldingen.Valid(DateTimeOffset.UtcNow.AddDays(-3), huishouden);
        // Intake registers the betrokkenen of every melding in the register (ADR 0020), those of other tests too. Names and
        // birth dates no other melding uses keep the register's matching about this test's persons alone, whenever intake
        // gets there: the earlier melding's persons are unlike the second's.
        eerste.Betrokkenen.Clear();
        eerste.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.Slachtoffer, "Anouk", "Eerder-" + achternaam, new(1972, 6, 1), Geslacht.Vrouw, TestMeldingen.Bsn()));
        eerste.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.VermoedelijkPleger, "Bram", "Eerder-" + achternaam, new(1969, 11, 23), Geslacht.Man, ""));
        var tweede = TestMeldingen.Valid(DateTimeOffset.UtcNow.AddMinutes(-5), huishouden);
        tweede.Betrokkenen.Clear();
        tweede.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.Slachtoffer, "Sanne", "Testpersoon-Jansen", new(1988, 4, 12), Geslacht.Vrouw, bsn));
        tweede.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.VermoedelijkPleger, "Ferdinand", achternaam, new(1957, 3, 17), Geslacht.Man, ""));
        tweede.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.Kind, "Wilhelmina", achternaam, new(2016, 8, 21), Geslacht.Vrouw, ""));
        var ouder = TestMeldingen.Persoon(BetrokkeneRol.OuderVerzorger, "", achternaam, new(1960, 2, 2), Geslacht.Vrouw, "");
        tweede.Betrokkenen.Add(ouder);
        var eersteMelding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht, eerste);
        var tweedeMelding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht, tweede);
        var werkitem = await Flow.WaitForWerkitemAsync(suite, Flow.Utrecht, tweedeMelding.MeldingId);

        var context = await Flow.Werkvoorraad(suite).GetBeoordelingContextAsync(
            new GetBeoordelingContextRequest { WerkitemId = werkitem.WerkitemId },
            Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline());

        Assert.Equal(eersteMelding.CasusId, tweedeMelding.CasusId);
        Assert.Equal(tweedeMelding.CasusId, context.CasusId);
        Assert.Equal(tweedeMelding.Casusnummer, context.Casusnummer);
        var eerder = Assert.Single(context.EerdereMeldingen);
        Assert.Equal(eersteMelding.MeldingId, eerder.MeldingId);
        Assert.Equal(eersteMelding.Aard, eerder.Aard);
        Assert.False(context.RegisterOnbereikbaar);
        Assert.Equal(tweedeMelding.Betrokkenen.Select(b => b.BetrokkeneId), context.RegisterBevindingen.Select(b => b.BetrokkeneId));
        var slachtoffer = context.RegisterBevindingen[0];
        Assert.True(slachtoffer.Gezocht);
        var elders = Assert.Single(slachtoffer.EldersBekend);
        Assert.Equal(Regio.Haaglanden, elders.Regio);
        Assert.Equal(sinds, elders.Sinds);
        Assert.True(elders.Open);
        var pleger = context.RegisterBevindingen[1];
        Assert.True(pleger.Gezocht);
        Assert.Equal(Regio.Haaglanden, Assert.Single(pleger.EldersBekend).Regio);
        var kind = context.RegisterBevindingen[2];
        Assert.True(kind.Gezocht);
        Assert.Empty(kind.EldersBekend);
        Assert.False(kind.MogelijkBekend);
        Assert.False(context.RegisterBevindingen[3].Gezocht);

        // Haaglanden sees in its access log that triage, for Utrecht, searched its person for a veiligheidsbeoordeling.
        var log = await register.GetToegangslogAsync(new GetToegangslogRequest(), haaglandenRegister, Suite.Deadline());
        Assert.Contains(log.Regels, r => r.Regio == Regio.Utrecht && r.Handeling == Handeling.Zoekvraag
            && r.Doel == Doel.Veiligheidsbeoordeling && r.Wie == "service:triage");
    }

    [Fact]
    public async Task GetBeoordelingContext_OfAnotherRegiosWerkitem_IsNotFound()
    {
        var melding = await Flow.CreateMeldingAsync(suite, Flow.Utrecht);
        var werkitem = await Flow.WaitForWerkitemAsync(suite, Flow.Utrecht, melding.MeldingId);

        var error = await Assert.ThrowsAsync<RpcException>(() => Flow.Werkvoorraad(suite).GetBeoordelingContextAsync(
            new GetBeoordelingContextRequest { WerkitemId = werkitem.WerkitemId },
            Auth.Bearer(suite.Tokens.For(Flow.Haaglanden)), Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
