using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

public sealed record RegistreerBetrokkenheid(Guid RequestId, string CasusReferentie, DateOnly Startdatum, IReadOnlyList<string> Bsns);

/// <summary>Checks register requests field by field; descriptions never echo a BSN.</summary>
public static class RegisterValidation
{
    public const int MaxCasusReferentie = 64;
    public const int MaxPersonen = 20;
    public const int MaxNaam = 200;

    // The register is filled with meldingen from January 2019 on (domain.md §1.8).
    private const int EarliestYear = 2019;

    public static RegistreerBetrokkenheid Validate(RegistreerBetrokkenheidRequest request, DateOnly today)
    {
        var violations = new Violations();

        var requestId = Guid.Empty;
        violations.Check(Guid.TryParse(request.RequestId, out requestId) && requestId != Guid.Empty,
            "request_id", "Required: a client-chosen UUID.");

        violations.Check(request.CasusReferentie.Length > 0, "casus_referentie", "Required.");
        violations.Check(request.CasusReferentie.Length <= MaxCasusReferentie, "casus_referentie",
            $"At most {MaxCasusReferentie} characters.");

        var startdatum = ProtoDates.ToDateOnly(request.Startdatum, "startdatum", violations, EarliestYear);
        if (startdatum is { } start)
        {
            violations.Check(start <= today, "startdatum", "Must not be in the future.");
        }

        violations.Check(request.Personen.Count is >= 1 and <= MaxPersonen, "personen", $"Between 1 and {MaxPersonen} persons.");
        var bsns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Personen.Count && i < MaxPersonen; i++)
        {
            var persoon = request.Personen[i];

            // Names are not used (nor stored) in this version, but every string has a limit.
            violations.Check(persoon.Voornamen.Length <= MaxNaam && persoon.Tussenvoegsel.Length <= MaxNaam &&
                persoon.Achternaam.Length <= MaxNaam, $"personen[{i}]", $"Name fields have at most {MaxNaam} characters.");
            var field = $"personen[{i}].bsn";
            var bsn = Bsn.Normalise(persoon.Bsn);
            if (bsn.Length == 0)
            {
                violations.Add(field, "Required in this version of the register.");
            }
            else if (!Bsn.IsValid(bsn))
            {
                violations.Add(field, "Not a valid BSN: nine digits passing the elfproef.");
            }
            else if (!seen.Add(bsn))
            {
                violations.Add(field, "The same person occurs twice in this request.");
            }

            bsns.Add(bsn);
        }

        violations.ThrowIfAny();
        return new RegistreerBetrokkenheid(requestId, request.CasusReferentie, startdatum!.Value, bsns);
    }

    public static string ValidateZoek(ZoekBetrokkenheidRequest request)
    {
        var violations = new Violations();
        var bsn = Bsn.Normalise(request.Bsn);
        violations.Check(bsn.Length > 0, "bsn", "Required.");
        violations.Check(bsn.Length == 0 || Bsn.IsValid(bsn), "bsn", "Not a valid BSN: nine digits passing the elfproef.");
        violations.Check(request.Doel is not (Doel.Onbekend or Doel.Registratie) && Enum.IsDefined(request.Doel),
            "doel", "Required: the purpose of this search.");
        violations.ThrowIfAny();
        return bsn;
    }

    public static (Guid BetrokkenheidId, DateOnly Einddatum) ValidateBeeindig(BeeindigBetrokkenheidRequest request, DateOnly today)
    {
        var violations = new Violations();
        var id = Guid.Empty;
        violations.Check(Guid.TryParse(request.BetrokkenheidId, out id) && id != Guid.Empty, "betrokkenheid_id", "Must be a UUID.");
        var einddatum = ProtoDates.ToDateOnly(request.Einddatum, "einddatum", violations, EarliestYear);
        if (einddatum is { } eind)
        {
            violations.Check(eind <= today, "einddatum", "Must not be in the future.");
        }

        violations.ThrowIfAny();
        return (id, einddatum!.Value);
    }
}
