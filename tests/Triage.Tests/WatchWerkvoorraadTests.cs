using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Veiligthuis.Triage.Werkvoorraad;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class WatchWerkvoorraadTests(TriageApp app)
{
    private const string Twente = "vt-twente";
    private const string Groningen = "vt-groningen";
    // Only these tests use these regios.
    private const string IJsselland = "vt-ijsselland";
    private const string HollandsMidden = "vt-hollands-midden";
    private const string Limburg = "vt-noord-en-midden-limburg";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task WatchWerkvoorraad_DeliversTheCountsThenTheRegiosChangesInOrder_AndNothingToAnotherRegio()
    {
        var token = app.Tokens.For(Twente);
        using var cancel = new CancellationTokenSource();
        using var twente = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(token), cancellationToken: cancel.Token);
        using var groningen = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(app.Tokens.For(Groningen)),
            cancellationToken: cancel.Token);
        Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Aantallen, (await NextAsync(twente)).UpdateCase);
        Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Aantallen, (await NextAsync(groningen)).UpdateCase);

        var werkitem = await app.OpenWerkitemAsync(Twente);
        var claimed = await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

        var seen = await WijzigingenOfAsync(twente, werkitem.WerkitemId, 3);
        Assert.Equal(
            [WerkvoorraadWijzigingSoort.Geopend, WerkvoorraadWijzigingSoort.Geclaimd, WerkvoorraadWijzigingSoort.AcuteCheckVastgelegd],
            seen.Select(w => w.Soort));
        Assert.All(seen, w => Assert.Equal(werkitem.MeldingId, w.MeldingId));
        Assert.Equal(
            [WerkitemStatus.AcuteCheckOpen, WerkitemStatus.AcuteCheckOpen, WerkitemStatus.BeoordelingOpen],
            seen.Select(w => w.Status));
        Assert.Equal(claimed.GeclaimdDoor, seen[1].GeclaimdDoor);
        Assert.NotNull(seen[1].GeclaimdTot);

        // Changes come in commit order per regio and ids are global: once Groningen's own later change
        // arrives, any Twente change it could have seen would have come before it.
        var marker = await app.OpenWerkitemAsync(Groningen);
        var groningenSeen = new List<WerkvoorraadWijziging>();
        while (groningenSeen.LastOrDefault()?.WerkitemId != marker.WerkitemId)
        {
            var update = await NextAsync(groningen);
            if (update.UpdateCase == WerkvoorraadUpdate.UpdateOneofCase.Wijziging)
            {
                groningenSeen.Add(update.Wijziging);
            }
        }

        Assert.DoesNotContain(groningenSeen, w => w.WerkitemId == werkitem.WerkitemId);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task WatchWerkvoorraad_AChangeCommittingAfterALaterOne_IsStillDelivered()
    {
        using var cancel = new CancellationTokenSource();
        using var watch = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(app.Tokens.For(IJsselland)),
            cancellationToken: cancel.Token);
        Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Aantallen, (await NextAsync(watch)).UpdateCase);

        // A change that takes its id first but commits last, as a slow transaction of another replica would: the
        // service's own role, bound to the regio as the service binds it.
        var slowWerkitemId = Guid.NewGuid();
        await using var slow = new NpgsqlConnection(app.ConnectionString);
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var bind = new NpgsqlCommand("SELECT set_config('app.regio', $1, true)", slow, transaction))
        {
            bind.Parameters.Add(new NpgsqlParameter { Value = IJsselland });
            await bind.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO werkitem_wijziging (regio, werkitem_id, melding_id, soort, status, at)
            VALUES ($1, $2, $3, $4, $5, now())
            """, slow, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = IJsselland });
            insert.Parameters.Add(new NpgsqlParameter { Value = slowWerkitemId });
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            insert.Parameters.Add(new NpgsqlParameter { Value = (int)WerkvoorraadWijzigingSoort.Geopend });
            insert.Parameters.Add(new NpgsqlParameter { Value = (int)WerkitemStatus.AcuteCheckOpen });
            await insert.ExecuteNonQueryAsync();
        }

        var fast = await app.OpenWerkitemAsync(IJsselland);
        await transaction.CommitAsync();

        var seen = new List<string>();
        while (!(seen.Contains(fast.WerkitemId) && seen.Contains(slowWerkitemId.ToString())))
        {
            var update = await NextAsync(watch);
            Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Wijziging, update.UpdateCase);
            seen.Add(update.Wijziging.WerkitemId);
        }

        Assert.Equal([slowWerkitemId.ToString(), fast.WerkitemId], seen);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task WatchWerkvoorraad_ALongTransactionInAnotherDatabase_DoesNotHoldTheStreamBack()
    {
        using var cancel = new CancellationTokenSource();
        using var watch = _client.WatchWerkvoorraad(new WatchWerkvoorraadRequest(), Auth.Bearer(app.Tokens.For(Limburg)),
            cancellationToken: cancel.Token);
        Assert.Equal(WerkvoorraadUpdate.UpdateOneofCase.Aantallen, (await NextAsync(watch)).UpdateCase);

        // Another service's database on the same server, with a transaction that holds a transaction id for the whole test.
        var elsewhere = new NpgsqlConnectionStringBuilder(await TestInfrastructure.AdminConnectionToAsync(app.ConnectionString))
        {
            Database = "postgres",
        };
        await using var other = new NpgsqlConnection(elsewhere.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_current_xact_id()", other, transaction))
        {
            await hold.ExecuteScalarAsync();
        }

        var werkitem = await app.OpenWerkitemAsync(Limburg);

        var update = await NextAsync(watch);
        Assert.Equal(werkitem.WerkitemId, update.Wijziging.WerkitemId);
        await transaction.RollbackAsync();
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task Opruiming_RemovesChangesPastTheirRetention_AndKeepsRecentOnes()
    {
        var token = app.Tokens.For(HollandsMidden);
        var werkitem = await app.OpenWerkitemAsync(HollandsMidden);
        await app.AdminQueryAsync("UPDATE werkitem_wijziging SET at = now() - interval '2 days' WHERE regio = $1", HollandsMidden);
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

        var removed = await app.Services.GetRequiredService<WerkitemWijzigingOpruiming>().RunOnceAsync(CancellationToken.None);

        Assert.True(removed >= 1);
        var left = await app.AdminQueryAsync("SELECT soort FROM werkitem_wijziging WHERE regio = $1", HollandsMidden);
        Assert.Equal([(int)WerkvoorraadWijzigingSoort.Geclaimd], left.Select(row => (int)row[0]!));
    }

    private static async Task<List<WerkvoorraadWijziging>> WijzigingenOfAsync(AsyncServerStreamingCall<WerkvoorraadUpdate> call,
        string werkitemId, int count)
    {
        var seen = new List<WerkvoorraadWijziging>();
        while (seen.Count < count)
        {
            var update = await NextAsync(call);
            if (update.UpdateCase == WerkvoorraadUpdate.UpdateOneofCase.Wijziging && update.Wijziging.WerkitemId == werkitemId)
            {
                seen.Add(update.Wijziging);
            }
        }

        return seen;
    }

    private static async Task<WerkvoorraadUpdate> NextAsync(AsyncServerStreamingCall<WerkvoorraadUpdate> call)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "The stream ended.");
        return call.ResponseStream.Current;
    }
}
