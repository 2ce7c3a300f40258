using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>The huishouden and betrokkenen of a melding, and the melder's identity that is never shown.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class MeldingHuishoudenTests(IntakeApp app)
{
    private const string Utrecht = "vt-utrecht";
    private readonly V1.Meldingen.MeldingenClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task CreateMelding_WithHuishoudenAndBetrokkenen_StoresAndReturnsThemNormalised()
    {
        var request = TestMeldingen.Valid();
        request.Huishouden = new Huishouden { Postcode = " 3511ab", Huisnummer = 12, Toevoeging = "bis" };

        var melding = await _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht)));

        Assert.Equal(new Huishouden { Postcode = "3511 AB", Huisnummer = 12, Toevoeging = "BIS" }, melding.Huishouden);
        Assert.Equal(3, melding.Betrokkenen.Count);
        Assert.Equal([BetrokkeneRol.Slachtoffer, BetrokkeneRol.VermoedelijkPleger, BetrokkeneRol.Kind], melding.Betrokkenen.Select(b => b.Rol));
        Assert.Equal(request.Betrokkenen.Select(b => b.Persoon), melding.Betrokkenen.Select(b => b.Persoon));
        Assert.All(melding.Betrokkenen, b => Assert.True(Guid.TryParse(b.BetrokkeneId, out _)));
        var fetched = await _client.GetMeldingAsync(new GetMeldingRequest { MeldingId = melding.MeldingId }, Auth.Bearer(app.Tokens.For(Utrecht)));
        Assert.Equal(melding, fetched);
    }

    [Fact]
    public async Task CreateMelding_SameRequestIdTwice_ReturnsTheSameBetrokkenen()
    {
        var request = TestMeldingen.Valid();
        var token = Auth.Bearer(app.Tokens.For(Utrecht));

        var first = await _client.CreateMeldingAsync(request, token);
        var second = await _client.CreateMeldingAsync(request, token);

        Assert.Equal(first, second);
        Assert.Equal(3L, await app.AdminScalarAsync<long>("SELECT count(*) FROM betrokkene WHERE melding_id = $1", Guid.Parse(first.MeldingId)));
        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM melder_identiteit WHERE melding_id = $1", Guid.Parse(first.MeldingId)));
    }

    [Fact]
    public async Task CreateMelding_TwiceAboutOneAddress_SharesOneHuishoudenPerRegio()
    {
        var adres = TestMeldingen.RandomHuishouden();

        var first = await _client.CreateMeldingAsync(TestMeldingen.Valid(huishouden: adres), Auth.Bearer(app.Tokens.For(Utrecht)));
        var second = await _client.CreateMeldingAsync(TestMeldingen.Valid(huishouden: adres), Auth.Bearer(app.Tokens.For(Utrecht)));
        var elsewhere = await _client.CreateMeldingAsync(TestMeldingen.Valid(huishouden: adres), Auth.Bearer(app.Tokens.For("vt-twente")));

        var huishoudens = await app.AdminQueryAsync("SELECT DISTINCT huishouden_id, regio FROM melding WHERE melding_id = ANY($1)",
            new[] { Guid.Parse(first.MeldingId), Guid.Parse(second.MeldingId), Guid.Parse(elsewhere.MeldingId) });
        Assert.Equal(2, huishoudens.Count);
    }

    [Fact]
    public async Task CreateMelding_WithInvalidHuishoudenAndBetrokkenen_NamesEachFieldAndWritesNothing()
    {
        var request = TestMeldingen.Valid();
        request.Melder.Anoniem = true;
        request.Huishouden = new Huishouden { Postcode = "0123 AB", Huisnummer = 0, Toevoeging = "<script>" };
        request.Betrokkenen[0].Persoon.Bsn = "123456789";
        request.Betrokkenen[1].Rol = BetrokkeneRol.Onbekend;
        request.Betrokkenen[1].Persoon.Achternaam = "";
        request.Betrokkenen[2].Persoon.Geboortedatum = new Google.Type.Date { Year = DateTime.UtcNow.Year + 1, Month = 1, Day = 1 };
        request.Betrokkenen[2].Persoon.Voornamen = new string('x', 201);
        request.Betrokkenen.Add(new Betrokkene { Rol = BetrokkeneRol.Overig });
        request.MelderIdentiteit.Naam = "";
        request.MelderIdentiteit.Email = "geen-adres";

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal([
            "betrokkenen[0].persoon.bsn",
            "betrokkenen[1].persoon.achternaam",
            "betrokkenen[1].rol",
            "betrokkenen[2].persoon.geboortedatum",
            "betrokkenen[2].persoon.voornamen",
            "betrokkenen[3].persoon",
            "huishouden.huisnummer",
            "huishouden.postcode",
            "huishouden.toevoeging",
            "melder_identiteit",
            "melder_identiteit.email",
            "melder_identiteit.naam",
        ], fields.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("123456789", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM melding WHERE request_id = $1", Guid.Parse(request.RequestId)));
        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM betrokkene WHERE achternaam = 'Testpersoon-Jansen' AND bsn = '123456789'"));
    }

    [Fact]
    public async Task CreateMelding_BetrokkenenWithoutHuishouden_ReturnsInvalidArgumentNamingHuishouden()
    {
        var request = TestMeldingen.Valid();
        request.Huishouden = null;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["huishouden"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task CreateMelding_HuishoudenWithoutBetrokkenen_ReturnsInvalidArgumentNamingBetrokkenen()
    {
        var request = TestMeldingen.Valid();
        request.Betrokkenen.Clear();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(["betrokkenen"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task CreateMelding_SameBsnTwice_NamesTheSecondBetrokkene()
    {
        var request = TestMeldingen.Valid();
        request.Betrokkenen[2].Persoon.Bsn = request.Betrokkenen[0].Persoon.Bsn;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht))).ResponseAsync);

        Assert.Equal(["betrokkenen[2].persoon.bsn"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task MelderIdentiteit_IsStoredApartButAbsentFromResponsesAndTheEvent()
    {
        var request = TestMeldingen.Valid();

        var created = await _client.CreateMeldingAsync(request, Auth.Bearer(app.Tokens.For(Utrecht)));
        var fetched = await _client.GetMeldingAsync(new GetMeldingRequest { MeldingId = created.MeldingId }, Auth.Bearer(app.Tokens.For(Utrecht)));
        using var rest = app.CreateRestClient(app.Tokens.For(Utrecht));
        var json = await rest.GetStringAsync($"/api/v1/intake/meldingen/{created.MeldingId}");

        var stored = await app.AdminQueryAsync("SELECT naam, telefoonnummer, email FROM melder_identiteit WHERE melding_id = $1", Guid.Parse(created.MeldingId));
        Assert.Equal([TestMeldingen.MelderNaam, TestMeldingen.MelderTelefoon, TestMeldingen.MelderEmail], stored.Single());
        var payload = await app.AdminScalarAsync<byte[]>("SELECT payload FROM outbox WHERE subject = $1", created.MeldingId);
        foreach (var bytes in new[] { created.ToByteArray(), fetched.ToByteArray(), Encoding.UTF8.GetBytes(json), payload })
        {
            AssertAbsent(bytes, TestMeldingen.MelderNaam);
            AssertAbsent(bytes, TestMeldingen.MelderTelefoon);
            AssertAbsent(bytes, TestMeldingen.MelderEmail);
        }

        // The event carries codes and ids only: no name, BSN or address of the betrokkenen either.
        AssertAbsent(payload, "Testpersoon-Jansen");
        AssertAbsent(payload, request.Betrokkenen[0].Persoon.Bsn);
        AssertAbsent(payload, request.Huishouden.Postcode);
    }

    private static void AssertAbsent(byte[] haystack, string value) =>
        Assert.Equal(-1, haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)));
}
