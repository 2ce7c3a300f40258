using Google.Protobuf.WellKnownTypes;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Triage.V1;
using Veiligthuis.Triage.Werkvoorraad;

namespace Veiligthuis.Triage.Beoordeling;

public sealed record LegAcuteCheckVast(string Regio, string Actor, Guid WerkitemId, bool AcuteOnveiligheid, DirecteActie DirecteActie);

public sealed record RondBeoordelingAf(string Regio, string Actor, Guid WerkitemId, IReadOnlyList<Veiligheidstaxatie> Veiligheidstaxatie,
    bool Vermoeden, Besluit Besluit, Vervolg Vervolg, string Motivatie, string MedeBeoordelaar, Deskundigheid MedeBeoordelaarDeskundigheid);

/// <summary>
/// The state machine of a werkitem: ACUTE_CHECK_OPEN → BEOORDELING_OPEN → AFGEROND, each step by
/// the medewerker holding the claim (docs/adr/0011-triage-state-machine.md).
/// </summary>
public sealed partial class BeoordelingHandler(Database database, WerkitemLeases leases, TimeProvider clock,
    TriageMetrics metrics, ILogger<BeoordelingHandler> logger)
{
    public async Task<WerkitemRecord> HandleAsync(LegAcuteCheckVast command, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(command.Regio, ct);
        var werkitem = await OpenForAsync(uow, command.Regio, command.Actor, command.WerkitemId,
            WerkitemStatus.AcuteCheckOpen, ct);

        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var uitkomst = new AcuteCheckUitkomst(command.AcuteOnveiligheid, command.DirecteActie, command.Actor, now);
        await WerkitemStore.SetAcuteCheckAsync(uow, command.WerkitemId, uitkomst, ct);
        await WerkitemWijzigingen.RecordAsync(uow, werkitem with { Status = WerkitemStatus.BeoordelingOpen },
            WerkvoorraadWijzigingSoort.AcuteCheckVastgelegd, command.Actor, null, now, ct);
        await uow.PublishAsync(EventTopics.AcuteCheckVastgelegd, new AcuteCheckVastgelegd
        {
            WerkitemId = werkitem.WerkitemId.ToString(),
            MeldingId = werkitem.MeldingId.ToString(),
            AcuteOnveiligheid = command.AcuteOnveiligheid,
            DirecteActie = command.DirecteActie,
            VastgelegdOp = Timestamp.FromDateTimeOffset(now),
            BinnenTermijn = now <= werkitem.AcuteCheckUiterlijk,
        }, werkitem.MeldingId.ToString(), ct);
        await uow.CommitAsync(ct);
        metrics.AcuteCheckVastgelegd(command.Regio, werkitem, now);
        LogAcuteCheck(logger, command.WerkitemId, command.AcuteOnveiligheid, command.DirecteActie);
        return werkitem with { Status = WerkitemStatus.BeoordelingOpen, AcuteCheck = uitkomst };
    }

    public async Task<WerkitemRecord> HandleAsync(RondBeoordelingAf command, CancellationToken ct)
    {
        WerkitemRecord afgerond;
        await using (var uow = await database.BeginAsync(command.Regio, ct))
        {
            var werkitem = await OpenForAsync(uow, command.Regio, command.Actor, command.WerkitemId,
                WerkitemStatus.BeoordelingOpen, ct);

            var now = PostgresTime.Truncate(clock.GetUtcNow());
            var uitkomst = new BeoordelingUitkomst(command.Veiligheidstaxatie, command.Vermoeden, command.Besluit,
                command.Vervolg, command.Motivatie, command.Actor, now, command.MedeBeoordelaar,
                command.MedeBeoordelaarDeskundigheid);
            await WerkitemStore.SetBeoordelingAsync(uow, command.WerkitemId, uitkomst, ct);
            await WerkitemWijzigingen.RecordAsync(uow, werkitem with { Status = WerkitemStatus.Afgerond },
                WerkvoorraadWijzigingSoort.Afgerond, null, null, now, ct);
            await uow.PublishAsync(EventTopics.VeiligheidsbeoordelingAfgerond, new VeiligheidsbeoordelingAfgerond
            {
                WerkitemId = werkitem.WerkitemId.ToString(),
                MeldingId = werkitem.MeldingId.ToString(),
                Besluit = command.Besluit,
                Vervolg = command.Vervolg,
                AfgerondOp = Timestamp.FromDateTimeOffset(now),
                BinnenTermijn = AmsterdamTime.DateOf(now) <= werkitem.BeoordelingUiterlijk,
                Veiligheidstaxatie = { command.Veiligheidstaxatie },
                Vermoeden = command.Vermoeden,
                MedeBeoordelaarDeskundigheid = command.MedeBeoordelaarDeskundigheid,
            }, werkitem.MeldingId.ToString(), ct);
            await uow.CommitAsync(ct);
            metrics.Afgerond(command.Regio, werkitem, now);
            afgerond = werkitem with { Status = WerkitemStatus.Afgerond, Beoordeling = uitkomst };
        }

        // After the commit: a claim waiting on the row lock then sees AFGEROND.
        await leases.ReleaseAsync(command.Regio, command.WerkitemId, command.Actor, ct);
        LogAfgerond(logger, command.WerkitemId, command.Besluit, command.Vervolg);
        return afgerond;
    }

    /// <summary>The locked werkitem, when it is in <paramref name="expected"/> and the caller holds its claim.</summary>
    private async Task<WerkitemRecord> OpenForAsync(UnitOfWork uow, string regio, string actor, Guid werkitemId,
        WerkitemStatus expected, CancellationToken ct)
    {
        var werkitem = await WerkitemStore.FindAsync(uow, werkitemId, forUpdate: true, ct)
            ?? throw new NotFoundException($"Werkitem {werkitemId} not found.");
        if (werkitem.Status != expected)
        {
            throw new FailedPreconditionException(
                $"Werkitem {werkitemId} is {werkitem.Status}; this step needs {expected}.");
        }

        var holder = await leases.HolderAsync(regio, werkitemId, ct);
        if (holder?.Door != actor)
        {
            throw new FailedPreconditionException($"Werkitem {werkitemId} must be claimed by the caller first.");
        }

        return werkitem;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Acute check of werkitem {WerkitemId} recorded: acute {AcuteOnveiligheid}, actie {DirecteActie}")]
    private static partial void LogAcuteCheck(ILogger logger, Guid werkitemId, bool acuteOnveiligheid, DirecteActie directeActie);

    [LoggerMessage(Level = LogLevel.Information, Message = "Veiligheidsbeoordeling of werkitem {WerkitemId} afgerond: besluit {Besluit}, vervolg {Vervolg}")]
    private static partial void LogAfgerond(ILogger logger, Guid werkitemId, Besluit besluit, Vervolg vervolg);
}
