using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>
/// The register's tables written and read a chunk of registrations at a time (ADR 0026): one statement per table
/// and binary COPY instead of one statement per row. COPY has no ON CONFLICT: a conflict (a concurrent registration
/// of the same BSN) aborts the chunk's transaction, and the caller registers the chunk again one by one.
/// </summary>
public static class BulkStore
{
    public sealed record NieuwPersoon(Guid PersoonId)
    {
        public byte[]? BsnHmac { get; set; }

        public string? KeyId { get; set; }
    }

    public sealed record Kenmerk(Guid KenmerkId, Guid PersoonId, Guid BetrokkenheidId, MatchKenmerken Kenmerken);

    public sealed record Koppeling(Guid BetrokkenheidId, Guid PersoonId, int Volgnummer, MatchUitkomst Match);

    public sealed record Beoordeling(Guid MatchbeoordelingId, Guid PersoonId, Guid KandidaatId, Guid BetrokkenheidId, MatchScore Score);

    public sealed record NieuwSignaal(Guid SignaalId, string OntvangendeRegio, Guid PersoonId);

    /// <summary>Inserts the betrokkenheden that are new; returns the request ids that were (the others are repeats).</summary>
    public static async Task<HashSet<Guid>> InsertBetrokkenhedenAsync(UnitOfWork uow, IReadOnlyList<Guid> ids,
        IReadOnlyList<RegistreerBetrokkenheid> commands, DateTimeOffset now, string actor, CancellationToken ct)
    {
        await using var command = uow.Command("""
            INSERT INTO betrokkenheid (betrokkenheid_id, regio, request_id, casus_referentie, startdatum, created, geregistreerd_door)
            SELECT id, $2, request_id, casus, start, $6, $7 FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::date[])
                WITH ORDINALITY AS u(id, request_id, casus, start, n)
            ORDER BY n
            ON CONFLICT ON CONSTRAINT betrokkenheid_request_once DO NOTHING
            RETURNING request_id
            """, ids.ToArray(), uow.Regio, commands.Select(c => c.RequestId).ToArray(), commands.Select(c => c.CasusReferentie).ToArray(),
            commands.Select(c => c.Startdatum).ToArray(), now, actor);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var nieuw = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            nieuw.Add(reader.GetGuid(0));
        }

        return nieuw;
    }

    /// <summary>The persons holding any of these BSN hashes: hash → (person, key id).</summary>
    public static async Task<Dictionary<byte[], (Guid PersoonId, string KeyId)>> FindPersonenAsync(UnitOfWork uow,
        IReadOnlyList<byte[]> hashes, CancellationToken ct)
    {
        var result = new Dictionary<byte[], (Guid, string)>(ByteArrayEquality.Instance);
        if (hashes.Count == 0)
        {
            return result;
        }

        await using var command = uow.Command("SELECT bsn_hmac, persoon_id, key_id FROM persoon WHERE bsn_hmac = ANY($1)", ByteaArray(hashes));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetFieldValue<byte[]>(0)] = (reader.GetGuid(1), reader.GetString(2));
        }

        return result;
    }

    /// <summary>
    /// For each query (its blocking keys), the records <see cref="MatchStore.KandidatenAsync"/> would read for it:
    /// at most <paramref name="limit"/> sharing a key, under the current matching key, of unmerged persons. One round trip.
    /// </summary>
    public static async Task<Dictionary<int, List<KandidaatRecord>>> KandidatenAsync(UnitOfWork uow,
        IReadOnlyList<(int Vraag, IReadOnlyList<byte[]> Blokken)> vragen, string keyId, int limit, CancellationToken ct)
    {
        var result = new Dictionary<int, List<KandidaatRecord>>();
        if (vragen.Count == 0)
        {
            return result;
        }

        // OFFSET 0 keeps each lookup a parameterised primary-key probe: flattened into joins, a table a load has grown
        // since its last ANALYZE (estimated at a few rows) gets a plan that scans it once per candidate.
        await using var command = uow.Command("""
            WITH v AS (SELECT i, array_agg(b) AS blokken FROM unnest($1::int[], $2::bytea[]) AS u(i, b) GROUP BY i)
            SELECT v.i, b.kenmerk_id, k.persoon_id, p.bsn_hmac, k.kenmerken
            FROM v
            CROSS JOIN LATERAL (SELECT DISTINCT kenmerk_id FROM persoon_blok WHERE blok = ANY(v.blokken) LIMIT $4) b
            CROSS JOIN LATERAL (SELECT persoon_id, key_id, kenmerken FROM persoon_kenmerk WHERE kenmerk_id = b.kenmerk_id OFFSET 0) k
            CROSS JOIN LATERAL (SELECT bsn_hmac, samengevoegd_in FROM persoon WHERE persoon_id = k.persoon_id OFFSET 0) p
            WHERE k.key_id = $3 AND p.samengevoegd_in IS NULL
            """,
            vragen.SelectMany(v => v.Blokken.Select(_ => v.Vraag)).ToArray(), ByteaArray(vragen.SelectMany(v => v.Blokken)), keyId, limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        // Households share blocking keys; a record read for several queries is parsed once.
        var gelezen = new Dictionary<Guid, MatchKenmerken>();
        while (await reader.ReadAsync(ct))
        {
            var kenmerkId = reader.GetGuid(1);
            if (!gelezen.TryGetValue(kenmerkId, out var kenmerken))
            {
                gelezen[kenmerkId] = kenmerken = MatchKenmerken.FromBytes(reader.GetFieldValue<byte[]>(4));
            }

            var i = reader.GetInt32(0);
            if (!result.TryGetValue(i, out var lijst))
            {
                result[i] = lijst = [];
            }

            lijst.Add(new KandidaatRecord(reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3), kenmerken));
        }

        return result;
    }

    /// <summary>Per person, where it is known (every regio), as <see cref="RegisterStore.BekendInAsync"/> orders it.</summary>
    public static async Task<Dictionary<Guid, List<BekendInRecord>>> BekendInAsync(UnitOfWork uow, IReadOnlyCollection<Guid> persoonIds,
        CancellationToken ct)
    {
        var result = new Dictionary<Guid, List<BekendInRecord>>();
        if (persoonIds.Count == 0)
        {
            return result;
        }

        await using var command = uow.Command("""
            SELECT bp.persoon_id, b.regio, min(b.startdatum), bool_or(b.einddatum IS NULL)
            FROM betrokkenheid_persoon bp JOIN betrokkenheid b ON b.betrokkenheid_id = bp.betrokkenheid_id
            WHERE bp.persoon_id = ANY($1)
            GROUP BY bp.persoon_id, b.regio
            ORDER BY bp.persoon_id, min(b.startdatum), b.regio
            """, new NpgsqlParameter { Value = persoonIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            if (!result.TryGetValue(id, out var lijst))
            {
                result[id] = lijst = [];
            }

            lijst.Add(new BekendInRecord(reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetBoolean(3)));
        }

        return result;
    }

    /// <summary>New persons, those with a BSN in hash order: concurrent registrations take the unique index in the same order.</summary>
    public static async Task CopyPersonenAsync(UnitOfWork uow, IEnumerable<NieuwPersoon> personen, DateTimeOffset now, CancellationToken ct)
    {
        await using var writer = await uow.Connection.BeginBinaryImportAsync(
            "COPY persoon (persoon_id, bsn_hmac, key_id, created) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var p in personen.OrderBy(p => p.BsnHmac ?? [], ByteArrayComparer.Instance))
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(p.PersoonId, NpgsqlDbType.Uuid, ct);
            await WriteNullableAsync(writer, p.BsnHmac, NpgsqlDbType.Bytea, ct);
            await WriteNullableAsync(writer, p.KeyId, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }

        await writer.CompleteAsync(ct);
    }

    public static async Task CopyKenmerkenAsync(UnitOfWork uow, IReadOnlyList<Kenmerk> kenmerken, string keyId, DateTimeOffset now,
        CancellationToken ct)
    {
        await using (var writer = await uow.Connection.BeginBinaryImportAsync(
            "COPY persoon_kenmerk (kenmerk_id, persoon_id, betrokkenheid_id, key_id, kenmerken, created) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var k in kenmerken)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(k.KenmerkId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(k.PersoonId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(k.BetrokkenheidId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(keyId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(k.Kenmerken.ToBytes(), NpgsqlDbType.Bytea, ct);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }

            await writer.CompleteAsync(ct);
        }

        await using (var writer = await uow.Connection.BeginBinaryImportAsync(
            "COPY persoon_blok (blok, kenmerk_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var k in kenmerken)
            {
                foreach (var blok in k.Kenmerken.Blokken.Distinct(ByteArrayEquality.Instance))
                {
                    await writer.StartRowAsync(ct);
                    await writer.WriteAsync(blok, NpgsqlDbType.Bytea, ct);
                    await writer.WriteAsync(k.KenmerkId, NpgsqlDbType.Uuid, ct);
                }
            }

            await writer.CompleteAsync(ct);
        }
    }

    public static async Task CopyKoppelingenAsync(UnitOfWork uow, IReadOnlyList<Koppeling> koppelingen, CancellationToken ct)
    {
        await using var writer = await uow.Connection.BeginBinaryImportAsync(
            "COPY betrokkenheid_persoon (betrokkenheid_id, persoon_id, volgnummer, match_uitkomst) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var k in koppelingen)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(k.BetrokkenheidId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(k.PersoonId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(k.Volgnummer, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync((int)k.Match, NpgsqlDbType.Integer, ct);
        }

        await writer.CompleteAsync(ct);
    }

    public static async Task CopyBeoordelingenAsync(UnitOfWork uow, IReadOnlyList<Beoordeling> beoordelingen, DateTimeOffset now,
        CancellationToken ct)
    {
        if (beoordelingen.Count == 0)
        {
            return;
        }

        await using var writer = await uow.Connection.BeginBinaryImportAsync("""
            COPY matchbeoordeling (matchbeoordeling_id, regio, persoon_id, kandidaat_id, betrokkenheid_id, score, velden, status, created)
            FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var b in beoordelingen)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(b.MatchbeoordelingId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(uow.Regio, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(b.PersoonId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(b.KandidaatId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(b.BetrokkenheidId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(b.Score.Totaal, NpgsqlDbType.Double, ct);
            await writer.WriteAsync(MatchStore.Velden(b.Score.Velden), NpgsqlDbType.Bytea, ct);
            await writer.WriteAsync((int)MatchbeoordelingStatus.Open, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }

        await writer.CompleteAsync(ct);
    }

    /// <summary>The NEN 7513 entries, in the order the calls made them.</summary>
    public static async Task CopyToegangslogAsync(UnitOfWork uow, IReadOnlyList<ToegangslogRecord> regels, CancellationToken ct)
    {
        await using var writer = await uow.Connection.BeginBinaryImportAsync("""
            COPY toegangslog (wanneer, wie, regio, rol, handeling, doel, uitkomst, persoon_id, betrokkenheid_id, eigenaar_regio, huishouden_id)
            FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var r in regels)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(r.Wanneer, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(r.Wie, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.Regio, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.Rol, NpgsqlDbType.Text, ct);
            await writer.WriteAsync((int)r.Handeling, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync((int)r.Doel, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync((int)r.Uitkomst, NpgsqlDbType.Integer, ct);
            await WriteNullableAsync(writer, r.PersoonId, NpgsqlDbType.Uuid, ct);
            await WriteNullableAsync(writer, r.BetrokkenheidId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(r.EigenaarRegio, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, r.HuishoudenId, NpgsqlDbType.Uuid, ct);
        }

        await writer.CompleteAsync(ct);
    }

    /// <summary>
    /// Signals per receiving regio in regio order, each regio's advisory lock first (as
    /// <see cref="RegisterStore.InsertSignaalAsync"/>), so seq follows commit order for every regio.
    /// </summary>
    public static async Task InsertSignalenAsync(UnitOfWork uow, IReadOnlyList<NieuwSignaal> signalen, Aanleiding aanleiding, Doel doel,
        DateTimeOffset now, CancellationToken ct)
    {
        foreach (var groep in signalen.GroupBy(s => s.OntvangendeRegio).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            await uow.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('register.signaal:' || $1, 0))", ct, groep.Key);
            await uow.ExecuteAsync("""
                INSERT INTO signaal (signaal_id, ontvangende_regio, afzendende_regio, persoon_id, aanleiding, doel, created_at)
                SELECT s, $2, $3, p, $5, $6, $7 FROM unnest($1::uuid[], $4::uuid[]) WITH ORDINALITY AS u(s, p, n) ORDER BY n
                """, ct, groep.Select(s => s.SignaalId).ToArray(), groep.Key, uow.Regio, groep.Select(s => s.PersoonId).ToArray(),
                (int)aanleiding, (int)doel, now);
        }
    }

    private static NpgsqlParameter ByteaArray(IEnumerable<byte[]> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea };

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class
    {
        if (value is null)
        {
            await writer.WriteNullAsync(ct);
        }
        else
        {
            await writer.WriteAsync(value, type, ct);
        }
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct
    {
        if (value is { } v)
        {
            await writer.WriteAsync(v, type, ct);
        }
        else
        {
            await writer.WriteNullAsync(ct);
        }
    }
}

/// <summary>Equality of byte arrays by content: BSN hashes and blocking keys as dictionary keys.</summary>
internal sealed class ByteArrayEquality : IEqualityComparer<byte[]>
{
    public static readonly ByteArrayEquality Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
