namespace Veiligthuis.BuildingBlocks.Errors;

/// <summary>Conversions of request fields that fail as InvalidArgument naming the field.</summary>
public static class RequestFields
{
    public static Guid RequireId(string value, string field)
    {
        var violations = new Violations();
        var id = RequireId(value, field, violations);
        violations.ThrowIfAny();
        return id;
    }

    /// <summary>The id, or a violation added to <paramref name="violations"/>, so that every field is reported at once.</summary>
    public static Guid RequireId(string value, string field, Violations violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var ok = Guid.TryParse(value, out var id) && id != Guid.Empty;
        violations.Check(ok, field, "Must be a UUID.");
        return id;
    }
}

/// <summary>Calendar days between C# and <c>google.type.Date</c>.</summary>
public static class ProtoDates
{
    public static Google.Type.Date ToProtoDate(this DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    /// <summary>
    /// A period of whole days, both ends inclusive: each end a valid date (or absent, unless <paramref name="required"/>),
    /// van not after tot_en_met; violations name <c>periode.van</c>, <c>periode.tot_en_met</c> and <c>periode</c>.
    /// </summary>
    public static (DateOnly? Van, DateOnly? TotEnMet) Periode(Veiligthuis.Common.V1.DateRange? periode, Violations violations,
        bool required = false, int minYear = 1)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var van = required || periode?.Van is not null ? ToDateOnly(periode?.Van, "periode.van", violations, minYear) : null;
        var totEnMet = required || periode?.TotEnMet is not null
            ? ToDateOnly(periode?.TotEnMet, "periode.tot_en_met", violations, minYear)
            : null;
        violations.Check(van is null || totEnMet is null || van <= totEnMet, "periode", "van must not be after tot_en_met.");
        return (van, totEnMet);
    }

    /// <summary>A complete, valid calendar date, or null (and a violation) otherwise.</summary>
    public static DateOnly? ToDateOnly(Google.Type.Date? date, string field, Violations violations, int minYear = 1)
    {
        if (date is null)
        {
            violations.Add(field, "Required.");
            return null;
        }

        if (date.Year < minYear || date.Year > 9999 || date.Month is < 1 or > 12 || date.Day < 1 ||
            date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(field, $"Not a valid calendar date from {minYear} on.");
            return null;
        }

        return new DateOnly(date.Year, date.Month, date.Day);
    }
}
