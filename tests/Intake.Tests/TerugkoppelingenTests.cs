using System.Net;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>The statutory feedback to the melder. Only this class writes in vt-west-brabant.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class TerugkoppelingenTests(IntakeApp app)
{
    private const string WestBrabant = "vt-west-brabant";
    private readonly V1.Meldingen.MeldingenClient _meldingen = new(app.CreateGrpcChannel());
    private readonly V1.Terugkoppelingen.TerugkoppelingenClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio = WestBrabant) => Auth.Bearer(app.Tokens.For(regio));

    private static RegistreerTerugkoppelingRequest Request(Melding melding, DateTimeOffset gegevenOp,
        TerugkoppelingMoment moment = TerugkoppelingMoment.Ontvangst) => new()
    {
        MeldingId = melding.MeldingId,
        RequestId = Guid.NewGuid().ToString(),
        GegevenOp = Timestamp.FromDateTimeOffset(gegevenOp),
        Wijze = TerugkoppelingWijze.Telefonisch,
        Moment = moment,
    };

    [Fact]
    public async Task Registreer_ThenList_ShowsEachTerugkoppelingOnce_OldestFirst_AndARepeatedRequestRecordsNothingNew()
    {
        var melding = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(DateTimeOffset.UtcNow.AddDays(-6)), As());
        var later = Request(melding, DateTimeOffset.UtcNow.AddMinutes(-1), TerugkoppelingMoment.NaVeiligheidsbeoordeling);
        var eerst = Request(melding, DateTimeOffset.UtcNow.AddDays(-5));

        var recorded = await _client.RegistreerTerugkoppelingAsync(later, As());
        var repeated = await _client.RegistreerTerugkoppelingAsync(later, As());
        await _client.RegistreerTerugkoppelingAsync(eerst, As());
        var list = await _client.ListTerugkoppelingenAsync(new ListTerugkoppelingenRequest { MeldingId = melding.MeldingId }, As());

        Assert.Equal(recorded, repeated);
        Assert.Equal([TerugkoppelingMoment.Ontvangst, TerugkoppelingMoment.NaVeiligheidsbeoordeling], list.Terugkoppelingen.Select(t => t.Moment));
        Assert.Equal(recorded, list.Terugkoppelingen[1]);
        Assert.NotEmpty(recorded.GeregistreerdDoor);
        Assert.Equal(2L, await app.AdminScalarAsync<long>("SELECT count(*) FROM terugkoppeling WHERE melding_id = $1", Guid.Parse(melding.MeldingId)));
    }

    [Fact]
    public async Task Registreer_ForAnAnonymousMelder_IsFailedPrecondition_AndStoresNothing()
    {
        var request = TestMeldingen.Valid();
        request.Melder.Anoniem = true;
        request.MelderIdentiteit = null;
        var melding = await _meldingen.CreateMeldingAsync(request, As());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.RegistreerTerugkoppelingAsync(Request(melding, DateTimeOffset.UtcNow), As()).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM terugkoppeling WHERE melding_id = $1", Guid.Parse(melding.MeldingId)));
    }

    [Fact]
    public async Task Registreer_WithInvalidFields_NamesEachOne()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.RegistreerTerugkoppelingAsync(new RegistreerTerugkoppelingRequest
        {
            MeldingId = "x",
            GegevenOp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
            Wijze = (TerugkoppelingWijze)42,
        }, As()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "melding_id", "request_id", "gegeven_op", "wijze", "moment" }, fields);
    }

    [Fact]
    public async Task Registreer_BeforeTheMeldingWasReceived_IsInvalidArgumentOnGegevenOp()
    {
        var melding = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(DateTimeOffset.UtcNow.AddDays(-1)), As());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.RegistreerTerugkoppelingAsync(Request(melding, DateTimeOffset.UtcNow.AddDays(-2)), As()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "gegeven_op");
    }

    [Fact]
    public async Task Terugkoppelingen_OfAnotherRegiosMelding_AreNotFound()
    {
        var melding = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(), As());

        var registreer = await Assert.ThrowsAsync<RpcException>(() =>
            _client.RegistreerTerugkoppelingAsync(Request(melding, DateTimeOffset.UtcNow), As("vt-ijsselland")).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => _client.ListTerugkoppelingenAsync(
            new ListTerugkoppelingenRequest { MeldingId = melding.MeldingId }, As("vt-ijsselland")).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, registreer.StatusCode);
        Assert.Equal(StatusCode.NotFound, list.StatusCode);
    }

    [Fact]
    public async Task Terugkoppeling_OverRest_IsRecordedAndListedAsJson()
    {
        var melding = await _meldingen.CreateMeldingAsync(TestMeldingen.Valid(), As());
        using var rest = app.CreateRestClient(app.Tokens.For(WestBrabant));
        var gegevenOp = DateTimeOffset.UtcNow.AddMinutes(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        using var created = await rest.PostAsync($"/api/v1/intake/meldingen/{melding.MeldingId}/terugkoppelingen", new StringContent($$"""
            { "requestId": "{{Guid.NewGuid()}}", "gegevenOp": "{{gegevenOp}}",
              "wijze": "TERUGKOPPELING_WIJZE_SCHRIFTELIJK", "moment": "TERUGKOPPELING_MOMENT_ONTVANGST" }
            """, Encoding.UTF8, "application/json"));
        var listed = await rest.GetStringAsync($"/api/v1/intake/meldingen/{melding.MeldingId}/terugkoppelingen");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("TERUGKOPPELING_WIJZE_SCHRIFTELIJK", listed, StringComparison.Ordinal);
    }
}
