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
    DateTimeOffset AangemaaktOp);
