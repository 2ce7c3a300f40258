using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

/// <summary>Bulk load of a regio's existing files over a client stream (issue 5).</summary>
[Collection(nameof(RegisterCollection))]
public sealed class BulkloadTests(RegisterApp app)
{
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task LaadBetrokkenheden_ReportsEveryMessageInOrder_AndAnInvalidOneStopsNothing()
    {
        var token = app.Tokens.For("vt-friesland", Roles.RegisterClient);
        var achternaam = "Hoekstra" + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);
        var zonderBsn = Registratie();
        zonderBsn.Personen.Add(new PersoonIdentiteit
        {
            Voornamen = "Sjoerd", Achternaam = achternaam, Geboortedatum = new Google.Type.Date { Year = 1970, Month = 2, Day = 11 },
            Geslacht = Geslacht.Man,
        });
        zonderBsn.Adres = new Adres { Postcode = "8911AB", Huisnummer = 2 };
        var ongeldig = Registratie(Bsn());
        ongeldig.RequestId = "geen-uuid";
        var dezelfde = Registratie();
        dezelfde.Personen.Add(new PersoonIdentiteit(zonderBsn.Personen[0]) { Achternaam = achternaam.ToUpperInvariant() });
        var messages = new[] { Registratie(Bsn(), Bsn()), zonderBsn, ongeldig, dezelfde };

        using var call = _client.LaadBetrokkenheden(Auth.Bearer(token));
        foreach (var message in messages)
        {
            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal(3, response.Geregistreerd);
        Assert.Equal(1, response.Ongeldig);
        Assert.Equal([0, 1, 2, 3], response.Resultaten.Select(r => r.Volgnummer));
        Assert.Equal(messages.Select(m => m.RequestId), response.Resultaten.Select(r => r.RequestId));
        Assert.Equal(2, response.Resultaten[0].Registratie.Personen.Count);
        Assert.Null(response.Resultaten[2].Registratie);
        Assert.Equal("request_id", Assert.Single(response.Resultaten[2].Fouten).Veld);
        Assert.Equal(MatchUitkomst.Zeker, response.Resultaten[3].Registratie.Personen[0].Match);
        Assert.Equal(response.Resultaten[1].Registratie.Personen[0].PersoonId, response.Resultaten[3].Registratie.Personen[0].PersoonId);
        Assert.Equal(1L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE wie = $1 AND handeling = $2 AND uitkomst = $3",
            Subject(token), (int)Handeling.Registratie, (int)Uitkomst.Geweigerd));
        Assert.Equal(4L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE wie = $1 AND handeling = $2 AND uitkomst = $3",
            Subject(token), (int)Handeling.Registratie, (int)Uitkomst.Geregistreerd));
    }

    [Fact]
    public async Task LaadBetrokkenheden_ByABeheerderNamingARegio_RegistersForThatRegio()
    {
        var token = app.Tokens.For("vt-noord-holland-noord", Roles.RegisterClient, Roles.Beheerder);
        var headers = Auth.Bearer(token);
        headers.Add(Betrokkenheden.RegisterService.RegioHeader, "Gelderland-Zuid");

        using var call = _client.LaadBetrokkenheden(headers);
        await call.RequestStream.WriteAsync(Registratie(Bsn()));
        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.Equal(1, response.Geregistreerd);
        var regels = await app.AdminQueryAsync("SELECT regio, rol FROM toegangslog WHERE wie = $1 AND uitkomst = $2",
            Subject(token), (int)Uitkomst.Geregistreerd);
        Assert.Equal<object?>(["vt-gelderland-zuid", Roles.Beheerder], Assert.Single(regels));
        Assert.Equal("vt-gelderland-zuid", await app.AdminScalarAsync<string>(
            "SELECT regio FROM betrokkenheid WHERE betrokkenheid_id = $1::uuid", response.Resultaten[0].Registratie.BetrokkenheidId));
    }

    [Fact]
    public async Task LaadBetrokkenheden_NamingARegioWithoutBeheerderRole_IsPermissionDenied()
    {
        var headers = Auth.Bearer(app.Tokens.For("vt-noord-holland-noord", Roles.RegisterClient));
        headers.Add(Betrokkenheden.RegisterService.RegioHeader, "vt-gelderland-zuid");
        using var call = _client.LaadBetrokkenheden(headers);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(Registratie(Bsn()));
            await call.RequestStream.CompleteAsync();
            await call;
        });

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task LaadBetrokkenheden_WithAMedewerkerToken_IsPermissionDenied()
    {
        using var call = _client.LaadBetrokkenheden(Auth.Bearer(app.Tokens.For(Utrecht, Roles.Medewerker)));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(Registratie(Bsn()));
            await call.RequestStream.CompleteAsync();
            await call;
        });

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
