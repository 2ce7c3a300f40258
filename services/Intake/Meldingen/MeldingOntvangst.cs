using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>Settings under <c>Ontvangst</c>: how new meldingen are grouped into transactions (ADR 0027).</summary>
public sealed class MeldingOntvangstOptions
{
    public const string Section = "Ontvangst";

    /// <summary>Transactions in flight at once; each takes what has queued up meanwhile.</summary>
    public int Writers { get; set; } = 4;

    /// <summary>The most meldingen one transaction stores.</summary>
    public int MaxBatch { get; set; } = 32;

    /// <summary>Meldingen waiting for a writer; a full queue makes callers wait (backpressure).</summary>
    public int QueueCapacity { get; set; } = 4096;
}

/// <summary>
/// Stores new meldingen as <see cref="CreateMeldingHandler"/> does, but a writer stores whatever meldingen of a regio have
/// queued up while its previous transaction ran in one transaction and one round trip: the same function per melding
/// (migration 0011), their outbox rows in one statement, one commit (ADR 0027). A lone melding is written at once, so
/// nothing waits for a batch to fill. Each caller is answered when its transaction has committed. Anything that keeps a
/// batch from committing as a whole (a request_id seen before, a concurrent repeat, a deadlock, any database error)
/// rolls it back, and its meldingen are stored one by one by <see cref="CreateMeldingHandler"/>, so one melding's
/// trouble is its own and the batch path never decides anything the single path would decide otherwise.
/// </summary>
public sealed partial class MeldingOntvangst(Database database, CreateMeldingHandler oneByOne, TimeProvider clock,
    IOptions<MeldingOntvangstOptions> options, ILogger<MeldingOntvangst> logger) : BackgroundService
{
    private readonly Channel<Aanvraag> _queue = Channel.CreateBounded<Aanvraag>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        SingleWriter = false,
        SingleReader = false,
    });

    /// <summary>Stores the melding of <paramref name="command"/>; as <see cref="CreateMeldingHandler.HandleAsync"/> answers.</summary>
    public async Task<MeldingRecord> OntvangAsync(CreateMelding command, CancellationToken ct)
    {
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var aanvraag = new Aanvraag(command, CreateMeldingHandler.NieuweMelding(command, now), Guid.CreateVersion7(now),
            Guid.CreateVersion7(now), Guid.CreateVersion7(now), Activity.Current?.Id, ct);
        try
        {
            await _queue.Writer.WriteAsync(aanvraag, ct);
        }
        catch (ChannelClosedException)
        {
            // Shutting down: the writers are draining what they have, so this one is stored on its own.
            return await oneByOne.HandleAsync(command, ct);
        }

        return await aanvraag.Klaar.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Writers)).Select(_ => Task.Run(WriteLoopAsync, CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Queued meldingen were accepted: the writers finish them before they stop.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var max = Math.Max(1, options.Value.MaxBatch);
        var batch = new List<Aanvraag>(max);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < max && _queue.Reader.TryRead(out var aanvraag))
            {
                if (!aanvraag.Ct.IsCancellationRequested)
                {
                    batch.Add(aanvraag);
                }
                else
                {
                    aanvraag.Klaar.TrySetCanceled(aanvraag.Ct);
                }
            }

            // Row-level security binds one regio per transaction.
            foreach (var regio in batch.GroupBy(a => a.Command.Regio, StringComparer.Ordinal))
            {
                await WriteAsync(regio.Key, [.. regio]);
            }

            batch.Clear();
        }
    }

    private async Task WriteAsync(string regio, List<Aanvraag> batch)
    {
        // Huishoudens are locked in one order in every batch, so two batches cannot wait for each other's; a stable sort
        // keeps the meldingen about one huishouden in the order they came.
        batch = [.. batch.OrderBy(a => a.Melding.Huishouden?.Postcode, StringComparer.Ordinal)
            .ThenBy(a => a.Melding.Huishouden?.Huisnummer)
            .ThenBy(a => a.Melding.Huishouden?.Toevoeging, StringComparer.Ordinal)];
        List<MeldingRecord>? opgeslagen;
        try
        {
            opgeslagen = await TryWriteAsync(regio, batch);
            if (opgeslagen is null)
            {
                LogBatchTeruggedraaid(logger, batch.Count, regio, "a request_id seen before");
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogBatchTeruggedraaid(logger, batch.Count, regio, e is PostgresException p ? p.SqlState : e.GetType().Name);
            opgeslagen = null;
        }
        catch (Exception e)
        {
            foreach (var aanvraag in batch)
            {
                aanvraag.Klaar.TrySetException(e);
            }

            return;
        }

        if (opgeslagen is not null)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                CreateMeldingHandler.LogMeldingOntvangen(logger, opgeslagen[i].MeldingId, regio);
                batch[i].Klaar.TrySetResult(opgeslagen[i]);
            }

            return;
        }

        foreach (var aanvraag in batch)
        {
            try
            {
                aanvraag.Klaar.TrySetResult(await oneByOne.HandleAsync(aanvraag.Command, aanvraag.Ct));
            }
            catch (Exception e)
            {
                aanvraag.Klaar.TrySetException(e);
            }
        }
    }

    /// <summary>The stored meldingen in batch order, or null when the batch was rolled back (a request_id seen before).</summary>
    private async Task<List<MeldingRecord>?> TryWriteAsync(string regio, List<Aanvraag> batch)
    {
        // Not the callers' tokens: once sent, a batch is finished for all of its meldingen.
        var ct = CancellationToken.None;
        await using var uow = await database.BeginDeferredAsync(regio, ct);
        // Generic plans: the outbox statement's custom plan, cheaper for the few rows the planner then knows of, won every
        // comparison, so it was planned again on every call (150 µs, twice its execution; CreateMelding run 9).
        var commands = new[] { UnitOfWork.BatchCommand("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)") }
            .Concat(batch.Select(a => MeldingStore.OntvangCommand(regio, a.Melding, a.HuishoudenId, a.CasusId, a.Command.Valid.MelderIdentiteit)))
            .Append(MeldingStore.MeldingOntvangenEventsCommand(
                [.. batch.Select(a => (a.EventId, a.Melding.MeldingId, CreateMeldingHandler.Event(a.Melding).ToByteArray(), a.TraceParent))],
                clock.GetUtcNow(), uow.Source));
        var opgeslagen = new List<MeldingRecord>(batch.Count);
        await using (var reader = await uow.QueryBatchAsync(commands, ct))
        {
            foreach (var aanvraag in batch)
            {
                // The first result is the setting's, then one per melding.
                await reader.NextResultAsync(ct);

                await reader.ReadAsync(ct);
                var ontvangst = MeldingStore.ReadOntvangst(reader);
                if (!ontvangst.Nieuw)
                {
                    // Disposing the unit of work uncommitted rolls back every melding of the batch.
                    return null;
                }

                opgeslagen.Add(aanvraag.Melding with { CasusId = ontvangst.CasusId, Casusnummer = ontvangst.Casusnummer });
            }
        }

        uow.OutboxWritten();
        await uow.CommitAsync(ct);
        return opgeslagen;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {Count} meldingen of regio {Regio} was rolled back ({Reason}); storing them one by one")]
    private static partial void LogBatchTeruggedraaid(ILogger logger, int count, string regio, string reason);

    private sealed record Aanvraag(CreateMelding Command, MeldingRecord Melding, Guid HuishoudenId, Guid CasusId, Guid EventId,
        string? TraceParent, CancellationToken Ct)
    {
        public TaskCompletionSource<MeldingRecord> Klaar { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
