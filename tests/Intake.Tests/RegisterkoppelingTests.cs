using Veiligthuis.Common.V1;
using Veiligthuis.Intake.Registerkoppeling;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>
/// The register link with no register to reach (IntakeApp points it at a dead port): the melding is stored at once,
/// the koppeling waits, and the attempts go on with growing, capped waits, never given up (ADR 0020).
/// </summary>
[Collection(nameof(IntakeCollection))]
public sealed class RegisterkoppelingTests(IntakeApp app)
{
    private const string Utrecht = "vt-utrecht";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly V1.Meldingen.MeldingenClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task CreateMelding_RegisterUnreachable_StoresMeldingAndKeepsRetryingWithBackoff()
    {
        var request = TestMeldingen.Valid();
        // A person the register cannot match: no BSN and no geboortedatum.
        request.Betrokkenen.Add(TestMeldingen.Persoon(BetrokkeneRol.Overig, "Piet", "Testpersoon-Jansen", default, Geslacht.Man, ""));
        request.Betrokkenen[^1].Persoon.Geboortedatum = null;
        var token = Auth.Bearer(app.Tokens.For(Utrecht));

        var melding = await _client.CreateMeldingAsync(request, token);

        Assert.Equal(
            [RegisterKoppelingStatus.Wachtend, RegisterKoppelingStatus.Wachtend, RegisterKoppelingStatus.Wachtend, RegisterKoppelingStatus.NietMogelijk],
            melding.Betrokkenen.Select(b => b.RegisterKoppeling.Status));
        var meldingId = Guid.Parse(melding.MeldingId);
        var pogingen = await Eventually.UntilAsync<object>(async () =>
        {
            var rows = await app.AdminQueryAsync("SELECT pogingen FROM registerkoppeling WHERE melding_id = $1", meldingId);
            return rows.Count == 1 && (int)rows[0][0]! >= 7 ? rows[0][0] : null;
        }, Timeout, "seven failed attempts of the register link");

        Assert.True((int)pogingen >= 7);
        var row = (await app.AdminQueryAsync("""
            SELECT pogingen, volgende_poging_op - laatste_poging_op, laatste_fout, afgerond_op FROM registerkoppeling WHERE melding_id = $1
            """, meldingId))[0];
        var opties = new RegisterkoppelingOptions
        {
            EersteWachttijd = TimeSpan.FromMilliseconds(50),
            MaxWachttijd = TimeSpan.FromMilliseconds(400),
        };
        Assert.Equal(opties.Wachttijd((int)row[0]!), (TimeSpan)row[1]!);
        Assert.Equal("Unavailable", row[2]);
        Assert.Null(row[3]);
        var fetched = await _client.GetMeldingAsync(new GetMeldingRequest { MeldingId = melding.MeldingId }, token);
        Assert.Equal(melding, fetched);
        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM registerkoppeling_persoon WHERE melding_id = $1", meldingId));
        // The stuck koppeling was reported once by id, without anything personal.
        var vast = app.Logs.Lines.Where(l => l.Contains(melding.MeldingId, StringComparison.Ordinal) && l.Contains("stuck", StringComparison.Ordinal)).ToList();
        Assert.Single(vast);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("Testpersoon-Jansen", StringComparison.Ordinal));
    }

    [Fact]
    public void Wachttijd_DoublesPerAttemptUpToTheCap()
    {
        var opties = new RegisterkoppelingOptions { EersteWachttijd = TimeSpan.FromSeconds(10), MaxWachttijd = TimeSpan.FromHours(1) };

        Assert.Equal(TimeSpan.FromSeconds(10), opties.Wachttijd(1));
        Assert.Equal(TimeSpan.FromSeconds(20), opties.Wachttijd(2));
        Assert.Equal(TimeSpan.FromSeconds(40), opties.Wachttijd(3));
        Assert.Equal(TimeSpan.FromHours(1), opties.Wachttijd(20));
        Assert.Equal(TimeSpan.FromHours(1), opties.Wachttijd(int.MaxValue));
    }
}
