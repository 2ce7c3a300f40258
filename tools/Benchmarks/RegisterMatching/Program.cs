using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Veiligthuis.Benchmarks.RegisterMatching;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;
using Veiligthuis.Tools.Synthetic;

// Matching quality of the register (issue 5, ADR 0017): a synthetic population is registered, then persons
// reappear with realistic noise and namesakes and unregistered twins come by; the register's own
// normalisation, blocking keys, Fellegi–Sunter scoring and decision rule classify each.
var personen = Argument("--personen", 50_000);
var herhaling = Argument("--herhalingen", 30) / 100.0;
var vreemden = Argument("--vreemden", 5_000);
var seed = Argument("--seed", 5);

var random = new Random(seed);
var population = new Population(random);
population.Genereer(personen);
var noise = new Noise(random);
var matchingKey = RandomNumberGenerator.GetBytes(32);
var register = new InMemoryRegister(new MatchKenmerkenFactory(matchingKey));
var geregistreerd = new List<Record>();

var laden = Stopwatch.StartNew();
var alle = population.Huishoudens.SelectMany(h => h.Leden.Select(p => (Persoon: p, Huishouden: h))).ToList();
foreach (var (persoon, huishouden) in alle)
{
    var record = Record.Van(noise.Maak(persoon, huishouden, metRuis: false));
    register.Voeg(record);
    geregistreerd.Add(record);
}

laden.Stop();

var vragen = new List<Record>();
foreach (var (persoon, huishouden) in alle.Where(_ => random.NextDouble() < herhaling))
{
    vragen.Add(Record.Van(noise.Maak(persoon, huishouden, metRuis: true)));
}

var tweelingen = 0;
for (var i = 0; i < vreemden; i++)
{
    // Half namesakes-by-chance (anyone), a quarter unregistered twins of registered persons, a quarter parents'
    // namesakes: a new person at a registered address with a registered surname.
    var (van, thuis) = alle[random.Next(alle.Count)];
    var vreemde = (i % 4) switch
    {
        0 or 1 => population.Vreemde(),
        2 => population.OngeregistreerdeTweeling(van),
        _ => population.Vreemde() with { Achternaam = van.Achternaam, Tussenvoegsel = van.Tussenvoegsel },
    };
    tweelingen += i % 4 == 2 ? 1 : 0;
    vragen.Add(Record.Van(noise.Maak(vreemde, thuis, metRuis: true)) with { PersoonNr = -1 });
}

var uitslag = new Uitslag(args.Contains("--voorbeelden"));
var inMemory = new List<(Record, MatchResultaat)>();
var zoeken = Stopwatch.StartNew();
foreach (var vraag in vragen)
{
    var (resultaat, kandidaten, waarGevonden) = register.Match(vraag);
    inMemory.Add((vraag, resultaat));
    uitslag.Tel(vraag, resultaat, kandidaten, waarGevonden, register.BsnBekend(vraag.Bsn), register.Origineel);
}

zoeken.Stop();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    Register matching benchmark (seed {seed})
      population: {alle.Count:N0} persons in {population.Huishoudens.Count:N0} households ({alle.Count(p => p.Huishouden.Leden.Count(l => l.Geboortedatum == p.Persoon.Geboortedatum) > 1):N0} twins), loaded in {laden.Elapsed.TotalSeconds:F1} s
      lookups: {vragen.Count:N0} ({vragen.Count - vreemden:N0} reappearances, {vreemden:N0} new persons of whom {tweelingen:N0} unregistered twins), {vragen.Count / zeken(zoeken):N0} lookups/s on one core
      blocking: {uitslag.GemiddeldKandidaten:F1} candidate records per lookup on average, max {uitslag.MaxKandidaten}; true person among candidates for {uitslag.PairCompleteness:P2} of reappearances
    """));
uitslag.Print();
if (args.Contains("--postgres"))
{
    var admin = Environment.GetEnvironmentVariable("VT_BENCH_POSTGRES")
        ?? throw new InvalidOperationException("--postgres needs a superuser connection string in VT_BENCH_POSTGRES.");
    await PostgresRun.RunAsync(admin, matchingKey, geregistreerd, inMemory, args.Contains("--keep"));
}

return;

static double zeken(Stopwatch s) => Math.Max(s.Elapsed.TotalSeconds, 1e-6);

int Argument(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// The register's matching in memory: the same keyed features, blocking keys (a hash index instead of the
/// persoon_blok table, with the same cap on candidates), scoring and decision as <c>PersoonMatcher</c>.
/// </summary>
internal sealed class InMemoryRegister(MatchKenmerkenFactory factory)
{
    private readonly List<(Record Record, MatchKenmerken Kenmerken)> _records = [];
    private readonly Dictionary<string, List<int>> _blokken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _bsn = new(StringComparer.Ordinal);

    public void Voeg(Record record)
    {
        var kenmerken = factory.Create(record.Gegevens);
        _records.Add((record, kenmerken));
        foreach (var blok in kenmerken.Blokken)
        {
            var key = Convert.ToHexString(blok);
            if (!_blokken.TryGetValue(key, out var lijst))
            {
                _blokken[key] = lijst = [];
            }

            lijst.Add(_records.Count - 1);
        }

        if (record.Bsn.Length > 0)
        {
            _bsn[record.Bsn] = record.PersoonNr;
        }
    }

    public (MatchResultaat Resultaat, int Kandidaten, bool WaarGevonden) Match(Record vraag)
    {
        var kenmerken = factory.Create(vraag.Gegevens);
        var kandidaten = kenmerken.Blokken
            .SelectMany(b => _blokken.TryGetValue(Convert.ToHexString(b), out var lijst) ? lijst : [])
            .Distinct()
            .Take(PersoonMatcher.MaxKandidaten)
            .ToList();
        var waarGevonden = kandidaten.Any(k => _records[k].Record.PersoonNr == vraag.PersoonNr);
        if (vraag.Bsn.Length > 0 && _bsn.TryGetValue(vraag.Bsn, out var nr))
        {
            return (new MatchResultaat(MatchUitkomst.Zeker, Id(nr), []), kandidaten.Count, waarGevonden);
        }

        var resultaat = MatchBeslissing.Kies(kandidaten.Select(k =>
        {
            var (record, stored) = _records[k];
            var bsn = vraag.Bsn.Length == 0 || record.Bsn.Length == 0 ? Veldovereenkomst.Ontbreekt
                : vraag.Bsn == record.Bsn ? Veldovereenkomst.Gelijk : Veldovereenkomst.Verschillend;
            return new MatchKandidaat(Id(record.PersoonNr), FellegiSunter.Vergelijk(kenmerken, stored, bsn));
        }));
        return (resultaat, kandidaten.Count, waarGevonden);
    }

    public static Guid Id(int persoonNr) => new(persoonNr, 0, 0, new byte[8]);

    public bool BsnBekend(string bsn) => bsn.Length > 0 && _bsn.ContainsKey(bsn);

    /// <summary>The registered record of a person (records are added in person order).</summary>
    public Record Origineel(Guid id) => _records.First(r => Id(r.Record.PersoonNr) == id).Record;
}

/// <summary>Counts outcomes against the ground truth.</summary>
internal sealed class Uitslag(bool voorbeelden)
{
    private int _getoond;
    private int _fouteGetoond;
    private long _kandidaten;
    private int _lookups;
    private int _herhalingen;
    private int _waarGevonden;
    private int _zekerGoed;
    private int _zekerFout;
    private int _genoeg;
    private int _genoegZekerGoed;
    private int _mogelijkWaar;
    private int _mogelijkAnders;
    private int _geenWaar;
    private int _vreemdZeker;
    private int _vreemdMogelijk;
    private readonly Dictionary<string, (int Aantal, int Zeker)> _perRuis = new(StringComparer.Ordinal);

    public int MaxKandidaten { get; private set; }

    public double GemiddeldKandidaten => _lookups == 0 ? 0 : (double)_kandidaten / _lookups;

    public double PairCompleteness => _herhalingen == 0 ? 0 : (double)_waarGevonden / _herhalingen;

    public void Tel(Record vraag, MatchResultaat resultaat, int kandidaten, bool waarGevonden, bool bsnBekend,
        Func<Guid, Record> origineel)
    {
        _lookups++;
        _kandidaten += kandidaten;
        MaxKandidaten = Math.Max(MaxKandidaten, kandidaten);
        var waar = InMemoryRegister.Id(vraag.PersoonNr);
        var waarOfVreemd = vraag.PersoonNr >= 0 ? InMemoryRegister.Id(vraag.PersoonNr) : Guid.Empty;
        var fout = resultaat.Uitkomst == MatchUitkomst.Zeker && resultaat.PersoonId != waarOfVreemd;
        var gemist = vraag.PersoonNr >= 0 && resultaat.Uitkomst != MatchUitkomst.Zeker && (bsnBekend || vraag.GenoegInformatie);
        if (voorbeelden && (fout ? _fouteGetoond++ < 40 : gemist && _getoond++ < 20))
        {
            Console.WriteLine($"{(fout ? "WRONG" : "MISSED")} {resultaat.Uitkomst} {vraag.Ruis} bsn={vraag.Bsn.Length > 0}: {vraag.Gegevens}");
            Console.WriteLine($"    registered: {(vraag.PersoonNr >= 0 ? origineel(InMemoryRegister.Id(vraag.PersoonNr)).Gegevens : null)}");
            if (fout)
            {
                Console.WriteLine($"    linked to: {origineel(resultaat.PersoonId!.Value).Gegevens}");
            }
        }

        if (vraag.PersoonNr < 0)
        {
            _vreemdZeker += resultaat.Uitkomst == MatchUitkomst.Zeker ? 1 : 0;
            _vreemdMogelijk += resultaat.Uitkomst == MatchUitkomst.Mogelijk ? 1 : 0;
            return;
        }

        _herhalingen++;
        _waarGevonden += waarGevonden ? 1 : 0;
        var goed = resultaat.Uitkomst == MatchUitkomst.Zeker && resultaat.PersoonId == waar;
        _zekerGoed += goed ? 1 : 0;
        _zekerFout += resultaat.Uitkomst == MatchUitkomst.Zeker && !goed ? 1 : 0;
        if (resultaat.Uitkomst == MatchUitkomst.Mogelijk)
        {
            _ = resultaat.Mogelijk.Any(m => m.PersoonId == waar) ? _mogelijkWaar++ : _mogelijkAnders++;
        }

        _geenWaar += resultaat.Uitkomst == MatchUitkomst.Geen ? 1 : 0;
        if (bsnBekend || vraag.GenoegInformatie)
        {
            _genoeg++;
            _genoegZekerGoed += goed ? 1 : 0;
        }

        var soort = vraag.Bsn.Length > 0 ? "with BSN" : vraag.Ruis.Length == 0 ? "no noise, no BSN" : vraag.Ruis;
        var teller = _perRuis.GetValueOrDefault(soort);
        _perRuis[soort] = (teller.Aantal + 1, teller.Zeker + (goed ? 1 : 0));
    }

    public void Print()
    {
        var zeker = _zekerGoed + _zekerFout + _vreemdZeker;
        var precision = zeker == 0 ? 1 : (double)_zekerGoed / zeker;
        var recall = _genoeg == 0 ? 0 : (double)_genoegZekerGoed / _genoeg;
        var recallAll = _herhalingen == 0 ? 0 : (double)_zekerGoed / _herhalingen;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              zeker: {zeker:N0} links, {_zekerGoed:N0} right, {_zekerFout + _vreemdZeker:N0} wrong ({_zekerFout:N0} to another registered person, {_vreemdZeker:N0} for a new person)
              precision (zeker): {precision:F5}
              recall (zeker), reappearances with enough information (a BSN the register knows, or surname + full first name + birth date): {recall:F5} ({_genoegZekerGoed:N0} of {_genoeg:N0})
              recall (zeker), all reappearances: {recallAll:F5} ({_zekerGoed:N0} of {_herhalingen:N0})
              F1 (zeker, enough information): {(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)):F5}
              mogelijk: {_mogelijkWaar + _mogelijkAnders + _vreemdMogelijk:N0} to review ({_mogelijkWaar:N0} reappearances with the true person among the candidates, {_mogelijkAnders:N0} reappearances without, {_vreemdMogelijk:N0} new persons)
              geen for a reappearance (missed): {_geenWaar:N0}
              recall (zeker) per kind of noise, records without BSN:
            """));
        foreach (var (soort, (aantal, goed)) in _perRuis.Where(p => p.Value.Aantal >= 20).OrderByDescending(p => p.Value.Aantal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {soort,-40} {aantal,7:N0} {(double)goed / aantal,8:F4}"));
        }
    }
}
