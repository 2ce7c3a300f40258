using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>Where a person is known: one row per regio, aggregated so no single file shows through.</summary>
public sealed record BekendInRecord(string Regio, DateOnly Sinds, bool Open);

public sealed record BetrokkenheidRecord(Guid BetrokkenheidId, string Regio, DateOnly Startdatum, DateOnly? Einddatum);

/// <summary>A signal for the receiving regio; <see cref="Seq"/> orders delivery.</summary>
public sealed record SignaalRecord(long Seq, Guid SignaalId, string AfzendendeRegio, Guid PersoonId, Aanleiding Aanleiding,
    Doel Doel, DateTimeOffset CreatedAt);

/// <summary>One NEN 7513 access log entry; <see cref="EigenaarRegio"/> is the regio whose record was touched.</summary>
public sealed record ToegangslogRecord(
    long Seq, DateTimeOffset Wanneer, string Wie, string Regio, string Rol, Handeling Handeling, Doel Doel,
    Uitkomst Uitkomst, Guid? PersoonId, Guid? BetrokkenheidId, string EigenaarRegio, Guid? HuishoudenId = null);

/// <summary>
/// The register's tables. They are national (no row-level security): every write checks ownership
/// itself, and the access log only grows.
/// </summary>
public static class RegisterStore
{
    public static async Task<(Guid PersoonId, string KeyId)?> FindPersoonAsync(UnitOfWork uow, byte[][] hashes, CancellationToken ct)
    {
        await using var command = uow.Command(
            "SELECT persoon_id, key_id FROM persoon WHERE bsn_hmac = ANY($1)",
            new NpgsqlParameter { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetString(1)) : null;
    }

    /// <summary>Inserts the person unless a concurrent request did; returns the stored id either way.</summary>
    public static async Task<Guid> InsertPersoonAsync(UnitOfWork uow, Guid persoonId, byte[] hash, string keyId,
        DateTimeOffset now, CancellationToken ct)
    {
        var inserted = await uow.ExecuteAsync("""
            INSERT INTO persoon (persoon_id, bsn_hmac, key_id, created) VALUES ($1, $2, $3, $4)
            ON CONFLICT ON CONSTRAINT persoon_bsn_once DO NOTHING
            """, ct, persoonId, hash, keyId, now);
        if (inserted == 1)
        {
            return persoonId;
        }

        var existing = await FindPersoonAsync(uow, [hash], ct);
        return existing?.PersoonId ?? throw new InvalidOperationException("A person conflicted but cannot be found.");
    }

    /// <summary>Moves a person's hash to the current key, so an old key can later be retired.</summary>
    public static Task<int> RehashAsync(UnitOfWork uow, Guid persoonId, byte[] hash, string keyId, CancellationToken ct) =>
        uow.ExecuteAsync("UPDATE persoon SET bsn_hmac = $2, key_id = $3 WHERE persoon_id = $1", ct, persoonId, hash, keyId);

    public static async Task<bool> TryInsertBetrokkenheidAsync(UnitOfWork uow, Guid betrokkenheidId, Guid requestId,
        string casusReferentie, DateOnly startdatum, DateTimeOffset now, string actor, CancellationToken ct) =>
        await uow.ExecuteAsync("""
            INSERT INTO betrokkenheid (betrokkenheid_id, regio, request_id, casus_referentie, startdatum, created, geregistreerd_door)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT ON CONSTRAINT betrokkenheid_request_once DO NOTHING
            """, ct, betrokkenheidId, uow.Regio, requestId, casusReferentie, startdatum, now, actor) == 1;

    public static Task<int> InsertBetrokkenheidPersoonAsync(UnitOfWork uow, Guid betrokkenheidId, Guid persoonId, int volgnummer,
        MatchUitkomst match, CancellationToken ct) =>
        uow.ExecuteAsync("""
            INSERT INTO betrokkenheid_persoon (betrokkenheid_id, persoon_id, volgnummer, match_uitkomst) VALUES ($1, $2, $3, $4)
            ON CONFLICT DO NOTHING
            """, ct, betrokkenheidId, persoonId, volgnummer, (int)match);

    /// <summary>The betrokkenheid of this regio with this request id and its persons in request order.</summary>
    public static async Task<(Guid BetrokkenheidId, List<(Guid PersoonId, MatchUitkomst Match)> Personen)?> FindByRequestIdAsync(
        UnitOfWork uow, Guid requestId, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT b.betrokkenheid_id, bp.persoon_id, bp.match_uitkomst FROM betrokkenheid b
            JOIN betrokkenheid_persoon bp ON bp.betrokkenheid_id = b.betrokkenheid_id
            WHERE b.regio = $1 AND b.request_id = $2
            ORDER BY bp.volgnummer
            """, uow.Regio, requestId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        Guid? id = null;
        var personen = new List<(Guid, MatchUitkomst)>();
        while (await reader.ReadAsync(ct))
        {
            id = reader.GetGuid(0);
            personen.Add((reader.GetGuid(1), (MatchUitkomst)reader.GetInt32(2)));
        }

        return id is { } found ? (found, personen) : null;
    }

    /// <summary>Per regio, other than <paramref name="exceptRegio"/> (empty: none), where the person is known.</summary>
    public static async Task<List<BekendInRecord>> BekendInAsync(UnitOfWork uow, Guid persoonId, string exceptRegio,
        CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT b.regio, min(b.startdatum), bool_or(b.einddatum IS NULL)
            FROM betrokkenheid_persoon bp JOIN betrokkenheid b ON b.betrokkenheid_id = bp.betrokkenheid_id
            WHERE bp.persoon_id = $1 AND b.regio <> $2
            GROUP BY b.regio
            ORDER BY min(b.startdatum), b.regio
            """, persoonId, exceptRegio);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<BekendInRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new BekendInRecord(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetBoolean(2)));
        }

        return result;
    }

    public static async Task<BetrokkenheidRecord?> FindForUpdateAsync(UnitOfWork uow, Guid betrokkenheidId, CancellationToken ct)
    {
        await using var command = uow.Command(
            "SELECT betrokkenheid_id, regio, startdatum, einddatum FROM betrokkenheid WHERE betrokkenheid_id = $1 FOR UPDATE",
            betrokkenheidId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new BetrokkenheidRecord(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3))
            : null;
    }

    public static Task<int> BeeindigAsync(UnitOfWork uow, Guid betrokkenheidId, DateOnly einddatum, DateOnly bewarenTot,
        CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE betrokkenheid SET einddatum = $3, bewaren_tot = $4
            WHERE betrokkenheid_id = $1 AND regio = $2 AND einddatum IS NULL
            """, ct, betrokkenheidId, uow.Regio, einddatum, bewarenTot);

    /// <summary>
    /// Writes a signal. Signals for one regio are written one transaction at a time (a transaction-level
    /// advisory lock held until commit), so their seq follows commit order and a stream that has read
    /// up to a seq can never later see a lower one appear. Callers take the locks in regio order.
    /// </summary>
    public static async Task<int> InsertSignaalAsync(UnitOfWork uow, Guid signaalId, string ontvangendeRegio, Guid persoonId,
        Aanleiding aanleiding, Doel doel, DateTimeOffset now, CancellationToken ct)
    {
        await uow.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('register.signaal:' || $1, 0))", ct, ontvangendeRegio);
        return await uow.ExecuteAsync("""
            INSERT INTO signaal (signaal_id, ontvangende_regio, afzendende_regio, persoon_id, aanleiding, doel, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, ct, signaalId, ontvangendeRegio, uow.Regio, persoonId, (int)aanleiding, (int)doel, now);
    }

    /// <summary>The seq of <paramref name="signaalId"/> if it is a signal for this unit of work's regio.</summary>
    public static async Task<long?> SignaalSeqAsync(UnitOfWork uow, Guid signaalId, CancellationToken ct)
    {
        await using var command = uow.Command(
            "SELECT seq FROM signaal WHERE signaal_id = $1 AND ontvangende_regio = $2", signaalId, uow.Regio);
        return await command.ExecuteScalarAsync(ct) is long seq ? seq : null;
    }

    /// <summary>Signals for this unit of work's regio after <paramref name="afterSeq"/>, oldest first.</summary>
    public static async Task<List<SignaalRecord>> SignalenAsync(UnitOfWork uow, long afterSeq, int limit, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT seq, signaal_id, afzendende_regio, persoon_id, aanleiding, doel, created_at
            FROM signaal WHERE ontvangende_regio = $1 AND seq > $2
            ORDER BY seq LIMIT $3
            """, uow.Regio, afterSeq, limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<SignaalRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new SignaalRecord(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3),
                (Aanleiding)reader.GetInt32(4), (Doel)reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return result;
    }

    public static Task<int> LogAsync(UnitOfWork uow, ToegangslogRecord r, CancellationToken ct) =>
        uow.ExecuteAsync("""
            INSERT INTO toegangslog (wanneer, wie, regio, rol, handeling, doel, uitkomst, persoon_id, betrokkenheid_id, eigenaar_regio,
                                     huishouden_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, ct, r.Wanneer, r.Wie, r.Regio, r.Rol, (int)r.Handeling, (int)r.Doel, (int)r.Uitkomst,
            new NpgsqlParameter<Guid?> { TypedValue = r.PersoonId, NpgsqlDbType = NpgsqlDbType.Uuid },
            new NpgsqlParameter<Guid?> { TypedValue = r.BetrokkenheidId, NpgsqlDbType = NpgsqlDbType.Uuid },
            r.EigenaarRegio,
            new NpgsqlParameter<Guid?> { TypedValue = r.HuishoudenId, NpgsqlDbType = NpgsqlDbType.Uuid });

    /// <summary>Entries about <paramref name="eigenaarRegio"/>'s records, newest first, before <paramref name="beforeSeq"/>.</summary>
    public static async Task<List<ToegangslogRecord>> ToegangslogAsync(UnitOfWork uow, string eigenaarRegio, long beforeSeq,
        int limit, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT seq, wanneer, wie, regio, rol, handeling, doel, uitkomst, persoon_id, betrokkenheid_id, eigenaar_regio, huishouden_id
            FROM toegangslog WHERE eigenaar_regio = $1 AND seq < $2
            ORDER BY seq DESC LIMIT $3
            """, eigenaarRegio, beforeSeq, limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<ToegangslogRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new ToegangslogRecord(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), (Handeling)reader.GetInt32(5), (Doel)reader.GetInt32(6),
                (Uitkomst)reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetGuid(8),
                reader.IsDBNull(9) ? null : reader.GetGuid(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetGuid(11)));
        }

        return result;
    }
}
