using System.Buffers.Text;
using System.Text;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Common.V1;

namespace Veiligthuis.BuildingBlocks.Paging;

/// <summary>
/// Cursor paging (AIP-158) the same way in every list: page_size 0 means the default, more than the
/// maximum is a violation; a page token is an opaque, versioned keyset cursor bound to the filter it
/// was issued for, base64url so that it travels in a REST query string unescaped.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    private const int MaxTokenLength = 512;
    private const string Version = "v1";

    /// <summary>The page size asked for, the default when none; a violation on <c>page.page_size</c> otherwise.</summary>
    public static int PageSize(PageRequest? page, Violations violations)
    {
        var size = page?.PageSize ?? 0;
        violations.Check(size is >= 0 and <= MaxPageSize, "page.page_size", $"Must be between 0 and {MaxPageSize}.");
        return size == 0 ? DefaultPageSize : size;
    }

    /// <summary>An opaque token of the cursor <paramref name="parts"/> under the list's filter <paramref name="fingerprint"/>.</summary>
    /// <summary>
    /// Queries read one row more than <paramref name="pageSize"/> to learn whether another page follows: drops that row
    /// and returns the last row of this page, which the next page starts after; null when this is the last page.
    /// </summary>
    public static T? TrimToPage<T>(List<T> rows, int pageSize) where T : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count <= pageSize)
        {
            return null;
        }

        rows.RemoveRange(pageSize, rows.Count - pageSize);
        return rows[^1];
    }

    public static string EncodeToken(string fingerprint, params string[] parts) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', [Version, fingerprint, .. parts])));

    /// <summary>
    /// The cursor parts of <paramref name="token"/>, or null when it is not a token of this list with
    /// this filter (wrong version, filter or number of parts, or not decodable at all).
    /// </summary>
    public static string[]? DecodeToken(string token, string fingerprint, int partCount)
    {
        if (token.Length is 0 or > MaxTokenLength || !Base64Url.IsValid(token))
        {
            return null;
        }

        var fields = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
        return fields.Length == partCount + 2 && fields[0] == Version && fields[1] == fingerprint ? fields[2..] : null;
    }

    /// <summary>
    /// Reads the page token of a list request into a cursor; a token that does not decode or parse is
    /// a violation on <c>page.page_token</c>. Null when the request asks for the first page.
    /// </summary>
    public static TCursor? Cursor<TCursor>(PageRequest? page, string fingerprint, int partCount,
        Func<string[], TCursor> parse, Violations violations)
        where TCursor : class
    {
        if (string.IsNullOrEmpty(page?.PageToken))
        {
            return null;
        }

        TCursor? cursor = null;
        try
        {
            var parts = DecodeToken(page.PageToken, fingerprint, partCount);
            cursor = parts is null ? null : parse(parts);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            cursor = null;
        }

        violations.Check(cursor is not null, "page.page_token", "Not a token of this list with these filters.");
        return cursor;
    }
}
