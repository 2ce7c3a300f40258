using System.Globalization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>
/// The filters of ListMeldingen: the periode as an instant range [Vanaf, Tot) of ontvangen_op, built
/// from Amsterdam calendar days, the melder groep (ONBEKEND: any), with/without children (null: both)
/// and the status of the melding's casus (ONBEKEND: any).
/// </summary>
public sealed record MeldingenFilter(DateTimeOffset Vanaf, DateTimeOffset Tot, MelderGroep MelderGroep, bool? MetKinderen,
    CasusStatus CasusStatus)
{
    /// <summary>Binds a page token to the filter it was issued for.</summary>
    public string Fingerprint => string.Join('~',
        Vanaf.UtcTicks.ToString(CultureInfo.InvariantCulture), Tot.UtcTicks.ToString(CultureInfo.InvariantCulture),
        ((int)MelderGroep).ToString(CultureInfo.InvariantCulture), MetKinderen switch { true => "k", false => "g", null => "" },
        ((int)CasusStatus).ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// The position after the last melding of a page in list order (ontvangen_op, melding_id) descending:
/// a keyset cursor, so meldingen inserted meanwhile neither repeat nor shift items.
/// </summary>
public sealed record MeldingenCursor(DateTimeOffset OntvangenOp, Guid MeldingId)
{
    public const int TokenParts = 2;

    public string ToToken(MeldingenFilter filter) => Paging.EncodeToken(filter.Fingerprint,
        OntvangenOp.UtcTicks.ToString(CultureInfo.InvariantCulture), MeldingId.ToString("N"));

    public static MeldingenCursor Parse(string[] parts) => new(
        new DateTimeOffset(long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero),
        Guid.ParseExact(parts[1], "N"));
}

public static class MeldingenQuery
{
    public static (MeldingenFilter Filter, int PageSize, MeldingenCursor? After) Validate(ListMeldingenRequest request)
    {
        var violations = new Violations();
        var (van, totEnMet) = ProtoDates.Periode(request.Periode, violations);
        violations.Check(System.Enum.IsDefined(request.MelderGroep), "melder_groep", "Unknown code.");
        violations.Check(System.Enum.IsDefined(request.CasusStatus), "casus_status", "Unknown code.");
        var filter = new MeldingenFilter(
            Vanaf: van is { } v && v > DateOnly.MinValue ? AmsterdamTime.EndOfDay(v.AddDays(-1)).AddTicks(1).ToUniversalTime() : DateTimeOffset.MinValue,
            Tot: totEnMet is { } t && t < DateOnly.MaxValue ? AmsterdamTime.EndOfDay(t).AddTicks(1).ToUniversalTime() : DateTimeOffset.MaxValue,
            MelderGroep: request.MelderGroep,
            MetKinderen: request.HasMetKinderen ? request.MetKinderen : null,
            CasusStatus: request.CasusStatus);

        var pageSize = Paging.PageSize(request.Page, violations);
        var after = Paging.Cursor(request.Page, filter.Fingerprint, MeldingenCursor.TokenParts, MeldingenCursor.Parse, violations);
        violations.ThrowIfAny();
        return (filter, pageSize, after);
    }
}
