using System.Globalization;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>One person registration of the import file, parsed; straat and woonplaats are not sent (the register does not want them).</summary>
public sealed record ImportRij(int Regel, string RegistratieId, string Regio, DateOnly Registratiedatum, PersoonIdentiteit Persoon,
    string Postcode, int Huisnummer, string Toevoeging);

/// <summary>A row that was not registered: its line, its registratie_id (when it has one) and why.</summary>
public sealed record Fout(int Regel, string RegistratieId, string Reden);

/// <summary>The import file's columns and the parsing of one row; the register itself checks BSN, names and postcode.</summary>
public static class Rijen
{
    public static readonly string[] Kolommen =
    [
        "registratie_id", "regio", "registratiedatum", "voornamen", "tussenvoegsel", "achternaam", "geboortedatum", "geslacht",
        "bsn", "straat", "huisnummer", "huisnummer_toevoeging", "postcode", "woonplaats",
    ];

    public const int MaxRegistratieId = 64;

    private static readonly string[] Datumvormen = ["yyyy-MM-dd", "d-M-yyyy", "yyyyMMdd"];

    /// <summary>Column positions by name, in <see cref="Kolommen"/> order; the missing columns when the header lacks some.</summary>
    public static (int[] Posities, List<string> Ontbrekend) Kop(IReadOnlyList<string> kop)
    {
        var namen = kop.Select(k => k.Trim().ToLowerInvariant()).ToList();
        var posities = Kolommen.Select(k => namen.IndexOf(k)).ToArray();
        return (posities, [.. Kolommen.Where((_, i) => posities[i] < 0)]);
    }

    public static ImportRij? Parse(CsvRecord record, int[] posities, List<Fout> fouten)
    {
        string Veld(int kolom) => posities[kolom] < record.Velden.Count ? record.Velden[posities[kolom]].Trim() : "";

        var id = Veld(0);
        var redenen = new List<string>();
        if (record.Velden.Count <= posities.Max())
        {
            redenen.Add($"{record.Velden.Count} fields, the header has {posities.Length}");
        }

        if (id.Length is 0 or > MaxRegistratieId)
        {
            redenen.Add($"registratie_id: required, at most {MaxRegistratieId} characters");
        }

        var regio = Regios.TryParse(Veld(1), out var parsed) ? Regios.ToTenantId(parsed) : null;
        if (regio is null)
        {
            redenen.Add($"regio: '{Veld(1)}' is no tenant id or CBS region name");
        }

        var registratiedatum = Datum(Veld(2));
        if (registratiedatum is null)
        {
            redenen.Add("registratiedatum: required, a date as yyyy-mm-dd");
        }

        var geboortedatum = Datum(Veld(6));
        if (Veld(6).Length > 0 && geboortedatum is null)
        {
            redenen.Add("geboortedatum: a date as yyyy-mm-dd");
        }

        var geslacht = ParseGeslacht(Veld(7));
        if (geslacht is null)
        {
            redenen.Add("geslacht: M, V, X or empty");
        }

        var huisnummer = 0;
        if (Veld(10).Length > 0 && !int.TryParse(Veld(10), NumberStyles.None, CultureInfo.InvariantCulture, out huisnummer))
        {
            redenen.Add("huisnummer: a number");
        }

        if (redenen.Count > 0)
        {
            fouten.Add(new Fout(record.Regel, id, string.Join("; ", redenen)));
            return null;
        }

        var persoon = new PersoonIdentiteit
        {
            Voornamen = Veld(3),
            Tussenvoegsel = Veld(4),
            Achternaam = Veld(5),
            Geslacht = geslacht!.Value,
            Bsn = Veld(8),
        };
        if (geboortedatum is { } g)
        {
            persoon.Geboortedatum = new Google.Type.Date { Year = g.Year, Month = g.Month, Day = g.Day };
        }

        return new ImportRij(record.Regel, id, regio!, registratiedatum!.Value, persoon, Veld(12), huisnummer, Veld(11));
    }

    private static DateOnly? Datum(string value) =>
        DateOnly.TryParseExact(value, Datumvormen, CultureInfo.InvariantCulture, DateTimeStyles.None, out var datum) ? datum : null;

    private static Geslacht? ParseGeslacht(string value) => value.ToUpperInvariant() switch
    {
        "" or "O" or "ONBEKEND" => Geslacht.Onbekend,
        "M" or "MAN" => Geslacht.Man,
        "V" or "VROUW" => Geslacht.Vrouw,
        "X" or "ANDERS" => Geslacht.Anders,
        _ => null,
    };

    public static string Code(Geslacht geslacht) => geslacht switch
    {
        Geslacht.Man => "M",
        Geslacht.Vrouw => "V",
        Geslacht.Anders => "X",
        _ => "",
    };
}
