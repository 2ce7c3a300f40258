namespace Veiligthuis;

/// <summary>Topic names of the suite's events: one topic per event type and version.</summary>
public static class EventTopics
{
    public const string MeldingOntvangen = "intake.melding-ontvangen.v1";
}
