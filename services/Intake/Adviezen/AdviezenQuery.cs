using System.Globalization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Adviezen;

/// <summary>The periode filter on startdatum; either end may be open.</summary>
public sealed record AdviezenFilter(DateOnly? Van, DateOnly? TotEnMet)
{
    /// <summary>Binds a page token to the filter it was issued for.</summary>
    public string Fingerprint => $"{Van?.DayNumber.ToString(CultureInfo.InvariantCulture)}~{TotEnMet?.DayNumber.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The position after the last advies of a page in list order (startdatum, advies_id) descending:
/// a keyset cursor, so adviezen inserted meanwhile neither repeat nor shift items.
/// </summary>
public sealed record AdviezenCursor(DateOnly Startdatum, Guid AdviesId)
{
    public const int TokenParts = 2;

    public string ToToken(AdviezenFilter filter) => Paging.EncodeToken(filter.Fingerprint,
        Startdatum.DayNumber.ToString(CultureInfo.InvariantCulture), AdviesId.ToString("N"));

    public static AdviezenCursor Parse(string[] parts) => new(
        DateOnly.FromDayNumber(int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture)),
        Guid.ParseExact(parts[1], "N"));
}

public static class AdviezenQuery
{
    public static (AdviezenFilter Filter, int PageSize, AdviezenCursor? After) Validate(ListAdviezenRequest request)
    {
        var violations = new Violations();
        var (van, totEnMet) = ProtoDates.Periode(request.Periode, violations);
        var filter = new AdviezenFilter(van, totEnMet);

        var pageSize = Paging.PageSize(request.Page, violations);
        var after = Paging.Cursor(request.Page, filter.Fingerprint, AdviezenCursor.TokenParts, AdviezenCursor.Parse, violations);
        violations.ThrowIfAny();
        return (filter, pageSize, after);
    }
}
