using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>What the register answered for one row.</summary>
public sealed record Uitslag(int Regel, string RegistratieId, string PersoonId, string HuishoudenId, MatchUitkomst Uitkomst,
    string BetrokkenheidId, MatchUitkomst HuishoudenUitkomst);

/// <summary>The outcome of an import: per registered row its answer, in file order, and every row not registered.</summary>
public sealed record ImportResultaat(IReadOnlyList<Uitslag> Uitslagen, IReadOnlyList<Fout> Fouten, int Registraties)
{
    public int Aantal(MatchUitkomst uitkomst) => Uitslagen.Count(u => u.Uitkomst == uitkomst);
}

/// <summary>
/// The import's core (ADR 0022): reads the CSV, groups rows into one registration per household (same regio,
/// registratiedatum and address), streams them per regio through LaadBetrokkenheden and maps the answers back
/// to rows. A registration refused because of some of its persons is sent again without them, so an invalid
/// row never stops its household or the rest of the file.
/// </summary>
public sealed class Importeur(Register.V1.Register.RegisterClient client, TokenBron tokens)
{
    /// <summary>Registrations per LaadBetrokkenheden call: well under the register's 10,000, so progress moves and a failure costs little.</summary>
    public int PerCall { get; init; } = 250;

    /// <summary>Calls in flight at once (each for one regio).</summary>
    public int Gelijktijdig { get; init; } = 2;

    public const int MaxPersonen = 20;

    private sealed record Groep(string Regio, List<ImportRij> Rijen);

    public async Task<ImportResultaat> ImporteerAsync(TextReader csv, Voortgang? voortgang, CancellationToken ct)
    {
        var fouten = new List<Fout>();
        var rijen = LeesRijen(csv, fouten);
        var klaar = fouten.Count;
        voortgang?.Begin(rijen.Count + fouten.Count);
        var uitslagen = new List<Uitslag>();
        var registraties = 0;

        var groepen = Groepeer(rijen, fouten);
        var sync = new Lock();
        while (groepen.Count > 0)
        {
            var opnieuw = new List<Groep>();
            var batches = groepen.GroupBy(g => g.Regio).SelectMany(r => r.Chunk(PerCall)).ToList();
            await Parallel.ForEachAsync(batches,
                new ParallelOptions { MaxDegreeOfParallelism = Gelijktijdig, CancellationToken = ct }, async (batch, token) =>
                {
                    var (antwoorden, batchFouten, terug, geregistreerd) = await LaadAsync(batch, token);
                    lock (sync)
                    {
                        uitslagen.AddRange(antwoorden);
                        fouten.AddRange(batchFouten);
                        opnieuw.AddRange(terug);
                        registraties += geregistreerd;
                        klaar += antwoorden.Count + batchFouten.Count;
                        voortgang?.Stap(klaar);
                    }
                });
            groepen = opnieuw;
        }

        voortgang?.Einde();
        uitslagen.Sort((a, b) => a.Regel.CompareTo(b.Regel));
        fouten.Sort((a, b) => a.Regel.CompareTo(b.Regel));
        return new ImportResultaat(uitslagen, fouten, registraties);
    }

    /// <summary>The rows of a file that parse; the others are added to <paramref name="fouten"/>. A bad header is fatal.</summary>
    public static List<ImportRij> LeesRijen(TextReader csv, List<Fout> fouten)
    {
        using var records = Csv.Lees(csv).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new FormatException("The file is empty: a header line is required.");
        }

        var (posities, ontbrekend) = Rijen.Kop(records.Current.Velden);
        if (ontbrekend.Count > 0)
        {
            throw new FormatException("The header lacks the column(s) " + string.Join(", ", ontbrekend) + ".");
        }

        var rijen = new List<ImportRij>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        while (records.MoveNext())
        {
            if (Rijen.Parse(records.Current, posities, fouten) is not { } rij)
            {
                continue;
            }

            if (!ids.TryAdd(rij.RegistratieId, rij.Regel))
            {
                fouten.Add(new Fout(rij.Regel, rij.RegistratieId, $"registratie_id: already on line {ids[rij.RegistratieId]}"));
                continue;
            }

            rijen.Add(rij);
        }

        return rijen;
    }

    /// <summary>
    /// One registration per household: rows with the same regio, registratiedatum and address, in file order, split
    /// into parts of at most <see cref="MaxPersonen"/>. A row without a postcode is a registration of its own.
    /// Rows of a regio the token cannot act for are reported.
    /// </summary>
    private List<Groep> Groepeer(List<ImportRij> rijen, List<Fout> fouten)
    {
        var groepen = new List<Groep>();
        foreach (var rijenVanRegio in rijen.GroupBy(r => r.Regio, StringComparer.Ordinal))
        {
            if (tokens.Weigering(rijenVanRegio.Key) is { } weigering)
            {
                fouten.AddRange(rijenVanRegio.Select(r => new Fout(r.Regel, r.RegistratieId, weigering)));
                continue;
            }

            foreach (var huishouden in rijenVanRegio.GroupBy(r => r.Postcode.Length == 0
                         ? "regel:" + r.Regel
                         : $"{r.Registratiedatum:yyyy-MM-dd}|{Compact(r.Postcode)}|{r.Huisnummer}|{Compact(r.Toevoeging)}", StringComparer.Ordinal))
            {
                groepen.AddRange(huishouden.Chunk(MaxPersonen).Select(deel => new Groep(rijenVanRegio.Key, [.. deel])));
            }
        }

        return groepen;
    }

    private static string Compact(string value) => string.Concat(value.Where(char.IsLetterOrDigit)).ToUpperInvariant();

    private async Task<(List<Uitslag> Uitslagen, List<Fout> Fouten, List<Groep> Opnieuw, int Geregistreerd)> LaadAsync(Groep[] batch, CancellationToken ct)
    {
        var uitslagen = new List<Uitslag>();
        var fouten = new List<Fout>();
        var opnieuw = new List<Groep>();
        LaadBetrokkenhedenResponse response;
        try
        {
            using var call = client.LaadBetrokkenheden(tokens.Headers(batch[0].Regio), cancellationToken: ct);
            foreach (var groep in batch)
            {
                await call.RequestStream.WriteAsync(Request(groep), ct);
            }

            await call.RequestStream.CompleteAsync();
            response = await call;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.InvalidArgument)
        {
            // The register refused the call itself (token, role, regio): its rows are reported, the other regios go on.
            var reden = $"register refused the call: {e.StatusCode} {e.Status.Detail}";
            fouten.AddRange(batch.SelectMany(g => g.Rijen).Select(r => new Fout(r.Regel, r.RegistratieId, reden)));
            return (uitslagen, fouten, opnieuw, 0);
        }

        foreach (var resultaat in response.Resultaten)
        {
            var groep = batch[resultaat.Volgnummer];
            if (resultaat.Registratie is { } registratie)
            {
                uitslagen.AddRange(groep.Rijen.Select((r, i) => new Uitslag(r.Regel, r.RegistratieId, registratie.Personen[i].PersoonId,
                    registratie.HuishoudenId, registratie.Personen[i].Match, registratie.BetrokkenheidId, registratie.HuishoudenMatch)));
                continue;
            }

            // A violation of personen[i] is that row's; any other is the whole registration's (its address, its date).
            var perRij = new Dictionary<int, List<string>>();
            var algemeen = new List<string>();
            foreach (var fout in resultaat.Fouten)
            {
                if (PersoonIndex(fout.Veld) is { } i && i < groep.Rijen.Count)
                {
                    (perRij.TryGetValue(i, out var lijst) ? lijst : perRij[i] = []).Add(Beschrijf(fout, $"personen[{i}]"));
                }
                else
                {
                    algemeen.Add(Beschrijf(fout, null));
                }
            }

            if (algemeen.Count > 0 || perRij.Count == 0)
            {
                var reden = algemeen.Count > 0 ? string.Join("; ", algemeen) : "refused by the register";
                fouten.AddRange(groep.Rijen.Select(r => new Fout(r.Regel, r.RegistratieId, reden)));
                continue;
            }

            fouten.AddRange(perRij.Select(p => new Fout(groep.Rijen[p.Key].Regel, groep.Rijen[p.Key].RegistratieId, string.Join("; ", p.Value))));
            var rest = groep.Rijen.Where((_, i) => !perRij.ContainsKey(i)).ToList();
            if (rest.Count > 0)
            {
                opnieuw.Add(groep with { Rijen = rest });
            }
        }

        return (uitslagen, fouten, opnieuw, response.Geregistreerd);
    }

    private static int? PersoonIndex(string veld)
    {
        if (!veld.StartsWith("personen[", StringComparison.Ordinal))
        {
            return null;
        }

        var einde = veld.IndexOf(']', StringComparison.Ordinal);
        return einde > 9 && int.TryParse(veld.AsSpan(9, einde - 9), out var i) ? i : null;
    }

    // The register names fields as in the request; the file's columns are what the user knows.
    private static string Beschrijf(Veldfout fout, string? prefix)
    {
        var veld = prefix is null ? fout.Veld : fout.Veld[prefix.Length..].TrimStart('.');
        var kolom = veld switch
        {
            "startdatum" => "registratiedatum",
            "adres.postcode" => "postcode",
            "adres.huisnummer" => "huisnummer",
            "adres.huisnummer_toevoeging" => "huisnummer_toevoeging",
            "" => "row",
            _ => veld,
        };
        return $"{kolom}: {fout.Omschrijving}";
    }

    /// <summary>
    /// The registration of a group. The request id follows from the regio and the rows' registratie_ids, so
    /// importing a file again registers nothing twice (the register answers the first registration).
    /// </summary>
    private static RegistreerBetrokkenheidRequest Request(Groep groep)
    {
        var eerste = groep.Rijen[0];
        var request = new RegistreerBetrokkenheidRequest
        {
            RequestId = RequestId(groep.Regio, groep.Rijen.Select(r => r.RegistratieId)).ToString(),
            CasusReferentie = eerste.RegistratieId,
            Startdatum = new Google.Type.Date
            {
                Year = eerste.Registratiedatum.Year, Month = eerste.Registratiedatum.Month, Day = eerste.Registratiedatum.Day,
            },
            Personen = { groep.Rijen.Select(r => r.Persoon) },
        };
        if (eerste.Postcode.Length > 0)
        {
            request.Adres = new Adres { Postcode = eerste.Postcode, Huisnummer = eerste.Huisnummer, HuisnummerToevoeging = eerste.Toevoeging };
        }

        return request;
    }

    public static Guid RequestId(string regio, IEnumerable<string> registratieIds)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("registerimport\u001f" + regio + "\u001f" + string.Join('\u001f', registratieIds)));
        // A version-8 (custom) UUID: the hash's first 16 bytes with the version and variant bits set.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
