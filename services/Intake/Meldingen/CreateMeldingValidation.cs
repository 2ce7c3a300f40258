using Google.Protobuf.WellKnownTypes;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>A CreateMeldingRequest after validation: parsed, normalised, and safe to store.</summary>
public sealed record ValidCreateMelding(
    Guid RequestId,
    DateTimeOffset OntvangenOp,
    HuishoudenAdres? Huishouden,
    IReadOnlyList<BetrokkeneRecord> Betrokkenen,
    MelderIdentiteitRecord? MelderIdentiteit);

/// <summary>Checks a CreateMeldingRequest field by field and reports every violation at once.</summary>
public static class CreateMeldingValidation
{
    // Meldingen are registered under the Handelingsprotocol, in force since 1 January 2019.
    private static readonly DateTimeOffset EarliestOntvangenOp = new(2019, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);
    private const int MaxAard = 16;
    private const int MaxAanvullendeInformatie = 8;

    public static ValidCreateMelding Validate(CreateMeldingRequest request, DateTimeOffset now)
    {
        var violations = new Violations();

        var requestId = Guid.Empty;
        violations.Check(request.RequestId.Length > 0, "request_id", "Required: a client-chosen UUID.");
        if (request.RequestId.Length > 0)
        {
            violations.Check(Guid.TryParse(request.RequestId, out requestId) && requestId != Guid.Empty,
                "request_id", "Must be a UUID.");
        }

        var ontvangenOp = DateTimeOffset.MinValue;
        if (request.OntvangenOp is null)
        {
            violations.Add("ontvangen_op", "Required: when Veilig Thuis received the melding.");
        }
        else if (!IsValidTimestamp(request.OntvangenOp))
        {
            violations.Add("ontvangen_op", "Not a valid timestamp.");
        }
        else
        {
            ontvangenOp = request.OntvangenOp.ToDateTimeOffset();
            violations.Check(ontvangenOp <= now + AllowedClockSkew, "ontvangen_op", "Must not be in the future.");
            violations.Check(ontvangenOp >= EarliestOntvangenOp, "ontvangen_op", "Must not be before 2019-01-01.");
        }

        ValidateMelder(request.Melder, violations);
        violations.CheckCodes(request.Aard, "aard", MaxAard, required: true);
        violations.Check(System.Enum.IsDefined(request.VermoedelijkeDuur), "vermoedelijke_duur", "Unknown code.");
        violations.CheckCodes(request.AanvullendeInformatie, "aanvullende_informatie", MaxAanvullendeInformatie, required: false);

        var huishouden = HuishoudenValidation.ValidateHuishouden(request.Huishouden, request.Betrokkenen.Count, violations);
        var betrokkenen = HuishoudenValidation.ValidateBetrokkenen(request.Betrokkenen, AmsterdamTime.DateOf(now), violations);
        var identiteit = HuishoudenValidation.ValidateMelderIdentiteit(request.MelderIdentiteit, request.Melder?.Anoniem ?? false, violations);

        violations.ThrowIfAny();
        return new ValidCreateMelding(requestId, ontvangenOp, huishouden, betrokkenen, identiteit);
    }

    private static void ValidateMelder(Melder? melder, Violations violations)
    {
        if (melder is null)
        {
            violations.Add("melder", "Required.");
            return;
        }

        violations.Check(System.Enum.IsDefined(melder.Groep) && melder.Groep != MelderGroep.Onbekend,
            "melder.groep", "Required: a known melder groep.");
        violations.Check(System.Enum.IsDefined(melder.Betrokkenheid), "melder.betrokkenheid", "Unknown code.");
        violations.Check(System.Enum.IsDefined(melder.Organisatie), "melder.organisatie", "Unknown code.");
        violations.Check(System.Enum.IsDefined(melder.Rol), "melder.rol", "Unknown code.");

        // CBS records the organisatie for professionals only, and the rol for non-professionals only.
        violations.Check(melder.Organisatie == Organisatie.Onbekend || melder.Betrokkenheid == Betrokkenheid.Beroepsmatig,
            "melder.organisatie", "Only for a beroepsmatige melder.");
        violations.Check(melder.Rol == MelderRol.Onbekend || melder.Betrokkenheid == Betrokkenheid.NietBeroepsmatig,
            "melder.rol", "Only for a niet-beroepsmatige melder.");
        violations.Check(melder.Groep != MelderGroep.NietProfessional || melder.Betrokkenheid != Betrokkenheid.Beroepsmatig,
            "melder.betrokkenheid", "A niet-professional melder is not beroepsmatig betrokken.");
    }

    private static bool IsValidTimestamp(Timestamp timestamp) =>
        timestamp.Nanos is >= 0 and < 1_000_000_000 &&
        timestamp.Seconds is >= -62_135_596_800 and <= 253_402_300_799;
}
