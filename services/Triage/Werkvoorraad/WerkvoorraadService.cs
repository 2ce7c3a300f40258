using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Triage.Beoordeling;
using Veiligthuis.Triage.Context;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

[Authorize(Policy = Policies.Casewerk)]
public sealed partial class WerkvoorraadService(Database database, TenantContext tenant, WerkitemLeases leases,
    ClaimWerkitemHandler claims, ToewijzingHandler toewijzing, BeoordelingHandler beoordeling, BeoordelingContextHandler contextHandler, TimeProvider clock, ILogger<WerkvoorraadService> logger)
    : V1.Werkvoorraad.WerkvoorraadBase
{
    public override async Task<Werkitem> GetWerkitem(GetWerkitemRequest request, ServerCallContext context)
    {
        var meldingId = RequestFields.RequireId(request.MeldingId, "melding_id");
        var regio = tenant.TenantId;
        WerkitemRecord werkitem;
        await using (var uow = await database.BeginAsync(regio, context.CancellationToken))
        {
            werkitem = await WerkitemStore.FindByMeldingAsync(uow, meldingId, context.CancellationToken)
                ?? throw new NotFoundException($"No werkitem for melding {meldingId}.");
        }

        return werkitem.ToProto(await leases.HolderAsync(regio, werkitem.WerkitemId, context.CancellationToken),
            withMotivatie: true);
    }

    public override async Task<ListWerkvoorraadResponse> ListWerkvoorraad(ListWerkvoorraadRequest request, ServerCallContext context)
    {
        var (filter, pageSize, after) = WerkvoorraadQuery.Validate(request);
        var regio = tenant.TenantId;
        var ct = context.CancellationToken;
        WerkvoorraadPage page;
        await using (var uow = await database.BeginAsync(regio, ct))
        {
            page = await WerkvoorraadQuery.QueryAsync(uow, filter, pageSize, after, clock, ct);
        }

        var holders = await leases.HoldersAsync(regio, [.. page.Werkitems.Select(w => w.WerkitemId)], ct);
        return new ListWerkvoorraadResponse
        {
            Werkitems = { page.Werkitems.Select(w => w.ToProto(holders.GetValueOrDefault(w.WerkitemId))) },
            Page = new PageResponse { NextPageToken = page.Next?.ToToken(filter) ?? "" },
            Aantallen = { page.Aantallen.Select(a => new StatusAantal { Status = a.Key, Aantal = a.Value }) },
        };
    }

    public override async Task<Werkitem> ClaimWerkitem(ClaimWerkitemRequest request, ServerCallContext context)
    {
        var werkitemId = RequestFields.RequireId(request.WerkitemId, "werkitem_id");
        var (werkitem, claim) = await claims.HandleAsync(
            new Werkvoorraad.ClaimWerkitem(tenant.TenantId, tenant.Actor, werkitemId), context.CancellationToken);
        return werkitem.ToProto(claim);
    }

    public override async Task<Werkitem> ReleaseWerkitem(ReleaseWerkitemRequest request, ServerCallContext context)
    {
        var werkitemId = RequestFields.RequireId(request.WerkitemId, "werkitem_id");
        var werkitem = await claims.HandleAsync(
            new Werkvoorraad.ReleaseWerkitem(tenant.TenantId, tenant.Actor, werkitemId), context.CancellationToken);
        return werkitem.ToProto(null);
    }

    public override async Task<Werkitem> WijsWerkitemToe(WijsWerkitemToeRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var werkitemId = RequestFields.RequireId(request.WerkitemId, "werkitem_id", violations);
        violations.Check(request.Team.Length == 0 || Teams.IsValid(request.Team), "team", Teams.Rule);
        violations.ThrowIfAny();
        var regio = tenant.TenantId;
        var werkitem = await toewijzing.HandleAsync(
            new Werkvoorraad.WijsWerkitemToe(regio, werkitemId, request.Team.Length == 0 ? null : request.Team), context.CancellationToken);
        return werkitem.ToProto(await leases.HolderAsync(regio, werkitemId, context.CancellationToken));
    }

    public override Task<BeoordelingContext> GetBeoordelingContext(GetBeoordelingContextRequest request, ServerCallContext context)
    {
        var werkitemId = RequestFields.RequireId(request.WerkitemId, "werkitem_id");
        // Intake checks the caller's token again; the deadline of each downstream call is the caller's, at most 10 s.
        var limit = clock.GetUtcNow().UtcDateTime.AddSeconds(10);
        var deadline = context.Deadline < limit ? context.Deadline : limit;
        return contextHandler.HandleAsync(new Context.GetBeoordelingContext(tenant.TenantId, werkitemId,
            context.RequestHeaders.GetValue("authorization") ?? "", deadline), context.CancellationToken);
    }

    public override async Task<Werkitem> LegAcuteCheckVast(LegAcuteCheckVastRequest request, ServerCallContext context)
    {
        var (werkitemId, acute, actie) = BeoordelingValidation.Validate(request);
        var regio = tenant.TenantId;
        var werkitem = await beoordeling.HandleAsync(
            new Beoordeling.LegAcuteCheckVast(regio, tenant.Actor, werkitemId, acute, actie), context.CancellationToken);
        return werkitem.ToProto(await leases.HolderAsync(regio, werkitemId, context.CancellationToken));
    }

    public override async Task<Werkitem> RondBeoordelingAf(RondBeoordelingAfRequest request, ServerCallContext context)
    {
        var (werkitemId, taxatie) = BeoordelingValidation.Validate(request, tenant.Actor);
        var werkitem = await beoordeling.HandleAsync(new Beoordeling.RondBeoordelingAf(tenant.TenantId, tenant.Actor,
            werkitemId, taxatie, request.Vermoeden, request.Besluit, request.Vervolg, request.Motivatie,
            request.MedeBeoordelaar.Trim(), request.MedeBeoordelaarDeskundigheid), context.CancellationToken);
        return werkitem.ToProto(null);
    }

    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);
    private const int WatchBatch = 500;

    public override async Task WatchWerkvoorraad(WatchWerkvoorraadRequest request, IServerStreamWriter<WerkvoorraadUpdate> responseStream,
        ServerCallContext context)
    {
        var regio = tenant.TenantId;
        var ct = context.CancellationToken;
        WijzigingCursor lastSeen;
        IReadOnlyDictionary<WerkitemStatus, int> aantallen;
        await using (var uow = await database.BeginAsync(regio, ct))
        {
            // A change committing between these two reads may be both counted and sent: counts are a starting point.
            lastSeen = await WerkitemWijzigingen.StartAsync(uow, ct);
            aantallen = await WerkvoorraadQuery.AantallenAsync(uow, ct);
        }

        LogWatchOpened(logger, regio);
        try
        {
            await responseStream.WriteAsync(new WerkvoorraadUpdate
            {
                Aantallen = new WerkvoorraadAantallen
                {
                    Aantallen = { aantallen.Select(a => new StatusAantal { Status = a.Key, Aantal = a.Value }) },
                },
            }, ct);
            while (!ct.IsCancellationRequested)
            {
                IReadOnlyList<WerkitemWijzigingRecord> wijzigingen;
                await using (var uow = await database.BeginAsync(regio, ct))
                {
                    wijzigingen = await WerkitemWijzigingen.AfterAsync(uow, lastSeen, WatchBatch, ct);
                }

                foreach (var w in wijzigingen)
                {
                    await responseStream.WriteAsync(new WerkvoorraadUpdate { Wijziging = w.ToProto() }, ct);
                    lastSeen = w.Cursor;
                }

                if (wijzigingen.Count < WatchBatch)
                {
                    await Task.Delay(WatchInterval, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller stopped watching.
        }

        LogWatchClosed(logger, regio);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Werkvoorraad watch opened in regio {Regio}")]
    private static partial void LogWatchOpened(ILogger logger, string regio);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Werkvoorraad watch closed in regio {Regio}")]
    private static partial void LogWatchClosed(ILogger logger, string regio);
}
