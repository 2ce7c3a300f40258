using Microsoft.Extensions.DependencyInjection;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.Betrokkenheden;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

public sealed class RetentionTests(RetentionRegisterApp app) : IClassFixture<RetentionRegisterApp>
{
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    private Grpc.Core.Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio, Roles.RegisterClient));

    [Fact]
    public async Task RetentionPass_RemovesExpiredBetrokkenhedenOrphanedPersonsAndTheirSignals_AndLogsEachRemoval()
    {
        var (alleen, gedeeld, later, open) = (Bsn(), Bsn(), Bsn(), Bsn());
        var verlopen = await _client.RegistreerBetrokkenheidAsync(Registratie(alleen, gedeeld), As(Utrecht));
        await _client.RegistreerBetrokkenheidAsync(Registratie(gedeeld), As(Haaglanden));
        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = alleen, Doel = Doel.Onderzoek }, As(Haaglanden));
        var nogNiet = await _client.RegistreerBetrokkenheidAsync(Registratie(later), As(Utrecht));
        var lopend = await _client.RegistreerBetrokkenheidAsync(Registratie(open), As(Utrecht));
        await _client.BeeindigBetrokkenheidAsync(new BeeindigBetrokkenheidRequest
        {
            BetrokkenheidId = verlopen.BetrokkenheidId,
            Einddatum = new Google.Type.Date { Year = 2025, Month = 6, Day = 1 },
        }, As(Utrecht));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _client.BeeindigBetrokkenheidAsync(new BeeindigBetrokkenheidRequest
        {
            BetrokkenheidId = nogNiet.BetrokkenheidId,
            Einddatum = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
        }, As(Utrecht));
        var verlopenId = Guid.Parse(verlopen.BetrokkenheidId);
        var alleenId = Guid.Parse(verlopen.Personen[0].PersoonId);
        var gedeeldId = Guid.Parse(verlopen.Personen[1].PersoonId);
        Assert.Equal(new DateOnly(2025, 6, 2), await app.AdminScalarAsync<DateOnly>(
            "SELECT bewaren_tot FROM betrokkenheid WHERE betrokkenheid_id = $1", verlopenId));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM signaal WHERE persoon_id = $1", alleenId));

        var removed = await app.Services.GetRequiredService<RetentionJob>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Equal(0L, await Count("SELECT count(*) FROM betrokkenheid WHERE betrokkenheid_id = $1", verlopenId));
        Assert.Equal(0L, await Count("SELECT count(*) FROM betrokkenheid_persoon WHERE betrokkenheid_id = $1", verlopenId));
        Assert.Equal(0L, await Count("SELECT count(*) FROM persoon WHERE persoon_id = $1", alleenId));
        Assert.Equal(0L, await Count("SELECT count(*) FROM signaal WHERE persoon_id = $1", alleenId));
        Assert.Equal(1L, await Count("SELECT count(*) FROM persoon WHERE persoon_id = $1", gedeeldId));
        // Haaglanden's registration of the shared person joined the household, which therefore stays (ADR 0022).
        Assert.Equal(1L, await Count("SELECT count(*) FROM huishouden WHERE huishouden_id = $1", Guid.Parse(verlopen.HuishoudenId)));
        Assert.Equal(1L, await Count("SELECT count(*) FROM betrokkenheid WHERE betrokkenheid_id = $1",
            Guid.Parse(nogNiet.BetrokkenheidId)));
        Assert.Equal(1L, await Count("SELECT count(*) FROM betrokkenheid WHERE betrokkenheid_id = $1",
            Guid.Parse(lopend.BetrokkenheidId)));

        var logged = await app.AdminQueryAsync("""
            SELECT wie, regio, eigenaar_regio, doel, handeling, persoon_id, betrokkenheid_id FROM toegangslog
            WHERE uitkomst = $1 AND (betrokkenheid_id = $2 OR persoon_id = $3)
            """, (int)Uitkomst.Verwijderd, verlopenId, alleenId);
        Assert.Equal(2, logged.Count);
        Assert.All(logged, r =>
        {
            Assert.Equal(RetentionJob.Wie, r[0]);
            Assert.Equal(Utrecht, r[2]);
            Assert.Equal((int)Doel.Bewaartermijn, r[3]);
            Assert.Equal((int)Handeling.Verwijdering, r[4]);
        });
        Assert.True(await Count("SELECT count(*) FROM toegangslog WHERE betrokkenheid_id = $1 AND uitkomst = $2", verlopenId,
            (int)Uitkomst.Beeindigd) == 1, "The earlier log entries are kept.");
        Assert.Equal(0, await app.Services.GetRequiredService<RetentionJob>().RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RetentionPass_BetrokkenheidEndedBeforeBewarenTotExisted_GetsItAndIsRemovedWhenExpired()
    {
        var registered = await _client.RegistreerBetrokkenheidAsync(Registratie(Bsn()), As(Utrecht));
        await _client.BeeindigBetrokkenheidAsync(new BeeindigBetrokkenheidRequest
        {
            BetrokkenheidId = registered.BetrokkenheidId,
            Einddatum = new Google.Type.Date { Year = 2025, Month = 7, Day = 1 },
        }, As(Utrecht));
        var id = Guid.Parse(registered.BetrokkenheidId);
        await app.AdminQueryAsync("UPDATE betrokkenheid SET bewaren_tot = NULL WHERE betrokkenheid_id = $1 RETURNING 1", id);

        await app.Services.GetRequiredService<RetentionJob>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(0L, await Count("SELECT count(*) FROM betrokkenheid WHERE betrokkenheid_id = $1", id));
        Assert.Equal(1L, await Count("SELECT count(*) FROM toegangslog WHERE betrokkenheid_id = $1 AND uitkomst = $2", id,
            (int)Uitkomst.Verwijderd));
        // Its household had no other registration, so it went with it (ADR 0022).
        Assert.Equal(0L, await Count("SELECT count(*) FROM huishouden WHERE huishouden_id = $1", Guid.Parse(registered.HuishoudenId)));
    }

    private Task<long> Count(string sql, params object[] parameters) => app.AdminScalarAsync<long>(sql, parameters);
}
