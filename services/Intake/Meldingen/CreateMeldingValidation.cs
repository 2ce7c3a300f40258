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

        var ontvangenOp = ValidateOntvangenOp(request.OntvangenOp, now, "ontvangen_op", violations);
        ValidateMelder(request.Melder, "melder", violations);
        ValidateAard(request.Aard, "aard", violations);
        ValidateVermoedelijkeDuur(request.VermoedelijkeDuur, "vermoedelijke_duur", violations);
        ValidateAanvullendeInformatie(request.AanvullendeInformatie, "aanvullende_informatie", violations);

        var huishouden = HuishoudenValidation.ValidateHuishouden(request.Huishouden, request.Betrokkenen.Count, violations);
        var betrokkenen = HuishoudenValidation.ValidateBetrokkenen(request.Betrokkenen, AmsterdamTime.DateOf(now), "betrokkenen", violations);
        var identiteit = HuishoudenValidation.ValidateMelderIdentiteit(request.MelderIdentiteit, request.Melder?.Anoniem ?? false, violations);

        violations.ThrowIfAny();
        return new ValidCreateMelding(requestId, ontvangenOp, huishouden, betrokkenen, identiteit);
    }

    // The checks below are shared with UpdateMeldingValidation, which names the same fields under "melding.".
    internal static DateTimeOffset ValidateOntvangenOp(Timestamp? value, DateTimeOffset now, string field, Violations violations)
    {
        if (value is null)
        {
            violations.Add(field, "Required: when Veilig Thuis received the melding.");
            return DateTimeOffset.MinValue;
        }

        if (!IsValidTimestamp(value))
        {
            violations.Add(field, "Not a valid timestamp.");
            return DateTimeOffset.MinValue;
        }

        var ontvangenOp = value.ToDateTimeOffset();
        violations.Check(ontvangenOp <= now + AllowedClockSkew, field, "Must not be in the future.");
        violations.Check(ontvangenOp >= EarliestOntvangenOp, field, "Must not be before 2019-01-01.");
        return ontvangenOp;
    }

    internal static void ValidateAard(IReadOnlyCollection<AardGeweld> aard, string field, Violations violations) =>
        violations.CheckCodes(aard, field, MaxAard, required: true);

    internal static void ValidateVermoedelijkeDuur(VermoedelijkeDuur duur, string field, Violations violations) =>
        violations.Check(System.Enum.IsDefined(duur), field, "Unknown code.");

    internal static void ValidateAanvullendeInformatie(IReadOnlyCollection<AanvullendeInformatie> codes, string field, Violations violations) =>
        violations.CheckCodes(codes, field, MaxAanvullendeInformatie, required: false);

    internal static void ValidateMelder(Melder? melder, string field, Violations violations)
    {
        if (melder is null)
        {
            violations.Add(field, "Required.");
            return;
        }

        violations.Check(System.Enum.IsDefined(melder.Groep) && melder.Groep != MelderGroep.Onbekend,
            $"{field}.groep", "Required: a known melder groep.");
        violations.Check(System.Enum.IsDefined(melder.Betrokkenheid), $"{field}.betrokkenheid", "Unknown code.");
        violations.Check(System.Enum.IsDefined(melder.Organisatie), $"{field}.organisatie", "Unknown code.");
        violations.Check(System.Enum.IsDefined(melder.Rol), $"{field}.rol", "Unknown code.");

        // CBS records the organisatie for professionals only, and the rol for non-professionals only.
        violations.Check(melder.Organisatie == Organisatie.Onbekend || melder.Betrokkenheid == Betrokkenheid.Beroepsmatig,
            $"{field}.organisatie", "Only for a beroepsmatige melder.");
        violations.Check(melder.Rol == MelderRol.Onbekend || melder.Betrokkenheid == Betrokkenheid.NietBeroepsmatig,
            $"{field}.rol", "Only for a niet-beroepsmatige melder.");
        violations.Check(melder.Groep != MelderGroep.NietProfessional || melder.Betrokkenheid != Betrokkenheid.Beroepsmatig,
            $"{field}.betrokkenheid", "A niet-professional melder is not beroepsmatig betrokken.");
    }

    private static bool IsValidTimestamp(Timestamp timestamp) =>
        timestamp.Nanos is >= 0 and < 1_000_000_000 &&
        timestamp.Seconds is >= -62_135_596_800 and <= 253_402_300_799;
}
