namespace Veiligthuis;

/// <summary>Topic names of the suite's events: one topic per event type and version.</summary>
public static class EventTopics
{
    public const string MeldingOntvangen = "intake.melding-ontvangen.v1";

    public const string AdviesGeregistreerd = "intake.advies-geregistreerd.v1";

    public const string AcuteCheckVastgelegd = "triage.acute-check-vastgelegd.v1";

    public const string VeiligheidsbeoordelingAfgerond = "triage.veiligheidsbeoordeling-afgerond.v1";

    public const string BetrokkenheidGeregistreerd = "register.betrokkenheid-geregistreerd.v1";

    public const string SignaalAfgegeven = "register.signaal-afgegeven.v1";
}
