using System.Text;
using Google.Rpc;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

/// <summary>Probabilistic matching through the API and the review queue of mogelijk matches (ADR 0017).</summary>
[Collection(nameof(RegisterCollection))]
public sealed class MatchingTests(RegisterApp app)
{
    private const string Zeeland = "vt-zeeland";
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio, Roles.RegisterClient));

    /// <summary>A surname no other test uses (letters only: digits do not survive normalisation).</summary>
    private static string UniekeAchternaam() =>
        "Vermeulen" + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);

    private static Google.Type.Date Datum(int jaar, int maand, int dag) => new() { Year = jaar, Month = maand, Day = dag };

    private static PersoonIdentiteit Persoon(string voornamen, string achternaam, Google.Type.Date geboortedatum,
        Geslacht geslacht = Geslacht.Vrouw, string tussenvoegsel = "") => new()
    {
        Voornamen = voornamen,
        Tussenvoegsel = tussenvoegsel,
        Achternaam = achternaam,
        Geboortedatum = geboortedatum,
        Geslacht = geslacht,
    };

    private static RegistreerBetrokkenheidRequest Registratie(Adres? adres, params PersoonIdentiteit[] personen)
    {
        var request = TestData.Registratie();
        request.Personen.Add(personen);
        request.Adres = adres;
        return request;
    }

    [Fact]
    public async Task Registreer_WithoutBsn_VariantInAnotherRegio_IsZekerTheSamePerson_AndNoNameIsStored()
    {
        var achternaam = UniekeAchternaam();
        var eerste = await _client.RegistreerBetrokkenheidAsync(
            Registratie(new Adres { Postcode = "3511 ab", Huisnummer = 12 },
                Persoon("Maartje Johanna", achternaam, Datum(1990, 4, 9), tussenvoegsel: "van der")),
            As(Utrecht));

        // Diacritics, the tussenvoegsel inside the surname, a swapped day and month, a move.
        var tweede = await _client.RegistreerBetrokkenheidAsync(
            Registratie(new Adres { Postcode = "2511CV", Huisnummer = 1 },
                Persoon("Maártje", "Van der " + achternaam.ToUpperInvariant(), Datum(1990, 9, 4))),
            As(Haaglanden));

        Assert.Equal(MatchUitkomst.Geen, eerste.Personen[0].Match);
        var persoon = Assert.Single(tweede.Personen);
        Assert.Equal(MatchUitkomst.Zeker, persoon.Match);
        Assert.Equal(eerste.Personen[0].PersoonId, persoon.PersoonId);
        Assert.Equal(Regio.Utrecht, Assert.Single(persoon.EldersBekend).Regio);
        Assert.Empty(persoon.MatchbeoordelingIds);

        var dump = new StringBuilder();
        foreach (var table in new[] { "persoon", "persoon_kenmerk", "persoon_blok", "matchbeoordeling", "toegangslog" })
        {
            foreach (var row in await app.AdminQueryAsync($"SELECT row_to_json(t)::text FROM \"{table}\" t"))
            {
                dump.AppendLine((string)row[0]!);
            }
        }

        var text = dump.ToString().ToUpperInvariant();
        Assert.DoesNotContain(achternaam.ToUpperInvariant(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(achternaam.ToLowerInvariant())), text, StringComparison.Ordinal);
        Assert.DoesNotContain("MAARTJE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("3511AB", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1990-04-09", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registreer_Twin_IsMogelijkNotZeker_AndTheOwnRegioDecidesAnderePersoon()
    {
        var achternaam = UniekeAchternaam();
        var adres = new Adres { Postcode = "4331AA", Huisnummer = 7 };
        var lisa = await _client.RegistreerBetrokkenheidAsync(Registratie(adres, Persoon("Lisa", achternaam, Datum(2015, 3, 21))),
            As(Zeeland));

        var lotte = await _client.RegistreerBetrokkenheidAsync(Registratie(adres, Persoon("Lotte", achternaam, Datum(2015, 3, 21))),
            As(Zeeland));

        var persoon = Assert.Single(lotte.Personen);
        Assert.Equal(MatchUitkomst.Mogelijk, persoon.Match);
        Assert.NotEqual(lisa.Personen[0].PersoonId, persoon.PersoonId);
        var id = Assert.Single(persoon.MatchbeoordelingIds);

        var open = await OpenAsync(Zeeland);
        var item = Assert.Single(open, m => m.MatchbeoordelingId == id);
        Assert.Equal(persoon.PersoonId, item.PersoonId);
        Assert.Equal(lotte.BetrokkenheidId, item.BetrokkenheidId);
        Assert.Equal(MatchbeoordelingStatus.Open, item.Status);
        Assert.Equal(Veldovereenkomst.Verschillend, item.Velden.Single(v => v.Veld == MatchVeld.Voornaam).Overeenkomst);
        Assert.Equal(Veldovereenkomst.Gelijk, item.Velden.Single(v => v.Veld == MatchVeld.Adres).Overeenkomst);
        Assert.DoesNotContain(lisa.Personen[0].PersoonId, item.ToString(), StringComparison.Ordinal);

        var besluit = await _client.BeslisMatchbeoordelingAsync(
            new BeslisMatchbeoordelingRequest { MatchbeoordelingId = id, Besluit = MatchbeoordelingStatus.AnderePersoon }, As(Zeeland));

        Assert.Equal(MatchbeoordelingStatus.AnderePersoon, besluit.Status);
        Assert.Equal(persoon.PersoonId, besluit.ResultaatPersoonId);
        Assert.NotNull(besluit.BeslotenAt);
        Assert.DoesNotContain(await OpenAsync(Zeeland), m => m.MatchbeoordelingId == id);
        var again = await Assert.ThrowsAsync<RpcException>(() => _client.BeslisMatchbeoordelingAsync(
            new BeslisMatchbeoordelingRequest { MatchbeoordelingId = id, Besluit = MatchbeoordelingStatus.ZelfdePersoon }, As(Zeeland)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Equal(1L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE handeling = $1 AND uitkomst = $2 AND persoon_id = $3",
            (int)Handeling.Matchbeoordeling, (int)Uitkomst.AnderePersoon, Guid.Parse(persoon.PersoonId)));
    }

    [Fact]
    public async Task Registreer_KnownTwinAndHerUnknownTwinWithASimilarName_LinksOnlyTheKnownOne()
    {
        var achternaam = UniekeAchternaam();
        var adres = new Adres { Postcode = "7511AA", Huisnummer = 9 };
        var lisa = await _client.RegistreerBetrokkenheidAsync(Registratie(adres, Persoon("Lisa", achternaam, Datum(2016, 5, 30))), As(Utrecht));

        // Lise comes first in the request and is one letter from Lisa: alone she would be taken for her.
        var beide = await _client.RegistreerBetrokkenheidAsync(
            Registratie(adres, Persoon("Lise", achternaam, Datum(2016, 5, 30)), Persoon("Lisa", achternaam, Datum(2016, 5, 30))),
            As(Haaglanden));

        Assert.Equal(lisa.Personen[0].PersoonId, beide.Personen[1].PersoonId);
        Assert.Equal(MatchUitkomst.Zeker, beide.Personen[1].Match);
        Assert.NotEqual(lisa.Personen[0].PersoonId, beide.Personen[0].PersoonId);
        Assert.Empty(beide.Personen[0].EldersBekend);
    }

    [Fact]
    public async Task Beslis_ZelfdePersoon_LinksBothRegios_SignalsTheOwner_AndSearchesFindBoth()
    {
        var achternaam = UniekeAchternaam();
        var inUtrecht = await _client.RegistreerBetrokkenheidAsync(
            Registratie(new Adres { Postcode = "3512JE", Huisnummer = 40 }, Persoon("Pieter", achternaam, Datum(1979, 12, 30), Geslacht.Man, "van")),
            As(Utrecht));

        // "Jansen, P. van": only an initial, so at best mogelijk.
        var inHaaglanden = await _client.RegistreerBetrokkenheidAsync(
            Registratie(new Adres { Postcode = "3512JE", Huisnummer = 40 }, Persoon("", $"{achternaam}, P. van", Datum(1979, 12, 30), Geslacht.Man)),
            As(Haaglanden));

        var persoon = Assert.Single(inHaaglanden.Personen);
        Assert.Equal(MatchUitkomst.Mogelijk, persoon.Match);
        Assert.Empty(persoon.EldersBekend);
        var utrechtPersoon = Guid.Parse(inUtrecht.Personen[0].PersoonId);
        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM signaal WHERE persoon_id = $1", utrechtPersoon));

        var besluit = await _client.BeslisMatchbeoordelingAsync(new BeslisMatchbeoordelingRequest
        {
            MatchbeoordelingId = Assert.Single(persoon.MatchbeoordelingIds),
            Besluit = MatchbeoordelingStatus.ZelfdePersoon,
        }, As(Haaglanden));

        Assert.Equal(MatchbeoordelingStatus.ZelfdePersoon, besluit.Status);
        Assert.Equal(inUtrecht.Personen[0].PersoonId, besluit.ResultaatPersoonId);
        Assert.Equal(Regio.Utrecht, Assert.Single(besluit.EldersBekend).Regio);
        Assert.Equal(Utrecht, Assert.Single(await app.AdminQueryAsync(
            "SELECT ontvangende_regio FROM signaal WHERE persoon_id = $1", utrechtPersoon))[0]);

        var zoek = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
        {
            Doel = Doel.Veiligheidsbeoordeling,
            Persoon = Persoon("Pieter", "van " + achternaam, Datum(1979, 12, 30), Geslacht.Man),
            Adres = new Adres { Postcode = "3512 je", Huisnummer = 40 },
        }, As(Zeeland));
        Assert.Equal(MatchUitkomst.Zeker, zoek.Match);
        Assert.Equal([Regio.Haaglanden, Regio.Utrecht], zoek.BekendIn.Select(b => b.Regio).Order());
    }

    [Fact]
    public async Task Zoek_ByPersoon_MogelijkDisclosesNothing_GeenIsNotKnown()
    {
        var achternaam = UniekeAchternaam();
        var fatima = await _client.RegistreerBetrokkenheidAsync(
            Registratie(new Adres { Postcode = "1012AB", Huisnummer = 3 }, Persoon("Fatima", achternaam, Datum(2001, 6, 15))),
            As(Utrecht));

        var mogelijk = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
        {
            Doel = Doel.Onderzoek,
            Persoon = Persoon("F.", achternaam, Datum(2001, 6, 15)),
            Adres = new Adres { Postcode = "1012AB", Huisnummer = 3 },
        }, As(Haaglanden));
        var geen = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
        {
            Doel = Doel.Onderzoek,
            Persoon = Persoon("Fatima", UniekeAchternaam(), Datum(1960, 1, 1)),
        }, As(Haaglanden));

        Assert.Equal(MatchUitkomst.Mogelijk, mogelijk.Match);
        Assert.False(mogelijk.Bekend);
        Assert.Empty(mogelijk.BekendIn);
        // The owner sees in its access log that a search may have been about its person.
        Assert.Equal(1L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE regio = $1 AND eigenaar_regio = $2 AND handeling = $3 AND uitkomst = $4 AND persoon_id = $5",
            Haaglanden, Utrecht, (int)Handeling.Zoekvraag, (int)Uitkomst.Mogelijk, Guid.Parse(fatima.Personen[0].PersoonId)));
        Assert.Equal(MatchUitkomst.Geen, geen.Match);
        Assert.False(geen.Bekend);
    }

    [Fact]
    public async Task Matchbeoordeling_OfAnotherRegio_IsNotFoundAndNotListed_AndTheAttemptIsLogged()
    {
        var achternaam = UniekeAchternaam();
        await _client.RegistreerBetrokkenheidAsync(Registratie(null, Persoon("Daan", achternaam, Datum(2010, 1, 5), Geslacht.Man)), As(Utrecht));
        var tweede = await _client.RegistreerBetrokkenheidAsync(Registratie(null, Persoon("D.", achternaam, Datum(2010, 1, 5), Geslacht.Man)),
            As(Utrecht));
        var id = Assert.Single(tweede.Personen[0].MatchbeoordelingIds);
        var indringer = app.Tokens.For(Haaglanden, Roles.RegisterClient);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.BeslisMatchbeoordelingAsync(
            new BeslisMatchbeoordelingRequest { MatchbeoordelingId = id, Besluit = MatchbeoordelingStatus.ZelfdePersoon },
            Auth.Bearer(indringer)).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _client.BeslisMatchbeoordelingAsync(
            new BeslisMatchbeoordelingRequest { MatchbeoordelingId = Guid.NewGuid().ToString(), Besluit = MatchbeoordelingStatus.ZelfdePersoon },
            Auth.Bearer(indringer)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain(await OpenAsync(Haaglanden), m => m.MatchbeoordelingId == id);
        Assert.Contains(await OpenAsync(Utrecht), m => m.MatchbeoordelingId == id);
        Assert.Equal(1L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE wie = $1 AND handeling = $2 AND uitkomst = $3 AND eigenaar_regio = $4",
            Subject(indringer), (int)Handeling.Matchbeoordeling, (int)Uitkomst.Geweigerd, Utrecht));
    }

    [Fact]
    public async Task Registreer_WithoutBsnAndWithoutWhatMatchingNeeds_ReturnsInvalidArgumentPerField()
    {
        var request = Registratie(new Adres { Postcode = "0123 XY", Huisnummer = -1, HuisnummerToevoeging = new string('a', 11) },
            new PersoonIdentiteit { Achternaam = "van der", Geslacht = (Geslacht)42 },
            Persoon("Anna", UniekeAchternaam(), Datum(2999, 1, 1)));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.RegistreerBetrokkenheidAsync(request, As(Utrecht)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(
            ["adres.huisnummer", "adres.huisnummer_toevoeging", "adres.postcode", "personen[0].achternaam", "personen[0].geboortedatum",
             "personen[0].geslacht", "personen[0].voornamen", "personen[1].geboortedatum"],
            error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order());

        var beslis = await Assert.ThrowsAsync<RpcException>(() => _client.BeslisMatchbeoordelingAsync(
            new BeslisMatchbeoordelingRequest { MatchbeoordelingId = "x", Besluit = MatchbeoordelingStatus.Open }, As(Utrecht)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, beslis.StatusCode);
        Assert.Equal(["besluit", "matchbeoordeling_id"],
            beslis.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order());

        var zoek = await Assert.ThrowsAsync<RpcException>(() => _client.ZoekBetrokkenheidAsync(
            new ZoekBetrokkenheidRequest { Doel = Doel.Onderzoek, Persoon = new PersoonIdentiteit { Voornamen = "Anna", Bsn = Bsn() } },
            As(Utrecht)).ResponseAsync);
        Assert.Equal(["persoon.achternaam", "persoon.bsn", "persoon.geboortedatum"],
            zoek.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order());
    }

    [Fact]
    public async Task ListMatchbeoordelingen_PagesAndEveryListingIsLogged()
    {
        var token = app.Tokens.For("vt-drenthe", Roles.RegisterClient);
        var achternaam = UniekeAchternaam();
        await _client.RegistreerBetrokkenheidAsync(Registratie(null, Persoon("Emma", achternaam, Datum(2012, 8, 1))), Auth.Bearer(token));
        for (var i = 0; i < 3; i++)
        {
            await _client.RegistreerBetrokkenheidAsync(Registratie(null, Persoon("E.", achternaam, Datum(2012, 8, 1))), Auth.Bearer(token));
        }

        var first = await _client.ListMatchbeoordelingenAsync(new ListMatchbeoordelingenRequest { Page = new PageRequest { PageSize = 2 } },
            Auth.Bearer(token));
        var second = await _client.ListMatchbeoordelingenAsync(new ListMatchbeoordelingenRequest
        {
            Page = new PageRequest { PageSize = 2, PageToken = first.Page.NextPageToken },
        }, Auth.Bearer(token));

        Assert.Equal(2, first.Matchbeoordelingen.Count);
        Assert.NotEmpty(first.Page.NextPageToken);
        Assert.NotEmpty(second.Matchbeoordelingen);
        Assert.Empty(first.Matchbeoordelingen.Select(m => m.MatchbeoordelingId).Intersect(second.Matchbeoordelingen.Select(m => m.MatchbeoordelingId)));
        Assert.Equal(2L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE wie = $1 AND handeling = $2 AND uitkomst = $3",
            Subject(token), (int)Handeling.Matchbeoordeling, (int)Uitkomst.Gevonden));
    }

    private async Task<List<Matchbeoordeling>> OpenAsync(string regio)
    {
        var result = new List<Matchbeoordeling>();
        var token = "";
        do
        {
            var page = await _client.ListMatchbeoordelingenAsync(
                new ListMatchbeoordelingenRequest { Page = new PageRequest { PageSize = 100, PageToken = token } }, As(regio));
            result.AddRange(page.Matchbeoordelingen);
            token = page.Page.NextPageToken;
        }
        while (token.Length > 0);

        return result;
    }
}
