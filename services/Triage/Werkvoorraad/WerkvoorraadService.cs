using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

[Authorize(Policy = Policies.Casewerk)]
public sealed class WerkvoorraadService(Database database, TenantContext tenant) : V1.Werkvoorraad.WerkvoorraadBase
{
    public override async Task<Werkitem> GetWerkitem(GetWerkitemRequest request, ServerCallContext context)
    {
        var meldingId = RequestFields.RequireId(request.MeldingId, "melding_id");
        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        var werkitem = await WerkitemStore.FindByMeldingAsync(uow, meldingId, context.CancellationToken)
            ?? throw new NotFoundException($"No werkitem for melding {meldingId}.");
        return new Werkitem
        {
            WerkitemId = werkitem.WerkitemId.ToString(),
            MeldingId = werkitem.MeldingId.ToString(),
            Regio = Regios.FromTenantId(werkitem.Regio),
            Status = werkitem.Status,
            OntvangenOp = Timestamp.FromDateTimeOffset(werkitem.OntvangenOp),
            AcuteCheckUiterlijk = Timestamp.FromDateTimeOffset(werkitem.AcuteCheckUiterlijk),
            BeoordelingUiterlijk = werkitem.BeoordelingUiterlijk.ToProtoDate(),
        };
    }
}
