using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.Huishoudens;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>
/// Registers a chunk of a bulk load's registrations in one transaction with the outcome
/// <see cref="RegisterHandler.RegistreerAsync"/> gives them one after another (ADR 0026). It reads what it needs
/// in a few set-based queries (the chunk's BSN hashes, every person's blocking candidates, where the persons found
/// are known), decides in memory in stream order — each registration sees the persons, features and BSNs the
/// chunk's earlier registrations added, as the sequential path sees them committed — and writes with COPY.
/// </summary>
public sealed partial class BulkRegistratie(Database database, BsnHasher hasher, PersoonMatcher matcher, TimeProvider clock,
    ILogger<BulkRegistratie> logger)
{
    /// <summary>
    /// Per command its registration, or null for a repeat of an earlier request id, which the caller answers by
    /// <see cref="RegisterHandler.RegistreerAsync"/>. Request ids must be distinct within the chunk. Throws a
    /// <see cref="Npgsql.PostgresException"/> when a concurrent call conflicts; nothing of the chunk is then stored.
    /// </summary>
    public async Task<Registratie?[]> RegistreerAsync(Caller caller,
        IReadOnlyList<RegistreerBetrokkenheid> commands, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        await using var uow = await database.BeginAsync(caller.Regio, ct);
        // A generic plan cached while the tables were small scans persoon_blok once per person; a load grows the
        // tables under the cache, so the chunk's few statements are planned for the data they meet.
        await uow.ExecuteAsync("SET LOCAL plan_cache_mode = force_custom_plan", ct);
        var ids = commands.Select(_ => Guid.CreateVersion7(now)).ToArray();
        var nieuw = await BulkStore.InsertBetrokkenhedenAsync(uow, ids, commands, now, caller.Wie, ct);
        var chunk = new Chunk(hasher, matcher, uow, caller, now);
        var registraties = new List<Inschrijving>();
        for (var i = 0; i < commands.Count; i++)
        {
            if (nieuw.Contains(commands[i].RequestId))
            {
                registraties.Add(new Inschrijving(i, ids[i], commands[i], [.. commands[i].Personen.Select(p => matcher.Kenmerken(p.Gegevens))]));
            }
        }

        await chunk.LeesAsync(registraties, ct);
        foreach (var registratie in registraties)
        {
            await chunk.KoppelAsync(registratie, ct);
        }

        var antwoorden = new Registratie?[commands.Count];
        foreach (var (index, antwoord) in await chunk.SchrijfAsync(registraties, ct))
        {
            antwoorden[index] = antwoord;
        }

        await uow.CommitAsync(ct);
        LogGeladen(logger, registraties.Count, commands.Count - registraties.Count, caller.Regio);
        return antwoorden;
    }

    /// <summary>One new registration of the chunk and what deciding it produced.</summary>
    private sealed record Inschrijving(int Index, Guid BetrokkenheidId, RegistreerBetrokkenheid Command, MatchKenmerken[] Kenmerken)
    {
        public (Guid PersoonId, MatchUitkomst Match)[] Personen { get; } = new (Guid, MatchUitkomst)[Command.Personen.Count];

        /// <summary>Mogelijk candidates in the order the sequential path logs them, and whether this chunk had linked them yet.</summary>
        public List<(Guid KandidaatId, bool InChunk)> Kandidaten { get; } = [];

        public Dictionary<Guid, List<Guid>> Beoordelingen { get; } = [];
    }

    /// <summary>A feature record written by this chunk, found through the in-memory blocking index.</summary>
    private sealed record Record(Guid KenmerkId, Guid PersoonId, MatchKenmerken Kenmerken);

    private sealed class Chunk(BsnHasher hasher, PersoonMatcher matcher, UnitOfWork uow, Caller caller, DateTimeOffset now)
    {
        private readonly Dictionary<byte[], (Guid PersoonId, string KeyId)> _bsn = new(ByteArrayEquality.Instance);
        // The BSN hash every person the chunk has seen holds now (null: none): read with it, or given it by the chunk.
        private readonly Dictionary<Guid, byte[]?> _bsnVan = [];
        private readonly Dictionary<(int, int), List<KandidaatRecord>> _kandidaten = [];
        private readonly Dictionary<byte[], List<Record>> _blokken = new(ByteArrayEquality.Instance);
        private readonly Dictionary<Guid, BulkStore.NieuwPersoon> _nieuwePersonen = [];
        private readonly HashSet<Guid> _gekoppeldInChunk = [];
        private readonly List<BulkStore.Kenmerk> _kenmerken = [];
        private readonly List<BulkStore.Koppeling> _koppelingen = [];
        private readonly List<BulkStore.Beoordeling> _beoordelingen = [];

        private BsnHasher Hasher => hasher;

        private PersoonMatcher Matcher => matcher;

        /// <summary>The chunk's reads before any decision: the persons of its BSNs, and blocking candidates for the rest.</summary>
        public async Task LeesAsync(IReadOnlyList<Inschrijving> registraties, CancellationToken ct)
        {
            var bsns = registraties.SelectMany(r => r.Command.Personen).Where(p => p.Bsn.Length > 0).Select(p => p.Bsn)
                .Distinct(StringComparer.Ordinal).ToList();
            foreach (var (hash, found) in await BulkStore.FindPersonenAsync(uow, [.. bsns.SelectMany(Hasher.All)], ct))
            {
                _bsn[hash] = found;
                _bsnVan.TryAdd(found.PersoonId, hash);
            }

            // Candidates for every person that will be matched: without a BSN, or with a BSN that is not in the register
            // and not earlier in the chunk (that earlier person takes the BSN, so this one is found by it).
            var vragen = new List<(int, IReadOnlyList<byte[]>)>();
            var sleutels = new List<(int, int)>();
            var gezien = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in registraties)
            {
                for (var j = 0; j < r.Command.Personen.Count; j++)
                {
                    var bsn = r.Command.Personen[j].Bsn;
                    if (r.Kenmerken[j].Blokken.Count > 0 && (bsn.Length == 0 || (Find(bsn) is null && gezien.Add(bsn))))
                    {
                        vragen.Add((sleutels.Count, r.Kenmerken[j].Blokken));
                        sleutels.Add((r.Index, j));
                    }
                }
            }

            foreach (var (vraag, kandidaten) in await BulkStore.KandidatenAsync(uow, vragen, Matcher.KeyId, PersoonMatcher.MaxKandidaten, ct))
            {
                _kandidaten[sleutels[vraag]] = kandidaten;
                foreach (var k in kandidaten)
                {
                    _bsnVan.TryAdd(k.PersoonId, k.BsnHmac);
                }
            }
        }

        /// <summary>Decides one registration's persons exactly as <see cref="RegisterHandler.RegistreerAsync"/> orders and links them.</summary>
        public async Task KoppelAsync(Inschrijving r, CancellationToken ct)
        {
            var personen = r.Command.Personen;
            var gekoppeld = new HashSet<Guid>();
            var zonderBsn = new Dictionary<int, MatchResultaat>();
            for (var j = 0; j < personen.Count; j++)
            {
                if (personen[j].Bsn.Length == 0)
                {
                    zonderBsn[j] = Match(r, j, "");
                }
            }

            foreach (var j in Enumerable.Range(0, personen.Count)
                         .OrderBy(j => personen[j].Bsn.Length == 0 ? 1 : 0)
                         .ThenBy(j => personen[j].Bsn.Length == 0 ? [] : Hasher.Current(personen[j].Bsn), ByteArrayComparer.Instance)
                         .ThenByDescending(j => zonderBsn.TryGetValue(j, out var m) && m.Uitkomst == MatchUitkomst.Zeker ? m.Score : double.MinValue))
            {
                r.Personen[j] = await KoppelPersoonAsync(r, j, zonderBsn.GetValueOrDefault(j), gekoppeld, ct);
                _koppelingen.Add(new BulkStore.Koppeling(r.BetrokkenheidId, r.Personen[j].PersoonId, j, r.Personen[j].Match));
                _gekoppeldInChunk.Add(r.Personen[j].PersoonId);
            }
        }

        private async Task<(Guid, MatchUitkomst)> KoppelPersoonAsync(Inschrijving r, int j, MatchResultaat? gematcht, HashSet<Guid> gekoppeld,
            CancellationToken ct)
        {
            var bsn = r.Command.Personen[j].Bsn;
            var kenmerken = r.Kenmerken[j];
            Guid persoonId;
            var match = MatchUitkomst.Geen;
            IReadOnlyList<MatchKandidaat> mogelijk = [];
            if (bsn.Length > 0 && Find(bsn) is { } found)
            {
                if (found.KeyId != Hasher.CurrentKeyId)
                {
                    var hash = Hasher.Current(bsn);
                    await RegisterStore.RehashAsync(uow, found.PersoonId, hash, Hasher.CurrentKeyId, ct);
                    _bsn[hash] = (found.PersoonId, Hasher.CurrentKeyId);
                    _bsnVan[found.PersoonId] = hash;
                }

                (persoonId, match) = (found.PersoonId, MatchUitkomst.Zeker);
            }
            else
            {
                var resultaat = gematcht ?? Match(r, j, bsn);
                if (resultaat is { Uitkomst: MatchUitkomst.Zeker, PersoonId: { } zeker } && !gekoppeld.Contains(zeker))
                {
                    (persoonId, match) = (zeker, MatchUitkomst.Zeker);
                    if (bsn.Length > 0)
                    {
                        await SetBsnAsync(zeker, Hasher.Current(bsn), ct);
                    }
                }
                else
                {
                    persoonId = Guid.CreateVersion7(now);
                    var nieuw = new BulkStore.NieuwPersoon(persoonId);
                    if (bsn.Length > 0)
                    {
                        (nieuw.BsnHmac, nieuw.KeyId) = (Hasher.Current(bsn), Hasher.CurrentKeyId);
                        _bsn[nieuw.BsnHmac] = (persoonId, Hasher.CurrentKeyId);
                    }

                    _nieuwePersonen[persoonId] = nieuw;
                    _bsnVan[persoonId] = nieuw.BsnHmac;
                    mogelijk = [.. resultaat.Mogelijk.Where(k => !gekoppeld.Contains(k.PersoonId) && k.PersoonId != persoonId)];
                    match = mogelijk.Count > 0 ? MatchUitkomst.Mogelijk : MatchUitkomst.Geen;
                }
            }

            gekoppeld.Add(persoonId);
            if (kenmerken.Blokken.Count > 0)
            {
                var record = new Record(Guid.CreateVersion7(now), persoonId, kenmerken);
                _kenmerken.Add(new BulkStore.Kenmerk(record.KenmerkId, persoonId, r.BetrokkenheidId, kenmerken));
                foreach (var blok in kenmerken.Blokken.Distinct(ByteArrayEquality.Instance))
                {
                    if (!_blokken.TryGetValue(blok, out var records))
                    {
                        _blokken[blok] = records = [];
                    }

                    records.Add(record);
                }
            }

            foreach (var kandidaat in mogelijk)
            {
                var id = Guid.CreateVersion7(now);
                _beoordelingen.Add(new BulkStore.Beoordeling(id, persoonId, kandidaat.PersoonId, r.BetrokkenheidId, kandidaat.Score));
                r.Kandidaten.Add((kandidaat.PersoonId, _gekoppeldInChunk.Contains(kandidaat.PersoonId)));
                if (!r.Beoordelingen.TryGetValue(persoonId, out var lijst))
                {
                    r.Beoordelingen[persoonId] = lijst = [];
                }

                lijst.Add(id);
            }

            return (persoonId, match);
        }

        /// <summary>As <see cref="MatchStore.SetBsnAsync"/>: only a person without a BSN gets one.</summary>
        private async Task SetBsnAsync(Guid persoonId, byte[] hash, CancellationToken ct)
        {
            if (_nieuwePersonen.TryGetValue(persoonId, out var nieuw))
            {
                if (nieuw.BsnHmac is null)
                {
                    (nieuw.BsnHmac, nieuw.KeyId) = (hash, Hasher.CurrentKeyId);
                    _bsn[hash] = (persoonId, Hasher.CurrentKeyId);
                    _bsnVan[persoonId] = hash;
                }

                return;
            }

            if (await MatchStore.SetBsnAsync(uow, persoonId, hash, Hasher.CurrentKeyId, ct) == 1)
            {
                _bsn[hash] = (persoonId, Hasher.CurrentKeyId);
                _bsnVan[persoonId] = hash;
            }
        }

        /// <summary>The person holding this BSN: in the register before the chunk, or given it by the chunk.</summary>
        private (Guid PersoonId, string KeyId)? Find(string bsn)
        {
            foreach (var hash in Hasher.All(bsn))
            {
                if (_bsn.TryGetValue(hash, out var found))
                {
                    return found;
                }
            }

            return null;
        }

        /// <summary>
        /// <see cref="PersoonMatcher.MatchAsync"/> against the register as the sequential path would see it now: the
        /// candidates read before the chunk (with BSNs the chunk gave them) and the chunk's own records sharing a key.
        /// </summary>
        private MatchResultaat Match(Inschrijving r, int j, string bsn)
        {
            var kenmerken = r.Kenmerken[j];
            if (kenmerken.Blokken.Count == 0)
            {
                return MatchResultaat.Geen;
            }

            var kandidaten = new List<KandidaatRecord>();
            foreach (var k in _kandidaten.GetValueOrDefault((r.Index, j)) ?? [])
            {
                kandidaten.Add(k with { BsnHmac = _bsnVan[k.PersoonId] });
            }

            var gezien = new HashSet<Guid>();
            foreach (var blok in kenmerken.Blokken)
            {
                foreach (var record in _blokken.GetValueOrDefault(blok) ?? [])
                {
                    if (gezien.Count < PersoonMatcher.MaxKandidaten && gezien.Add(record.KenmerkId))
                    {
                        kandidaten.Add(new KandidaatRecord(record.PersoonId, _bsnVan[record.PersoonId], record.Kenmerken));
                    }
                }
            }

            return Matcher.Beslis(kenmerken, bsn, kandidaten);
        }

        /// <summary>
        /// Where the persons found are known, the access log entries and signals in the order the sequential path
        /// writes them, then every row with COPY. Returns each registration's answer.
        /// </summary>
        public async Task<List<(int Index, Registratie Antwoord)>> SchrijfAsync(
            IReadOnlyList<Inschrijving> registraties, CancellationToken ct)
        {
            // Persons from before the chunk; a person the chunk added is known only in the caller's regio.
            var bestaand = registraties.SelectMany(r => r.Personen.Select(p => p.PersoonId).Concat(r.Kandidaten.Select(k => k.KandidaatId)))
                .Where(id => !_nieuwePersonen.ContainsKey(id)).ToHashSet();
            var bekendIn = await BulkStore.BekendInAsync(uow, bestaand, ct);

            var log = new List<ToegangslogRecord>();
            var signalen = new List<BulkStore.NieuwSignaal>();
            var events = new List<OutboxEvent>();
            // The persons and their links first: each registration's household is decided by the code and queries of the
            // sequential path, in stream order, so it sees the households of the chunk's earlier registrations and none of
            // the later ones (their huishouden_id is still null) — as if they had been registered one by one.
            await BulkStore.CopyPersonenAsync(uow, _nieuwePersonen.Values, now, ct);
            await BulkStore.CopyKenmerkenAsync(uow, _kenmerken, Matcher.KeyId, now, ct);
            await BulkStore.CopyKoppelingenAsync(uow, _koppelingen, ct);
            await BulkStore.CopyBeoordelingenAsync(uow, _beoordelingen, now, ct);
            var huishoudens = new List<HuishoudenResultaat>();
            foreach (var r in registraties)
            {
                huishoudens.Add(await HuishoudenStore.KoppelRegistratieAsync(uow, Matcher, r.Command, r.BetrokkenheidId, r.Personen, now, ct));
            }

            var antwoorden = new List<(int, Registratie)>();
            foreach (var (r, huishouden) in registraties.Zip(huishoudens))
            {
                foreach (var (kandidaatId, inChunk) in r.Kandidaten)
                {
                    var regios = (bekendIn.GetValueOrDefault(kandidaatId) ?? []).Select(b => b.Regio).ToList();
                    if (inChunk && !regios.Contains(caller.Regio))
                    {
                        regios.Add(caller.Regio);
                    }

                    log.AddRange(regios.Select(regio => Regel(Handeling.Registratie, Uitkomst.Mogelijk, kandidaatId, null, regio)));
                }

                events.Add(new OutboxEvent(EventTopics.BetrokkenheidGeregistreerd, new BetrokkenheidGeregistreerd
                {
                    BetrokkenheidId = r.BetrokkenheidId.ToString(),
                    AantalPersonen = r.Personen.Length,
                    Startdatum = r.Command.Startdatum.ToProtoDate(),
                }, r.BetrokkenheidId.ToString()));

                var personen = new List<GeregistreerdePersoonRecord>();
                var gesignaleerd = new Dictionary<string, Guid>(StringComparer.Ordinal);
                foreach (var (persoonId, match) in r.Personen)
                {
                    var elders = (bekendIn.GetValueOrDefault(persoonId) ?? []).Where(b => b.Regio != caller.Regio).ToList();
                    personen.Add(new GeregistreerdePersoonRecord(persoonId, elders, match,
                        match == MatchUitkomst.Mogelijk ? r.Beoordelingen.GetValueOrDefault(persoonId) ?? [] : []));
                    log.Add(Regel(Handeling.Registratie, Uitkomst.Geregistreerd, persoonId, r.BetrokkenheidId, caller.Regio));
                    foreach (var regio in elders.Select(e => e.Regio))
                    {
                        log.Add(Regel(Handeling.Registratie, Uitkomst.Gevonden, persoonId, null, regio));
                        gesignaleerd.TryAdd(regio, persoonId);
                    }
                }

                foreach (var (ontvanger, persoonId) in gesignaleerd.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var signaalId = Guid.CreateVersion7(now);
                    signalen.Add(new BulkStore.NieuwSignaal(signaalId, ontvanger, persoonId));
                    events.Add(new OutboxEvent(EventTopics.SignaalAfgegeven, new SignaalAfgegeven
                    {
                        SignaalId = signaalId.ToString(),
                        OntvangendeRegio = Regios.FromTenantId(ontvanger),
                        AfzendendeRegio = Regios.FromTenantId(caller.Regio),
                        Aanleiding = Aanleiding.Registratie,
                        Doel = Doel.Registratie,
                    }, signaalId.ToString(), ontvanger));
                }

                antwoorden.Add((r.Index, new Registratie(r.BetrokkenheidId, personen, huishouden.HuishoudenId!.Value, huishouden.Uitkomst)));
            }

            await BulkStore.CopyToegangslogAsync(uow, log, ct);
            // Last, so the regios' signal locks are held only for the commit.
            await BulkStore.InsertSignalenAsync(uow, signalen, Aanleiding.Registratie, Doel.Registratie, now, ct);
            await uow.PublishManyAsync(events, ct);
            return antwoorden;
        }

        private ToegangslogRecord Regel(Handeling handeling, Uitkomst uitkomst, Guid? persoonId, Guid? betrokkenheidId, string eigenaar) =>
            new(0, now, caller.Wie, caller.Regio, caller.Rol, handeling, Doel.Registratie, uitkomst, persoonId, betrokkenheidId, eigenaar);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bulk load: {Nieuw} betrokkenheden registered, {Herhaald} repeats, by regio {Regio}")]
    private static partial void LogGeladen(ILogger logger, int nieuw, int herhaald, string regio);
}
