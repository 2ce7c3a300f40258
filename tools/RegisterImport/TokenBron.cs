using System.Text;
using System.Text.Json;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>
/// The token the import calls with and the regios it can load for: its own regio, or with the role
/// <c>beheerder</c> any regio, named per call in <c>x-vt-regio</c> (ADR 0022). The token is read, not verified:
/// the register verifies it.
/// </summary>
public sealed class TokenBron
{
    public const string RegioHeader = "x-vt-regio";
    private readonly string _token;

    public TokenBron(string token)
    {
        _token = token.Trim();
        var delen = _token.Split('.');
        if (delen.Length != 3)
        {
            throw new FormatException("The token is not a JWT.");
        }

        var payload = delen[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        Regio = json.RootElement.TryGetProperty(VeiligthuisClaims.Regio, out var regio) ? regio.GetString() ?? "" : "";
        if (json.RootElement.TryGetProperty(VeiligthuisClaims.Role, out var rol))
        {
            Rollen = rol.ValueKind == JsonValueKind.Array ? [.. rol.EnumerateArray().Select(r => r.GetString() ?? "")] : [rol.GetString() ?? ""];
        }
    }

    public string Regio { get; }

    public IReadOnlyList<string> Rollen { get; } = [];

    public bool Beheerder => Rollen.Contains(Roles.Beheerder);

    /// <summary>Why rows of <paramref name="regio"/> cannot be loaded with this token; null when they can.</summary>
    public string? Weigering(string regio) =>
        Beheerder || regio == Regio ? null : $"regio: {regio}, but the token is for {Regio} (only a {Roles.Beheerder} loads several regios)";

    public Metadata Headers(string regio)
    {
        var headers = new Metadata { { "authorization", "Bearer " + _token } };
        if (regio != Regio)
        {
            headers.Add(RegioHeader, regio);
        }

        return headers;
    }
}
