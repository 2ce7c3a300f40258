using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

[Collection(nameof(IntakeCollection))]
public sealed class CreateAdviesTests(IntakeApp app)
{
    private const string Kennemerland = "vt-kennemerland";
    private const string GooiEnVechtstreek = "vt-gooi-en-vechtstreek";
    private readonly V1.Adviezen.AdviezenClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio));

    [Fact]
    public async Task CreateAdvies_Valid_StoresAdviesWithItsOutboxEvent()
    {
        var request = TestAdviezen.Professional();
        request.Einddatum = request.Startdatum.Clone();

        var advies = await _client.CreateAdviesAsync(request, As(Kennemerland));

        Assert.Equal(Regio.Kennemerland, advies.Regio);
        Assert.Equal(request.Startdatum, advies.Startdatum);
        Assert.Equal(request.Einddatum, advies.Einddatum);
        Assert.Equal("GM0363", advies.Gemeente);
        Assert.False(advies.Anoniem);
        Assert.Equal(request.Aard, advies.Aard);
        Assert.Equal(request.AanvullendeInformatie, advies.AanvullendeInformatie);
        Assert.Equal(VermoedelijkeDuur.Kortdurend, advies.VermoedelijkeDuur);
        Assert.Equal(request.Adviesvrager, advies.Adviesvrager);
        var fetched = await _client.GetAdviesAsync(new GetAdviesRequest { AdviesId = advies.AdviesId }, As(Kennemerland));
        Assert.Equal(advies, fetched);

        var payload = await app.AdminScalarAsync<byte[]>(
            "SELECT payload FROM outbox WHERE subject = $1 AND topic = $2", advies.AdviesId, EventTopics.AdviesGeregistreerd);
        var @event = AdviesGeregistreerd.Parser.ParseFrom(payload);
        Assert.Equal(advies.AdviesId, @event.AdviesId);
        Assert.Equal(advies.Startdatum, @event.Startdatum);
        Assert.Equal(advies.Aard, @event.Aard);
        Assert.Equal(Betrokkenheid.Beroepsmatig, @event.Betrokkenheid);
    }

    [Fact]
    public async Task CreateAdvies_Anonymous_HasNoGemeenteAndNoEinddatum()
    {
        var advies = await _client.CreateAdviesAsync(TestAdviezen.AnonymousNeighbour(), As(Kennemerland));

        Assert.True(advies.Anoniem);
        Assert.Equal("", advies.Gemeente);
        Assert.Null(advies.Einddatum);
        Assert.Null(await app.AdminScalarAsync<string?>("SELECT gemeente FROM advies WHERE advies_id = $1", Guid.Parse(advies.AdviesId)));
        var fetched = await _client.GetAdviesAsync(new GetAdviesRequest { AdviesId = advies.AdviesId }, As(Kennemerland));
        Assert.Equal(advies, fetched);
    }

    [Fact]
    public async Task CreateAdvies_SameRequestIdTwice_CreatesOneAdviesAndOneEvent()
    {
        var request = TestAdviezen.Professional();

        var first = await _client.CreateAdviesAsync(request, As(Kennemerland));
        var second = await _client.CreateAdviesAsync(request, As(Kennemerland));

        Assert.Equal(first, second);
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM advies WHERE request_id = $1", Guid.Parse(request.RequestId)));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE subject = $1", first.AdviesId));
    }

    [Fact]
    public async Task CreateAdvies_SameRequestIdConcurrently_CreatesOneAdviesAndOneEvent()
    {
        var request = TestAdviezen.AnonymousNeighbour();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _client.CreateAdviesAsync(request, As(Kennemerland)).ResponseAsync));

        Assert.Single(results.Select(a => a.AdviesId).Distinct());
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM advies WHERE request_id = $1", Guid.Parse(request.RequestId)));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE subject = $1", results[0].AdviesId));
    }

    public static TheoryData<string, string> Violations() => new()
    {
        { "missing aard", "aard" },
        { "onbekend aard", "aard" },
        { "repeated aard", "aard" },
        { "gemeente when anoniem", "gemeente" },
        { "no gemeente when not anoniem", "gemeente" },
        { "malformed gemeente", "gemeente" },
        { "non-ascii digits in gemeente", "gemeente" },
        { "future startdatum", "startdatum" },
        { "missing startdatum", "startdatum" },
        { "startdatum before 2019", "startdatum" },
        { "invalid calendar startdatum", "startdatum" },
        { "einddatum before startdatum", "einddatum" },
        { "future einddatum", "einddatum" },
        { "professional without functie", "adviesvrager.functie" },
        { "unknown functie code", "adviesvrager.functie" },
        { "professional without organisatie", "adviesvrager.organisatie" },
        { "non-professional with organisatie", "adviesvrager.organisatie" },
        { "non-professional without rol", "adviesvrager.rol" },
        { "missing betrokkenheid", "adviesvrager.betrokkenheid" },
        { "missing adviesvrager", "adviesvrager" },
        { "too many aanvullende informatie", "aanvullende_informatie" },
        { "malformed request_id", "request_id" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task CreateAdvies_WithViolation_ReturnsInvalidArgumentNamingTheFieldAndWritesNothing(string violation, string field)
    {
        var request = violation is "gemeente when anoniem" or "non-professional with organisatie" or "non-professional without rol"
            ? TestAdviezen.AnonymousNeighbour()
            : TestAdviezen.Professional();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        switch (violation)
        {
            case "missing aard": request.Aard.Clear(); break;
            case "onbekend aard": request.Aard.Add(AardGeweld.Onbekend); break;
            case "repeated aard": request.Aard.Add(request.Aard[0]); break;
            case "gemeente when anoniem": request.Gemeente = "GM0363"; break;
            case "no gemeente when not anoniem": request.Gemeente = ""; break;
            case "malformed gemeente": request.Gemeente = "GM363"; break;
            case "non-ascii digits in gemeente": request.Gemeente = "GM\u0660\u0663\u0666\u0663"; break;
            case "future startdatum": request.Startdatum = TestAdviezen.ToDate(today.AddDays(2)); break;
            case "missing startdatum": request.Startdatum = null; break;
            case "startdatum before 2019": request.Startdatum = TestAdviezen.ToDate(new DateOnly(2018, 12, 31)); break;
            case "invalid calendar startdatum": request.Startdatum = new Google.Type.Date { Year = 2023, Month = 2, Day = 29 }; break;
            case "einddatum before startdatum": request.Einddatum = TestAdviezen.ToDate(TestAdviezen.Yesterday.AddDays(-1)); break;
            case "future einddatum": request.Einddatum = TestAdviezen.ToDate(today.AddDays(2)); break;
            case "professional without functie": request.Adviesvrager.Functie = Functie.Onbekend; break;
            case "unknown functie code": request.Adviesvrager.Functie = (Functie)99; break;
            case "professional without organisatie": request.Adviesvrager.Organisatie = Organisatie.Onbekend; break;
            case "non-professional with organisatie": request.Adviesvrager.Organisatie = Organisatie.Onderwijs; break;
            case "non-professional without rol": request.Adviesvrager.Rol = MelderRol.Onbekend; break;
            case "missing betrokkenheid": request.Adviesvrager.Betrokkenheid = Betrokkenheid.Onbekend; break;
            case "missing adviesvrager": request.Adviesvrager = null; break;
            case "too many aanvullende informatie": request.AanvullendeInformatie.Add(Enumerable.Repeat(AanvullendeInformatie.Verslaving, 9)); break;
            case "malformed request_id": request.RequestId = "not-a-uuid"; break;
            default: throw new ArgumentOutOfRangeException(nameof(violation));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateAdviesAsync(request, As(Kennemerland)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Distinct();
        Assert.Equal([field], fields);
        if (Guid.TryParse(request.RequestId, out var requestId))
        {
            Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM advies WHERE request_id = $1", requestId));
        }
    }

    [Fact]
    public async Task CreateAdvies_Empty_NamesEveryRequiredFieldAndWritesNothing()
    {
        var before = await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE topic = $1", EventTopics.AdviesGeregistreerd);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateAdviesAsync(new CreateAdviesRequest(), As(Kennemerland)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(["aard", "adviesvrager", "gemeente", "request_id", "startdatum"], fields.Order());
        Assert.Equal(before, await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE topic = $1", EventTopics.AdviesGeregistreerd));
    }

    [Fact]
    public async Task GetAdvies_FromAnotherRegio_ReturnsNotFound()
    {
        var advies = await _client.CreateAdviesAsync(TestAdviezen.Professional(), As(Kennemerland));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetAdviesAsync(new GetAdviesRequest { AdviesId = advies.AdviesId }, As(GooiEnVechtstreek)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task GetAdvies_MalformedId_NamesTheField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetAdviesAsync(new GetAdviesRequest { AdviesId = "x" }, As(Kennemerland)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("advies_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }
}
