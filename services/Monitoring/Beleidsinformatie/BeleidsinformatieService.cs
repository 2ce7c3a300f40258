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
        var van = ToDate(request.Periode?.Van, "periode.van", violations);
        var totEnMet = ToDate(request.Periode?.TotEnMet, "periode.tot_en_met", violations);
        violations.Check(van is null || totEnMet is null || van <= totEnMet, "periode", "van must not be after tot_en_met.");
        violations.ThrowIfAny();

        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        await using var command = uow.Command(
            "SELECT coalesce(sum(aantal), 0)::bigint FROM meldingen_per_dag WHERE regio = $1 AND dag BETWEEN $2 AND $3",
            uow.Regio, van!.Value, totEnMet!.Value);
        var aantal = (long)(await command.ExecuteScalarAsync(context.CancellationToken))!;
        return new MeldingenTelling { Regio = tenant.Regio, Periode = request.Periode, Meldingen = aantal };
    }

    private static DateOnly? ToDate(Google.Type.Date? date, string field, Violations violations)
    {
        if (date is null)
        {
            violations.Add(field, "Required.");
            return null;
        }

        if (date.Year is < 2019 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(field, "Not a valid calendar date from 2019 on.");
            return null;
        }

        return new DateOnly(date.Year, date.Month, date.Day);
    }
}
