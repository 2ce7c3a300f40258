using System.Text.RegularExpressions;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Adviezen;

/// <summary>Checks a CreateAdviesRequest field by field and reports every violation at once.</summary>
public static partial class CreateAdviesValidation
{
    // AA registers only client-related adviesvragen since early 2019 (domain.md §1.2).
    internal const int EarliestYear = 2019;
    private const int MaxAard = 16;
    private const int MaxAanvullendeInformatie = 8;

    public static (Guid RequestId, DateOnly Startdatum, DateOnly? Einddatum) Validate(CreateAdviesRequest request, DateTimeOffset now)
    {
        var violations = new Violations();

        var requestId = Guid.Empty;
        violations.Check(request.RequestId.Length > 0, "request_id", "Required: a client-chosen UUID.");
        if (request.RequestId.Length > 0)
        {
            violations.Check(request.RequestId.Length <= 36 && Guid.TryParse(request.RequestId, out requestId) && requestId != Guid.Empty,
                "request_id", "Must be a UUID.");
        }

        // Calendar days are Dutch days: "today" is today in Amsterdam.
        var today = AmsterdamTime.DateOf(now);
        var startdatum = ProtoDates.ToDateOnly(request.Startdatum, "startdatum", violations, EarliestYear);
        violations.Check(startdatum is null || startdatum <= today, "startdatum", "Must not be in the future.");
        DateOnly? einddatum = null;
        if (request.Einddatum is not null)
        {
            einddatum = ProtoDates.ToDateOnly(request.Einddatum, "einddatum", violations, EarliestYear);
            violations.Check(einddatum is null || einddatum <= today, "einddatum", "Must not be in the future.");
            violations.Check(einddatum is null || startdatum is null || einddatum >= startdatum,
                "einddatum", "Must not be before startdatum.");
        }

        // Anonymous advice records no gemeente (domain.md §1.2, §6).
        if (request.Anoniem)
        {
            violations.Check(request.Gemeente.Length == 0, "gemeente", "Not recorded for anonymous advice.");
        }
        else if (request.Gemeente.Length == 0)
        {
            violations.Add("gemeente", "Required unless anoniem: a CBS gemeentecode such as GM0363.");
        }
        else
        {
            violations.Check(GemeenteCode().IsMatch(request.Gemeente), "gemeente", "Must be a CBS gemeentecode such as GM0363.");
        }

        violations.CheckCodes(request.Aard, "aard", MaxAard, required: true);
        violations.CheckCodes(request.AanvullendeInformatie, "aanvullende_informatie", MaxAanvullendeInformatie, required: false);
        violations.Check(Enum.IsDefined(request.VermoedelijkeDuur), "vermoedelijke_duur", "Unknown code.");
        ValidateAdviesvrager(request.Adviesvrager, violations);

        violations.ThrowIfAny();
        return (requestId, startdatum!.Value, einddatum);
    }

    private static void ValidateAdviesvrager(Adviesvrager? vrager, Violations violations)
    {
        if (vrager is null)
        {
            violations.Add("adviesvrager", "Required.");
            return;
        }

        violations.Check(Enum.IsDefined(vrager.Functie), "adviesvrager.functie", "Unknown code.");
        violations.Check(Enum.IsDefined(vrager.Organisatie), "adviesvrager.organisatie", "Unknown code.");
        violations.Check(Enum.IsDefined(vrager.Rol), "adviesvrager.rol", "Unknown code.");

        // CBS records functie and organisatie of a professional, the rol of anyone else.
        switch (vrager.Betrokkenheid)
        {
            case Betrokkenheid.Beroepsmatig:
                violations.Check(vrager.Functie != Functie.Onbekend, "adviesvrager.functie", "Required for a beroepsmatige adviesvrager.");
                violations.Check(vrager.Organisatie != Organisatie.Onbekend, "adviesvrager.organisatie", "Required for a beroepsmatige adviesvrager.");
                violations.Check(vrager.Rol == MelderRol.Onbekend, "adviesvrager.rol", "Only for a niet-beroepsmatige adviesvrager.");
                break;
            case Betrokkenheid.NietBeroepsmatig:
                violations.Check(vrager.Rol != MelderRol.Onbekend, "adviesvrager.rol", "Required for a niet-beroepsmatige adviesvrager.");
                violations.Check(vrager.Functie == Functie.Onbekend, "adviesvrager.functie", "Only for a beroepsmatige adviesvrager.");
                violations.Check(vrager.Organisatie == Organisatie.Onbekend, "adviesvrager.organisatie", "Only for a beroepsmatige adviesvrager.");
                break;
            default:
                violations.Add("adviesvrager.betrokkenheid", "Required: BEROEPSMATIG or NIET_BEROEPSMATIG.");
                break;
        }
    }

    // [0-9], not \d: \d also matches non-ASCII digits.
    [GeneratedRegex("^GM[0-9]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex GemeenteCode();
}
