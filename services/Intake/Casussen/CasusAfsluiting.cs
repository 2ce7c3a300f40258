using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Intake.Casussen;

/// <summary>
/// Closes a casus when its last step ends (issue 4). For now the steps that end are veiligheidsbeoordelingen whose
/// besluit leaves Veilig Thuis (geen vervolg, overdracht); a besluit that continues at VT (a dienst, a regional task)
/// keeps the casus open until the closing events of those steps exist. A casus closes only when every one of its
/// meldingen has ended, and a melding joining it at the same moment either sees it open and keeps it open, or finds
/// it closed and opens a new one (the casus row lock, see <see cref="CasusStore"/>).
/// </summary>
public sealed partial class CasusAfsluiting(Database database, ILogger<CasusAfsluiting> logger)
    : IEventHandler<VeiligheidsbeoordelingAfgerond>
{
    public const string Consumer = "intake.casussen";

    /// <summary>Recorded as who closed the casus.</summary>
    public const string Door = "intake:na-veiligheidsbeoordeling";

    private static readonly int[] Eindigend = [(int)Besluit.GeenVervolg, (int)Besluit.Overdracht];

    public async Task HandleAsync(VeiligheidsbeoordelingAfgerond message, EventContext context, CancellationToken ct)
    {
        if (!Guid.TryParse(message.MeldingId, out var meldingId) || message.AfgerondOp is null)
        {
            throw new PoisonEventException($"Event {context.EventId} lacks a melding id or afgerond_op.");
        }

        var afgerondOp = PostgresTime.Truncate(message.AfgerondOp.ToDateTimeOffset());
        await using var uow = await database.BeginAsync(context.Regio, ct);
        if (!await uow.TryAcceptEventAsync(Consumer, context.EventId, ct))
        {
            return;
        }

        Guid? casusId;
        await using (var update = uow.Command("""
            UPDATE melding SET vb_besluit = $3, vb_afgerond_op = $4 WHERE regio = $1 AND melding_id = $2 RETURNING casus_id
            """, uow.Regio, meldingId, (int)message.Besluit, afgerondOp))
        {
            casusId = await update.ExecuteScalarAsync(ct) as Guid?;
        }

        var gesloten = casusId is { } id && Eindigend.Contains((int)message.Besluit) && await SluitAlsAfgelopenAsync(uow, id, afgerondOp, ct);
        await uow.CommitAsync(ct);
        if (gesloten)
        {
            LogGesloten(logger, casusId!.Value, context.Regio);
        }
    }

    private static async Task<bool> SluitAlsAfgelopenAsync(UnitOfWork uow, Guid casusId, DateTimeOffset op, CancellationToken ct)
    {
        // Locked first: a melding joining the casus holds it FOR SHARE until it commits, and is counted below after.
        await using (var lockCasus = uow.Command(
            "SELECT 1 FROM casus WHERE regio = $1 AND casus_id = $2 AND gesloten_op IS NULL FOR UPDATE", uow.Regio, casusId))
        {
            if (await lockCasus.ExecuteScalarAsync(ct) is null)
            {
                return false;
            }
        }

        await using var lopend = uow.Command("""
            SELECT count(*) FROM melding
            WHERE regio = $1 AND casus_id = $2 AND (vb_besluit IS NULL OR vb_besluit <> ALL ($3))
            """, uow.Regio, casusId, Eindigend);
        return (long)(await lopend.ExecuteScalarAsync(ct))! == 0
            && await CasusStore.TrySluitAsync(uow, casusId, op, Door, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Casus {CasusId} of regio {Regio} closed: its last melding ended")]
    private static partial void LogGesloten(ILogger logger, Guid casusId, string regio);
}
