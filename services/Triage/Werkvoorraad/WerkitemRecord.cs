using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

public sealed record WerkitemRecord(
    Guid WerkitemId,
    string Regio,
    Guid MeldingId,
    DateTimeOffset OntvangenOp,
    DateTimeOffset AcuteCheckUiterlijk,
    DateOnly BeoordelingUiterlijk,
    WerkitemStatus Status,
    DateTimeOffset AangemaaktOp)
{
    public AcuteCheckUitkomst? AcuteCheck { get; init; }

    public BeoordelingUitkomst? Beoordeling { get; init; }

    /// <summary>The regio's team the werkitem is assigned to, if any.</summary>
    public string? Team { get; init; }
}

/// <summary>The recorded acute check: who, when, and the immediate action on acute onveiligheid.</summary>
public sealed record AcuteCheckUitkomst(bool AcuteOnveiligheid, DirecteActie DirecteActie, string Door, DateTimeOffset VastgelegdOp);

/// <summary>
/// The recorded veiligheidsbeoordeling, taken by <see cref="Door"/> with <see cref="MedeBeoordelaar"/> (four eyes; empty
/// for items afgerond before it was recorded). The motivatie is free text: never logged nor published.
/// </summary>
public sealed record BeoordelingUitkomst(
    IReadOnlyList<Veiligheidstaxatie> Veiligheidstaxatie,
    bool Vermoeden,
    Besluit Besluit,
    Vervolg Vervolg,
    string Motivatie,
    string Door,
    DateTimeOffset AfgerondOp,
    string? MedeBeoordelaar,
    Deskundigheid MedeBeoordelaarDeskundigheid);

/// <summary>Who holds the lease on a werkitem and until when (from the lease store).</summary>
public sealed record Claim(string Door, DateTimeOffset Tot);
