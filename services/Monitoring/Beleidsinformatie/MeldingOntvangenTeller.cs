using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Monitoring.Beleidsinformatie;

/// <summary>Counts each melding once on the Amsterdam day of its receipt.</summary>
public sealed class MeldingOntvangenTeller(Database database) : IEventHandler<MeldingOntvangen>
{
    public const string Consumer = "monitoring.meldingen-per-dag";

    public async Task HandleAsync(MeldingOntvangen message, EventContext context, CancellationToken ct)
    {
        if (message.OntvangenOp is null)
        {
            throw new PoisonEventException($"Event {context.EventId} lacks its receipt time.");
        }

        await using var uow = await database.BeginAsync(context.Regio, ct);
        if (!await uow.TryAcceptEventAsync(Consumer, context.EventId, ct))
        {
            return;
        }

        await uow.ExecuteAsync("""
            INSERT INTO meldingen_per_dag (regio, dag, aantal) VALUES ($1, $2, 1)
            ON CONFLICT (regio, dag) DO UPDATE SET aantal = meldingen_per_dag.aantal + 1
            """, ct, uow.Regio, AmsterdamTime.DateOf(message.OntvangenOp.ToDateTimeOffset()));
        await uow.CommitAsync(ct);
    }
}
