using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

public sealed record WerkitemWijzigingRecord(long Id, Guid WerkitemId, Guid MeldingId, WerkvoorraadWijzigingSoort Soort,
    WerkitemStatus Status, string? GeclaimdDoor, DateTimeOffset? GeclaimdTot, DateTimeOffset At);

/// <summary>The change log of a regio's werkitems, written in the transaction of each change.</summary>
public static class WerkitemWijzigingen
{
    public static Task RecordAsync(UnitOfWork uow, Guid werkitemId, Guid meldingId, WerkvoorraadWijzigingSoort soort,
        WerkitemStatus status, string? geclaimdDoor, DateTimeOffset? geclaimdTot, DateTimeOffset at, CancellationToken ct) =>
        uow.ExecuteAsync("""
            INSERT INTO werkitem_wijziging (regio, werkitem_id, melding_id, soort, status, geclaimd_door, geclaimd_tot, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, ct, uow.Regio, werkitemId, meldingId, (int)soort, (int)status,
            new NpgsqlParameter { Value = (object?)geclaimdDoor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)geclaimdTot ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz }, at);

    /// <summary>The id of the regio's latest change, 0 when there is none.</summary>
    public static async Task<long> LatestIdAsync(UnitOfWork uow, CancellationToken ct)
    {
        await using var command = uow.Command("SELECT coalesce(max(id), 0) FROM werkitem_wijziging WHERE regio = $1", uow.Regio);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The regio's changes after <paramref name="afterId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<WerkitemWijzigingRecord>> AfterAsync(UnitOfWork uow, long afterId, int limit,
        CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT id, werkitem_id, melding_id, soort, status, geclaimd_door, geclaimd_tot, at
            FROM werkitem_wijziging WHERE regio = $1 AND id > $2 ORDER BY id LIMIT $3
            """, uow.Regio, afterId, limit);
        await using var r = await command.ExecuteReaderAsync(ct);
        var rows = new List<WerkitemWijzigingRecord>();
        while (await r.ReadAsync(ct))
        {
            rows.Add(new WerkitemWijzigingRecord(r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), (WerkvoorraadWijzigingSoort)r.GetInt32(3),
                (WerkitemStatus)r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7)));
        }

        return rows;
    }

    public static WerkvoorraadWijziging ToProto(this WerkitemWijzigingRecord w) => new()
    {
        WerkitemId = w.WerkitemId.ToString(),
        MeldingId = w.MeldingId.ToString(),
        Status = w.Status,
        GeclaimdDoor = w.GeclaimdDoor ?? "",
        GeclaimdTot = w.GeclaimdTot is { } tot ? Timestamp.FromDateTimeOffset(tot) : null,
        Soort = w.Soort,
        Op = Timestamp.FromDateTimeOffset(w.At),
    };
}
