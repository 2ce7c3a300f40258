using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <param name="Team">The team, or null to remove the assignment.</param>
public sealed record WijsWerkitemToe(string Regio, Guid WerkitemId, string? Team);

/// <summary>Assigns open werkitems to a team of the regio.</summary>
public sealed partial class ToewijzingHandler(Database database, TimeProvider clock, ILogger<ToewijzingHandler> logger)
{
    public async Task<WerkitemRecord> HandleAsync(WijsWerkitemToe command, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(command.Regio, ct);
        var werkitem = await WerkitemStore.FindAsync(uow, command.WerkitemId, forUpdate: true, ct)
            ?? throw new NotFoundException($"Werkitem {command.WerkitemId} not found.");
        if (werkitem.Status == WerkitemStatus.Afgerond)
        {
            throw new FailedPreconditionException($"Werkitem {command.WerkitemId} is afgerond.");
        }

        var toegewezen = werkitem with { Team = command.Team };
        if (werkitem.Team != command.Team)
        {
            await WerkitemStore.SetTeamAsync(uow, command.WerkitemId, command.Team, ct);
            await WerkitemWijzigingen.RecordAsync(uow, toegewezen, WerkvoorraadWijzigingSoort.Toegewezen, null, null,
                clock.GetUtcNow(), ct);
            await uow.CommitAsync(ct);
            LogToegewezen(logger, command.WerkitemId, command.Regio);
        }

        return toegewezen;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Werkitem {WerkitemId} assigned to a team in regio {Regio}")]
    private static partial void LogToegewezen(ILogger logger, Guid werkitemId, string regio);
}
