using Npgsql;
using NpgsqlTypes;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.Casussen;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>What storing a new melding came to: stored with its casus, or a repeat of an earlier request_id.</summary>
public sealed record Ontvangst(bool Nieuw, Guid CasusId, string Casusnummer);

public sealed class MeldingStore
{
    private const string Columns = """
        melding_id, regio, request_id, ontvangen_op, melder_groep, melder_betrokkenheid, melder_organisatie,
        melder_rol, melder_anoniem, aard, vermoedelijke_duur, aanvullende_informatie, geregistreerd_op, geregistreerd_door
        """;

    // The melding with its huishouden's address; the melder's identity is deliberately not joined.
    private const string Select = """
        SELECT m.melding_id, m.regio, m.request_id, m.ontvangen_op, m.melder_groep, m.melder_betrokkenheid,
               m.melder_organisatie, m.melder_rol, m.melder_anoniem, m.aard, m.vermoedelijke_duur,
               m.aanvullende_informatie, m.geregistreerd_op, m.geregistreerd_door, h.postcode, h.huisnummer, h.toevoeging,
               m.casus_id, c.casusnummer
        FROM melding m
        LEFT JOIN huishouden h ON h.huishouden_id = m.huishouden_id
        LEFT JOIN casus c ON c.casus_id = m.casus_id
        """;

    private const string BetrokkeneColumns =
        "betrokkene_id, melding_id, rol, voornamen, tussenvoegsel, achternaam, geboortedatum, geslacht, bsn";

    /// <summary>
    /// Stores a new melding in one round trip (migration 0011): upserts its huishouden (locking it until commit), joins
    /// the huishouden's open casus or opens one, inserts the melding, its betrokkenen and the melder's identity, and
    /// queues the register link. When the request_id was seen before nothing is inserted and <c>Nieuw</c> is false:
    /// the caller must then roll back, which also undoes a huishouden or casus this attempt created.
    /// </summary>
    public static async Task<Ontvangst> OntvangAsync(UnitOfWork uow, MeldingRecord m, Guid nieuwHuishoudenId, Guid nieuweCasusId,
        MelderIdentiteitRecord? identiteit, CancellationToken ct)
    {
        await using var reader = await uow.QueryBatchAsync([OntvangCommand(uow.Regio, m, nieuwHuishoudenId, nieuweCasusId, identiteit)], ct);
        await reader.ReadAsync(ct);
        return ReadOntvangst(reader);
    }

    /// <summary>The statement of <see cref="OntvangAsync"/>, to run in a batch of several meldingen of one regio.</summary>
    public static NpgsqlBatchCommand OntvangCommand(string regio, MeldingRecord m, Guid nieuwHuishoudenId, Guid nieuweCasusId,
        MelderIdentiteitRecord? identiteit)
    {
        var b = m.Betrokkenen;
        return UnitOfWork.BatchCommand("""
            SELECT uit_nieuw, uit_casus_id, uit_casusnummer FROM melding_ontvangen(
                p_regio => $1, p_melding_id => $2, p_request_id => $3, p_ontvangen_op => $4, p_melder_groep => $5,
                p_melder_betrokkenheid => $6, p_melder_organisatie => $7, p_melder_rol => $8, p_melder_anoniem => $9,
                p_aard => $10, p_vermoedelijke_duur => $11, p_aanvullende_informatie => $12, p_geregistreerd_op => $13,
                p_geregistreerd_door => $14, p_postcode => $15, p_huisnummer => $16, p_toevoeging => $17,
                p_nieuw_huishouden_id => $18, p_nieuwe_casus_id => $19, p_casusnummer_prefix => $20,
                p_betrokkene_id => $21, p_rol => $22, p_voornamen => $23, p_tussenvoegsel => $24, p_achternaam => $25,
                p_geboortedatum => $26, p_geslacht => $27, p_bsn => $28,
                p_melder_naam => $29, p_melder_telefoonnummer => $30, p_melder_email => $31)
            """,
            regio, m.MeldingId, m.RequestId, m.OntvangenOp, (int)m.MelderGroep, (int)m.MelderBetrokkenheid,
            (int)m.MelderOrganisatie, (int)m.MelderRol, m.MelderAnoniem, m.Aard.Select(a => (int)a).ToArray(),
            (int)m.VermoedelijkeDuur, m.AanvullendeInformatie.Select(a => (int)a).ToArray(), m.GeregistreerdOp,
            m.GeregistreerdDoor,
            Text(m.Huishouden?.Postcode),
            new NpgsqlParameter<int?> { TypedValue = m.Huishouden?.Huisnummer, NpgsqlDbType = NpgsqlDbType.Integer },
            Text(m.Huishouden?.Toevoeging),
            nieuwHuishoudenId, nieuweCasusId,
            Casusnummer.Prefix(regio, AmsterdamTime.DateOf(m.OntvangenOp).Year),
            b.Select(x => x.BetrokkeneId).ToArray(),
            b.Select(x => (int)x.Rol).ToArray(),
            b.Select(x => x.Voornamen).ToArray(),
            b.Select(x => x.Tussenvoegsel).ToArray(),
            b.Select(x => x.Achternaam).ToArray(),
            new NpgsqlParameter<DateOnly?[]> { TypedValue = [.. b.Select(x => x.Geboortedatum)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date },
            b.Select(x => (int)x.Geslacht).ToArray(),
            new NpgsqlParameter<string?[]> { TypedValue = [.. b.Select(x => x.Bsn)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            Text(identiteit?.Naam), Text(identiteit?.Telefoonnummer), Text(identiteit?.Email));
    }

    /// <summary>The outcome in the current row of an <see cref="OntvangCommand"/>'s result.</summary>
    public static Ontvangst ReadOntvangst(NpgsqlDataReader reader) =>
        reader.GetBoolean(0)
            ? new Ontvangst(Nieuw: true, CasusId: reader.GetGuid(1), Casusnummer: reader.GetString(2))
            : new Ontvangst(Nieuw: false, CasusId: Guid.Empty, Casusnummer: "");

    /// <summary>
    /// The outbox rows of the meldingen of one batch, in one statement after their <see cref="OntvangCommand"/>s, with the
    /// outbox NOTIFY as <see cref="UnitOfWork.PublishAsync{T}(string, T, string, CancellationToken)"/> sends it. Each
    /// payload is the event without its casus id, which only the database knows when the statement runs: the casus id
    /// field is appended to it there. Concatenated protobuf messages parse as one message with the fields of both.
    /// </summary>
    public static NpgsqlBatchCommand MeldingOntvangenEventsCommand(IReadOnlyList<(Guid EventId, Guid MeldingId, byte[] Payload, string? TraceParent)> events,
        DateTimeOffset now, string source) =>
        UnitOfWork.BatchCommand("""
            WITH events AS (
                INSERT INTO outbox (event_id, topic, type, subject, regio, payload, traceparent, created_at, next_attempt_at)
                SELECT u.event_id, $5, $6, u.melding_id::text, m.regio, u.payload || $7 || convert_to(m.casus_id::text, 'UTF8'),
                       u.traceparent, $8, $8
                FROM unnest($1::uuid[], $2::uuid[], $3::bytea[], $4::text[]) WITH ORDINALITY AS u(event_id, melding_id, payload, traceparent, n)
                -- OFFSET 0: a primary-key probe per event; as a join the planner scanned the meldingen.
                CROSS JOIN LATERAL (SELECT regio, casus_id FROM melding WHERE melding_id = u.melding_id OFFSET 0) m
                ORDER BY u.n
                RETURNING event_id)
            SELECT pg_notify('outbox', $9) FROM (SELECT 1 FROM events LIMIT 1) e
            """,
            events.Select(e => e.EventId).ToArray(), events.Select(e => e.MeldingId).ToArray(),
            events.Select(e => e.Payload).ToArray(),
            new NpgsqlParameter<string?[]> { TypedValue = [.. events.Select(e => e.TraceParent)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            EventTopics.MeldingOntvangen, MeldingOntvangen.Descriptor.FullName, CasusIdFieldPrefix, now, source);

    // The tag and length of MeldingOntvangen.casus_id for a uuid's 36 characters of text.
    private static readonly byte[] CasusIdFieldPrefix = CasusIdPrefix();

    private static byte[] CasusIdPrefix()
    {
        using var buffer = new MemoryStream();
        using (var output = new Google.Protobuf.CodedOutputStream(buffer))
        {
            output.WriteTag(MeldingOntvangen.CasusIdFieldNumber, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            output.WriteLength(36);
        }

        return buffer.ToArray();
    }


    private static NpgsqlParameter<string?> Text(string? value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    public static async Task InsertBetrokkenenAsync(UnitOfWork uow, Guid meldingId, IReadOnlyList<BetrokkeneRecord> betrokkenen, CancellationToken ct)
    {
        if (betrokkenen.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(uow.Connection, uow.Transaction);
        for (var i = 0; i < betrokkenen.Count; i++)
        {
            var b = betrokkenen[i];
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO betrokkene (regio, volgnummer, {BetrokkeneColumns})
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = uow.Regio });
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)i });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = b.BetrokkeneId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = meldingId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)b.Rol });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = b.Voornamen });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = b.Tussenvoegsel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = b.Achternaam });
            command.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = b.Geboortedatum, NpgsqlDbType = NpgsqlDbType.Date });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)b.Geslacht });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = b.Bsn, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The melding, its row locked until commit so that concurrent corrections apply one after the other.</summary>
    public static Task<MeldingRecord?> FindForUpdateAsync(UnitOfWork uow, Guid meldingId, CancellationToken ct) =>
        SingleAsync(uow, $"{Select} WHERE m.regio = $1 AND m.melding_id = $2 FOR UPDATE OF m", meldingId, ct);

    /// <summary>Writes every correctable column; the huishouden, casus and registration stay as they are.</summary>
    public static Task UpdateAsync(UnitOfWork uow, MeldingRecord m, CancellationToken ct) =>
        uow.ExecuteAsync("""
            UPDATE melding SET ontvangen_op = $3, melder_groep = $4, melder_betrokkenheid = $5, melder_organisatie = $6,
                melder_rol = $7, melder_anoniem = $8, aard = $9, vermoedelijke_duur = $10, aanvullende_informatie = $11
            WHERE regio = $1 AND melding_id = $2
            """, ct, uow.Regio, m.MeldingId, m.OntvangenOp, (int)m.MelderGroep, (int)m.MelderBetrokkenheid,
            (int)m.MelderOrganisatie, (int)m.MelderRol, m.MelderAnoniem, m.Aard.Select(a => (int)a).ToArray(),
            (int)m.VermoedelijkeDuur, m.AanvullendeInformatie.Select(a => (int)a).ToArray());

    public static async Task ReplaceBetrokkenenAsync(UnitOfWork uow, Guid meldingId, IReadOnlyList<BetrokkeneRecord> betrokkenen, CancellationToken ct)
    {
        await uow.ExecuteAsync("DELETE FROM betrokkene WHERE regio = $1 AND melding_id = $2", ct, uow.Regio, meldingId);
        await InsertBetrokkenenAsync(uow, meldingId, betrokkenen, ct);
    }

    public static Task DeleteMelderIdentiteitAsync(UnitOfWork uow, Guid meldingId, CancellationToken ct) =>
        uow.ExecuteAsync("DELETE FROM melder_identiteit WHERE regio = $1 AND melding_id = $2", ct, uow.Regio, meldingId);

    /// <summary>The audit row of a correction: who, when, which paths; never a value.</summary>
    public static Task InsertWijzigingAsync(UnitOfWork uow, Guid meldingId, Guid wijzigingId, DateTimeOffset op, string door,
        IReadOnlyList<string> paden, CancellationToken ct) =>
        uow.ExecuteAsync("""
            INSERT INTO melding_wijziging (wijziging_id, regio, melding_id, gewijzigd_op, gewijzigd_door, paden)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, ct, wijzigingId, uow.Regio, meldingId, op, door, paden.ToArray());

    public static Task<MeldingRecord?> FindByRequestIdAsync(UnitOfWork uow, Guid requestId, CancellationToken ct) =>
        SingleAsync(uow, $"{Select} WHERE m.regio = $1 AND m.request_id = $2", requestId, ct);

    public static Task<MeldingRecord?> FindAsync(UnitOfWork uow, Guid meldingId, CancellationToken ct) =>
        SingleAsync(uow, $"{Select} WHERE m.regio = $1 AND m.melding_id = $2", meldingId, ct);

    /// <summary>
    /// One page in list order (ontvangen_op, melding_id) descending, strictly after <paramref name="after"/>:
    /// a keyset, so rows inserted between pages neither repeat nor shift items. Reads one row more than
    /// the page to know whether another page follows.
    /// </summary>
    public static async Task<IReadOnlyList<MeldingRecord>> ListAsync(UnitOfWork uow, MeldingenFilter filter,
        MeldingenCursor? after, int limit, CancellationToken ct)
    {
        var meldingen = new List<MeldingRecord>();
        await using (var command = uow.Command($"""
            {Select}
            WHERE m.regio = $1 AND m.ontvangen_op >= $2 AND m.ontvangen_op < $3
              AND ($4 = 0 OR m.melder_groep = $4)
              AND ($5 IS NULL OR $5 = EXISTS (SELECT 1 FROM betrokkene b WHERE b.melding_id = m.melding_id AND b.rol = $6))
              AND (NOT $7 OR (m.ontvangen_op, m.melding_id) < ($8, $9))
              AND ($11 = 0 OR ($11 = 1) = (c.casus_id IS NOT NULL AND c.gesloten_op IS NULL))
            ORDER BY m.ontvangen_op DESC, m.melding_id DESC
            LIMIT $10
            """, uow.Regio, filter.Vanaf, filter.Tot, (int)filter.MelderGroep,
            new NpgsqlParameter<bool?> { TypedValue = filter.MetKinderen, NpgsqlDbType = NpgsqlDbType.Boolean },
            (int)BetrokkeneRol.Kind, after is not null, after?.OntvangenOp ?? DateTimeOffset.MaxValue,
            after?.MeldingId ?? Guid.Empty, limit, (int)filter.CasusStatus))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                meldingen.Add(Read(reader));
            }
        }

        return meldingen.Count == 0 ? meldingen : await WithBetrokkenenAsync(uow, meldingen, ct);
    }

    private static async Task<MeldingRecord?> SingleAsync(UnitOfWork uow, string sql, Guid id, CancellationToken ct)
    {
        MeldingRecord? melding;
        await using (var command = uow.Command(sql, uow.Regio, id))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            melding = await reader.ReadAsync(ct) ? Read(reader) : null;
        }

        return melding is null ? null : (await WithBetrokkenenAsync(uow, [melding], ct))[0];
    }

    /// <summary>The meldingen with their betrokkenen, read in one query for the whole set.</summary>
    private static async Task<List<MeldingRecord>> WithBetrokkenenAsync(UnitOfWork uow, IReadOnlyList<MeldingRecord> meldingen, CancellationToken ct)
    {
        var perMelding = new Dictionary<Guid, List<BetrokkeneRecord>>();
        await using (var command = uow.Command($"""
            SELECT {BetrokkeneColumns} FROM betrokkene WHERE regio = $1 AND melding_id = ANY($2) ORDER BY melding_id, volgnummer
            """, uow.Regio, meldingen.Select(m => m.MeldingId).ToArray()))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var meldingId = reader.GetGuid(1);
                if (!perMelding.TryGetValue(meldingId, out var list))
                {
                    perMelding[meldingId] = list = [];
                }

                list.Add(new BetrokkeneRecord(
                    BetrokkeneId: reader.GetGuid(0),
                    Rol: (BetrokkeneRol)reader.GetInt32(2),
                    Voornamen: reader.GetString(3),
                    Tussenvoegsel: reader.GetString(4),
                    Achternaam: reader.GetString(5),
                    Geboortedatum: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
                    Geslacht: (Geslacht)reader.GetInt32(7),
                    Bsn: reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }

        return [.. meldingen.Select(m => m with { Betrokkenen = perMelding.GetValueOrDefault(m.MeldingId) ?? [] })];
    }

    private static MeldingRecord Read(NpgsqlDataReader r) => new(
        MeldingId: r.GetGuid(0),
        Regio: r.GetString(1),
        RequestId: r.GetGuid(2),
        OntvangenOp: r.GetFieldValue<DateTimeOffset>(3),
        MelderGroep: (MelderGroep)r.GetInt32(4),
        MelderBetrokkenheid: (Betrokkenheid)r.GetInt32(5),
        MelderOrganisatie: (Organisatie)r.GetInt32(6),
        MelderRol: (MelderRol)r.GetInt32(7),
        MelderAnoniem: r.GetBoolean(8),
        Aard: [.. r.GetFieldValue<int[]>(9).Select(a => (AardGeweld)a)],
        VermoedelijkeDuur: (VermoedelijkeDuur)r.GetInt32(10),
        AanvullendeInformatie: [.. r.GetFieldValue<int[]>(11).Select(a => (AanvullendeInformatie)a)],
        GeregistreerdOp: r.GetFieldValue<DateTimeOffset>(12),
        GeregistreerdDoor: r.GetString(13),
        Huishouden: r.IsDBNull(14) ? null : new HuishoudenAdres(r.GetString(14), r.GetInt32(15), r.GetString(16)),
        Betrokkenen: [],
        CasusId: r.IsDBNull(17) ? null : r.GetGuid(17),
        Casusnummer: r.IsDBNull(18) ? null : r.GetString(18));
}
