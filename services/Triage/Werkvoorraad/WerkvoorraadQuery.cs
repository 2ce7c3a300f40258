using System.Globalization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <param name="Team">Only the items of this team; empty for every item.</param>
public sealed record WerkvoorraadFilter(WerkitemStatus Status, bool AlleenTeLaat, bool VandaagUiterlijk, string Team = "")
{
    /// <summary>Binds a page token to the filter it was issued for (a team name holds no '|').</summary>
    public string Fingerprint => $"{(int)Status}{(AlleenTeLaat ? 1 : 0)}{(VandaagUiterlijk ? 1 : 0)}{Team}";

    /// <summary>The SQL condition of the team filter on parameter <paramref name="parameter"/>, empty without one.</summary>
    internal string TeamClause(int parameter) => Team.Length == 0 ? "" : $"AND team = ${parameter}";
}

/// <summary>
/// The position after the last item of a page, in the werkvoorraad order:
/// (acute check open ? 0 : 1, acute_check_uiterlijk when open, beoordeling_uiterlijk, ontvangen_op, werkitem_id).
/// A keyset cursor, so rows inserted meanwhile neither repeat nor shift items.
/// </summary>
public sealed record WerkvoorraadCursor(int AcuteRank, DateTimeOffset AcuteKey, DateOnly BeoordelingUiterlijk,
    DateTimeOffset OntvangenOp, Guid WerkitemId)
{
    public static readonly DateTimeOffset NotAcute = DateTimeOffset.UnixEpoch;

    public static WerkvoorraadCursor After(WerkitemRecord w) => w.Status == WerkitemStatus.AcuteCheckOpen
        ? new(0, w.AcuteCheckUiterlijk, w.BeoordelingUiterlijk, w.OntvangenOp, w.WerkitemId)
        : new(1, NotAcute, w.BeoordelingUiterlijk, w.OntvangenOp, w.WerkitemId);

    public const int TokenParts = 5;

    public string ToToken(WerkvoorraadFilter filter) => Paging.EncodeToken(filter.Fingerprint,
        AcuteRank.ToString(CultureInfo.InvariantCulture), AcuteKey.UtcTicks.ToString(CultureInfo.InvariantCulture),
        BeoordelingUiterlijk.DayNumber.ToString(CultureInfo.InvariantCulture),
        OntvangenOp.UtcTicks.ToString(CultureInfo.InvariantCulture), WerkitemId.ToString("N"));

    public static WerkvoorraadCursor Parse(string[] parts) => new(
        int.Parse(parts[0], CultureInfo.InvariantCulture),
        new DateTimeOffset(long.Parse(parts[1], CultureInfo.InvariantCulture), TimeSpan.Zero),
        DateOnly.FromDayNumber(int.Parse(parts[2], CultureInfo.InvariantCulture)),
        new DateTimeOffset(long.Parse(parts[3], CultureInfo.InvariantCulture), TimeSpan.Zero),
        Guid.ParseExact(parts[4], "N"));
}

public sealed record WerkvoorraadPage(IReadOnlyList<WerkitemRecord> Werkitems, WerkvoorraadCursor? Next,
    IReadOnlyDictionary<WerkitemStatus, int> Aantallen);

public static class WerkvoorraadQuery
{
    public static (WerkvoorraadFilter Filter, int PageSize, WerkvoorraadCursor? After) Validate(ListWerkvoorraadRequest request)
    {
        var violations = new Violations();
        violations.Check(Enum.IsDefined(request.Status), "status", "Unknown code.");
        violations.Check(request.Team.Length == 0 || Teams.IsValid(request.Team), "team", Teams.Rule);
        var filter = new WerkvoorraadFilter(request.Status, request.AlleenTeLaat, request.VandaagUiterlijk, request.Team);
        var pageSize = Paging.PageSize(request.Page, violations);
        var after = Paging.Cursor(request.Page, filter.Fingerprint, WerkvoorraadCursor.TokenParts, WerkvoorraadCursor.Parse, violations);
        violations.ThrowIfAny();
        return (filter, pageSize, after);
    }

    public static async Task<WerkvoorraadPage> QueryAsync(UnitOfWork uow, WerkvoorraadFilter filter, int pageSize,
        WerkvoorraadCursor? after, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = AmsterdamTime.DateOf(now);
        var cursor = after ?? new WerkvoorraadCursor(0, WerkvoorraadCursor.NotAcute, DateOnly.MinValue, WerkvoorraadCursor.NotAcute, Guid.Empty);
        var items = new List<WerkitemRecord>();
        await using (var command = filter.VandaagUiterlijk
            ? VandaagCommand(uow, filter, now, today, after is not null, cursor, pageSize + 1)
            : uow.Command($"""
            SELECT {WerkitemStore.Columns}
            FROM werkitem
            WHERE regio = $1
              AND (CASE WHEN $2 = 0 THEN status IN (1, 2) ELSE status = $2 END)
              AND (NOT $3 OR beoordeling_uiterlijk < $4 OR (status = 1 AND acute_check_uiterlijk < $5))
              AND (NOT $6 OR ({UrgencyKey}) > ($7, $8, $9, $10, $11))
              {filter.TeamClause(13)}
            ORDER BY {UrgencyKey}
            LIMIT $12
            """, uow.Regio, (int)filter.Status, filter.AlleenTeLaat, today, now,
            after is not null, cursor.AcuteRank, cursor.AcuteKey, cursor.BeoordelingUiterlijk, cursor.OntvangenOp,
            cursor.WerkitemId, pageSize + 1, filter.Team))
        {
            await using var r = await command.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                items.Add(WerkitemStore.Read(r));
            }
        }

        var next = Paging.TrimToPage(items, pageSize) is { } last ? WerkvoorraadCursor.After(last) : null;

        var aantallen = await AantallenAsync(uow, ct);
        return new WerkvoorraadPage(items, next, aantallen);
    }

    /// <summary>The werkvoorraad order, as indexed by werkitem_werkvoorraad (migration 0002).</summary>
    private const string UrgencyKey = """
        CASE WHEN status = 1 THEN 0 ELSE 1 END,
        CASE WHEN status = 1 THEN acute_check_uiterlijk ELSE timestamptz '1970-01-01 00:00:00+00' END,
        beoordeling_uiterlijk, ontvangen_op, werkitem_id
        """;

    /// <summary>
    /// Items due today: open acute checks due today, open acute checks due earlier whose beoordeling is due today, and the
    /// other items whose beoordeling is due today. Each part reads its own index (migration 0006), instead of walking the
    /// whole werkvoorraad order and filtering, which visited most of a large regio's items.
    /// </summary>
    private static Npgsql.NpgsqlCommand VandaagCommand(UnitOfWork uow, WerkvoorraadFilter filter, DateTimeOffset now,
        DateOnly today, bool hasCursor, WerkvoorraadCursor cursor, int limit)
    {
        var wantsAcute = filter.Status is WerkitemStatus.Onbekend or WerkitemStatus.AcuteCheckOpen;
        var laterStatus = filter.Status == WerkitemStatus.Onbekend ? (int)WerkitemStatus.BeoordelingOpen : (int)filter.Status;
        var team = filter.TeamClause(16);
        return uow.Command($"""
            SELECT {WerkitemStore.Columns} FROM (
                (SELECT {WerkitemStore.Columns} FROM werkitem
                 WHERE $2 AND regio = $1 AND status = 1 AND acute_check_uiterlijk >= $5 AND acute_check_uiterlijk < $6
                   AND (NOT $8 OR beoordeling_uiterlijk < $4 OR acute_check_uiterlijk < $7)
                   AND (NOT $9 OR (0, acute_check_uiterlijk, beoordeling_uiterlijk, ontvangen_op, werkitem_id) > ($10, $11, $12, $13, $14))
                   {team}
                 ORDER BY acute_check_uiterlijk, beoordeling_uiterlijk, ontvangen_op, werkitem_id
                 LIMIT $15)
                UNION ALL
                (SELECT {WerkitemStore.Columns} FROM werkitem
                 WHERE $2 AND regio = $1 AND status = 1 AND beoordeling_uiterlijk = $4
                   AND NOT (acute_check_uiterlijk >= $5 AND acute_check_uiterlijk < $6)
                   AND (NOT $8 OR acute_check_uiterlijk < $7)
                   AND (NOT $9 OR (0, acute_check_uiterlijk, beoordeling_uiterlijk, ontvangen_op, werkitem_id) > ($10, $11, $12, $13, $14))
                   {team}
                 ORDER BY acute_check_uiterlijk, ontvangen_op, werkitem_id
                 LIMIT $15)
                UNION ALL
                (SELECT {WerkitemStore.Columns} FROM werkitem
                 WHERE regio = $1 AND status = $3 AND status <> 1 AND beoordeling_uiterlijk = $4
                   AND NOT $8
                   AND (NOT $9 OR (1, beoordeling_uiterlijk, ontvangen_op, werkitem_id) > ($10, $12, $13, $14))
                   {team}
                 ORDER BY ontvangen_op, werkitem_id
                 LIMIT $15)
            ) vandaag
            ORDER BY {UrgencyKey}
            LIMIT $15
            """, uow.Regio, wantsAcute, laterStatus, today, AmsterdamTime.StartOfDay(today).ToUniversalTime(),
            AmsterdamTime.StartOfDay(today.AddDays(1)).ToUniversalTime(), now, filter.AlleenTeLaat, hasCursor, cursor.AcuteRank,
            cursor.AcuteKey, cursor.BeoordelingUiterlijk, cursor.OntvangenOp, cursor.WerkitemId, limit, filter.Team);
    }

    /// <summary>Items of the regio per status, from the counts the werkitem triggers keep (migration 0005).</summary>
    public static async Task<IReadOnlyDictionary<WerkitemStatus, int>> AantallenAsync(UnitOfWork uow, CancellationToken ct)
    {
        var aantallen = new Dictionary<WerkitemStatus, int>();
        await using (var command = uow.Command("""
            SELECT status, sum(aantal)::int FROM werkitem_aantal WHERE regio = $1
            GROUP BY status HAVING sum(aantal) > 0 ORDER BY status
            """, uow.Regio))
        {
            await using var r = await command.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                aantallen[(WerkitemStatus)r.GetInt32(0)] = r.GetInt32(1);
            }
        }

        return aantallen;
    }
}
