using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Veiligthuis.BuildingBlocks.Security;

/// <summary>Settings under <c>Auth</c>: an OIDC authority in Kubernetes, or a development issuer with a signing key.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>OIDC authority whose discovery document supplies issuer and keys (production).</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "veiligthuis";

    /// <summary>Issuer of development tokens, used when no authority is configured.</summary>
    public string Issuer { get; set; } = "veiligthuis-dev";

    /// <summary>Base64 HMAC-SHA256 key (at least 32 bytes) of the development issuer; a secret, never committed.</summary>
    public string? SigningKey { get; set; }

    public SymmetricSecurityKey DevelopmentKey()
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            throw new InvalidOperationException("Configure Auth:Authority, or Auth:SigningKey for the development issuer.");
        }

        var bytes = Convert.FromBase64String(SigningKey);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes.");
        }

        return new SymmetricSecurityKey(bytes);
    }
}

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer validation in every service (defence in depth behind the gateway), the tenant
    /// context, and the role policies. Claims are read as issued (no legacy claim-type mapping).
    /// </summary>
    public static WebApplicationBuilder AddVeiligthuisAuthentication(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        // Fail at start-up, not on the first request: a pod without an issuer must never become ready.
        var developmentKey = string.IsNullOrWhiteSpace(options.Authority) ? options.DevelopmentKey() : null;

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<TenantContext>();
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.Audience = options.Audience;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = options.Audience,
                    NameClaimType = VeiligthuisClaims.Subject,
                    RoleClaimType = VeiligthuisClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                };
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                }
                else
                {
                    jwt.RequireHttpsMetadata = false;
                    jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = developmentKey;
                }
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Casewerk, p => p.RequireAuthenticatedUser()
                .RequireClaim(VeiligthuisClaims.Regio, Regios.AllTenantIds)
                .RequireRole(Roles.Medewerker, Roles.Gedragswetenschapper, Roles.Vertrouwensarts, Roles.Teamleider))
            .AddPolicy(Policies.Beleidsinformatie, p => p.RequireAuthenticatedUser()
                .RequireClaim(VeiligthuisClaims.Regio, Regios.AllTenantIds)
                .RequireRole(Roles.Beleidsmedewerker, Roles.Teamleider))
            .AddPolicy(Policies.RegisterClient, p => p.RequireAuthenticatedUser()
                .RequireClaim(VeiligthuisClaims.Regio, Regios.AllTenantIds)
                .RequireRole(Roles.RegisterClient))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().Build());

        return builder;
    }
}
