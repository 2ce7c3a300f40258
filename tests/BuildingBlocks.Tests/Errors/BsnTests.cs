using Veiligthuis.BuildingBlocks.Errors;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Errors;

public sealed class BsnTests
{
    [Theory]
    [InlineData("123456782")]
    [InlineData("111222333")]
    public void IsValid_NineDigitsPassingTheElfproef_IsTrue(string bsn) => Assert.True(Bsn.IsValid(bsn));

    [Theory]
    [InlineData("123456789")]
    [InlineData("000000000")]
    [InlineData("12345678")]
    [InlineData("1234567820")]
    [InlineData("12345678a")]
    [InlineData("")]
    public void IsValid_AnythingElse_IsFalse(string bsn) => Assert.False(Bsn.IsValid(bsn));
}
