using System.Globalization;
using System.Text;
using Veiligthuis.BuildingBlocks.Errors;
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
    public string ToToken(AdviezenFilter filter) => Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|',
        "v1", filter.Fingerprint, Startdatum.DayNumber.ToString(CultureInfo.InvariantCulture), AdviesId.ToString("N"))));

    public static AdviezenCursor? FromToken(string token, AdviezenFilter filter)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
            if (parts.Length != 4 || parts[0] != "v1" || parts[1] != filter.Fingerprint)
            {
                return null;
            }

            return new AdviezenCursor(
                DateOnly.FromDayNumber(int.Parse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture)),
                Guid.ParseExact(parts[3], "N"));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}

public static class AdviezenQuery
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    private const int MaxPageTokenLength = 200;

    public static (AdviezenFilter Filter, int PageSize, AdviezenCursor? After) Validate(ListAdviezenRequest request)
    {
        var violations = new Violations();
        DateOnly? van = null;
        DateOnly? totEnMet = null;
        if (request.Periode?.Van is not null)
        {
            van = ProtoDates.ToDateOnly(request.Periode.Van, "periode.van", violations);
        }

        if (request.Periode?.TotEnMet is not null)
        {
            totEnMet = ProtoDates.ToDateOnly(request.Periode.TotEnMet, "periode.tot_en_met", violations);
        }

        violations.Check(van is null || totEnMet is null || van <= totEnMet, "periode", "van must not be after tot_en_met.");
        var filter = new AdviezenFilter(van, totEnMet);

        var pageSize = request.Page?.PageSize ?? 0;
        violations.Check(pageSize is >= 0 and <= MaxPageSize, "page.page_size", $"Must be between 0 and {MaxPageSize}.");
        AdviezenCursor? after = null;
        var token = request.Page?.PageToken ?? "";
        if (token.Length > 0)
        {
            after = token.Length <= MaxPageTokenLength ? AdviezenCursor.FromToken(token, filter) : null;
            violations.Check(after is not null, "page.page_token", "Not a token of this list with these filters.");
        }

        violations.ThrowIfAny();
        return (filter, pageSize == 0 ? DefaultPageSize : pageSize, after);
    }
}
