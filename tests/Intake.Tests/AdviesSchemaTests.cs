using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>The advies table is tenant-isolated by row-level security, and has no room for personal data.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class AdviesSchemaTests(IntakeApp app)
{
    private static readonly string[] Forbidden = ["naam", "adres", "bsn", "geboortedatum", "postcode", "persoon", "huishouden"];

    [Fact]
    public async Task AdviesTable_HasForcedRowLevelSecurityOnAppRegio()
    {
        var rows = await app.AdminQueryAsync("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'advies'");
        var policy = await app.AdminScalarAsync<string>(
            "SELECT qual FROM pg_policies WHERE tablename = 'advies' AND policyname = 'advies_regio'");

        Assert.Equal([true, true], Assert.Single(rows));
        Assert.Contains("current_setting('app.regio'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdviesTable_HasNoPersonHouseholdOrAddressColumn()
    {
        var columns = (await app.AdminQueryAsync(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'advies'")).Select(r => (string)r[0]!).ToList();

        Assert.Contains("gemeente", columns);
        Assert.DoesNotContain(columns, c => Forbidden.Any(word => c.Contains(word, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task AdviesTable_RejectsAGemeenteOnAnonymousAdvice()
    {
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.AdminQueryAsync("""
            INSERT INTO advies (advies_id, regio, request_id, startdatum, anoniem, gemeente, aard, aanvullende_informatie,
                vermoedelijke_duur, adviesvrager_betrokkenheid, adviesvrager_functie, adviesvrager_organisatie,
                adviesvrager_rol, geregistreerd_op, geregistreerd_door)
            VALUES (gen_random_uuid(), 'vt-flevoland', gen_random_uuid(), date '2023-01-02', true, 'GM0034', '{1}', '{}',
                0, 2, 0, 0, 4, now(), 'test')
            """));

        Assert.Equal("advies_gemeente", error.ConstraintName);
    }
}
