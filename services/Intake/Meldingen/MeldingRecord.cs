using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>A melding as stored; the regio is the tenant id of the unit of work that wrote it.</summary>
public sealed record MeldingRecord(
    Guid MeldingId,
    string Regio,
    Guid RequestId,
    DateTimeOffset OntvangenOp,
    MelderGroep MelderGroep,
    Betrokkenheid MelderBetrokkenheid,
    Organisatie MelderOrganisatie,
    MelderRol MelderRol,
    bool MelderAnoniem,
    IReadOnlyList<AardGeweld> Aard,
    VermoedelijkeDuur VermoedelijkeDuur,
    IReadOnlyList<AanvullendeInformatie> AanvullendeInformatie,
    DateTimeOffset GeregistreerdOp,
    string GeregistreerdDoor,
    HuishoudenAdres? Huishouden,
    IReadOnlyList<BetrokkeneRecord> Betrokkenen,
    Guid? CasusId,
    string? Casusnummer);
