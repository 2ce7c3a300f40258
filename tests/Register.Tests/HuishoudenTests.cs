using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.Huishoudens;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

/// <summary>Households as units: a registration joins a register household when enough of its persons match (ADR 0022).</summary>
[Collection(nameof(RegisterCollection))]
public sealed class HuishoudenTests(RegisterApp app)
{
    private const string Flevoland = "vt-flevoland";
    private const string Twente = "vt-twente";
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio, Roles.RegisterClient));

    private static string UniekeAchternaam() =>
        "Huisman" + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);

    private static PersoonIdentiteit Persoon(string voornamen, string achternaam, int jaar, int maand, int dag, string bsn = "") => new()
    {
        Voornamen = voornamen,
        Achternaam = achternaam,
        Geboortedatum = new Google.Type.Date { Year = jaar, Month = maand, Day = dag },
        Geslacht = Geslacht.Vrouw,
        Bsn = bsn,
    };

    private static RegistreerBetrokkenheidRequest Registratie(Adres? adres, params PersoonIdentiteit[] personen)
    {
        var request = TestData.Registratie();
        request.Personen.Add(personen);
        request.Adres = adres;
        return request;
    }

    private static Adres Adres(int huisnummer) => new() { Postcode = "8232AB", Huisnummer = huisnummer };

    [Fact]
    public async Task Registreer_TwoPersonsOfAKnownHousehold_WithoutBsnAndMoved_JoinsThatHousehold()
    {
        var achternaam = UniekeAchternaam();
        var eerste = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(1),
            Persoon("Marieke", achternaam, 1980, 4, 3), Persoon("Femke", achternaam, 2010, 9, 21),
            Persoon("Daantje", achternaam, 2012, 1, 30)), As(Flevoland));

        var tweede = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(77),
            Persoon("Daantje", achternaam.ToUpperInvariant(), 2012, 1, 30), Persoon("Marieke", achternaam, 1980, 4, 3)), As(Twente));

        Assert.Equal(MatchUitkomst.Geen, eerste.HuishoudenMatch);
        Assert.True(Guid.TryParse(eerste.HuishoudenId, out _));
        Assert.Equal(MatchUitkomst.Zeker, tweede.HuishoudenMatch);
        Assert.Equal(eerste.HuishoudenId, tweede.HuishoudenId);
        Assert.All(tweede.Personen, p => Assert.Equal(MatchUitkomst.Zeker, p.Match));
    }

    [Fact]
    public async Task Registreer_OnePersonWithANewPartner_JoinsOnlyAtTheSameAddress()
    {
        var (moeder, kind) = (Bsn(), Bsn());
        var eerste = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(5),
            Persoon("Ilse", "Bakker", 1985, 6, 6, moeder), Persoon("Noor", "Bakker", 2015, 2, 2, kind)), As(Flevoland));

        var elders = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(6),
            Persoon("Ilse", "Bakker", 1985, 6, 6, moeder), Persoon("Sem", "Visser", 1983, 3, 3, Bsn())), As(Twente));
        var zelfdeAdres = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(5),
            Persoon("Ilse", "Bakker", 1985, 6, 6, moeder), Persoon("Sem", "Visser", 1983, 3, 3, Bsn())), As(Twente));

        Assert.Equal(MatchUitkomst.Mogelijk, elders.HuishoudenMatch);
        Assert.NotEqual(eerste.HuishoudenId, elders.HuishoudenId);
        Assert.Equal(MatchUitkomst.Zeker, zelfdeAdres.HuishoudenMatch);
        Assert.Equal(eerste.HuishoudenId, zelfdeAdres.HuishoudenId);
    }

    [Fact]
    public async Task Registreer_AChildOfTwoHouseholds_Alone_IsMogelijk_ButWithItsAddressZeker()
    {
        var kind = Bsn();
        var moeder = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(10),
            Persoon("Anke", "de Wit", 1979, 1, 1, Bsn()), Persoon("Lotte", "de Wit", 2014, 5, 5, kind)), As(Flevoland));
        var vader = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(11),
            Persoon("Joost", "de Wit", 1978, 2, 2, Bsn()), Persoon("Lotte", "de Wit", 2014, 5, 5, kind)), As(Flevoland));

        var zonderAdres = await _client.RegistreerBetrokkenheidAsync(Registratie(null, Persoon("Lotte", "de Wit", 2014, 5, 5, kind)),
            As(Twente));
        var bijVader = await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(11), Persoon("Lotte", "de Wit", 2014, 5, 5, kind)),
            As(Twente));

        Assert.Equal(MatchUitkomst.Zeker, vader.Personen[1].Match);
        Assert.Equal(MatchUitkomst.Mogelijk, vader.HuishoudenMatch);
        Assert.Equal(MatchUitkomst.Mogelijk, zonderAdres.HuishoudenMatch);
        Assert.NotEqual(moeder.HuishoudenId, zonderAdres.HuishoudenId);
        Assert.Equal(MatchUitkomst.Zeker, bijVader.HuishoudenMatch);
        Assert.Equal(vader.HuishoudenId, bijVader.HuishoudenId);
    }

    [Fact]
    public async Task Registreer_RepeatedRequest_AnswersTheSameHousehold()
    {
        var bsns = new[] { Bsn(), Bsn() };
        await _client.RegistreerBetrokkenheidAsync(Registratie(Adres(20),
            Persoon("Petra", "Smit", 1970, 1, 2, bsns[0]), Persoon("Gijs", "Smit", 2001, 3, 4, bsns[1])), As(Flevoland));
        var request = Registratie(null, Persoon("Petra", "Smit", 1970, 1, 2, bsns[0]), Persoon("Gijs", "Smit", 2001, 3, 4, bsns[1]));

        var eerste = await _client.RegistreerBetrokkenheidAsync(request, As(Twente));
        var herhaald = await _client.RegistreerBetrokkenheidAsync(request, As(Twente));

        Assert.Equal(MatchUitkomst.Zeker, eerste.HuishoudenMatch);
        Assert.Equal(eerste.HuishoudenId, herhaald.HuishoudenId);
        Assert.Equal(eerste.HuishoudenMatch, herhaald.HuishoudenMatch);
    }

    [Fact]
    public void Kies_TwoSharedPersonsBeatOneAtTheSameAddress_AndATieIsMogelijk()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(new HuishoudenResultaat(MatchUitkomst.Zeker, a),
            HuishoudenBeslissing.Kies(3, [new(a, 2, false), new(b, 1, true)]));
        Assert.Equal(MatchUitkomst.Mogelijk, HuishoudenBeslissing.Kies(3, [new(a, 2, false), new(b, 2, false)]).Uitkomst);
        Assert.Equal(MatchUitkomst.Mogelijk, HuishoudenBeslissing.Kies(2, [new(a, 1, false)]).Uitkomst);
        Assert.Equal(MatchUitkomst.Geen, HuishoudenBeslissing.Kies(2, []).Uitkomst);
    }
}

/// <summary>ZoekBetrokkenheid by household (ADR 0022): minimal disclosure, logged for the owners, signalled.</summary>
[Collection(nameof(RegisterCollection))]
public sealed class HuishoudenZoekTests(RegisterApp app)
{
    private const string HollandsMidden = "vt-hollands-midden";
    private const string ZuidLimburg = "vt-zuid-limburg";
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio, Roles.RegisterClient));

    private static PersoonIdentiteit Persoon(string voornamen, string achternaam, int jaar, string bsn = "") => new()
    {
        Voornamen = voornamen,
        Achternaam = achternaam,
        Geboortedatum = new Google.Type.Date { Year = jaar, Month = 6, Day = 15 },
        Bsn = bsn,
    };

    [Fact]
    public async Task Zoek_ByTheHouseholdsPersons_IsZeker_ShowsOnlyWhereItIsKnown_AndTheOwnerSeesIt()
    {
        var achternaam = "Zoekhuis" + new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26)))]);
        var bsn = Bsn();
        var registratie = TestData.Registratie();
        registratie.Personen.Add([Persoon("Wendy", achternaam, 1982, bsn), Persoon("Thijs", achternaam, 2008)]);
        registratie.Adres = new Adres { Postcode = "2311AA", Huisnummer = 4 };
        var geregistreerd = await _client.RegistreerBetrokkenheidAsync(registratie, As(HollandsMidden));
        var token = app.Tokens.For(ZuidLimburg, Roles.RegisterClient);

        var zeker = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
        {
            Doel = Doel.Veiligheidsbeoordeling,
            HuishoudenPersonen = { Persoon("Wendy", achternaam, 1982, bsn), Persoon("Thijs", achternaam.ToUpperInvariant(), 2008) },
            Adres = new Adres { Postcode = "6211AA", Huisnummer = 9 },
        }, Auth.Bearer(token));
        var mogelijk = await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
        {
            Doel = Doel.Veiligheidsbeoordeling,
            HuishoudenPersonen = { Persoon("Wendy", achternaam, 1982, bsn), Persoon("Karin", "Anders" + achternaam, 1960) },
        }, As(ZuidLimburg));

        Assert.Equal((true, MatchUitkomst.Zeker), (zeker.Bekend, zeker.Match));
        var bekend = Assert.Single(zeker.BekendIn);
        Assert.Equal((Regio.HollandsMidden, true, 2025), (bekend.Regio, bekend.Open, bekend.Sinds.Year));
        Assert.Equal((false, MatchUitkomst.Mogelijk), (mogelijk.Bekend, mogelijk.Match));
        Assert.Empty(mogelijk.BekendIn);
        Assert.Equal(geregistreerd.HuishoudenId, (await app.AdminScalarAsync<Guid>(
            "SELECT huishouden_id FROM toegangslog WHERE wie = $1 AND eigenaar_regio = $2 AND uitkomst = $3",
            Subject(token), HollandsMidden, (int)Uitkomst.Gevonden)).ToString());
        Assert.Equal(geregistreerd.Personen[0].PersoonId, (await app.AdminScalarAsync<Guid>(
            "SELECT persoon_id FROM signaal WHERE ontvangende_regio = $1 AND afzendende_regio = $2 AND aanleiding = $3",
            HollandsMidden, ZuidLimburg, (int)Aanleiding.Zoekvraag)).ToString());
    }

    [Fact]
    public async Task Zoek_ByHouseholdWithABsnOfItsOwn_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
        {
            Doel = Doel.Onderzoek,
            Bsn = Bsn(),
            HuishoudenPersonen = { Persoon("Saar", "Zonder", 2001) },
        }, As(ZuidLimburg)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations, v => v.Field == "huishouden_personen");
    }
}
