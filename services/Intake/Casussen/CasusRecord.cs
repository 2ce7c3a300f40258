using Veiligthuis.Intake.Meldingen;

namespace Veiligthuis.Intake.Casussen;

/// <summary>A casus as stored; open while <see cref="GeslotenOp"/> is null.</summary>
public sealed record CasusRecord(
    Guid CasusId,
    string Regio,
    string Casusnummer,
    DateTimeOffset GeopendOp,
    DateTimeOffset? GeslotenOp,
    HuishoudenAdres? Huishouden,
    IReadOnlyList<Guid> MeldingIds);
