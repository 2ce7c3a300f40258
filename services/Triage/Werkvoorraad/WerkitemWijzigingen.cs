using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

public sealed record WerkitemWijzigingRecord(long Id, Guid WerkitemId, Guid MeldingId, WerkvoorraadWijzigingSoort Soort,
    WerkitemStatus Status, string? GeclaimdDoor, DateTimeOffset? GeclaimdTot, DateTimeOffset At, long Xid, string? Team)
{
    public WijzigingCursor Cursor => new(Xid, Id);
}

/// <summary>A position in a regio's changes: the transaction that wrote a change, then its id.</summary>
public sealed record WijzigingCursor(long Xid, long Id);

/// <summary>The change log of a regio's werkitems, written in the transaction of each change.</summary>
public static class WerkitemWijzigingen
{
    /// <summary>Records a change of <paramref name="na"/>, the werkitem as it is after the change.</summary>
    public static Task RecordAsync(UnitOfWork uow, WerkitemRecord na, WerkvoorraadWijzigingSoort soort, string? geclaimdDoor,
        DateTimeOffset? geclaimdTot, DateTimeOffset at, CancellationToken ct) =>
        uow.ExecuteAsync("""
            INSERT INTO werkitem_wijziging (regio, werkitem_id, melding_id, soort, status, geclaimd_door, geclaimd_tot, at, team)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, ct, uow.Regio, na.WerkitemId, na.MeldingId, (int)soort, (int)na.Status,
            new NpgsqlParameter { Value = (object?)geclaimdDoor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)geclaimdTot ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz }, at,
            new NpgsqlParameter { Value = (object?)na.Team ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });

    /// <summary>
    /// Where a watcher starts: after every change of a transaction that ended before the oldest one still running.
    /// Changes of transactions running now come after it, so they are sent once they commit.
    /// </summary>
    public static async Task<WijzigingCursor> StartAsync(UnitOfWork uow, CancellationToken ct) =>
        new(await HorizonAsync(uow, ct) - 1, long.MaxValue);

    /// <summary>
    /// The oldest transaction of this database that may still write changes: the oldest one running in it, or, with none
    /// running, the next transaction id. Only this database's transactions count (pg_stat_activity of the service's own
    /// role), because the cluster's horizon (pg_snapshot_xmin) would let another service's long transaction, in another
    /// database of the same server, hold every watcher back. pg_stat_activity gives 32-bit ids; they are widened with the
    /// epoch of the snapshot's xmax, the newest id there is. Read in a statement of its own, so the rows read after it
    /// are read in a newer snapshot that sees every transaction below the horizon committed.
    /// </summary>
    private static async Task<long> HorizonAsync(UnitOfWork uow, CancellationToken ct)
    {
        await using var command = uow.Command("""
            WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
            running AS (
                SELECT ((s.xmax >> 32) << 32) + a.backend_xid::text::bigint AS widened, s.xmax
                FROM pg_stat_activity a, s
                WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid())
            SELECT least(
                (SELECT xmax FROM s),
                (SELECT min(CASE WHEN widened > xmax THEN widened - (1::bigint << 32) ELSE widened END) FROM running))
            """);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The regio's changes after <paramref name="after"/> in (transaction, id) order, of transactions that have all ended:
    /// a transaction still running may commit later with lower ids, so its rows wait until it is over (<see cref="HorizonAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<WerkitemWijzigingRecord>> AfterAsync(UnitOfWork uow, WijzigingCursor after, int limit,
        CancellationToken ct)
    {
        var horizon = await HorizonAsync(uow, ct);
        await using var command = uow.Command("""
            SELECT id, werkitem_id, melding_id, soort, status, geclaimd_door, geclaimd_tot, at, xid, team
            FROM werkitem_wijziging
            WHERE regio = $1 AND (xid, id) > ($2, $3) AND xid < $5
            ORDER BY xid, id LIMIT $4
            """, uow.Regio, after.Xid, after.Id, limit, horizon);
        await using var r = await command.ExecuteReaderAsync(ct);
        var rows = new List<WerkitemWijzigingRecord>();
        while (await r.ReadAsync(ct))
        {
            rows.Add(new WerkitemWijzigingRecord(r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), (WerkvoorraadWijzigingSoort)r.GetInt32(3),
                (WerkitemStatus)r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7), r.GetInt64(8),
                r.IsDBNull(9) ? null : r.GetString(9)));
        }

        return rows;
    }

    /// <summary>Removes the regio's changes recorded before <paramref name="before"/>; watchers have long sent them.</summary>
    public static Task<int> RemoveBeforeAsync(UnitOfWork uow, DateTimeOffset before, CancellationToken ct) =>
        uow.ExecuteAsync("DELETE FROM werkitem_wijziging WHERE regio = $1 AND at < $2", ct, uow.Regio, before);

    public static WerkvoorraadWijziging ToProto(this WerkitemWijzigingRecord w) => new()
    {
        WerkitemId = w.WerkitemId.ToString(),
        MeldingId = w.MeldingId.ToString(),
        Status = w.Status,
        GeclaimdDoor = w.GeclaimdDoor ?? "",
        GeclaimdTot = w.GeclaimdTot is { } tot ? Timestamp.FromDateTimeOffset(tot) : null,
        Soort = w.Soort,
        Op = Timestamp.FromDateTimeOffset(w.At),
        Team = w.Team ?? "",
    };
}
