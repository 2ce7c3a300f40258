using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Betrokkenheden;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Huishoudens;

/// <summary>
/// A register household that shares persons with a new registration: how many of the registration's
/// zeker-linked persons it holds, and whether one of its registrations was at the same address.
/// </summary>
public sealed record HuishoudenKandidaat(Guid HuishoudenId, int Gedeeld, bool ZelfdeAdres);

/// <summary>The household a registration is linked to (ZEKER), or that it may be (MOGELIJK: not linked).</summary>
public sealed record HuishoudenResultaat(MatchUitkomst Uitkomst, Guid? HuishoudenId);

/// <summary>
/// Households match when enough of their persons match (issue 5, ADR 0022); pure, so the benchmark runs
/// exactly this. Only persons linked zeker count: a mogelijk person is a new person until a caseworker decides.
/// </summary>
public static class HuishoudenBeslissing
{
    /// <summary>
    /// Zeker: at least two of the registration's persons are persons of the household, or one when the
    /// registration has only one person or when the household was registered at the same address (a person
    /// alone is weaker evidence than two, so the address must support it). Exactly one household may qualify
    /// best (most shared persons, then the address); a tie is mogelijk, as is any household sharing a
    /// person without qualifying. Otherwise geen.
    /// </summary>
    public static HuishoudenResultaat Kies(int personen, IEnumerable<HuishoudenKandidaat> kandidaten)
    {
        var alle = kandidaten.Where(k => k.Gedeeld > 0).ToList();
        var zeker = alle
            .Where(k => k.Gedeeld >= 2 || personen == 1 || k.ZelfdeAdres)
            .OrderByDescending(k => k.Gedeeld)
            .ThenByDescending(k => k.ZelfdeAdres)
            .ToList();
        if (zeker.Count == 1 || (zeker.Count > 1 && (zeker[0].Gedeeld, zeker[0].ZelfdeAdres) != (zeker[1].Gedeeld, zeker[1].ZelfdeAdres)))
        {
            return new HuishoudenResultaat(MatchUitkomst.Zeker, zeker[0].HuishoudenId);
        }

        return new HuishoudenResultaat(alle.Count > 0 ? MatchUitkomst.Mogelijk : MatchUitkomst.Geen, null);
    }
}

/// <summary>The household tables (national, like persoon).</summary>
public static class HuishoudenStore
{
    /// <summary>
    /// The households with a registration holding one of <paramref name="persoonIds"/>, with how many of
    /// them each holds; <paramref name="exceptBetrokkenheidId"/>, the registration being made, is left out.
    /// </summary>
    public static async Task<List<HuishoudenKandidaat>> KandidatenAsync(UnitOfWork uow, IReadOnlyCollection<Guid> persoonIds,
        byte[] adres, Guid exceptBetrokkenheidId, CancellationToken ct)
    {
        if (persoonIds.Count == 0)
        {
            return [];
        }

        await using var command = uow.Command("""
            SELECT g.huishouden_id, g.gedeeld,
                   EXISTS (SELECT 1 FROM betrokkenheid a WHERE a.huishouden_id = g.huishouden_id AND a.adres_hmac = $2)
            FROM (SELECT b.huishouden_id, count(DISTINCT bp.persoon_id)::int AS gedeeld
                  FROM betrokkenheid_persoon bp JOIN betrokkenheid b ON b.betrokkenheid_id = bp.betrokkenheid_id
                  WHERE bp.persoon_id = ANY($1) AND b.huishouden_id IS NOT NULL AND b.betrokkenheid_id <> $3
                  GROUP BY b.huishouden_id) g
            """,
            new NpgsqlParameter { Value = persoonIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
            Bytea(adres),
            exceptBetrokkenheidId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<HuishoudenKandidaat>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new HuishoudenKandidaat(reader.GetGuid(0), reader.GetInt32(1), reader.GetBoolean(2)));
        }

        return result;
    }

    /// <summary>
    /// Puts a new registration in a register household: the existing one its zeker-linked persons belong to
    /// (<see cref="HuishoudenBeslissing"/>), else a new one. The result's id is always the household the
    /// registration now belongs to; its outcome says whether that is an existing one. One registration and a bulk
    /// load's chunk (ADR 0026) both decide here, so a household never depends on how registrations were sent.
    /// </summary>
    public static async Task<HuishoudenResultaat> KoppelRegistratieAsync(UnitOfWork uow, PersoonMatcher matcher,
        RegistreerBetrokkenheid command, Guid betrokkenheidId, IReadOnlyList<(Guid PersoonId, MatchUitkomst Match)> personen,
        DateTimeOffset now, CancellationToken ct)
    {
        var adres = matcher.Adres(command.Personen[0].Gegevens);
        var zeker = personen.Where(p => p.Match == MatchUitkomst.Zeker).Select(p => p.PersoonId).ToHashSet();
        var kandidaten = await KandidatenAsync(uow, zeker, adres, betrokkenheidId, ct);
        var resultaat = HuishoudenBeslissing.Kies(personen.Count, kandidaten);
        var huishoudenId = resultaat.HuishoudenId ?? Guid.CreateVersion7(now);
        if (resultaat.HuishoudenId is null)
        {
            await InsertAsync(uow, huishoudenId, now, ct);
        }

        await KoppelAsync(uow, betrokkenheidId, huishoudenId, resultaat.Uitkomst, adres, ct);
        return resultaat with { HuishoudenId = huishoudenId };
    }

    public static Task<int> InsertAsync(UnitOfWork uow, Guid huishoudenId, DateTimeOffset now, CancellationToken ct) =>
        uow.ExecuteAsync("INSERT INTO huishouden (huishouden_id, created) VALUES ($1, $2)", ct, huishoudenId, now);

    public static Task<int> KoppelAsync(UnitOfWork uow, Guid betrokkenheidId, Guid huishoudenId, MatchUitkomst match, byte[] adres,
        CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE betrokkenheid SET huishouden_id = $2, huishouden_match = $3, adres_hmac = $4 WHERE betrokkenheid_id = $1
            """, ct, betrokkenheidId, huishoudenId, (int)match, Bytea(adres));

    // An empty address is stored and compared as NULL, which equals nothing.
    private static NpgsqlParameter<byte[]?> Bytea(byte[] value) =>
        new() { TypedValue = value.Length == 0 ? null : value, NpgsqlDbType = NpgsqlDbType.Bytea };

    /// <summary>A registration's household and its outcome (for a repeated request).</summary>
    public static async Task<(Guid? HuishoudenId, MatchUitkomst Match)> VanAsync(UnitOfWork uow, Guid betrokkenheidId, CancellationToken ct)
    {
        await using var command = uow.Command(
            "SELECT huishouden_id, huishouden_match FROM betrokkenheid WHERE betrokkenheid_id = $1", betrokkenheidId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.IsDBNull(0) ? null : reader.GetGuid(0), (MatchUitkomst)reader.GetInt32(1))
            : (null, MatchUitkomst.Onbekend);
    }

    /// <summary>Per regio, the same aggregate as for a person (ADR 0013): since when and whether open, over the household's registrations.</summary>
    public static async Task<List<BekendInRecord>> BekendInAsync(UnitOfWork uow, Guid huishoudenId, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT regio, min(startdatum), bool_or(einddatum IS NULL) FROM betrokkenheid WHERE huishouden_id = $1
            GROUP BY regio ORDER BY min(startdatum), regio
            """, huishoudenId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<BekendInRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new BekendInRecord(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetBoolean(2)));
        }

        return result;
    }

    /// <summary>
    /// For the radar: per regio other than <paramref name="exceptRegio"/> with a registration of the household, one
    /// person of it (the first of its earliest registration there), whom the signal names in that regio's records.
    /// </summary>
    public static async Task<Dictionary<string, Guid>> PersoonPerRegioAsync(UnitOfWork uow, Guid huishoudenId, string exceptRegio,
        CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT DISTINCT ON (b.regio) b.regio, bp.persoon_id
            FROM betrokkenheid b JOIN betrokkenheid_persoon bp ON bp.betrokkenheid_id = b.betrokkenheid_id
            WHERE b.huishouden_id = $1 AND b.regio <> $2
            ORDER BY b.regio, b.created, bp.volgnummer
            """, huishoudenId, exceptRegio);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, Guid>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = reader.GetGuid(1);
        }

        return result;
    }

    /// <summary>Removes households no registration refers to any more (after retention removed theirs).</summary>
    public static Task<int> VerwijderLegeAsync(UnitOfWork uow, Guid[] huishoudenIds, CancellationToken ct) =>
        uow.ExecuteAsync("""
            DELETE FROM huishouden h WHERE h.huishouden_id = ANY($1)
              AND NOT EXISTS (SELECT 1 FROM betrokkenheid b WHERE b.huishouden_id = h.huishouden_id)
            """, ct, new NpgsqlParameter { Value = huishoudenIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
}
