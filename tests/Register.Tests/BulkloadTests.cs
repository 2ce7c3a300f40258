using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.Betrokkenheden;
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
    public async Task LaadBetrokkenheden_OverSeveralChunks_LinksPersonsAcrossMessages_AndARepeatedCallAnswersTheSame()
    {
        var token = app.Tokens.For("vt-zuid-holland-zuid", Roles.RegisterClient);
        var gedeeld = Bsn();
        var achternaam = "Kuipersma" + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);
        PersoonIdentiteit ZonderBsn() => new()
        {
            Voornamen = "Wietske", Achternaam = achternaam, Geboortedatum = new Google.Type.Date { Year = 1981, Month = 5, Day = 17 },
            Geslacht = Geslacht.Vrouw,
        };

        // More messages than one chunk: the BSN and the person without one recur in the first chunk and after it.
        var messages = Enumerable.Range(0, RegisterService.LaadChunk + 20).Select(_ => Registratie(Bsn(), Bsn())).ToArray();
        foreach (var i in new[] { 3, 7, RegisterService.LaadChunk + 5 })
        {
            messages[i].Personen.Add(new PersoonIdentiteit(messages[i].Personen[0]) { Bsn = gedeeld, Voornamen = "Gedeeld" });
            messages[i].Personen.Add(ZonderBsn());
            messages[i].Adres = new Adres { Postcode = "7511AB", Huisnummer = 9 };
        }

        var eerste = await LaadAsync(token, messages);
        var tweede = await LaadAsync(token, messages);

        Assert.Equal(messages.Length, eerste.Geregistreerd);
        Assert.Equal(0, eerste.Ongeldig);
        var gedeeldeIds = new[] { 3, 7, RegisterService.LaadChunk + 5 }.Select(i => eerste.Resultaten[i].Registratie.Personen[2]).ToList();
        Assert.Single(gedeeldeIds.Select(p => p.PersoonId).Distinct());
        Assert.Equal([MatchUitkomst.Geen, MatchUitkomst.Zeker, MatchUitkomst.Zeker], gedeeldeIds.Select(p => p.Match));
        var zonderBsnIds = new[] { 3, 7, RegisterService.LaadChunk + 5 }.Select(i => eerste.Resultaten[i].Registratie.Personen[3]).ToList();
        Assert.Single(zonderBsnIds.Select(p => p.PersoonId).Distinct());
        Assert.Equal([MatchUitkomst.Geen, MatchUitkomst.Zeker, MatchUitkomst.Zeker], zonderBsnIds.Select(p => p.Match));

        // The repeat is idempotent: the same betrokkenheden and persons, nothing new stored, and every call logged.
        Assert.Equal(eerste.Resultaten.Select(r => r.Registratie.ToString()), tweede.Resultaten.Select(r => r.Registratie.ToString()));
        var personen = messages.Sum(m => m.Personen.Count);
        Assert.Equal(2L * personen, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE wie = $1 AND handeling = $2 AND uitkomst = $3",
            Subject(token), (int)Handeling.Registratie, (int)Uitkomst.Geregistreerd));
        Assert.Equal((long)messages.Length, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM betrokkenheid WHERE regio = 'vt-zuid-holland-zuid' AND geregistreerd_door = $1", Subject(token)));
        Assert.Equal((long)personen - 4, await app.AdminScalarAsync<long>("""
            SELECT count(DISTINCT bp.persoon_id) FROM betrokkenheid_persoon bp JOIN betrokkenheid b USING (betrokkenheid_id)
            WHERE b.geregistreerd_door = $1
            """, Subject(token)));
        Assert.Equal((long)messages.Length, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE topic = 'register.betrokkenheid-geregistreerd.v1' AND regio = 'vt-zuid-holland-zuid'"));
    }

    [Fact]
    public async Task LaadBetrokkenheden_WithAConcurrentRegistrationOfTheSameBsn_LinksBothToOnePersonKnownInBothRegios()
    {
        var laden = app.Tokens.For("vt-rotterdam-rijnmond", Roles.RegisterClient);
        var elders = app.Tokens.For(Haaglanden, Roles.RegisterClient);
        var bsns = Enumerable.Range(0, 3 * RegisterService.LaadChunk).Select(_ => Bsn()).ToArray();
        var messages = bsns.Select(b => Registratie(b)).ToArray();

        // The normal registrations run while the bulk load writes the same BSNs, one chunk after another.
        var bulk = LaadAsync(laden, messages);
        var gewoon = Task.Run(async () =>
        {
            var ids = new List<string>();
            foreach (var bsn in bsns.Where((_, i) => i % 100 == 50))
            {
                ids.Add((await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(elders))).Personen[0].PersoonId);
            }

            return ids;
        });
        var response = await bulk;
        var gewoonIds = await gewoon;

        Assert.Equal(messages.Length, response.Geregistreerd);
        Assert.Equal(response.Resultaten.Where((_, i) => i % 100 == 50).Select(r => r.Registratie.Personen[0].PersoonId), gewoonIds);
        var zoek = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsns[50], Doel = Doel.Onderzoek },
            Auth.Bearer(elders));
        Assert.Equal([Regio.Haaglanden, Regio.RotterdamRijnmond], zoek.BekendIn.Select(b => b.Regio).Order());
    }

    [Fact]
    public async Task LaadBetrokkenheden_AFamilyInTwoChunks_JoinsOneHousehold_AsSingleRegistrationsWould()
    {
        var token = app.Tokens.For("vt-west-brabant", Roles.RegisterClient);
        var (moeder, kind) = (Bsn(), Bsn());
        RegistreerBetrokkenheidRequest Gezin()
        {
            var gezin = Registratie(moeder, kind);
            gezin.Adres = new Adres { Postcode = "4811XJ", Huisnummer = 12 };
            return gezin;
        }

        // The family in the first chunk, the child alone later in it, the family again in the second chunk.
        var messages = Enumerable.Range(0, RegisterService.LaadChunk + 10).Select(_ => Registratie(Bsn())).ToArray();
        messages[2] = Gezin();
        messages[40] = Registratie(kind);
        messages[RegisterService.LaadChunk + 3] = Gezin();

        var response = await LaadAsync(token, messages);

        Assert.Equal(messages.Length, response.Geregistreerd);
        var eerste = response.Resultaten[2].Registratie;
        Assert.Equal(MatchUitkomst.Geen, eerste.HuishoudenMatch);
        foreach (var later in new[] { response.Resultaten[40].Registratie, response.Resultaten[RegisterService.LaadChunk + 3].Registratie })
        {
            Assert.Equal(MatchUitkomst.Zeker, later.HuishoudenMatch);
            Assert.Equal(eerste.HuishoudenId, later.HuishoudenId);
        }

        // Every other registration has a household of its own, stored as answered.
        Assert.Equal(messages.Length - 2, response.Resultaten.Select(r => r.Registratie.HuishoudenId).Distinct().Count());
        Assert.Equal(3L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM betrokkenheid WHERE huishouden_id = $1::uuid AND regio = 'vt-west-brabant'", eerste.HuishoudenId));

        // A single registration of the family afterwards meets the household the load made.
        var los = await _client.RegistreerBetrokkenheidAsync(Gezin(), Auth.Bearer(token));
        Assert.Equal(MatchUitkomst.Zeker, los.HuishoudenMatch);
        Assert.Equal(eerste.HuishoudenId, los.HuishoudenId);
    }

    [Fact]
    public async Task LaadBetrokkenheden_OverTwoChunks_AnswersAndStoresAsRegistrationsOneByOne()
    {
        // The same stream twice, with persons of their own, so neither run meets the other's: once as a load,
        // once as single registrations. Answers and stored rows must have the same shape.
        var (laden, los) = (app.Tokens.For("vt-amsterdam-amstelland", Roles.RegisterClient),
            app.Tokens.For("vt-zaanstreek-waterland", Roles.RegisterClient));
        var geladen = await LaadAsync(laden, Stroom());
        var eenVoorEen = new List<RegistreerBetrokkenheidResponse>();
        foreach (var message in Stroom())
        {
            eenVoorEen.Add(await _client.RegistreerBetrokkenheidAsync(message, Auth.Bearer(los)));
        }

        Assert.Equal(Vorm(eenVoorEen), Vorm([.. geladen.Resultaten.Select(r => r.Registratie)]));
        Assert.Contains(eenVoorEen, r => r.HuishoudenMatch == MatchUitkomst.Zeker);
        Assert.Contains(eenVoorEen, r => r.Personen.Any(p => p.Match == MatchUitkomst.Zeker && p.EldersBekend.Count == 0));
        Assert.Equal(await OpgeslagenAsync(los), await OpgeslagenAsync(laden));
    }

    /// <summary>
    /// A stream over two chunks: five families recurring every 50 messages (two BSN persons at one address), a person
    /// without a BSN joining a parent of them, and single persons between.
    /// </summary>
    private static List<RegistreerBetrokkenheidRequest> Stroom()
    {
        // Wholly random names and birthdays, so no person of one run is similar to a person of the other.
        var achternaam = new string([.. Enumerable.Range(0, 10).Select(i => (char)((i == 0 ? 'A' : 'a') + Random.Shared.Next(26)))]);
        var (maand, dag) = (Random.Shared.Next(1, 13), Random.Shared.Next(1, 29));
        var ouders = Enumerable.Range(0, 5).Select(_ => Bsn()).ToArray();
        var kinderen = Enumerable.Range(0, 5).Select(_ => Bsn()).ToArray();
        PersoonIdentiteit Persoon(string voornaam, string bsn, int jaar) => new()
        {
            Voornamen = voornaam, Achternaam = achternaam, Geboortedatum = new Google.Type.Date { Year = jaar, Month = maand, Day = dag },
            Geslacht = Geslacht.Vrouw, Bsn = bsn,
        };

        return [.. Enumerable.Range(0, RegisterService.LaadChunk + 20).Select(k =>
        {
            var f = k / 10 % 5;
            var message = k % 10 is 0 or 3 ? Registratie() : Registratie(Bsn());
            if (k % 10 == 0)
            {
                message.Personen.Add([Persoon("Moeder" + f, ouders[f], 1980 + f), Persoon("Kind" + f, kinderen[f], 2010 + f)]);
                message.Adres = new Adres { Postcode = "1011AB", Huisnummer = 10 + f };
            }
            else if (k % 10 == 3)
            {
                message.Personen.Add([Persoon("Moeder" + f, ouders[f], 1980 + f), Persoon("Zonder" + f, "", 2015 + f)]);
            }

            return message;
        })];
    }

    /// <summary>Outcomes per message, and ids as the index of the message and person where each first appeared.</summary>
    private static List<string> Vorm(IReadOnlyList<RegistreerBetrokkenheidResponse> antwoorden)
    {
        var eerst = new Dictionary<string, string>();
        string Label(string id, string waar) => eerst.TryAdd(id, waar) ? waar : eerst[id];
        return [.. antwoorden.Select((a, i) => string.Join(" ",
            a.Personen.Select((p, j) => $"{Label(p.PersoonId, $"p{i}.{j}")}:{p.Match}:{p.EldersBekend.Count}:{p.MatchbeoordelingIds.Count}")
                .Append($"h:{Label(a.HuishoudenId, $"h{i}")}:{a.HuishoudenMatch}")))];
    }

    /// <summary>The caller's access log, registrations and events, counted by kind.</summary>
    private async Task<List<string>> OpgeslagenAsync(string token)
    {
        var regels = await app.AdminQueryAsync("""
            SELECT 'log', handeling, uitkomst, rol, (eigenaar_regio = regio)::text, count(*) FROM toegangslog WHERE wie = $1
            GROUP BY 2, 3, 4, 5
            UNION ALL
            SELECT 'betrokkenheid', huishouden_match, 0, (adres_hmac IS NULL)::text, '', count(*) FROM betrokkenheid
            WHERE geregistreerd_door = $1 GROUP BY 2, 4
            UNION ALL
            SELECT 'outbox', 0, 0, o.topic, '', count(*) FROM outbox o JOIN betrokkenheid b ON o.subject = b.betrokkenheid_id::text
            WHERE b.geregistreerd_door = $1 GROUP BY 4
            UNION ALL
            SELECT 'huishoudens', 0, 0, '', '', count(DISTINCT huishouden_id) FROM betrokkenheid WHERE geregistreerd_door = $1
            """, Subject(token));
        return [.. regels.Select(r => string.Join("|", r)).Order(StringComparer.Ordinal)];
    }

    private async Task<LaadBetrokkenhedenResponse> LaadAsync(string token, IEnumerable<RegistreerBetrokkenheidRequest> messages)
    {
        using var call = _client.LaadBetrokkenheden(Auth.Bearer(token));
        foreach (var message in messages)
        {
            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
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
