using System.Diagnostics;
using System.Globalization;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.V1;
using Veiligthuis.Tools.Synthetic;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>
/// The matching-quality benchmark through the import (issue 5): a synthetic population (tools/Synthetic) is
/// imported once, clean, household by household; then a share of the households reappears in another regio as
/// another regio writes it (the noise model of tools/Synthetic/Noise.cs, a household moving as a whole), some
/// with an unregistered twin, beside new households. Both files go through <see cref="Importeur"/> against a
/// running register; the answers are scored against the ground truth for persons and for households.
/// </summary>
public sealed class Kwaliteit(Importeur importeur, int personen, double herhaling, int nieuwePersonen, int seed, string map)
{
    private const double Aanwezig = 0.85;
    private const double Tweeling = 0.05;

    private sealed record Waarheid(int PersoonNr, int HuishoudenNr, bool GenoegInformatie, bool Verhuisd);

    public async Task RunAsync(TextWriter uit, CancellationToken ct)
    {
        Directory.CreateDirectory(map);
        var random = new Random(seed);
        var population = new Population(random);
        population.Genereer(personen);
        var geregistreerd = population.Huishoudens.Count;
        population.Genereer(personen + nieuwePersonen);
        var noise = new Noise(random);
        var regios = Regios.AllTenantIds.Order(StringComparer.Ordinal).ToArray();

        // First file: every registered household once, clean (40 % of persons with BSN, as the noise model has it).
        var waarheid = new Dictionary<string, Waarheid>(StringComparer.Ordinal);
        var basis = Path.Combine(map, "basis.csv");
        var bsnBekend = new HashSet<int>();
        await using (var csv = new StreamWriter(basis))
        {
            await csv.WriteLineAsync(string.Join(',', Rijen.Kolommen));
            foreach (var h in population.Huishoudens.Take(geregistreerd))
            {
                var regio = regios[random.Next(regios.Length)];
                var datum = new DateOnly(2019, 1, 1).AddDays(random.Next(6 * 365));
                foreach (var p in h.Leden)
                {
                    var w = noise.Maak(p, h, metRuis: false);
                    if (w.Bsn.Length > 0)
                    {
                        bsnBekend.Add(p.Nr);
                    }

                    var id = $"b{h.Nr}-{p.Nr}";
                    waarheid[id] = new Waarheid(p.Nr, h.Nr, true, false);
                    await csv.WriteLineAsync(Rij(id, regio, datum, w, h.Postcode, h.Huisnummer));
                }
            }
        }

        // Second file: reappearing households (each member present with 85 %), moved as a whole or not, sometimes
        // with an unregistered twin; and new households the register has never seen.
        var herhalingen = Path.Combine(map, "herhaling.csv");
        await using (var csv = new StreamWriter(herhalingen))
        {
            await csv.WriteLineAsync(string.Join(',', Rijen.Kolommen));
            for (var n = 0; n < population.Huishoudens.Count; n++)
            {
                var h = population.Huishoudens[n];
                var nieuw = n >= geregistreerd;
                if (!nieuw && random.NextDouble() >= herhaling)
                {
                    continue;
                }

                var leden = h.Leden.Where(_ => random.NextDouble() < Aanwezig).ToList();
                if (leden.Count == 0)
                {
                    leden.Add(h.Leden[random.Next(h.Leden.Count)]);
                }

                var twin = !nieuw && random.NextDouble() < Tweeling ? population.OngeregistreerdeTweeling(leden[0]) : null;
                var verhuisd = random.NextDouble() < Noise.Verhuisd;
                var (postcode, huisnummer) = verhuisd ? (Variaties.Postcode(random), random.Next(1, 250)) : (h.Postcode, h.Huisnummer);
                var regio = regios[random.Next(regios.Length)];
                var datum = new DateOnly(2025, 1, 1).AddDays(random.Next(300));
                foreach (var p in twin is null ? leden : [.. leden, twin])
                {
                    var w = noise.Maak(p, h, metRuis: true);
                    var id = $"h{h.Nr}-{(p.Nr >= 0 ? p.Nr.ToString(CultureInfo.InvariantCulture) : "t")}";
                    var bekend = !nieuw && p.Nr >= 0;
                    waarheid[id] = new Waarheid(bekend ? p.Nr : -1, nieuw ? -1 : h.Nr,
                        (w.Bsn.Length > 0 && bsnBekend.Contains(p.Nr)) || !w.Ruis.Contains("initialen", StringComparison.Ordinal),
                        verhuisd);
                    await csv.WriteLineAsync(Rij(id, regio, datum, w, postcode, huisnummer));
                }
            }
        }

        var tijd = Stopwatch.StartNew();
        var eerste = await ImporteerAsync(basis, "basis-resultaat.csv", ct);
        var laden = tijd.Elapsed;
        var tweede = await ImporteerAsync(herhalingen, "herhaling-resultaat.csv", ct);
        Rapport(uit, eerste, tweede, waarheid, laden, tijd.Elapsed - laden);
    }

    private async Task<ImportResultaat> ImporteerAsync(string bestand, string resultaatNaam, CancellationToken ct)
    {
        ImportResultaat resultaat;
        using (var reader = new StreamReader(bestand))
        {
            resultaat = await importeur.ImporteerAsync(reader, Voortgang.VoorStderr(), ct);
        }

        await using var schrijver = new StreamWriter(Path.Combine(map, resultaatNaam));
        await Resultaatbestand.SchrijfAsync(resultaat, schrijver);
        Resultaatbestand.Samenvatting(resultaat, Console.Error);
        return resultaat;
    }

    private static string Rij(string id, string regio, DateOnly datum, Waarneming w, string postcode, int huisnummer) =>
        Csv.Regel(id, regio, datum.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), w.Voornamen, w.Tussenvoegsel, w.Achternaam,
            w.Geboortedatum.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Rijen.Code(w.Geslacht), w.Bsn, "",
            huisnummer.ToString(CultureInfo.InvariantCulture), "", postcode, "");

    private static void Rapport(TextWriter uit, ImportResultaat basis, ImportResultaat herhaling, Dictionary<string, Waarheid> waarheid,
        TimeSpan laden, TimeSpan herladen)
    {
        // The register's id of each registered person and household: what the clean first registration got.
        var persoonIds = new Dictionary<int, string>();
        var huishoudenIds = new Dictionary<int, string>();
        foreach (var u in basis.Uitslagen)
        {
            var w = waarheid[u.RegistratieId];
            persoonIds.TryAdd(w.PersoonNr, u.PersoonId);
            huishoudenIds.TryAdd(w.HuishoudenNr, u.HuishoudenId);
        }

        // Every zeker link of the first file is wrong: each of its persons and households is new.
        var p = new Telling { Fout = basis.Aantal(MatchUitkomst.Zeker) };
        foreach (var u in herhaling.Uitslagen)
        {
            var w = waarheid[u.RegistratieId];
            var waar = w.PersoonNr >= 0 ? persoonIds.GetValueOrDefault(w.PersoonNr) : null;
            p.Tel(u.Uitkomst, waar is not null && u.PersoonId == waar, waar is not null, waar is not null && w.GenoegInformatie);
        }

        var h = new Telling
        {
            Fout = basis.Uitslagen.DistinctBy(u => u.BetrokkenheidId).Count(u => u.HuishoudenUitkomst == MatchUitkomst.Zeker),
        };
        foreach (var registratie in herhaling.Uitslagen.GroupBy(u => u.BetrokkenheidId))
        {
            var u = registratie.First();
            var leden = registratie.Select(r => waarheid[r.RegistratieId]).ToList();
            var nr = leden[0].HuishoudenNr;
            var waar = nr >= 0 ? huishoudenIds.GetValueOrDefault(nr) : null;
            // Enough information: as many known persons as the rule needs can be zeker on their own data: two, or
            // one when the registration has one person or the household did not move (ADR 0022).
            var zekerbaar = leden.Count(l => l.PersoonNr >= 0 && l.GenoegInformatie);
            var genoeg = zekerbaar >= 2 || (zekerbaar == 1 && (leden.Count == 1 || !leden[0].Verhuisd));
            h.Tel(u.HuishoudenUitkomst, waar is not null && u.HuishoudenId == waar, waar is not null, waar is not null && genoeg);
        }

        uit.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Register matching quality through the import (tools/RegisterImport kwaliteit)
              first file: {basis.Uitslagen.Count:N0} persons in {basis.Registraties:N0} households, imported in {laden.TotalSeconds:F1} s ({basis.Uitslagen.Count / Math.Max(laden.TotalSeconds, 0.001):N0} rows/s); not registered: {basis.Fouten.Count:N0}
              second file: {herhaling.Uitslagen.Count:N0} persons in {herhaling.Registraties:N0} registrations, imported in {herladen.TotalSeconds:F1} s; not registered: {herhaling.Fouten.Count:N0}
            """));
        p.Print(uit, "persons");
        h.Print(uit, "households");
    }

    /// <summary>Precision, recall and F1 of zeker links against the ground truth.</summary>
    private sealed class Telling
    {
        /// <summary>Wrong zeker links of the first file: a new person or household linked to a namesake.</summary>
        public int Fout { get; init; }
        private int _fout;
        private int _goed;
        private int _herhaald;
        private int _genoeg;
        private int _genoegGoed;
        private int _mogelijk;
        private int _geen;
        private int _nieuwZeker;

        public void Tel(MatchUitkomst uitkomst, bool goed, bool herhaald, bool genoeg)
        {
            var zeker = uitkomst == MatchUitkomst.Zeker;
            _goed += zeker && goed ? 1 : 0;
            _fout += zeker && !goed ? 1 : 0;
            _nieuwZeker += zeker && !herhaald ? 1 : 0;
            _herhaald += herhaald ? 1 : 0;
            _genoeg += genoeg ? 1 : 0;
            _genoegGoed += genoeg && zeker && goed ? 1 : 0;
            _mogelijk += uitkomst == MatchUitkomst.Mogelijk ? 1 : 0;
            _geen += herhaald && uitkomst == MatchUitkomst.Geen ? 1 : 0;
        }

        public void Print(TextWriter uit, string wat)
        {
            var zeker = _goed + _fout + Fout;
            var precision = zeker == 0 ? 1 : (double)_goed / zeker;
            var lookups = _goed + _fout == 0 ? 1 : (double)_goed / (_goed + _fout);
            var recall = _genoeg == 0 ? 0 : (double)_genoegGoed / _genoeg;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            uit.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                  {wat}: zeker {zeker:N0} ({_goed:N0} right; wrong: {Fout:N0} in the first file, {_fout:N0} in the second of which {_nieuwZeker:N0} for a new one); mogelijk {_mogelijk:N0} (second file); reappearing but geen {_geen:N0}
                    precision {precision:F5} (second file only {lookups:F5})  recall (enough information) {recall:F5} ({_genoegGoed:N0} of {_genoeg:N0})  recall (all) {(_herhaald == 0 ? 0 : (double)_goed / _herhaald):F5} (of {_herhaald:N0})  F1 {f1:F5}
                """));
        }
    }
}
