using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Npgsql;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>The casus rule: one open casus per huishouden per regio. Only this class writes in vt-hollands-midden.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class CasussenTests(IntakeApp app)
{
    private const string HollandsMidden = "vt-hollands-midden";
    private const string Kennemerland = "vt-kennemerland";
    private readonly V1.Meldingen.MeldingenClient _meldingen = new(app.CreateGrpcChannel());
    private readonly V1.Casussen.CasussenClient _casussen = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio));

    private async Task<Melding> MeldAsync(Huishouden huishouden, string regio = HollandsMidden) =>
        await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(huishouden: huishouden), As(regio));

    [Fact]
    public async Task SecondMelding_AboutTheSameHuishouden_JoinsItsOpenCasus()
    {
        var adres = TestMeldingen.RandomHuishouden();

        var first = await MeldAsync(adres);
        var second = await MeldAsync(adres);
        var other = await MeldAsync(TestMeldingen.RandomHuishouden());

        Assert.Equal(first.CasusId, second.CasusId);
        Assert.Equal(first.Casusnummer, second.Casusnummer);
        Assert.NotEqual(first.CasusId, other.CasusId);
        Assert.Matches(@"^VT-HOLLANDS-MIDDEN-\d{4}-\d{6}$", first.Casusnummer);
        var casus = await _casussen.GetCasusAsync(new GetCasusRequest { CasusId = first.CasusId }, As(HollandsMidden));
        Assert.Equal(CasusStatus.Open, casus.Status);
        Assert.Equal(Regio.HollandsMidden, casus.Regio);
        Assert.Equal(first.Huishouden, casus.Huishouden);
        Assert.Equal(first.OntvangenOp, casus.GeopendOp);
        Assert.Null(casus.GeslotenOp);
        Assert.Equal(new[] { first.MeldingId, second.MeldingId }.Order(StringComparer.Ordinal), casus.MeldingIds.Order(StringComparer.Ordinal));
        var fetched = await _meldingen.GetMeldingAsync(new GetMeldingRequest { MeldingId = second.MeldingId }, As(HollandsMidden));
        Assert.Equal(first.Casusnummer, fetched.Casusnummer);
        var payload = await app.AdminScalarAsync<byte[]>("SELECT payload FROM outbox WHERE subject = $1", second.MeldingId);
        Assert.Equal(first.CasusId, MeldingOntvangen.Parser.ParseFrom(payload).CasusId);
    }

    [Fact]
    public async Task ParallelMeldingen_AboutOneNewHuishouden_EndInOneCasus()
    {
        var adres = TestMeldingen.RandomHuishouden();

        var meldingen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _meldingen.CreateMeldingAsync(TestMeldingen.Valid(huishouden: adres), As(HollandsMidden)).ResponseAsync));

        var casusId = Assert.Single(meldingen.Select(m => m.CasusId).Distinct());
        var casus = await _casussen.GetCasusAsync(new GetCasusRequest { CasusId = casusId }, As(HollandsMidden));
        Assert.Equal(meldingen.Select(m => m.MeldingId).Order(StringComparer.Ordinal), casus.MeldingIds.Order(StringComparer.Ordinal));
        Assert.Equal(1L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM casus c JOIN huishouden h USING (huishouden_id) WHERE c.regio = $1 AND h.postcode = $2 AND h.huisnummer = $3",
            HollandsMidden, adres.Postcode, adres.Huisnummer));
    }

    [Fact]
    public async Task ParallelMeldingen_AboutDifferentHuishoudens_GetDistinctCasusnummersOfTheirRegio()
    {
        var meldingen = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            _meldingen.CreateMeldingAsync(TestMeldingen.Valid(huishouden: TestMeldingen.RandomHuishouden()), As(HollandsMidden)).ResponseAsync));
        var later = await MeldAsync(TestMeldingen.RandomHuishouden());

        var nummers = meldingen.Select(m => m.Casusnummer).ToList();
        Assert.Equal(12, nummers.Distinct().Count());
        Assert.All(nummers, n => Assert.Matches(@"^VT-HOLLANDS-MIDDEN-\d{4}-\d{6}$", n));
        // Numbers are taken from the regio's sequence: a later casus has a higher one.
        static long Volgnummer(string casusnummer) => long.Parse(casusnummer[^6..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Volgnummer(later.Casusnummer) > nummers.Max(Volgnummer));
    }

    [Fact]
    public async Task SluitCasus_ThenNewMelding_OpensANewCasus_AndClosingTwiceFails()
    {
        var adres = TestMeldingen.RandomHuishouden();
        var first = await MeldAsync(adres);

        var gesloten = await _casussen.SluitCasusAsync(new SluitCasusRequest { CasusId = first.CasusId }, As(HollandsMidden));
        var again = await Assert.ThrowsAsync<RpcException>(() =>
            _casussen.SluitCasusAsync(new SluitCasusRequest { CasusId = first.CasusId }, As(HollandsMidden)).ResponseAsync);
        var next = await MeldAsync(adres);

        Assert.Equal(CasusStatus.Gesloten, gesloten.Status);
        Assert.NotNull(gesloten.GeslotenOp);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.NotEqual(first.CasusId, next.CasusId);
        Assert.NotEqual(first.Casusnummer, next.Casusnummer);
        Assert.Equal(CasusStatus.Open, (await _casussen.GetCasusAsync(new GetCasusRequest { CasusId = next.CasusId }, As(HollandsMidden))).Status);
    }

    [Fact]
    public async Task Casus_OfAnotherRegio_IsNotFound_AndTheSameAddressThereHasItsOwnCasus()
    {
        var adres = TestMeldingen.RandomHuishouden();
        var melding = await MeldAsync(adres);

        var get = await Assert.ThrowsAsync<RpcException>(() =>
            _casussen.GetCasusAsync(new GetCasusRequest { CasusId = melding.CasusId }, As(Kennemerland)).ResponseAsync);
        var sluit = await Assert.ThrowsAsync<RpcException>(() =>
            _casussen.SluitCasusAsync(new SluitCasusRequest { CasusId = melding.CasusId }, As(Kennemerland)).ResponseAsync);
        var elsewhere = await MeldAsync(adres, Kennemerland);

        Assert.Equal(StatusCode.NotFound, get.StatusCode);
        Assert.Equal(StatusCode.NotFound, sluit.StatusCode);
        Assert.NotEqual(melding.CasusId, elsewhere.CasusId);
        Assert.StartsWith("VT-KENNEMERLAND-", elsewhere.Casusnummer, StringComparison.Ordinal);
        Assert.Equal(CasusStatus.Open, (await _casussen.GetCasusAsync(new GetCasusRequest { CasusId = melding.CasusId }, As(HollandsMidden))).Status);
    }

    [Fact]
    public async Task MeldingenWithoutHuishouden_EachOpenACasusOfTheirOwn()
    {
        var request = TestMeldingen.Valid();
        request.Huishouden = null;
        request.Betrokkenen.Clear();
        var first = await _meldingen.CreateMeldingAsync(request, As(HollandsMidden));
        request.RequestId = Guid.NewGuid().ToString();
        var second = await _meldingen.CreateMeldingAsync(request, As(HollandsMidden));

        Assert.NotEqual(first.CasusId, second.CasusId);
        var casus = await _casussen.GetCasusAsync(new GetCasusRequest { CasusId = first.CasusId }, As(HollandsMidden));
        Assert.Null(casus.Huishouden);
        Assert.Equal([first.MeldingId], casus.MeldingIds);
    }

    [Fact]
    public async Task SecondOpenCasus_ForOneHuishouden_IsRejectedByTheDatabase()
    {
        var melding = await MeldAsync(TestMeldingen.RandomHuishouden());

        var error = await Assert.ThrowsAsync<PostgresException>(() => app.AdminQueryAsync("""
            INSERT INTO casus (casus_id, regio, casusnummer, huishouden_id, geopend_op)
            SELECT $1, regio, 'VT-TEST-' || $1::text, huishouden_id, now() FROM casus WHERE casus_id = $2
            """, Guid.NewGuid(), Guid.Parse(melding.CasusId)));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    public async Task GetAndSluitCasus_WithoutValidId_ReturnInvalidArgumentNamingCasusId(string casusId)
    {
        var get = await Assert.ThrowsAsync<RpcException>(() =>
            _casussen.GetCasusAsync(new GetCasusRequest { CasusId = casusId }, As(HollandsMidden)).ResponseAsync);
        var sluit = await Assert.ThrowsAsync<RpcException>(() =>
            _casussen.SluitCasusAsync(new SluitCasusRequest { CasusId = casusId }, As(HollandsMidden)).ResponseAsync);

        foreach (var error in new[] { get, sluit })
        {
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal(["casus_id"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        }
    }

    [Fact]
    public async Task ListMeldingen_FilterOnCasusStatus_SeparatesOpenFromClosed()
    {
        var dag = new DateTimeOffset(2022, 2, 15, 10, 0, 0, TimeSpan.FromHours(1));
        var open = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(dag), As(HollandsMidden));
        var closed = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(dag.AddMinutes(1)), As(HollandsMidden));
        await _casussen.SluitCasusAsync(new SluitCasusRequest { CasusId = closed.CasusId }, As(HollandsMidden));
        var periode = new DateRange
        {
            Van = new Google.Type.Date { Year = 2022, Month = 2, Day = 15 },
            TotEnMet = new Google.Type.Date { Year = 2022, Month = 2, Day = 15 },
        };

        var openList = await _meldingen.ListMeldingenAsync(new ListMeldingenRequest { Periode = periode, CasusStatus = CasusStatus.Open }, As(HollandsMidden));
        var closedList = await _meldingen.ListMeldingenAsync(new ListMeldingenRequest { Periode = periode, CasusStatus = CasusStatus.Gesloten }, As(HollandsMidden));

        Assert.Equal([open.MeldingId], openList.Meldingen.Select(m => m.MeldingId));
        Assert.Equal([closed.MeldingId], closedList.Meldingen.Select(m => m.MeldingId));
    }

    [Fact]
    public async Task SluitCasus_OverRest_ClosesAndReturnsTheCasus()
    {
        var melding = await MeldAsync(TestMeldingen.RandomHuishouden());
        using var rest = app.CreateRestClient(app.Tokens.For(HollandsMidden));

        using var response = await rest.PostAsJsonAsync($"/api/v1/intake/casussen/{melding.CasusId}:sluiten", new { });
        using var again = await rest.PostAsJsonAsync($"/api/v1/intake/casussen/{melding.CasusId}:sluiten", new { });
        using var fetched = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/intake/casussen/{melding.CasusId}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("CASUS_STATUS_GESLOTEN", fetched.RootElement.GetProperty("status").GetString());
        Assert.Equal(melding.Casusnummer, fetched.RootElement.GetProperty("casusnummer").GetString());
    }
}
