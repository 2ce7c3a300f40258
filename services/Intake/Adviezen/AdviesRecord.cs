using Veiligthuis.Common.V1;

namespace Veiligthuis.Intake.Adviezen;

/// <summary>
/// An advies as stored: the CBS Informatieprotocol fields and nothing on the directbetrokkenen
/// (ADR 0014). The regio is the tenant id of the unit of work that wrote it.
/// </summary>
public sealed record AdviesRecord(
    Guid AdviesId,
    string Regio,
    Guid RequestId,
    DateOnly Startdatum,
    DateOnly? Einddatum,
    bool Anoniem,
    string? Gemeente,
    IReadOnlyList<AardGeweld> Aard,
    IReadOnlyList<AanvullendeInformatie> AanvullendeInformatie,
    VermoedelijkeDuur VermoedelijkeDuur,
    Betrokkenheid AdviesvragerBetrokkenheid,
    Functie AdviesvragerFunctie,
    Organisatie AdviesvragerOrganisatie,
    MelderRol AdviesvragerRol,
    DateTimeOffset GeregistreerdOp,
    string GeregistreerdDoor);
