using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Veiligthuis.BuildingBlocks.Security;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Security;

public sealed class DevelopmentTokensTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    public void DevelopmentKey_ShorterThan32Bytes_IsRefused(int bytes)
    {
        var options = new AuthOptions { SigningKey = Key(bytes) };

        Assert.Throws<InvalidOperationException>(options.DevelopmentKey);
    }

    [Fact]
    public void DevelopmentKey_NotConfigured_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(new AuthOptions().DevelopmentKey);
    }

    [Fact]
    public void Create_WithShortKey_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() =>
            DevelopmentTokens.Create(Key(31), "vt-utrecht", [Roles.Medewerker], "test", Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Create_With32ByteKey_MintsTokenThatValidatesWithTheSameKey()
    {
        var key = Key(32);

        var token = DevelopmentTokens.Create(key, "vt-utrecht", [Roles.Medewerker, Roles.Teamleider], "test-subject", Now, TimeSpan.FromMinutes(5));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(key));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("vt-utrecht", result.ClaimsIdentity.FindFirst(VeiligthuisClaims.Regio)?.Value);
        Assert.Equal("test-subject", result.ClaimsIdentity.FindFirst(VeiligthuisClaims.Subject)?.Value);
        Assert.Equal([Roles.Medewerker, Roles.Teamleider], result.ClaimsIdentity.FindAll(VeiligthuisClaims.Role).Select(c => c.Value));
    }

    [Fact]
    public async Task Create_TokenCheckedWithAnotherKey_IsInvalid()
    {
        var token = DevelopmentTokens.Create(Key(32), "vt-utrecht", [Roles.Medewerker], "test", Now, TimeSpan.FromMinutes(5));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(Key(32)));

        Assert.False(result.IsValid);
    }

    private static string Key(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    private static TokenValidationParameters Parameters(string key) => new()
    {
        ValidIssuer = new AuthOptions().Issuer,
        ValidAudience = new AuthOptions().Audience,
        IssuerSigningKey = new AuthOptions { SigningKey = key }.DevelopmentKey(),
        RoleClaimType = VeiligthuisClaims.Role,
    };
}
