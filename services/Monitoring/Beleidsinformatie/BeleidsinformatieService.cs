using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Monitoring.V1;

namespace Veiligthuis.Monitoring.Beleidsinformatie;

[Authorize(Policy = Policies.Beleidsinformatie)]
public sealed class BeleidsinformatieService(Database database, TenantContext tenant) : V1.Beleidsinformatie.BeleidsinformatieBase
{
    public override async Task<MeldingenTelling> GetMeldingenTelling(GetMeldingenTellingRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        // Figures start with the Handelingsprotocol, in force since 2019.
        var (van, totEnMet) = ProtoDates.Periode(request.Periode, violations, required: true, minYear: 2019);
        violations.ThrowIfAny();

        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        await using var command = uow.Command(
            "SELECT coalesce(sum(aantal), 0)::bigint FROM meldingen_per_dag WHERE regio = $1 AND dag BETWEEN $2 AND $3",
            uow.Regio, van!.Value, totEnMet!.Value);
        var aantal = (long)(await command.ExecuteScalarAsync(context.CancellationToken))!;
        return new MeldingenTelling { Regio = tenant.Regio, Periode = request.Periode, Meldingen = aantal };
    }
}
