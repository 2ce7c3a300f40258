using System.Text;
using System.Text.Json;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Tests;

public static class TestData
{
    public const string Utrecht = "vt-utrecht";
    public const string Haaglanden = "vt-haaglanden";

    /// <summary>A random nine-digit number that passes the elfproef.</summary>
    public static string Bsn()
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 8).Select(i => Random.Shared.Next(i == 0 ? 1 : 0, 10)).ToArray();
            var sum = digits.Select((d, i) => d * (9 - i)).Sum();
            var check = sum % 11;
            if (check < 10)
            {
                return string.Concat(digits) + check;
            }
        }
    }

    public static RegistreerBetrokkenheidRequest Registratie(params string[] bsns) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        CasusReferentie = "CASUS-" + Guid.NewGuid().ToString("N")[..12],
        Startdatum = new Google.Type.Date { Year = 2025, Month = 3, Day = 14 },
        Personen =
        {
            bsns.Select((bsn, i) => new PersoonIdentiteit
            {
                Voornamen = "Annabel" + i,
                Achternaam = "Testpersoon-Jansen",
                Geboortedatum = new Google.Type.Date { Year = 1984, Month = 7, Day = 2 },
                Bsn = bsn,
            }),
        },
    };

    /// <summary>The subject of a development token (its "sub" claim), as the access log records it.</summary>
    public static string Subject(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return json.RootElement.GetProperty("sub").GetString()!;
    }
}
