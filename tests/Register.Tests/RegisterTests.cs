using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Npgsql;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

[Collection(nameof(RegisterCollection))]
public sealed class RegisterTests(RegisterApp app)
{
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    private string Token(string regio) => app.Tokens.For(regio, Roles.RegisterClient);

    [Fact]
    public async Task Zoek_ByAnotherRegio_DisclosesOnlyRegioSindsOpenAndContactpunt()
    {
        var bsn = Bsn();
        var registratie = Registratie(bsn, Bsn());
        var registered = await _client.RegistreerBetrokkenheidAsync(registratie, Auth.Bearer(Token(Utrecht)));

        var answer = await _client.ZoekBetrokkenheidAsync(
            new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Veiligheidsbeoordeling }, Auth.Bearer(Token(Haaglanden)));

        Assert.True(answer.Bekend);
        var bekend = Assert.Single(answer.BekendIn);
        Assert.Equal(Regio.Utrecht, bekend.Regio);
        Assert.Equal(registratie.Startdatum, bekend.Sinds);
        Assert.True(bekend.Open);
        Assert.Equal("Veilig Thuis Utrecht, 0800-2000", bekend.Contactpunt);
        var serialized = JsonFormatter.Default.Format(answer) + Convert.ToBase64String(answer.ToByteArray()) + answer;
        Assert.DoesNotContain(registratie.CasusReferentie, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain("Testpersoon", serialized, StringComparison.Ordinal);
        Assert.DoesNotContain("Annabel", serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(registered.BetrokkenheidId, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(registered.Personen[0].PersoonId, serialized, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registreer_PersonKnownInAnotherRegio_ReturnsEldersBekendWithoutOwnRegio()
    {
        var bsn = Bsn();
        var inUtrecht = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));

        var inHaaglanden = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Haaglanden)));

        Assert.Empty(inUtrecht.Personen[0].EldersBekend);
        var persoon = Assert.Single(inHaaglanden.Personen);
        Assert.Equal(inUtrecht.Personen[0].PersoonId, persoon.PersoonId);
        var elders = Assert.Single(persoon.EldersBekend);
        Assert.Equal(Regio.Utrecht, elders.Regio);
        Assert.True(elders.Open);
        var again = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Haaglanden)));
        Assert.Equal(Regio.Utrecht, Assert.Single(again.Personen[0].EldersBekend).Regio);
    }

    [Fact]
    public async Task Registreer_StoresTheBsnNowhereInClear()
    {
        var bsns = new[] { Bsn(), Bsn() };
        await _client.RegistreerBetrokkenheidAsync(Registratie(bsns), Auth.Bearer(Token(Utrecht)));
        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsns[0], Doel = Doel.Onderzoek },
            Auth.Bearer(Token(Haaglanden)));

        var tables = await app.AdminQueryAsync(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
        Assert.Contains(tables, t => (string)t[0]! == "persoon");
        var dump = new StringBuilder();
        foreach (var table in tables.Select(t => (string)t[0]!))
        {
            foreach (var row in await app.AdminQueryAsync($"SELECT row_to_json(t)::text FROM \"{table}\" t"))
            {
                dump.AppendLine((string)row[0]!);
            }
        }

        var text = dump.ToString();
        Assert.Contains(await app.AdminScalarAsync<string>("SELECT persoon_id::text FROM persoon LIMIT 1"), text, StringComparison.Ordinal);
        foreach (var bsn in bsns)
        {
            Assert.DoesNotContain(bsn, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.ASCII.GetBytes(bsn)), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(bsn))), text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Testpersoon", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Annabel", text, StringComparison.Ordinal);
        var keyed = Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(RegisterApp.KeyA), Encoding.ASCII.GetBytes(bsns[0])));
        Assert.Contains(keyed, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCall_WritesAnAccessLogEntry()
    {
        var utrecht = Token(Utrecht);
        var haaglanden = Token(Haaglanden);
        var bsn = Bsn();

        var registered = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn, Bsn()), Auth.Bearer(utrecht));
        Assert.Equal(2L, await CountAsync(utrecht, Handeling.Registratie, Uitkomst.Geregistreerd));

        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Veiligheidsbeoordeling }, Auth.Bearer(haaglanden));
        Assert.Equal(1L, await CountAsync(haaglanden, Handeling.Zoekvraag, Uitkomst.Gevonden, eigenaar: Utrecht));

        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = Bsn(), Doel = Doel.Onderzoek }, Auth.Bearer(haaglanden));
        Assert.Equal(1L, await CountAsync(haaglanden, Handeling.Zoekvraag, Uitkomst.NietGevonden, eigenaar: Haaglanden));

        var einde = new BeeindigBetrokkenheidRequest { BetrokkenheidId = registered.BetrokkenheidId, Einddatum = new Google.Type.Date { Year = 2025, Month = 6, Day = 1 } };
        await Assert.ThrowsAsync<RpcException>(() => _client.BeeindigBetrokkenheidAsync(einde, Auth.Bearer(haaglanden)).ResponseAsync);
        Assert.Equal(1L, await CountAsync(haaglanden, Handeling.Beeindiging, Uitkomst.Geweigerd, eigenaar: Utrecht));

        await _client.BeeindigBetrokkenheidAsync(einde, Auth.Bearer(utrecht));
        Assert.Equal(1L, await CountAsync(utrecht, Handeling.Beeindiging, Uitkomst.Beeindigd));

        var medewerker = app.Tokens.For(Utrecht, Roles.Medewerker);
        await Assert.ThrowsAsync<RpcException>(() => _client.ZoekBetrokkenheidAsync(
            new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Onderzoek }, Auth.Bearer(medewerker)).ResponseAsync);
        Assert.Equal(1L, await CountAsync(medewerker, Handeling.Zoekvraag, Uitkomst.Geweigerd));

        // Utrecht reads who touched its records: Haaglanden's search and refused ending among them.
        var log = await _client.GetToegangslogAsync(new GetToegangslogRequest { Page = new PageRequest { PageSize = 500 } }, Auth.Bearer(utrecht));
        Assert.Contains(log.Regels, r => r.Wie == Subject(haaglanden) && r.Regio == Regio.Haaglanden &&
            r.Handeling == Handeling.Zoekvraag && r.Uitkomst == Uitkomst.Gevonden && r.Doel == Doel.Veiligheidsbeoordeling &&
            r.PersoonId == registered.Personen[0].PersoonId && r.Rol == Roles.RegisterClient);
        Assert.Contains(log.Regels, r => r.Wie == Subject(haaglanden) && r.Uitkomst == Uitkomst.Geweigerd &&
            r.BetrokkenheidId == registered.BetrokkenheidId);
        Assert.DoesNotContain(log.Regels, r => r.Uitkomst == Uitkomst.NietGevonden && r.Wie == Subject(haaglanden));
        Assert.Equal(1L, await CountAsync(utrecht, Handeling.Inzage, Uitkomst.Gevonden));
    }

    [Fact]
    public async Task Toegangslog_UpdateAndDelete_AreRefusedEvenForTheOwner()
    {
        await _client.RegistreerBetrokkenheidAsync(Registratie(Bsn()), Auth.Bearer(Token(Utrecht)));

        var update = await Assert.ThrowsAsync<PostgresException>(() => app.AdminQueryAsync("UPDATE toegangslog SET wie = 'x'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => app.AdminQueryAsync("DELETE FROM toegangslog"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => app.AdminQueryAsync("TRUNCATE toegangslog"));

        Assert.All([update, delete, truncate], e => Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal));
        Assert.True(await app.AdminScalarAsync<long>("SELECT count(*) FROM toegangslog") > 0);
    }

    [Fact]
    public async Task Beeindig_OnlyTheOwningRegio_AndThenSearchesShowClosed()
    {
        var bsn = Bsn();
        var registered = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));
        var einde = new BeeindigBetrokkenheidRequest { BetrokkenheidId = registered.BetrokkenheidId, Einddatum = new Google.Type.Date { Year = 2025, Month = 9, Day = 30 } };

        var other = await Assert.ThrowsAsync<RpcException>(() => _client.BeeindigBetrokkenheidAsync(einde, Auth.Bearer(Token(Haaglanden))).ResponseAsync);
        var absent = await Assert.ThrowsAsync<RpcException>(() => _client.BeeindigBetrokkenheidAsync(
            new BeeindigBetrokkenheidRequest { BetrokkenheidId = Guid.NewGuid().ToString(), Einddatum = einde.Einddatum }, Auth.Bearer(Token(Haaglanden))).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, other.StatusCode);
        Assert.Equal(StatusCode.NotFound, absent.StatusCode);
        Assert.True(await SearchOpenAsync(bsn));

        var ended = await _client.BeeindigBetrokkenheidAsync(einde, Auth.Bearer(Token(Utrecht)));

        Assert.Equal(einde.Einddatum, ended.Einddatum);
        Assert.False(await SearchOpenAsync(bsn));
        var again = await Assert.ThrowsAsync<RpcException>(() => _client.BeeindigBetrokkenheidAsync(einde, Auth.Bearer(Token(Utrecht))).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task EveryRpc_WithAMedewerkerToken_IsPermissionDenied()
    {
        var token = Auth.Bearer(app.Tokens.For(Utrecht, Roles.Medewerker));
        var calls = new Func<Task>[]
        {
            () => _client.RegistreerBetrokkenheidAsync(Registratie(Bsn()), token).ResponseAsync,
            () => _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = Bsn(), Doel = Doel.Onderzoek }, token).ResponseAsync,
            () => _client.BeeindigBetrokkenheidAsync(new BeeindigBetrokkenheidRequest { BetrokkenheidId = Guid.NewGuid().ToString() }, token).ResponseAsync,
            () => _client.GetToegangslogAsync(new GetToegangslogRequest(), token).ResponseAsync,
            () => _client.ListMatchbeoordelingenAsync(new ListMatchbeoordelingenRequest(), token).ResponseAsync,
            () => _client.BeslisMatchbeoordelingAsync(new BeslisMatchbeoordelingRequest(), token).ResponseAsync,
            async () =>
            {
                using var watch = _client.WatchSignalen(new WatchSignalenRequest(), token);
                await watch.ResponseStream.MoveNext();
            },
        };

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        }
    }

    [Fact]
    public async Task Registreer_BsnFailingTheElfproef_ReturnsInvalidArgumentNamingThePerson()
    {
        var valid = Bsn();
        var wrong = valid[..8] + (char)('0' + ((valid[8] - '0' + 1) % 10));
        var request = Registratie(wrong, valid, valid);
        request.Personen.Add(new PersoonIdentiteit { Achternaam = new string('x', 201) });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.RegistreerBetrokkenheidAsync(request, Auth.Bearer(Token(Utrecht))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        // Without a BSN a person needs what probabilistic matching needs (ADR 0017).
        Assert.Equal(["personen[0].bsn", "personen[2].bsn", "personen[3].achternaam", "personen[3].geboortedatum", "personen[3].voornamen"],
            violations.Select(v => v.Field).Order());
        Assert.DoesNotContain(violations, v => v.Description.Contains(wrong, StringComparison.Ordinal));
        Assert.DoesNotContain(wrong, error.Status.Detail, StringComparison.Ordinal);

        var zoeker = Token(Utrecht);
        var zoek = await Assert.ThrowsAsync<RpcException>(() => _client.ZoekBetrokkenheidAsync(
            new ZoekBetrokkenheidRequest { Bsn = "12345678" }, Auth.Bearer(zoeker)).ResponseAsync);
        Assert.Equal(["bsn", "doel"], zoek.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order());
        Assert.Equal(1L, await CountAsync(zoeker, Handeling.Zoekvraag, Uitkomst.Geweigerd));
    }

    [Fact]
    public async Task Registreer_SameRequestIdTwice_RegistersOnce()
    {
        var request = Registratie(Bsn(), Bsn());
        var token = Auth.Bearer(Token(Utrecht));

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _client.RegistreerBetrokkenheidAsync(request, token).ResponseAsync));

        Assert.Single(results.Select(r => r.BetrokkenheidId).Distinct());
        Assert.All(results, r => Assert.Equal(results[0].Personen, r.Personen));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM betrokkenheid WHERE request_id = $1", Guid.Parse(request.RequestId)));
        Assert.Equal(2L, await app.AdminScalarAsync<long>("SELECT count(*) FROM betrokkenheid_persoon WHERE betrokkenheid_id = $1", Guid.Parse(results[0].BetrokkenheidId)));
    }

    [Fact]
    public async Task KeyRotation_PersonHashedWithTheOldKey_IsStillFound()
    {
        var bsn = Bsn();
        var registered = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));
        await using var rotated = new RotatedRegisterApp(app.ConnectionString);
        await rotated.InitializeAsync();
        var client = new V1.Register.RegisterClient(rotated.CreateGrpcChannel());
        var token = Auth.Bearer(rotated.Tokens.For(Haaglanden, Roles.RegisterClient));

        var answer = await client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Onderzoek }, token);

        Assert.Equal(Regio.Utrecht, Assert.Single(answer.BekendIn).Regio);
        var persoonId = Guid.Parse(registered.Personen[0].PersoonId);
        Assert.Equal("a", await app.AdminScalarAsync<string>("SELECT key_id FROM persoon WHERE persoon_id = $1", persoonId));

        // A registration under the new key moves the person to it; the old key can then be retired.
        var again = await client.RegistreerBetrokkenheidAsync(Registratie(bsn), token);
        Assert.Equal(registered.Personen[0].PersoonId, again.Personen[0].PersoonId);
        Assert.Equal("b", await app.AdminScalarAsync<string>("SELECT key_id FROM persoon WHERE persoon_id = $1", persoonId));
    }

    private async Task<bool> SearchOpenAsync(string bsn)
    {
        var answer = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Monitoring }, Auth.Bearer(Token(Haaglanden)));
        return Assert.Single(answer.BekendIn).Open;
    }

    private Task<long> CountAsync(string token, Handeling handeling, Uitkomst uitkomst, string? eigenaar = null) =>
        app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE wie = $1 AND handeling = $2 AND uitkomst = $3 AND ($4 = '' OR eigenaar_regio = $4)",
            Subject(token), (int)handeling, (int)uitkomst, eigenaar ?? "");
}
