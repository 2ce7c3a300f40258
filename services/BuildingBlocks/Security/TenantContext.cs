using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Common.V1;

namespace Veiligthuis.BuildingBlocks.Security;

/// <summary>
/// Who is calling and for which regio, taken from the validated token of the current request.
/// Every query that touches regio data gets its tenant from here, never from a request field.
/// </summary>
public sealed class TenantContext(IHttpContextAccessor accessor)
{
    private ClaimsPrincipal User =>
        accessor.HttpContext?.User ?? throw new InvalidOperationException("No request in scope.");

    /// <summary>The caller's tenant id; PermissionDenied when the token carries no known regio.</summary>
    public string TenantId
    {
        get
        {
            var regio = User.FindFirstValue(VeiligthuisClaims.Regio);
            return Regios.IsTenantId(regio)
                ? regio!
                : throw new PermissionDeniedException("The token carries no known regio.");
        }
    }

    public Regio Regio => Regios.FromTenantId(TenantId);

    /// <summary>The caller's subject, recorded as actor in audit columns (a pseudonymous id, not a name).</summary>
    public string Actor => User.FindFirstValue(VeiligthuisClaims.Subject)
        ?? User.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? "onbekend";

    public bool IsInRole(string role) => User.IsInRole(role);
}
