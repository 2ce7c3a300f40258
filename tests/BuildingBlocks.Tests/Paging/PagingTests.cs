using Grpc.Core;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Common.V1;
using Xunit;
using PagingRules = Veiligthuis.BuildingBlocks.Paging.Paging;

namespace Veiligthuis.BuildingBlocks.Tests.Paging;

public sealed class PagingTests
{
    private sealed record Cursor(int Value);

    [Fact]
    public void Token_RoundTrips_AndIsSafeInAUrl()
    {
        var token = PagingRules.EncodeToken("filter-a", "42", "+/=");

        Assert.DoesNotContain(token, c => c is '+' or '/' or '=');
        Assert.Equal(["42", "+/="], PagingRules.DecodeToken(token, "filter-a", 2)!);
    }

    [Theory]
    [InlineData("filter-b", 2)]
    [InlineData("filter-a", 3)]
    public void Token_OfAnotherFilterOrShape_IsRefused(string fingerprint, int parts)
    {
        var token = PagingRules.EncodeToken("filter-a", "42", "x");

        Assert.Null(PagingRules.DecodeToken(token, fingerprint, parts));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("unparsable")]
    public void Cursor_FromGarbageOrUnparsableToken_IsAViolationOnPageToken(string kind)
    {
        var token = kind == "garbage" ? "not a token" : PagingRules.EncodeToken("filter-a", "forty-two");
        var violations = new Violations();

        var cursor = PagingRules.Cursor(new PageRequest { PageToken = token }, "filter-a", 1,
            parts => new Cursor(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)), violations);

        Assert.Null(cursor);
        Assert.Equal(["page.page_token"], violations.Fields);
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(7, 7)]
    [InlineData(500, 500)]
    public void PageSize_DefaultsAndAccepts(int asked, int expected)
    {
        var violations = new Violations();

        Assert.Equal(expected, PagingRules.PageSize(new PageRequest { PageSize = asked }, violations));
        Assert.False(violations.Any);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(501)]
    public void PageSize_OutOfRange_IsAViolation(int asked)
    {
        var violations = new Violations();

        PagingRules.PageSize(new PageRequest { PageSize = asked }, violations);

        var error = Assert.Throws<RpcException>(violations.ThrowIfAny);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["page.page_size"], violations.Fields);
    }

    [Fact]
    public void TrimToPage_DropsTheLookAheadRow_AndReturnsTheLastRowOfThePage_OrNullOnTheLastPage()
    {
        var full = new List<string> { "a", "b", "c" };
        var last = new List<string> { "a", "b" };

        Assert.Equal("b", PagingRules.TrimToPage(full, 2));
        Assert.Equal(["a", "b"], full);
        Assert.Null(PagingRules.TrimToPage(last, 2));
        Assert.Equal(["a", "b"], last);
    }
}
