using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>Corrections with a field mask and their audit trail. Only this class writes in vt-gelderland-zuid.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class UpdateMeldingTests(IntakeApp app)
{
    private const string GelderlandZuid = "vt-gelderland-zuid";
    private readonly V1.Meldingen.MeldingenClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio = GelderlandZuid) => Auth.Bearer(app.Tokens.For(regio));

    private async Task<Melding> CreateAsync() => await _client.CreateMeldingAsync(TestMeldingen.Valid(), As());

    private static UpdateMeldingRequest Update(Melding melding, params string[] paths) => new()
    {
        Melding = melding,
        UpdateMask = new FieldMask { Paths = { paths } },
    };

    private Task<List<object?[]>> WijzigingenAsync(string meldingId) => app.AdminQueryAsync(
        "SELECT gewijzigd_door, paden, gewijzigd_op FROM melding_wijziging WHERE melding_id = $1 ORDER BY gewijzigd_op", Guid.Parse(meldingId));

    [Fact]
    public async Task UpdateMelding_MaskedFields_ChangesOnlyThoseAndRecordsWhoAndWhichPaths()
    {
        var melding = await CreateAsync();
        var correction = melding.Clone();
        correction.Aard.Clear();
        correction.Aard.Add(AardGeweld.Kindermishandeling);
        correction.VermoedelijkeDuur = VermoedelijkeDuur.Eenmalig;
        correction.AanvullendeInformatie.Clear();
        correction.Melder.Groep = MelderGroep.OverigeProfessional;

        var updated = await _client.UpdateMeldingAsync(Update(correction, "vermoedelijke_duur", "aard"), As());

        Assert.Equal([AardGeweld.Kindermishandeling], updated.Aard);
        Assert.Equal(VermoedelijkeDuur.Eenmalig, updated.VermoedelijkeDuur);
        Assert.Equal(melding.AanvullendeInformatie, updated.AanvullendeInformatie);
        Assert.Equal(melding.Melder, updated.Melder);
        Assert.Equal(melding.Betrokkenen, updated.Betrokkenen);
        Assert.Equal(melding.CasusId, updated.CasusId);
        Assert.Equal(updated, await _client.GetMeldingAsync(new GetMeldingRequest { MeldingId = melding.MeldingId }, As()));
        var wijziging = Assert.Single(await WijzigingenAsync(melding.MeldingId));
        Assert.StartsWith("test-", (string)wijziging[0]!, StringComparison.Ordinal);
        Assert.Equal(["aard", "vermoedelijke_duur"], (string[])wijziging[1]!);
    }

    [Fact]
    public async Task UpdateMelding_Betrokkenen_ReplacesTheListAndAuditsNoValues()
    {
        var melding = await CreateAsync();
        var correction = melding.Clone();
        correction.Betrokkenen.RemoveAt(1);
        correction.Betrokkenen[0].Persoon.Achternaam = "Gecorrigeerd-Achternaam";
        correction.Betrokkenen[0].Persoon.Bsn = "";

        var updated = await _client.UpdateMeldingAsync(Update(correction, "betrokkenen"), As());

        Assert.Equal(2, updated.Betrokkenen.Count);
        Assert.Equal("Gecorrigeerd-Achternaam", updated.Betrokkenen[0].Persoon.Achternaam);
        Assert.Equal("", updated.Betrokkenen[0].Persoon.Bsn);
        Assert.DoesNotContain(updated.Betrokkenen[0].BetrokkeneId, melding.Betrokkenen.Select(b => b.BetrokkeneId));
        Assert.Equal(2L, await app.AdminScalarAsync<long>("SELECT count(*) FROM betrokkene WHERE melding_id = $1", Guid.Parse(melding.MeldingId)));
        var wijziging = Assert.Single(await WijzigingenAsync(melding.MeldingId));
        Assert.Equal(["betrokkenen"], (string[])wijziging[1]!);
        Assert.Equal(0L, await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM melding_wijziging w WHERE w.melding_id = $1 AND w::text LIKE '%Gecorrigeerd%'", Guid.Parse(melding.MeldingId)));
    }

    [Fact]
    public async Task UpdateMelding_InvalidValuesAndPaths_NamesEachFieldAndWritesNothing()
    {
        var melding = await CreateAsync();
        var correction = melding.Clone();
        correction.Aard.Clear();
        correction.Betrokkenen[0].Persoon.Bsn = "123456789";
        correction.Melder.Rol = MelderRol.Buur;
        correction.OntvangenOp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.UpdateMeldingAsync(
            Update(correction, "aard", "betrokkenen", "melder", "ontvangen_op", "huishouden", "regio"), As()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(
            ["melding.aard", "melding.betrokkenen[0].persoon.bsn", "melding.melder.rol", "melding.ontvangen_op", "update_mask"],
            error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(await WijzigingenAsync(melding.MeldingId));
        Assert.Equal(melding, await _client.GetMeldingAsync(new GetMeldingRequest { MeldingId = melding.MeldingId }, As()));
    }

    [Theory]
    [InlineData]
    [InlineData("*")]
    [InlineData("aard", "aard")]
    [InlineData("melding_id")]
    public async Task UpdateMelding_MaskEmptyWildcardRepeatedOrNotCorrectable_NamesUpdateMask(params string[] paths)
    {
        var melding = await CreateAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.UpdateMeldingAsync(Update(melding, paths), As()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["update_mask"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Distinct());
    }

    [Fact]
    public async Task UpdateMelding_OfAnotherRegio_ReturnsNotFoundAndAuditsNothing()
    {
        var melding = await CreateAsync();
        var correction = melding.Clone();
        correction.VermoedelijkeDuur = VermoedelijkeDuur.Kortdurend;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.UpdateMeldingAsync(Update(correction, "vermoedelijke_duur"), As("vt-friesland")).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Empty(await WijzigingenAsync(melding.MeldingId));
    }

    [Fact]
    public async Task UpdateMelding_MelderCorrectedToAnonymous_ForgetsTheMelderIdentiteit()
    {
        var melding = await CreateAsync();
        var correction = melding.Clone();
        correction.Melder.Anoniem = true;

        var updated = await _client.UpdateMeldingAsync(Update(correction, "melder"), As());

        Assert.True(updated.Melder.Anoniem);
        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM melder_identiteit WHERE melding_id = $1", Guid.Parse(melding.MeldingId)));
    }

    [Fact]
    public async Task PatchMelding_OverRest_CorrectsTheMaskedField()
    {
        var melding = await CreateAsync();
        using var rest = app.CreateRestClient(app.Tokens.For(GelderlandZuid));

        using var response = await rest.PatchAsJsonAsync($"/api/v1/intake/meldingen/{melding.MeldingId}", new
        {
            melding = new { vermoedelijkeDuur = "VERMOEDELIJKE_DUUR_KORTDUREND", aard = new[] { "AARD_GEWELD_OUDERENMISHANDELING" } },
            updateMask = "vermoedelijkeDuur",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("VERMOEDELIJKE_DUUR_KORTDUREND", body.RootElement.GetProperty("vermoedelijkeDuur").GetString());
        Assert.Equal("AARD_GEWELD_PARTNERGEWELD", body.RootElement.GetProperty("aard")[0].GetString());
    }
}
