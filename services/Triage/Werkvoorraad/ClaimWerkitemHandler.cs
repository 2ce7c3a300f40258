using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

public sealed record ClaimWerkitem(string Regio, string Actor, Guid WerkitemId);

public sealed record ReleaseWerkitem(string Regio, string Actor, Guid WerkitemId);

/// <summary>Claims and releases werkitems: the lease in Redis decides, PostgreSQL records the claimant.</summary>
public sealed partial class ClaimWerkitemHandler(Database database, WerkitemLeases leases, TimeProvider clock,
    ILogger<ClaimWerkitemHandler> logger)
{
    public async Task<(WerkitemRecord Werkitem, Claim Claim)> HandleAsync(ClaimWerkitem command, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(command.Regio, ct);
        // The row lock orders a claim after a concurrent afronden, which releases the lease only after it commits.
        var werkitem = await WerkitemStore.FindAsync(uow, command.WerkitemId, forUpdate: true, ct)
            ?? throw new NotFoundException($"Werkitem {command.WerkitemId} not found.");
        if (werkitem.Status == WerkitemStatus.Afgerond)
        {
            throw new FailedPreconditionException($"Werkitem {command.WerkitemId} is afgerond.");
        }

        var claim = await leases.TryClaimAsync(command.Regio, command.WerkitemId, command.Actor, ct)
            ?? throw new FailedPreconditionException($"Werkitem {command.WerkitemId} is claimed by another medewerker.");
        var now = clock.GetUtcNow();
        await WerkitemStore.SetClaimAsync(uow, command.WerkitemId, command.Actor, now, claim.Tot, ct);
        await WerkitemWijzigingen.RecordAsync(uow, werkitem, WerkvoorraadWijzigingSoort.Geclaimd, command.Actor, claim.Tot, now, ct);
        await uow.CommitAsync(ct);
        LogClaimed(logger, command.WerkitemId, command.Regio);
        return (werkitem, claim);
    }

    public async Task<WerkitemRecord> HandleAsync(ReleaseWerkitem command, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(command.Regio, ct);
        var werkitem = await WerkitemStore.FindAsync(uow, command.WerkitemId, forUpdate: true, ct)
            ?? throw new NotFoundException($"Werkitem {command.WerkitemId} not found.");
        if (!await leases.ReleaseAsync(command.Regio, command.WerkitemId, command.Actor, ct))
        {
            throw new FailedPreconditionException($"Werkitem {command.WerkitemId} is not claimed by the caller.");
        }

        await WerkitemStore.ClearClaimAsync(uow, command.WerkitemId, command.Actor, ct);
        await WerkitemWijzigingen.RecordAsync(uow, werkitem, WerkvoorraadWijzigingSoort.Vrijgegeven, null, null, clock.GetUtcNow(), ct);
        await uow.CommitAsync(ct);
        LogReleased(logger, command.WerkitemId, command.Regio);
        return werkitem;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Werkitem {WerkitemId} claimed in regio {Regio}")]
    private static partial void LogClaimed(ILogger logger, Guid werkitemId, string regio);

    [LoggerMessage(Level = LogLevel.Information, Message = "Werkitem {WerkitemId} released in regio {Regio}")]
    private static partial void LogReleased(ILogger logger, Guid werkitemId, string regio);
}
