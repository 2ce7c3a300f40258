using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Intake.Meldingen;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>
/// Registers the betrokkenen of queued meldingen in the register (ADR 0020), one RegistreerBetrokkenheid per melding
/// with the melding id as request_id, so a repeat after a lost answer is idempotent at the register. A failure only
/// moves the next attempt back (capped exponential backoff): a koppeling is never given up, and a melding never waits
/// for it. Each koppeling is claimed (SKIP LOCKED, then a claim that outlasts the call) for its attempt, so replicas
/// share the queue.
/// </summary>
public sealed partial class RegisterkoppelingJob(Database database, Register.V1.Register.RegisterClient register,
    ServiceTokens tokens, RegisterkoppelingMetrics metrics, IOptions<RegisterkoppelingOptions> options,
    MigrationState migrations, TimeProvider clock, ILogger<RegisterkoppelingJob> logger)
    : PeriodicJob(migrations, clock, logger)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task RunPassAsync(CancellationToken ct)
    {
        var wachtend = new List<Measurement<long>>();
        var vast = new List<Measurement<long>>();
        // Row-level security admits one regio per transaction, so the queue is read regio by regio.
        foreach (var regio in Regios.AllTenantIds)
        {
            for (var i = 0; i < options.Value.PerRegioPerPass && await TryOneAsync(regio, ct); i++)
            {
            }

            await using var uow = await database.BeginAsync(regio, ct);
            var (aantal, aantalVast) = await RegisterkoppelingStore.CountAsync(uow, options.Value.VastNaPogingen, ct);
            var tag = new KeyValuePair<string, object?>("regio", regio);
            wachtend.Add(new Measurement<long>(aantal, tag));
            vast.Add(new Measurement<long>(aantalVast, tag));
        }

        metrics.Set(wachtend, vast);
    }

    /// <summary>
    /// One attempt at the regio's oldest due koppeling; false when none was due. The koppeling is claimed in a short
    /// transaction and the register is called outside it, so a slow or hanging register holds no lock or transaction.
    /// </summary>
    private async Task<bool> TryOneAsync(string regio, CancellationToken ct)
    {
        Guid meldingId;
        int pogingen;
        MeldingRecord melding;
        List<BetrokkeneRecord> registreerbaar;
        await using (var uow = await database.BeginAsync(regio, ct))
        {
            var koppeling = await RegisterkoppelingStore.NextDueAsync(uow, Clock.GetUtcNow(), ct);
            if (koppeling is null)
            {
                return false;
            }

            (meldingId, pogingen) = (koppeling.MeldingId, koppeling.Pogingen + 1);
            var gevonden = await MeldingStore.FindAsync(uow, meldingId, ct);
            registreerbaar = gevonden?.Betrokkenen.Where(Registreerbaarheid.IsRegistreerbaar).ToList() ?? [];
            if (gevonden is null || registreerbaar.Count == 0)
            {
                // Nobody the register could match: done, and GetMelding shows NIET_MOGELIJK per betrokkene.
                await RegisterkoppelingStore.RecordSuccessAsync(uow, meldingId, pogingen, Clock.GetUtcNow(), null, [], ct);
                await uow.CommitAsync(ct);
                return true;
            }

            melding = gevonden;
            var now = Clock.GetUtcNow();
            // The claim outlasts the call's deadline, so it only runs out when this worker is gone.
            await RegisterkoppelingStore.ClaimAsync(uow, meldingId, pogingen, now, now + 2 * options.Value.Deadline, ct);
            await uow.CommitAsync(ct);
        }

        RegistreerBetrokkenheidResponse antwoord;
        try
        {
            antwoord = await RegistreerAsync(regio, melding, registreerbaar, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Status or type only: a message could echo the request's person data.
            var fout = e is RpcException rpc ? rpc.StatusCode.ToString() : e.GetType().Name;
            var now = Clock.GetUtcNow();
            var wachttijd = options.Value.Wachttijd(pogingen);
            await using (var uow = await database.BeginAsync(regio, ct))
            {
                await RegisterkoppelingStore.RecordFailureAsync(uow, meldingId, pogingen, now, now + wachttijd, fout, ct);
                await uow.CommitAsync(ct);
            }

            if (pogingen == options.Value.VastNaPogingen)
            {
                LogVast(logger, meldingId, regio, pogingen, fout);
            }
            else
            {
                LogMislukt(logger, meldingId, regio, pogingen, fout, wachttijd);
            }

            return true;
        }

        var personen = registreerbaar.Zip(antwoord.Personen, (betrokkene, persoon) => new GeregistreerdePersoonRecord(
            betrokkene.BetrokkeneId, persoon.PersoonId,
            [.. persoon.EldersBekend
                .Where(b => TenantIdOf(b.Regio) is { } elders && elders != regio)
                .Select(b => new EldersBekendRecord(Regios.ToTenantId(b.Regio),
                    b.Sinds is { Year: > 0 } s ? new DateOnly(s.Year, s.Month, s.Day) : null, b.Open, b.Contactpunt))]))
            .ToList();
        await using (var uow = await database.BeginAsync(regio, ct))
        {
            var vastgelegd = await RegisterkoppelingStore.RecordSuccessAsync(uow, meldingId, pogingen, Clock.GetUtcNow(),
                antwoord.BetrokkenheidId, personen, ct);
            await uow.CommitAsync(ct);
            if (!vastgelegd)
            {
                return true;
            }
        }

        var eldersBekend = personen.Count(p => p.EldersBekend.Count > 0);
        LogGeregistreerd(logger, meldingId, regio, pogingen, eldersBekend);
        return true;
    }

    /// <summary>The tenant id of a regio the register names; null for one this build does not know (a newer enum value).</summary>
    private static string? TenantIdOf(Common.V1.Regio regio)
    {
        try
        {
            return regio == Common.V1.Regio.Onbekend ? null : Regios.ToTenantId(regio);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private async Task<RegistreerBetrokkenheidResponse> RegistreerAsync(string regio, MeldingRecord melding,
        IReadOnlyList<BetrokkeneRecord> registreerbaar, CancellationToken ct)
    {
        var request = new RegistreerBetrokkenheidRequest
        {
            // Deterministic: every attempt for this melding is the same registration to the register.
            RequestId = melding.MeldingId.ToString(),
            // Intake's own casus id: opaque to the register and other regios (not the readable casusnummer).
            CasusReferentie = (melding.CasusId ?? melding.MeldingId).ToString(),
            Startdatum = AmsterdamTime.DateOf(melding.OntvangenOp).ToProtoDate(),
            Personen = { registreerbaar.Select(Registreerbaarheid.ToPersoon) },
            Adres = melding.Huishouden is { } h
                ? new Adres { Postcode = h.Postcode, Huisnummer = h.Huisnummer, HuisnummerToevoeging = h.Toevoeging }
                : null,
        };
        var headers = await tokens.HeadersAsync(regio, Roles.RegisterClient, ct);
        return await register.RegistreerBetrokkenheidAsync(request, headers, Clock.GetUtcNow().UtcDateTime + options.Value.Deadline, ct);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Melding {MeldingId} in regio {Regio} registered in the register at attempt {Pogingen}; {EldersBekend} betrokkenen known elsewhere")]
    private static partial void LogGeregistreerd(ILogger logger, Guid meldingId, string regio, int pogingen, int eldersBekend);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Register link of melding {MeldingId} in regio {Regio} failed at attempt {Pogingen}: {Error}; next in {Wachttijd}")]
    private static partial void LogMislukt(ILogger logger, Guid meldingId, string regio, int pogingen, string error, TimeSpan wachttijd);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Register link of melding {MeldingId} in regio {Regio} is stuck after {Pogingen} attempts: {Error}; still retrying")]
    private static partial void LogVast(ILogger logger, Guid meldingId, string regio, int pogingen, string error);
}
