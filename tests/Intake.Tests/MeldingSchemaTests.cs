using Microsoft.Extensions.DependencyInjection;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>Every table of the melding's personal data is tenant-isolated by forced row-level security.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class MeldingSchemaTests(IntakeApp app)
{
    private static readonly string[] Tables =
        ["huishouden", "betrokkene", "melder_identiteit", "casus", "melding_wijziging", "terugkoppeling",
         "registerkoppeling", "registerkoppeling_persoon", "registerkoppeling_elders_bekend"];

    [Fact]
    public async Task NewTables_HaveForcedRowLevelSecurityOnAppRegio()
    {
        foreach (var table in Tables)
        {
            var rows = await app.AdminQueryAsync("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1", table);
            var policy = await app.AdminScalarAsync<string>("SELECT qual FROM pg_policies WHERE tablename = $1", table);

            Assert.Equal([true, true], Assert.Single(rows));
            Assert.Contains("current_setting('app.regio'", policy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AUnitOfWorkOfAnotherRegio_SeesNoRowOfAMelding_EvenWithoutAFilter()
    {
        var client = new V1.Meldingen.MeldingenClient(app.CreateGrpcChannel());
        var melding = await client.CreateMeldingAsync(TestMeldingen.Valid(), Auth.Bearer(app.Tokens.For("vt-noord-holland-noord")));
        var meldingId = Guid.Parse(melding.MeldingId);

        await using var uow = await app.Services.GetRequiredService<Database>().BeginAsync("vt-noord-en-midden-limburg", CancellationToken.None);
        foreach (var sql in new[]
        {
            "SELECT count(*) FROM betrokkene WHERE melding_id = $1",
            "SELECT count(*) FROM melder_identiteit WHERE melding_id = $1",
            "SELECT count(*) FROM casus c WHERE c.casus_id = (SELECT casus_id FROM melding WHERE melding_id = $1)",
        })
        {
            await using var command = uow.Command(sql, meldingId);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }

        Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM melder_identiteit WHERE melding_id = $1", meldingId));
    }

    [Fact]
    public async Task MelderIdentiteitTable_HoldsOnlyWhatTheTerugkoppelingNeeds()
    {
        var columns = (await app.AdminQueryAsync(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'melder_identiteit' ORDER BY column_name"))
            .Select(r => (string)r[0]!);

        Assert.Equal(["email", "melding_id", "naam", "regio", "telefoonnummer"], columns);
    }
}

/// <summary>No personal data of a melding in any log line, at any level, after every kind of call.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class MeldingLoggingTests(IntakeApp app)
{
    [Fact]
    public async Task CreateGetListUpdateAndInvalidCalls_LogNoPersonalData()
    {
        var client = new V1.Meldingen.MeldingenClient(app.CreateGrpcChannel());
        var token = Auth.Bearer(app.Tokens.For("vt-zaanstreek-waterland"));
        var request = TestMeldingen.Valid();
        var bsn = request.Betrokkenen[0].Persoon.Bsn;

        var melding = await client.CreateMeldingAsync(request, token);
        await client.GetMeldingAsync(new V1.GetMeldingRequest { MeldingId = melding.MeldingId }, token);
        await client.ListMeldingenAsync(new V1.ListMeldingenRequest(), token);
        var correction = melding.Clone();
        correction.Betrokkenen[1].Persoon.Achternaam = "Gecorrigeerd-Logtest";
        await client.UpdateMeldingAsync(new V1.UpdateMeldingRequest
        {
            Melding = correction,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "betrokkenen" } },
        }, token);
        var invalid = TestMeldingen.Valid();
        invalid.Betrokkenen[0].Persoon.Bsn = "987654321";
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.CreateMeldingAsync(invalid, token).ResponseAsync);

        var logs = string.Join('\n', app.Logs.Lines);
        Assert.Contains(melding.MeldingId, logs, StringComparison.Ordinal);
        foreach (var secret in new[]
        {
            TestMeldingen.MelderNaam, TestMeldingen.MelderTelefoon, TestMeldingen.MelderEmail, bsn, "987654321",
            "Testpersoon-Jansen", "Gecorrigeerd-Logtest", request.Huishouden.Postcode,
        })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}
