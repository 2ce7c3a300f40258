using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.BuildingBlocks.Tests.Infrastructure;

/// <summary>Test events: <see cref="MeldingOntvangen"/> of the contracts, identifiers and codes only.</summary>
public static class Events
{
    public const string Topic = EventTopics.MeldingOntvangen;

    public static MeldingOntvangen MeldingOntvangen() => new()
    {
        MeldingId = Guid.NewGuid().ToString(),
        OntvangenOp = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 2, 8, 15, 0, TimeSpan.Zero)),
        MelderGroep = MelderGroep.Politie,
        Aard = { AardGeweld.Partnergeweld, AardGeweld.Kindermishandeling },
    };

    public static EventEnvelope Envelope(MeldingOntvangen message, string regio = "vt-utrecht") => Envelope(
        Intake.V1.MeldingOntvangen.Descriptor.FullName, message.ToByteArray(), message.MeldingId, regio);

    public static EventEnvelope Envelope(string type, byte[] data, string subject = "subject", string regio = "vt-utrecht") => new(
        Guid.CreateVersion7(), Topic, type, "bbtest-publisher", subject, regio,
        new DateTimeOffset(2026, 3, 2, 9, 30, 0, 123, TimeSpan.Zero), null, data);
}
