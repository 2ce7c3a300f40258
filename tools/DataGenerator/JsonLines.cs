using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>
/// The file format: one JSON object per line, <c>{"regio":"vt-…","createMelding":{…}}</c> or
/// <c>{"regio":"vt-…","createAdvies":{…}}</c>, the request in proto-JSON (enum names, RFC 3339 times).
/// </summary>
public static class JsonLines
{
    private const string MeldingKey = "createMelding";
    private const string AdviesKey = "createAdvies";

    public static string Format(Verzoek verzoek)
    {
        var key = verzoek.Request is CreateMeldingRequest ? MeldingKey : AdviesKey;
        // The regio is a tenant id from Regios, never needing escapes; the request is proto-JSON already.
        return $"{{\"regio\":\"{verzoek.Regio}\",\"{key}\":{JsonFormatter.Default.Format(verzoek.Request)}}}";
    }

    public static async Task WriteAsync(IEnumerable<Verzoek> verzoeken, Stream stream, CancellationToken cancellationToken)
    {
        // LF endings and no BOM on every platform: the same seed gives the same bytes.
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var verzoek in verzoeken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(Format(verzoek));
        }
    }

    public static (string Regio, IMessage Request) Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var regio = root.GetProperty("regio").GetString() ?? throw new FormatException("regio missing");
        if (root.TryGetProperty(MeldingKey, out var melding))
        {
            return (regio, JsonParser.Default.Parse<CreateMeldingRequest>(melding.GetRawText()));
        }

        if (root.TryGetProperty(AdviesKey, out var advies))
        {
            return (regio, JsonParser.Default.Parse<CreateAdviesRequest>(advies.GetRawText()));
        }

        throw new FormatException($"Neither {MeldingKey} nor {AdviesKey} on the line.");
    }
}
