using System.Text;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>One CSV record and the line of the file it starts on (1-based, the header is line 1).</summary>
public sealed record CsvRecord(int Regel, IReadOnlyList<string> Velden);

/// <summary>
/// RFC 4180 CSV as spreadsheets write it: fields in double quotes may hold commas, quotes ("") and line
/// breaks; CRLF, LF or CR end a record; a UTF-8 byte order mark is skipped; blank lines are skipped.
/// </summary>
public static class Csv
{
    public static IEnumerable<CsvRecord> Lees(TextReader reader)
    {
        var velden = new List<string>();
        var veld = new StringBuilder();
        var regel = 1;
        var start = 1;
        var quoted = false;
        var eerste = true;
        var leeg = true;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (eerste)
            {
                eerste = false;
                if (c == '\uFEFF')
                {
                    continue;
                }
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        veld.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    regel += c == '\n' || (c == '\r' && reader.Peek() != '\n') ? 1 : 0;
                    veld.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    leeg = false;
                    break;
                case ',':
                    velden.Add(veld.ToString());
                    veld.Clear();
                    leeg = false;
                    break;
                case '\r' or '\n':
                    if (c == '\r' && reader.Peek() == '\n')
                    {
                        reader.Read();
                    }

                    if (!leeg || veld.Length > 0)
                    {
                        velden.Add(veld.ToString());
                        yield return new CsvRecord(start, velden);
                    }

                    velden = [];
                    veld.Clear();
                    leeg = true;
                    start = ++regel;
                    break;
                default:
                    veld.Append((char)c);
                    leeg = false;
                    break;
            }
        }

        if (!leeg || veld.Length > 0)
        {
            velden.Add(veld.ToString());
            yield return new CsvRecord(start, velden);
        }
    }

    /// <summary>A field as CSV: quoted when it holds a comma, a quote or a line break.</summary>
    public static string Veld(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    public static string Regel(params string[] velden) => string.Join(',', velden.Select(Veld));
}
