using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Adviezen;

[Authorize(Policy = Policies.Casewerk)]
public sealed class AdviezenService(CreateAdviesHandler create, Database database, TenantContext tenant, TimeProvider clock)
    : V1.Adviezen.AdviezenBase
{
    public override async Task<Advies> CreateAdvies(CreateAdviesRequest request, ServerCallContext context)
    {
        var (requestId, startdatum, einddatum) = CreateAdviesValidation.Validate(request, clock.GetUtcNow());
        var advies = await create.HandleAsync(
            new CreateAdvies(tenant.TenantId, tenant.Actor, requestId, startdatum, einddatum, request), context.CancellationToken);
        return advies.ToProto();
    }

    public override async Task<Advies> GetAdvies(GetAdviesRequest request, ServerCallContext context)
    {
        var adviesId = RequestFields.RequireId(request.AdviesId, "advies_id");
        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        var advies = await AdviesStore.FindAsync(uow, adviesId, context.CancellationToken)
            ?? throw new NotFoundException($"Advies {adviesId} not found.");
        return advies.ToProto();
    }

    public override async Task<ListAdviezenResponse> ListAdviezen(ListAdviezenRequest request, ServerCallContext context)
    {
        var (filter, pageSize, after) = AdviezenQuery.Validate(request);
        List<AdviesRecord> adviezen;
        await using (var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken))
        {
            adviezen = [.. await AdviesStore.ListAsync(uow, filter, after, pageSize + 1, context.CancellationToken)];
        }

        var next = Paging.TrimToPage(adviezen, pageSize) is { } last ? new AdviezenCursor(last.Startdatum, last.AdviesId) : null;

        return new ListAdviezenResponse
        {
            Adviezen = { adviezen.Select(a => a.ToProto()) },
            Page = new PageResponse { NextPageToken = next?.ToToken(filter) ?? "" },
        };
    }
}

internal static class AdviesMapping
{
    public static Advies ToProto(this AdviesRecord a) => new()
    {
        AdviesId = a.AdviesId.ToString(),
        Regio = Regios.FromTenantId(a.Regio),
        Startdatum = a.Startdatum.ToProtoDate(),
        Einddatum = a.Einddatum?.ToProtoDate(),
        Anoniem = a.Anoniem,
        Gemeente = a.Gemeente ?? "",
        Aard = { a.Aard },
        AanvullendeInformatie = { a.AanvullendeInformatie },
        VermoedelijkeDuur = a.VermoedelijkeDuur,
        Adviesvrager = new Adviesvrager
        {
            Betrokkenheid = a.AdviesvragerBetrokkenheid,
            Functie = a.AdviesvragerFunctie,
            Organisatie = a.AdviesvragerOrganisatie,
            Rol = a.AdviesvragerRol,
        },
        GeregistreerdOp = Timestamp.FromDateTimeOffset(a.GeregistreerdOp),
    };
}
