using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>An UpdateMeldingRequest after validation: the melding, the paths to change and their new values.</summary>
public sealed record ValidUpdateMelding(Guid MeldingId, IReadOnlyList<string> Paden, Melding Values, IReadOnlyList<BetrokkeneRecord>? Betrokkenen)
{
    public bool Wijzigt(string pad) => Paden.Contains(pad, StringComparer.Ordinal);

    /// <summary>The stored melding with the masked fields replaced; every other field stays as it was.</summary>
    public MeldingRecord ApplyTo(MeldingRecord m)
    {
        if (Wijzigt("ontvangen_op"))
        {
            m = m with { OntvangenOp = PostgresTime.Truncate(Values.OntvangenOp.ToDateTimeOffset()) };
        }

        if (Wijzigt("melder"))
        {
            m = m with
            {
                MelderGroep = Values.Melder.Groep,
                MelderBetrokkenheid = Values.Melder.Betrokkenheid,
                MelderOrganisatie = Values.Melder.Organisatie,
                MelderRol = Values.Melder.Rol,
                MelderAnoniem = Values.Melder.Anoniem,
            };
        }

        if (Wijzigt("aard"))
        {
            m = m with { Aard = [.. Values.Aard] };
        }

        if (Wijzigt("vermoedelijke_duur"))
        {
            m = m with { VermoedelijkeDuur = Values.VermoedelijkeDuur };
        }

        if (Wijzigt("aanvullende_informatie"))
        {
            m = m with { AanvullendeInformatie = [.. Values.AanvullendeInformatie] };
        }

        return m;
    }
}

/// <summary>
/// Checks an UpdateMeldingRequest: the mask names only correctable paths, and each masked field is
/// checked as CreateMelding checks it, named under "melding.".
/// </summary>
public static class UpdateMeldingValidation
{
    public static readonly IReadOnlySet<string> Correctable = new HashSet<string>(StringComparer.Ordinal)
    {
        "ontvangen_op", "melder", "aard", "vermoedelijke_duur", "aanvullende_informatie", "betrokkenen",
    };

    public static ValidUpdateMelding Validate(UpdateMeldingRequest request, DateTimeOffset now)
    {
        var violations = new Violations();
        var melding = request.Melding;
        if (melding is null)
        {
            violations.Add("melding", "Required.");
        }

        var meldingId = Guid.Empty;
        violations.Check(melding is not null && Guid.TryParse(melding.MeldingId, out meldingId) && meldingId != Guid.Empty,
            "melding.melding_id", "Must be a UUID.");

        var paden = request.UpdateMask?.Paths.ToList() ?? [];
        violations.Check(paden.Count > 0, "update_mask", "Required: the paths to correct.");
        foreach (var pad in paden.Where(p => !Correctable.Contains(p)).Distinct(StringComparer.Ordinal))
        {
            // Paths are field names chosen by the caller, not data: safe to repeat.
            violations.Add("update_mask", $"Path '{pad}' cannot be corrected; allowed: {string.Join(", ", Correctable.Order(StringComparer.Ordinal))}.");
        }

        violations.Check(paden.Distinct(StringComparer.Ordinal).Count() == paden.Count, "update_mask", "Paths must not repeat.");

        List<BetrokkeneRecord>? betrokkenen = null;
        if (melding is not null)
        {
            if (paden.Contains("ontvangen_op"))
            {
                CreateMeldingValidation.ValidateOntvangenOp(melding.OntvangenOp, now, "melding.ontvangen_op", violations);
            }

            if (paden.Contains("melder"))
            {
                CreateMeldingValidation.ValidateMelder(melding.Melder, "melding.melder", violations);
            }

            if (paden.Contains("aard"))
            {
                CreateMeldingValidation.ValidateAard(melding.Aard, "melding.aard", violations);
            }

            if (paden.Contains("vermoedelijke_duur"))
            {
                CreateMeldingValidation.ValidateVermoedelijkeDuur(melding.VermoedelijkeDuur, "melding.vermoedelijke_duur", violations);
            }

            if (paden.Contains("aanvullende_informatie"))
            {
                CreateMeldingValidation.ValidateAanvullendeInformatie(melding.AanvullendeInformatie, "melding.aanvullende_informatie", violations);
            }

            if (paden.Contains("betrokkenen"))
            {
                // Ids from an earlier Get are accepted and ignored: the corrected list gets new ids.
                var zonderIds = melding.Betrokkenen.Select(b => new Betrokkene(b) { BetrokkeneId = "" }).ToList();
                betrokkenen = HuishoudenValidation.ValidateBetrokkenen(zonderIds, AmsterdamTime.DateOf(now), "melding.betrokkenen", violations);
            }
        }

        violations.ThrowIfAny();
        return new ValidUpdateMelding(meldingId, [.. paden.Order(StringComparer.Ordinal)], melding!, betrokkenen);
    }
}
