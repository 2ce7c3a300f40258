using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Matching;

/// <summary>A review item as stored; <see cref="Velden"/> holds codes only.</summary>
public sealed record MatchbeoordelingRecord(
    long Seq, Guid MatchbeoordelingId, string Regio, Guid PersoonId, Guid KandidaatId, Guid BetrokkenheidId, double Score,
    IReadOnlyList<VeldScore> Velden, MatchbeoordelingStatus Status, DateTimeOffset Created, DateTimeOffset? BeslotenAt,
    string? BeslotenDoor, Guid? ResultaatPersoonId);

/// <summary>The matching tables: keyed features, blocking keys, the review queue (national, like persoon).</summary>
public static class MatchStore
{
    private static NpgsqlParameter ByteaArray(IEnumerable<byte[]> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea };

    /// <summary>
    /// The records that share a blocking key, under the current matching key, of persons that were not
    /// merged into another. Reads through the blocking index only.
    /// </summary>
    public static async Task<List<KandidaatRecord>> KandidatenAsync(UnitOfWork uow, IReadOnlyList<byte[]> blokken, string keyId,
        int limit, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT k.persoon_id, p.bsn_hmac, k.kenmerken
            FROM (SELECT DISTINCT kenmerk_id FROM persoon_blok WHERE blok = ANY($1) LIMIT $3) b
            JOIN persoon_kenmerk k ON k.kenmerk_id = b.kenmerk_id
            JOIN persoon p ON p.persoon_id = k.persoon_id
            WHERE k.key_id = $2 AND p.samengevoegd_in IS NULL
            """, ByteaArray(blokken), keyId, limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<KandidaatRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new KandidaatRecord(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1),
                MatchKenmerken.FromBytes(reader.GetFieldValue<byte[]>(2))));
        }

        return result;
    }

    public static async Task InsertKenmerkenAsync(UnitOfWork uow, Guid kenmerkId, Guid persoonId, Guid betrokkenheidId, string keyId,
        MatchKenmerken kenmerken, DateTimeOffset now, CancellationToken ct)
    {
        await uow.ExecuteAsync("""
            INSERT INTO persoon_kenmerk (kenmerk_id, persoon_id, betrokkenheid_id, key_id, kenmerken, created)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, ct, kenmerkId, persoonId, betrokkenheidId, keyId, kenmerken.ToBytes(), now);
        await uow.ExecuteAsync("""
            INSERT INTO persoon_blok (blok, kenmerk_id) SELECT DISTINCT b, $2 FROM unnest($1) b ON CONFLICT DO NOTHING
            """, ct, ByteaArray(kenmerken.Blokken), kenmerkId);
    }

    public static Task<int> InsertPersoonZonderBsnAsync(UnitOfWork uow, Guid persoonId, DateTimeOffset now, CancellationToken ct) =>
        uow.ExecuteAsync("INSERT INTO persoon (persoon_id, created) VALUES ($1, $2)", ct, persoonId, now);

    /// <summary>Gives a person known without a BSN the BSN a zeker match brought; a person's BSN never changes.</summary>
    public static Task<int> SetBsnAsync(UnitOfWork uow, Guid persoonId, byte[] hash, string keyId, CancellationToken ct) =>
        uow.ExecuteAsync("UPDATE persoon SET bsn_hmac = $2, key_id = $3 WHERE persoon_id = $1 AND bsn_hmac IS NULL",
            ct, persoonId, hash, keyId);

    public static Task<int> InsertMatchbeoordelingAsync(UnitOfWork uow, Guid id, Guid persoonId, Guid kandidaatId,
        Guid betrokkenheidId, MatchScore score, DateTimeOffset now, CancellationToken ct) =>
        uow.ExecuteAsync("""
            INSERT INTO matchbeoordeling (matchbeoordeling_id, regio, persoon_id, kandidaat_id, betrokkenheid_id, score, velden, status, created)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT ON CONSTRAINT matchbeoordeling_paar_once DO NOTHING
            """, ct, id, uow.Regio, persoonId, kandidaatId, betrokkenheidId, score.Totaal, Velden(score.Velden),
            (int)MatchbeoordelingStatus.Open, now);

    /// <summary>The open items of this regio for one registration's person, oldest first.</summary>
    public static async Task<List<Guid>> OpenIdsAsync(UnitOfWork uow, Guid betrokkenheidId, Guid persoonId, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT matchbeoordeling_id FROM matchbeoordeling
            WHERE regio = $1 AND betrokkenheid_id = $2 AND persoon_id = $3 ORDER BY seq
            """, uow.Regio, betrokkenheidId, persoonId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetGuid(0));
        }

        return result;
    }

    public static async Task<List<MatchbeoordelingRecord>> OpenAsync(UnitOfWork uow, long afterSeq, int limit, CancellationToken ct)
    {
        await using var command = uow.Command($"""
            {Select} WHERE regio = $1 AND status = {(int)MatchbeoordelingStatus.Open} AND seq > $2 ORDER BY seq LIMIT $3
            """, uow.Regio, afterSeq, limit);
        return await ReadAsync(command, ct);
    }

    public static async Task<MatchbeoordelingRecord?> FindForUpdateAsync(UnitOfWork uow, Guid id, CancellationToken ct)
    {
        await using var command = uow.Command($"{Select} WHERE matchbeoordeling_id = $1 FOR UPDATE", id);
        return (await ReadAsync(command, ct)).FirstOrDefault();
    }

    public static Task<int> BeslisAsync(UnitOfWork uow, Guid id, MatchbeoordelingStatus status, DateTimeOffset now, string door,
        Guid resultaat, CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE matchbeoordeling SET status = $2, besloten_at = $3, besloten_door = $4, resultaat_persoon_id = $5
            WHERE matchbeoordeling_id = $1
            """, ct, id, (int)status, now, door, resultaat);

    /// <summary>
    /// Locks persons in id order, so two decisions about the same pair (A→B, B→A) wait for each other
    /// instead of deadlocking.
    /// </summary>
    public static Task<int> LockAsync(UnitOfWork uow, Guid[] persoonIds, CancellationToken ct) =>
        uow.ExecuteAsync("SELECT 1 FROM persoon WHERE persoon_id = ANY($1) ORDER BY persoon_id FOR UPDATE", ct,
            new NpgsqlParameter { Value = persoonIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });

    /// <summary>Follows merges to the person a person now is.</summary>
    public static async Task<(Guid PersoonId, byte[]? BsnHmac, string? KeyId)> HuidigAsync(UnitOfWork uow, Guid persoonId,
        CancellationToken ct)
    {
        var id = persoonId;
        for (var i = 0; i < 64; i++)
        {
            await using var command = uow.Command(
                "SELECT samengevoegd_in, bsn_hmac, key_id FROM persoon WHERE persoon_id = $1 FOR UPDATE", id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("A person of a review item is gone.");
            }

            if (reader.IsDBNull(0))
            {
                return (id, reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }

            id = reader.GetGuid(0);
        }

        throw new InvalidOperationException("Merges form a loop.");
    }

    /// <summary>
    /// Moves everything of <paramref name="van"/> to <paramref name="naar"/>: betrokkenheden, features,
    /// signals and the BSN hash when <paramref name="naar"/> has none; <paramref name="van"/> remains as a pointer.
    /// </summary>
    public static async Task VoegSamenAsync(UnitOfWork uow, Guid van, byte[]? vanBsn, string? vanKeyId, Guid naar, bool naarHeeftBsn,
        CancellationToken ct)
    {
        await uow.ExecuteAsync("""
            UPDATE betrokkenheid_persoon bp SET persoon_id = $2, match_uitkomst = $3
            WHERE bp.persoon_id = $1 AND NOT EXISTS (
                SELECT 1 FROM betrokkenheid_persoon o WHERE o.betrokkenheid_id = bp.betrokkenheid_id AND o.persoon_id = $2)
            """, ct, van, naar, (int)MatchUitkomst.Zeker);
        await uow.ExecuteAsync("DELETE FROM betrokkenheid_persoon WHERE persoon_id = $1", ct, van);
        await uow.ExecuteAsync("UPDATE persoon_kenmerk SET persoon_id = $2 WHERE persoon_id = $1", ct, van, naar);
        await uow.ExecuteAsync("UPDATE signaal SET persoon_id = $2 WHERE persoon_id = $1", ct, van, naar);
        if (vanBsn is not null && !naarHeeftBsn)
        {
            // The unique index allows one row per hash: free it on the old row first.
            await uow.ExecuteAsync("UPDATE persoon SET bsn_hmac = NULL, key_id = NULL WHERE persoon_id = $1", ct, van);
            await SetBsnAsync(uow, naar, vanBsn, vanKeyId!, ct);
        }

        await uow.ExecuteAsync("UPDATE persoon SET samengevoegd_in = $2 WHERE persoon_id = $1", ct, van, naar);
    }

    private const string Select = """
        SELECT seq, matchbeoordeling_id, regio, persoon_id, kandidaat_id, betrokkenheid_id, score, velden, status, created,
               besloten_at, besloten_door, resultaat_persoon_id
        FROM matchbeoordeling
        """;

    private static async Task<List<MatchbeoordelingRecord>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<MatchbeoordelingRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new MatchbeoordelingRecord(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3),
                reader.GetGuid(4), reader.GetGuid(5), reader.GetDouble(6), Velden(reader.GetFieldValue<byte[]>(7)),
                (MatchbeoordelingStatus)reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetGuid(12)));
        }

        return result;
    }

    internal static byte[] Velden(IReadOnlyList<VeldScore> velden) =>
        [.. velden.SelectMany(v => new[] { (byte)v.Veld, (byte)v.Overeenkomst })];

    private static List<VeldScore> Velden(byte[] bytes) =>
        [.. bytes.Chunk(2).Select(p => new VeldScore((MatchVeld)p[0], (Veldovereenkomst)p[1],
            MatchGewichten.Gewicht((MatchVeld)p[0], (Veldovereenkomst)p[1])))];
}
