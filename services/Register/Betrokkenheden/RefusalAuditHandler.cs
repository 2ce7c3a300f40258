using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>
/// Writes an access log entry when the authorization policy refuses a register call of an
/// authenticated caller with a known regio (e.g. a medewerker token), then lets the default handler answer.
/// </summary>
public sealed class RefusalAuditHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden &&
            context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc &&
            grpc.Method.ServiceName == V1.Register.Descriptor.FullName &&
            context.User.FindFirst(VeiligthuisClaims.Regio)?.Value is { } regio && Regios.IsTenantId(regio))
        {
            var tenant = context.RequestServices.GetRequiredService<TenantContext>();
            var handler = context.RequestServices.GetRequiredService<RegisterHandler>();
            var rol = string.Join(",", Roles.All.Where(context.User.IsInRole));
            await handler.LogRefusalAsync(new Caller(tenant.Actor, regio, rol.Length == 0 ? "geen" : rol), HandelingOf(grpc.Method.Name),
                Doel.Onbekend, context.RequestAborted);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static Handeling HandelingOf(string method) => method switch
    {
        nameof(V1.Register.RegisterBase.RegistreerBetrokkenheid) or nameof(V1.Register.RegisterBase.LaadBetrokkenheden) =>
            Handeling.Registratie,
        nameof(V1.Register.RegisterBase.ZoekBetrokkenheid) => Handeling.Zoekvraag,
        nameof(V1.Register.RegisterBase.BeeindigBetrokkenheid) => Handeling.Beeindiging,
        nameof(V1.Register.RegisterBase.GetToegangslog) => Handeling.Inzage,
        nameof(V1.Register.RegisterBase.WatchSignalen) => Handeling.Signalen,
        nameof(V1.Register.RegisterBase.ListMatchbeoordelingen) or nameof(V1.Register.RegisterBase.BeslisMatchbeoordeling) =>
            Handeling.Matchbeoordeling,
        _ => Handeling.Onbekend,
    };
}
