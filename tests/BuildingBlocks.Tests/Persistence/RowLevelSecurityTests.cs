using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Persistence;

/// <summary>
/// Row-level security on a table declared like the services' (ENABLE + FORCE + policy on app.regio),
/// reached as the database's owner, which is neither superuser nor BYPASSRLS.
/// </summary>
[Collection(nameof(PersistenceCollection))]
public sealed class RowLevelSecurityTests(SharedDatabase shared)
{
    private const string Utrecht = "vt-utrecht";
    private const string Haaglanden = "vt-haaglanden";
    private readonly TestDatabase _db = shared.Db;

    [Fact]
    public async Task UnitOfWork_UnfilteredQuery_SeesOnlyItsOwnRegiosRows()
    {
        var database = _db.Database();
        var utrecht = await InsertAsync(database, Utrecht, 2);
        var haaglanden = await InsertAsync(database, Haaglanden, 3);

        await using var uow = await database.BeginAsync(Utrecht, CancellationToken.None);
        var seen = await IdsAsync(uow.Command("SELECT id FROM regio_probe"));
        var count = (long)(await uow.Command("SELECT count(*) FROM regio_probe").ExecuteScalarAsync())!;

        Assert.Equal(await _db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe WHERE regio = $1", Utrecht), count);
        Assert.True(await _db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe") > count, "other regios' rows exist");
        Assert.Superset(utrecht.ToHashSet(), seen.ToHashSet());
        Assert.Empty(seen.Intersect(haaglanden));
    }

    [Fact]
    public async Task PlainConnection_WithoutRegio_SeesNoRows()
    {
        await InsertAsync(_db.Database(), Utrecht, 1);
        await InsertAsync(_db.Database(), Haaglanden, 1);

        await using var connection = await _db.DataSource.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM regio_probe", connection);

        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        Assert.True(await _db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe") >= 2);
    }

    [Fact]
    public async Task UnitOfWork_InsertingAnotherRegiosRow_IsRefusedByWithCheck()
    {
        var id = Guid.NewGuid();
        await using var uow = await _db.Database().BeginAsync(Utrecht, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            uow.ExecuteAsync("INSERT INTO regio_probe (id, regio) VALUES ($1, $2)", CancellationToken.None, id, Haaglanden));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Equal(0L, await _db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe WHERE id = $1", id));
    }

    [Fact]
    public async Task UnitOfWork_UpdateMovingRowToAnotherRegio_IsRefusedByWithCheck()
    {
        var id = (await InsertAsync(_db.Database(), Utrecht, 1))[0];
        await using var uow = await _db.Database().BeginAsync(Utrecht, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            uow.ExecuteAsync("UPDATE regio_probe SET regio = $2 WHERE id = $1", CancellationToken.None, id, Haaglanden));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task PooledConnection_AfterUnitOfWorkEnded_NoLongerCarriesRegio()
    {
        // One physical connection, and no reset when it returns to the pool: only the transaction-local
        // set_config of the unit of work keeps app.regio from leaking to the connection's next user.
        var builder = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { MaxPoolSize = 1, NoResetOnClose = true };
        await using var pool = NpgsqlDataSource.Create(builder.ConnectionString);
        var database = _db.Database(dataSource: pool);
        await InsertAsync(database, Utrecht, 1);

        int backend;
        long seenInside;
        await using (var uow = await database.BeginAsync(Utrecht, CancellationToken.None))
        {
            backend = uow.Connection.ProcessID;
            seenInside = (long)(await uow.Command("SELECT count(*) FROM regio_probe").ExecuteScalarAsync())!;
            await uow.CommitAsync(CancellationToken.None);
        }

        await using var connection = await pool.OpenConnectionAsync();
        await using var regio = new NpgsqlCommand("SELECT coalesce(current_setting('app.regio', true), '')", connection);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM regio_probe", connection);

        Assert.Equal(backend, connection.ProcessID);
        Assert.True(seenInside >= 1);
        Assert.Equal("", (string)(await regio.ExecuteScalarAsync())!);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task PooledConnection_AfterUnitOfWorkRolledBack_NoLongerCarriesRegio()
    {
        var builder = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { MaxPoolSize = 1, NoResetOnClose = true };
        await using var pool = NpgsqlDataSource.Create(builder.ConnectionString);
        var database = _db.Database(dataSource: pool);
        await InsertAsync(database, Utrecht, 1);

        await using (await database.BeginAsync(Utrecht, CancellationToken.None))
        {
            // Disposed without commit.
        }

        await using var connection = await pool.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM regio_probe", connection);

        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task DeferredUnitOfWork_FirstQuery_SeesOnlyItsOwnRegiosRows()
    {
        var database = _db.Database();
        await InsertAsync(database, Utrecht, 2);
        var haaglanden = await InsertAsync(database, Haaglanden, 2);

        await using var uow = await database.BeginDeferredAsync(Utrecht, CancellationToken.None);
        var seen = new List<Guid>();
        await using (var reader = await uow.QueryAsync("SELECT id FROM regio_probe", CancellationToken.None))
        {
            while (await reader.ReadAsync())
            {
                seen.Add(reader.GetGuid(0));
            }
        }

        Assert.Equal(await _db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe WHERE regio = $1", Utrecht), seen.Count);
        Assert.Empty(seen.Intersect(haaglanden));
        // Bound now: plain commands run, still within the regio.
        Assert.Equal(Utrecht, (string)(await uow.Command("SELECT current_setting('app.regio')").ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task DeferredUnitOfWork_FirstExecute_IsBoundAndCountsItsOwnRows()
    {
        var id = Guid.NewGuid();
        await using (var uow = await _db.Database().BeginDeferredAsync(Utrecht, CancellationToken.None))
        {
            var inserted = await uow.ExecuteAsync("INSERT INTO regio_probe (id, regio) VALUES ($1, $2)", CancellationToken.None, id, Utrecht);
            await uow.CommitAsync(CancellationToken.None);
            Assert.Equal(1, inserted);
        }

        await using var other = await _db.Database().BeginDeferredAsync(Utrecht, CancellationToken.None);
        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            other.ExecuteAsync("INSERT INTO regio_probe (id, regio) VALUES ($1, $2)", CancellationToken.None, Guid.NewGuid(), Haaglanden));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Equal(1L, await _db.AdminScalarAsync<long>("SELECT count(*) FROM regio_probe WHERE id = $1", id));
    }

    [Fact]
    public async Task DeferredUnitOfWork_CommandBeforeBinding_IsRefused()
    {
        await using var uow = await _db.Database().BeginDeferredAsync(Utrecht, CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => uow.Command("SELECT count(*) FROM regio_probe"));
    }

    [Fact]
    public async Task BeginAsync_UnknownRegio_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _db.Database().BeginAsync("vt-atlantis", CancellationToken.None));
    }

    private static async Task<List<Guid>> InsertAsync(Database database, string regio, int rows)
    {
        var ids = Enumerable.Range(0, rows).Select(_ => Guid.NewGuid()).ToList();
        await using var uow = await database.BeginAsync(regio, CancellationToken.None);
        foreach (var id in ids)
        {
            await uow.ExecuteAsync("INSERT INTO regio_probe (id, regio) VALUES ($1, $2)", CancellationToken.None, id, regio);
        }

        await uow.CommitAsync(CancellationToken.None);
        return ids;
    }

    private static async Task<List<Guid>> IdsAsync(NpgsqlCommand command)
    {
        await using (command)
        {
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }

            return ids;
        }
    }
}
