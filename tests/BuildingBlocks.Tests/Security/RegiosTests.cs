using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Security;

public sealed class RegiosTests
{
    [Fact]
    public void AllTenantIds_TwentySixDistinctIds_RoundTripThroughRegio()
    {
        var ids = Regios.AllTenantIds.ToList();

        Assert.Equal(26, ids.Count);
        Assert.Equal(26, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.StartsWith("vt-", id, StringComparison.Ordinal));
        Assert.All(ids, id => Assert.True(Regios.IsTenantId(id)));
        Assert.All(ids, id => Assert.Equal(id, Regios.ToTenantId(Regios.FromTenantId(id))));
        Assert.Equal(26, ids.Select(Regios.FromTenantId).Distinct().Count());
    }

    [Fact]
    public void ToTenantId_EveryRegioButOnbekend_HasATenant()
    {
        var regios = Enum.GetValues<Regio>().Where(r => r != Regio.Onbekend).ToList();

        Assert.Equal(26, regios.Count);
        Assert.Equal(regios.Order(), Regios.AllTenantIds.Select(Regios.FromTenantId).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => Regios.ToTenantId(Regio.Onbekend));
    }

    [Theory]
    [InlineData("Overijssel regio Twente", Regio.Twente)]
    [InlineData("Noord en Oost Gelderland", Regio.NoordEnOostGelderland)]
    [InlineData("Noord- en Midden Limburg", Regio.NoordEnMiddenLimburg)]
    [InlineData("Noord- en Oost-Gelderland", Regio.NoordEnOostGelderland)]
    [InlineData("Noord- en Midden-Limburg", Regio.NoordEnMiddenLimburg)]
    [InlineData("IJsselland", Regio.Ijsselland)]
    [InlineData("  zuid-holland zuid ", Regio.ZuidHollandZuid)]
    [InlineData("vt-utrecht", Regio.Utrecht)]
    public void TryParse_CbsNameAliasOrTenantId_ReturnsTheRegio(string value, Regio expected)
    {
        Assert.True(Regios.TryParse(value, out var regio));
        Assert.Equal(expected, regio);
    }

    [Theory]
    [InlineData("Atlantis")]
    [InlineData("vt-atlantis")]
    [InlineData("Twente regio Overijssel")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void TryParse_Unknown_ReturnsFalseAndOnbekend(string? value)
    {
        Assert.False(Regios.TryParse(value, out var regio));
        Assert.Equal(Regio.Onbekend, regio);
    }

    [Theory]
    [InlineData("VT-UTRECHT")]
    [InlineData("Utrecht")]
    [InlineData("vt-atlantis")]
    [InlineData(null)]
    public void IsTenantId_AnythingButAnExactTenantId_IsFalse(string? value)
    {
        Assert.False(Regios.IsTenantId(value));
    }

    [Fact]
    public void FromTenantId_Unknown_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Regios.FromTenantId("vt-atlantis"));
    }
}
