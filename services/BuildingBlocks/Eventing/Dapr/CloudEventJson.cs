using System.Globalization;
using System.Text.Json;

namespace Veiligthuis.BuildingBlocks.Eventing.Dapr;

/// <summary>
/// Structured-mode CloudEvents JSON with the protobuf data in <c>data_base64</c>. We publish the
/// whole CloudEvent ourselves so that our attributes (id, type, subject and the <c>regio</c>
/// extension) survive Dapr unchanged; Dapr passes an <c>application/cloudevents+json</c> payload through.
/// </summary>
public static class CloudEventJson
{
    public const string ContentType = "application/cloudevents+json";

    public static byte[] Serialize(EventEnvelope e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("specversion", "1.0");
            json.WriteString("id", e.Id.ToString());
            json.WriteString("type", e.Type);
            json.WriteString("source", e.Source);
            json.WriteString("subject", e.Subject);
            json.WriteString("time", e.Time.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("regio", e.Regio);
            json.WriteString("topic", e.Topic);
            if (e.TraceParent is not null)
            {
                json.WriteString("traceparent", e.TraceParent);
            }

            json.WriteString("datacontenttype", "application/x-protobuf");
            json.WriteBase64String("data_base64", e.Data);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static EventEnvelope Deserialize(string topic, ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PoisonEventException($"CloudEvent on {topic} is not a JSON object.");
            }

            string Get(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new PoisonEventException($"CloudEvent on {topic} lacks '{name}'.");

            if (!Guid.TryParse(Get("id"), out var id) ||
                !DateTimeOffset.TryParse(Get("time"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            {
                throw new PoisonEventException($"CloudEvent on {topic} has an unreadable id or time.");
            }

            var traceParent = root.TryGetProperty("traceparent", out var tp) && tp.ValueKind == JsonValueKind.String ? tp.GetString() : null;
            return new EventEnvelope(id, topic, Get("type"), Get("source"), Get("subject"), Get("regio"), time, traceParent,
                Convert.FromBase64String(Get("data_base64")));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new PoisonEventException($"CloudEvent on {topic} is not valid JSON.");
        }
    }
}
