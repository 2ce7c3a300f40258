using Npgsql;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Persistence;

/// <summary>Each test migrates a database of its own: they count what a first run applies.</summary>
public sealed class MigrationRunnerTests
{
    private const string SchemaMigrations =
        "SELECT string_agg(track || '/' || version || '/' || name || '/' || checksum || '/' || applied_at, ';' ORDER BY track, version) FROM schema_migrations";

    private static int MigrationCount => TestDatabase.Sources.Sum(s => s.Load().Count);

    [Fact]
    public async Task Apply_Twice_SecondRunAppliesNothingAndKeepsSchemaAndData()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);

        var first = await db.Runner().ApplyAsync(CancellationToken.None);
        var recorded = await db.AdminScalarAsync<string>(SchemaMigrations);
        await db.AdminExecuteAsync("INSERT INTO regio_probe (id, regio) VALUES ($1, 'vt-utrecht')", Guid.NewGuid());
        var second = await db.Runner().ApplyAsync(CancellationToken.None);

        Assert.Equal(MigrationCount, first);
        Assert.True(first >= 3, "the building blocks' track and the test track are both applied");
        Assert.Equal(0, second);
        Assert.Equal(recorded, await db.AdminScalarAsync<string>(SchemaMigrations));
        Assert.Equal(1L, await db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe"));
        Assert.Equal(1L, await db.AdminScalarAsync<long>("SELECT count(*) FROM migration_probe"));
        Assert.Equal(0L, await db.AdminScalarAsync<long>("SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task Apply_AfterAppliedMigrationChanged_RefusesWithInvalidOperation()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await db.Runner().ApplyAsync(CancellationToken.None);
        await db.AdminExecuteAsync(
            "UPDATE schema_migrations SET checksum = 'x' WHERE track = $1 AND version = 1", TestDatabase.TestTrack);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Runner().ApplyAsync(CancellationToken.None));

        Assert.Contains($"{TestDatabase.TestTrack}/0001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_RefusedChange_RollsBackWhatTheSameRunApplied()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await db.Runner().ApplyAsync(CancellationToken.None);
        // The building blocks' 0001 becomes pending again, and the test track's 0001 (applied after it) changed.
        await db.AdminExecuteAsync("DROP TABLE outbox, inbox");
        await db.AdminExecuteAsync("DELETE FROM schema_migrations WHERE track = 'buildingblocks'");
        await db.AdminExecuteAsync("UPDATE schema_migrations SET checksum = 'x' WHERE track = $1 AND version = 1", TestDatabase.TestTrack);

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Runner().ApplyAsync(CancellationToken.None));

        Assert.True(await db.AdminScalarAsync<bool>("SELECT to_regclass('outbox') IS NULL"), "outbox was created by the refused run");
        Assert.Equal(0L, await db.AdminScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE track = 'buildingblocks'"));
    }

    [Fact]
    public async Task Apply_ConcurrentRunners_ApplyEachMigrationExactlyOnce()
    {
        const int runners = 6;
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var dataSources = Enumerable.Range(0, runners).Select(_ => NpgsqlDataSource.Create(db.ConnectionString)).ToList();
        try
        {
            using var start = new ManualResetEventSlim();
            var runs = dataSources.Select(ds => Task.Run(async () =>
            {
                start.Wait();
                return await db.Runner(ds).ApplyAsync(CancellationToken.None);
            })).ToList();
            start.Set();

            var applied = await Task.WhenAll(runs);

            Assert.Equal(MigrationCount, applied.Sum());
            Assert.Single(applied, n => n > 0);
            Assert.Equal((long)MigrationCount, await db.AdminScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
            Assert.Equal(1L, await db.AdminScalarAsync<long>("SELECT count(*) FROM migration_probe"));
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }
}
