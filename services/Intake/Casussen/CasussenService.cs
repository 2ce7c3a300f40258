using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Casussen;

[Authorize(Policy = Policies.Casewerk)]
public sealed partial class CasussenService(Database database, TenantContext tenant, TimeProvider clock, ILogger<CasussenService> logger)
    : V1.Casussen.CasussenBase
{
    public override async Task<Casus> GetCasus(GetCasusRequest request, ServerCallContext context)
    {
        var casusId = RequestFields.RequireId(request.CasusId, "casus_id");
        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        var casus = await CasusStore.FindAsync(uow, casusId, context.CancellationToken)
            ?? throw new NotFoundException($"Casus {casusId} not found.");
        return casus.ToProto();
    }

    public override async Task<Casus> SluitCasus(SluitCasusRequest request, ServerCallContext context)
    {
        var casusId = RequestFields.RequireId(request.CasusId, "casus_id");
        var ct = context.CancellationToken;
        await using var uow = await database.BeginAsync(tenant.TenantId, ct);
        if (!await CasusStore.TrySluitAsync(uow, casusId, PostgresTime.Truncate(clock.GetUtcNow()), tenant.Actor, ct))
        {
            _ = await CasusStore.FindAsync(uow, casusId, ct) ?? throw new NotFoundException($"Casus {casusId} not found.");
            throw new FailedPreconditionException($"Casus {casusId} is already closed.");
        }

        var casus = await CasusStore.FindAsync(uow, casusId, ct)
            ?? throw new InvalidOperationException("A casus just closed is not visible.");
        await uow.CommitAsync(ct);
        LogCasusGesloten(logger, casusId, tenant.TenantId);
        return casus.ToProto();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Casus {CasusId} closed in regio {Regio}")]
    private static partial void LogCasusGesloten(ILogger logger, Guid casusId, string regio);
}

internal static class CasusMapping
{
    public static Casus ToProto(this CasusRecord c) => new()
    {
        CasusId = c.CasusId.ToString(),
        Casusnummer = c.Casusnummer,
        Regio = Regios.FromTenantId(c.Regio),
        Status = c.GeslotenOp is null ? CasusStatus.Open : CasusStatus.Gesloten,
        GeopendOp = Timestamp.FromDateTimeOffset(c.GeopendOp),
        GeslotenOp = c.GeslotenOp is { } gesloten ? Timestamp.FromDateTimeOffset(gesloten) : null,
        Huishouden = c.Huishouden is { } h
            ? new Huishouden { Postcode = h.Postcode, Huisnummer = h.Huisnummer, Toevoeging = h.Toevoeging }
            : null,
        MeldingIds = { c.MeldingIds.Select(id => id.ToString()) },
    };
}
