using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Veiligthuis.BuildingBlocks.Security;

/// <summary>
/// Mints tokens of the development issuer (local run, tests, the TokenMint tool). Production tokens
/// come from the configured OIDC authority; services accept these only when given the same key.
/// </summary>
public static class DevelopmentTokens
{
    public static string Create(
        string signingKeyBase64, string regio, IEnumerable<string> roles, string subject,
        DateTimeOffset now, TimeSpan lifetime, string issuer = "veiligthuis-dev", string audience = "veiligthuis")
    {
        var claims = new List<Claim> { new(VeiligthuisClaims.Subject, subject), new(VeiligthuisClaims.Regio, regio) };
        claims.AddRange(roles.Select(role => new Claim(VeiligthuisClaims.Role, role)));
        var key = new AuthOptions { SigningKey = signingKeyBase64 }.DevelopmentKey();

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
