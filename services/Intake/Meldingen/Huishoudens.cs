using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>The address that identifies a huishouden within a regio, normalised ("1234 AB", upper case).</summary>
public sealed record HuishoudenAdres(string Postcode, int Huisnummer, string Toevoeging);

/// <summary>A person of the huishouden of a melding, with their part in it (ADR 0016).</summary>
public sealed record BetrokkeneRecord(
    Guid BetrokkeneId,
    BetrokkeneRol Rol,
    string Voornamen,
    string Tussenvoegsel,
    string Achternaam,
    DateOnly? Geboortedatum,
    Geslacht Geslacht,
    string? Bsn);

/// <summary>
/// Who the melder is, kept only for the terugkoppeling: written with the melding, never read back
/// into a melding, a list, an event or a log line.
/// </summary>
public sealed record MelderIdentiteitRecord(string Naam, string Telefoonnummer, string Email);
