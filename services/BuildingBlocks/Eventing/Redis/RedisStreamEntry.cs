using System.Globalization;
using StackExchange.Redis;

namespace Veiligthuis.BuildingBlocks.Eventing.Redis;

/// <summary>The CloudEvents attributes of an envelope as the fields of one stream entry.</summary>
internal static class RedisStreamEntry
{
    public static NameValueEntry[] ToFields(EventEnvelope e) =>
    [
        new("id", e.Id.ToString()),
        new("type", e.Type),
        new("source", e.Source),
        new("subject", e.Subject),
        new("regio", e.Regio),
        new("time", e.Time.ToString("O", CultureInfo.InvariantCulture)),
        new("traceparent", e.TraceParent ?? ""),
        new("data", e.Data),
    ];

    public static EventEnvelope FromEntry(string topic, StreamEntry entry)
    {
        string Field(string name) => entry[name].HasValue ? entry[name].ToString() : throw new PoisonEventException($"Stream entry {entry.Id} on {topic} lacks '{name}'.");

        if (!Guid.TryParse(Field("id"), out var id) ||
            !DateTimeOffset.TryParse(Field("time"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            throw new PoisonEventException($"Stream entry {entry.Id} on {topic} has an unreadable id or time.");
        }

        var traceParent = entry["traceparent"].HasValue ? entry["traceparent"].ToString() : "";
        return new EventEnvelope(id, topic, Field("type"), Field("source"), Field("subject"), Field("regio"), time,
            traceParent.Length == 0 ? null : traceParent, (byte[])entry["data"]!);
    }
}
