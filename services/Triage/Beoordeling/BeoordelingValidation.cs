using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Beoordeling;

/// <summary>Checks the recording requests field by field and reports every violation at once.</summary>
public static class BeoordelingValidation
{
    public const int MaxMotivatie = 4000;
    public const int MaxMedewerker = 200;

    public static (Guid WerkitemId, bool AcuteOnveiligheid, DirecteActie DirecteActie) Validate(LegAcuteCheckVastRequest request)
    {
        var violations = new Violations();
        var werkitemId = RequestFields.RequireId(request.WerkitemId, "werkitem_id", violations);
        if (request.AcuteOnveiligheid)
        {
            violations.Check(request.DirecteActie != DirecteActie.Onbekend && Enum.IsDefined(request.DirecteActie),
                "directe_actie", "Required on acute onveiligheid: the immediate action taken.");
        }
        else
        {
            violations.Check(request.DirecteActie == DirecteActie.Onbekend, "directe_actie",
                "Only with acute onveiligheid.");
        }

        violations.ThrowIfAny();
        return (werkitemId, request.AcuteOnveiligheid, request.DirecteActie);
    }

    /// <param name="actor">The caller, who cannot be the second pair of eyes of their own beoordeling.</param>
    public static (Guid WerkitemId, IReadOnlyList<Veiligheidstaxatie> Taxatie) Validate(RondBeoordelingAfRequest request, string actor)
    {
        var violations = new Violations();
        var werkitemId = RequestFields.RequireId(request.WerkitemId, "werkitem_id", violations);

        violations.Check(request.Veiligheidstaxatie.Count > 0, "veiligheidstaxatie", "Required: at least one category.");
        violations.Check(request.Veiligheidstaxatie.All(t => t != Veiligheidstaxatie.Onbekend && Enum.IsDefined(t)),
            "veiligheidstaxatie", "Unknown code.");
        violations.Check(request.Veiligheidstaxatie.Distinct().Count() == request.Veiligheidstaxatie.Count,
            "veiligheidstaxatie", "Each category at most once.");

        violations.Check(request.Besluit != Besluit.Onbekend && Enum.IsDefined(request.Besluit), "besluit",
            "Required: a known besluit.");
        if (request.Besluit == Besluit.VervolgstappenBijVt)
        {
            violations.Check(request.Vervolg != Vervolg.Onbekend && Enum.IsDefined(request.Vervolg), "vervolg",
                "Required with VERVOLGSTAPPEN_BIJ_VT: Voorwaarden en Vervolg or Onderzoek.");
        }
        else
        {
            violations.Check(request.Vervolg == Vervolg.Onbekend, "vervolg", "Only with VERVOLGSTAPPEN_BIJ_VT.");
        }

        violations.Check(!string.IsNullOrWhiteSpace(request.Motivatie), "motivatie", "Required.");
        violations.Check(request.Motivatie.Length <= MaxMotivatie, "motivatie", $"At most {MaxMotivatie} characters.");

        violations.Check(!string.IsNullOrWhiteSpace(request.MedeBeoordelaar), "mede_beoordelaar",
            "Required: the colleague with whom the beoordeling was taken (four eyes).");
        violations.Check(request.MedeBeoordelaar.Length <= MaxMedewerker, "mede_beoordelaar", $"At most {MaxMedewerker} characters.");
        violations.Check(!string.Equals(request.MedeBeoordelaar.Trim(), actor, StringComparison.Ordinal), "mede_beoordelaar",
            "Four eyes: another medewerker than the caller.");
        violations.Check(request.MedeBeoordelaarDeskundigheid != Deskundigheid.Onbekend && Enum.IsDefined(request.MedeBeoordelaarDeskundigheid),
            "mede_beoordelaar_deskundigheid", "Required: a known deskundigheid.");

        violations.ThrowIfAny();
        return (werkitemId, [.. request.Veiligheidstaxatie]);
    }
}
