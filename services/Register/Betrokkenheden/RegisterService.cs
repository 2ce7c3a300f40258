using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

[Authorize(Policy = Policies.RegisterClient)]
public sealed partial class RegisterService(RegisterHandler handler, TenantContext tenant, TimeProvider clock) : V1.Register.RegisterBase
{
    /// <summary>Request header in which a beheerder names the regio a bulk load is for.</summary>
    public const string RegioHeader = "x-vt-regio";
    private const string ToegangslogList = "toegangslog";
    private const int SignalBatch = 100;
    private static readonly TimeSpan SignalPollInterval = TimeSpan.FromMilliseconds(250);

    public override async Task<RegistreerBetrokkenheidResponse> RegistreerBetrokkenheid(RegistreerBetrokkenheidRequest request,
        ServerCallContext context)
    {
        var command = await ValidatedAsync(() => RegisterValidation.Validate(request, Today()), Handeling.Registratie,
            Doel.Registratie, context);
        return ToProto(await handler.RegistreerAsync(Caller(), command, context.CancellationToken));
    }

    private static RegistreerBetrokkenheidResponse ToProto(Registratie registratie) =>
        new()
        {
            BetrokkenheidId = registratie.BetrokkenheidId.ToString(),
            HuishoudenId = registratie.HuishoudenId.ToString(),
            HuishoudenMatch = registratie.HuishoudenMatch,
            Personen =
            {
                registratie.Personen.Select(p => new GeregistreerdePersoon
                {
                    PersoonId = p.PersoonId.ToString(),
                    EldersBekend = { p.EldersBekend.Select(ToProto) },
                    Match = p.Match,
                    MatchbeoordelingIds = { p.Matchbeoordelingen.Select(m => m.ToString()) },
                }),
            },
        };

    public override async Task<ZoekBetrokkenheidResponse> ZoekBetrokkenheid(ZoekBetrokkenheidRequest request, ServerCallContext context)
    {
        var vraag = await ValidatedAsync(() => RegisterValidation.ValidateZoek(request, Today()), Handeling.Zoekvraag,
            System.Enum.IsDefined(request.Doel) ? request.Doel : Doel.Onbekend, context);
        var resultaat = vraag.Huishouden is { } huishouden
            ? await handler.ZoekHuishoudenAsync(Caller(), huishouden, request.Doel, context.CancellationToken)
            : await handler.ZoekAsync(Caller(), vraag, request.Doel, context.CancellationToken);
        return new ZoekBetrokkenheidResponse
        {
            Bekend = resultaat.BekendIn.Count > 0,
            BekendIn = { resultaat.BekendIn.Select(ToProto) },
            Match = resultaat.Match,
        };
    }

    public override async Task<BeeindigBetrokkenheidResponse> BeeindigBetrokkenheid(BeeindigBetrokkenheidRequest request,
        ServerCallContext context)
    {
        var (betrokkenheidId, einddatum) = await ValidatedAsync(() => RegisterValidation.ValidateBeeindig(request, Today()),
            Handeling.Beeindiging, Doel.Registratie, context);
        await handler.BeeindigAsync(Caller(), betrokkenheidId, einddatum, context.CancellationToken);
        return new BeeindigBetrokkenheidResponse { BetrokkenheidId = betrokkenheidId.ToString(), Einddatum = einddatum.ToProtoDate() };
    }

    public override async Task WatchSignalen(WatchSignalenRequest request, IServerStreamWriter<Signaal> responseStream,
        ServerCallContext context)
    {
        var naSignaalId = await ValidatedAsync(() =>
        {
            var violations = new Violations();
            Guid id = default;
            violations.Check(request.NaSignaalId.Length == 0 || Guid.TryParse(request.NaSignaalId, out id), "na_signaal_id",
                "Not a signaal id.");
            violations.ThrowIfAny();
            return request.NaSignaalId.Length == 0 ? (Guid?)null : id;
        }, Handeling.Signalen, Doel.Registratie, context);

        var ct = context.CancellationToken;
        var caller = Caller();
        var after = await handler.OpenSignalenAsync(caller, naSignaalId, ct);
        try
        {
            while (true)
            {
                var signalen = await handler.SignalenAsync(caller.Regio, after, SignalBatch, ct);
                foreach (var s in signalen)
                {
                    await responseStream.WriteAsync(new Signaal
                    {
                        SignaalId = s.SignaalId.ToString(),
                        AfzendendeRegio = Regios.FromTenantId(s.AfzendendeRegio),
                        PersoonId = s.PersoonId.ToString(),
                        Aanleiding = s.Aanleiding,
                        Doel = s.Doel,
                        CreatedAt = Timestamp.FromDateTimeOffset(s.CreatedAt),
                    }, ct);
                    after = s.Seq;
                }

                if (signalen.Count < SignalBatch)
                {
                    await Task.Delay(SignalPollInterval, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller closed the stream.
        }
    }

    public override async Task<GetToegangslogResponse> GetToegangslog(GetToegangslogRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var size = Paging.PageSize(request.Page, violations);
        var beforeSeq = Paging.Cursor(request.Page, ToegangslogList, 1, ToegangslogCursor.Parse, violations)?.BeforeSeq
            ?? long.MaxValue;
        violations.ThrowIfAny();

        var regels = await handler.ToegangslogAsync(Caller(), beforeSeq, size + 1, context.CancellationToken);
        var response = new GetToegangslogResponse { Page = new PageResponse() };
        response.Regels.AddRange(regels.Take(size).Select(r => new ToegangslogRegel
        {
            Wanneer = Timestamp.FromDateTimeOffset(r.Wanneer),
            Wie = r.Wie,
            Regio = Regios.FromTenantId(r.Regio),
            Rol = r.Rol,
            Handeling = r.Handeling,
            Doel = r.Doel,
            Uitkomst = r.Uitkomst,
            PersoonId = r.PersoonId?.ToString() ?? "",
            BetrokkenheidId = r.BetrokkenheidId?.ToString() ?? "",
            HuishoudenId = r.HuishoudenId?.ToString() ?? "",
        }));
        if (regels.Count > size)
        {
            response.Page.NextPageToken = Paging.EncodeToken(ToegangslogList,
                regels[size - 1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>Runs a validation; an invalid request is a refused call and is logged as one.</summary>
    private async Task<T> ValidatedAsync<T>(Func<T> validate, Handeling handeling, Doel doel, ServerCallContext context,
        Caller? caller = null)
    {
        try
        {
            return validate();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            await handler.LogRefusalAsync(caller ?? Caller(), handeling, doel, context.CancellationToken);
            throw;
        }
    }

    private Caller Caller() => new(tenant.Actor, tenant.TenantId, Roles.RegisterClient);

    /// <summary>
    /// The caller of a bulk load. A beheerder loading several regios for tests names the regio to act for
    /// in <see cref="RegioHeader"/> (ADR 0022); the access log records that regio and the role beheerder.
    /// Anyone else naming a regio is refused, and the refusal is logged.
    /// </summary>
    private async Task<Caller> LaadCallerAsync(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue(RegioHeader);
        if (header is null)
        {
            return Caller();
        }

        if (!tenant.IsInRole(Roles.Beheerder))
        {
            await handler.LogRefusalAsync(Caller(), Handeling.Registratie, Doel.Registratie, context.CancellationToken);
            throw new PermissionDeniedException($"Only a {Roles.Beheerder} may name the regio in {RegioHeader}.");
        }

        var regio = await ValidatedAsync(() =>
        {
            var violations = new Violations();
            violations.Check(Regios.TryParse(header, out var parsed), RegioHeader, "Not a regio: a tenant id or a CBS region name.");
            violations.ThrowIfAny();
            return Regios.ToTenantId(parsed);
        }, Handeling.Registratie, Doel.Registratie, context);
        return new Caller(tenant.Actor, regio, Roles.Beheerder);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static BekendIn ToProto(BekendInRecord b)
    {
        var regio = Regios.FromTenantId(b.Regio);
        return new BekendIn { Regio = regio, Sinds = b.Sinds.ToProtoDate(), Open = b.Open, Contactpunt = Contactpunten.For(regio) };
    }
}

/// <summary>Position in the access log: the entries before this sequence number come next.</summary>
internal sealed record ToegangslogCursor(long BeforeSeq)
{
    public static ToegangslogCursor Parse(string[] parts)
    {
        var seq = long.Parse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        return seq > 0 ? new ToegangslogCursor(seq) : throw new FormatException("Sequence numbers start at 1.");
    }
}
