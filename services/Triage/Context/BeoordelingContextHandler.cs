using Grpc.Core;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Intake.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.Triage.V1;
using Veiligthuis.Triage.Werkvoorraad;

namespace Veiligthuis.Triage.Context;

/// <param name="CallerAuthorization">The caller's own Authorization header, passed on to intake, which checks it again.</param>
public sealed record GetBeoordelingContext(string Regio, Guid WerkitemId, string CallerAuthorization, DateTime Deadline);

/// <summary>
/// Gathers the context of a veiligheidsbeoordeling (domain.md §1.4: the melding is verrijkt from earlier meldingen and
/// the register). Intake is asked with the caller's token, so intake's own access rules apply; the register, which
/// admits only register clients, with this service's token for the regio (ADR 0019) and purpose VEILIGHEIDSBEOORDELING,
/// so the register logs the access. A register that cannot be reached leaves the rest of the context intact.
/// </summary>
public sealed partial class BeoordelingContextHandler(Database database, Meldingen.MeldingenClient meldingen,
    Casussen.CasussenClient casussen, Register.V1.Register.RegisterClient register, ServiceTokens tokens,
    ILogger<BeoordelingContextHandler> logger)
{
    /// <summary>At most this many earlier meldingen are read, the most recent ones.</summary>
    public const int MaxEerdereMeldingen = 25;

    public async Task<BeoordelingContext> HandleAsync(GetBeoordelingContext query, CancellationToken ct)
    {
        WerkitemRecord werkitem;
        await using (var uow = await database.BeginAsync(query.Regio, ct))
        {
            werkitem = await WerkitemStore.FindAsync(uow, query.WerkitemId, forUpdate: false, ct)
                ?? throw new NotFoundException($"Werkitem {query.WerkitemId} not found.");
        }

        var caller = new Metadata { { "authorization", query.CallerAuthorization } };
        var melding = await AskIntakeAsync(() => meldingen.GetMeldingAsync(
            new GetMeldingRequest { MeldingId = werkitem.MeldingId.ToString() }, caller, query.Deadline, ct).ResponseAsync);
        var context = new BeoordelingContext
        {
            WerkitemId = werkitem.WerkitemId.ToString(),
            MeldingId = melding.MeldingId,
            CasusId = melding.CasusId,
            Casusnummer = melding.Casusnummer,
        };
        context.EerdereMeldingen.AddRange(await EerdereMeldingenAsync(melding, caller, query.Deadline, ct));
        var (bevindingen, bereikbaar) = await RegisterBevindingenAsync(query.Regio, melding, query.Deadline, ct);
        context.RegisterBevindingen.AddRange(bevindingen);
        context.RegisterOnbereikbaar = !bereikbaar;
        return context;
    }

    private async Task<IEnumerable<EerdereMelding>> EerdereMeldingenAsync(Melding melding, Metadata caller, DateTime deadline,
        CancellationToken ct)
    {
        if (melding.CasusId.Length == 0)
        {
            return [];
        }

        var casus = await AskIntakeAsync(() => casussen.GetCasusAsync(
            new GetCasusRequest { CasusId = melding.CasusId }, caller, deadline, ct).ResponseAsync);
        // melding_ids are oldest first: the most recent others are at the end.
        var others = casus.MeldingIds.Where(id => id != melding.MeldingId).TakeLast(MaxEerdereMeldingen).ToList();
        var read = await Task.WhenAll(others.Select(id => AskIntakeAsync(() => meldingen.GetMeldingAsync(
            new GetMeldingRequest { MeldingId = id }, caller, deadline, ct).ResponseAsync)));
        return read
            .Where(m => m.OntvangenOp.ToDateTimeOffset() < melding.OntvangenOp.ToDateTimeOffset())
            .OrderBy(m => m.OntvangenOp.ToDateTimeOffset())
            .Select(m => new EerdereMelding
            {
                MeldingId = m.MeldingId,
                OntvangenOp = m.OntvangenOp,
                MelderGroep = m.Melder?.Groep ?? default,
                Aard = { m.Aard },
            });
    }

    private async Task<(IReadOnlyList<RegisterBevinding> Bevindingen, bool Bereikbaar)> RegisterBevindingenAsync(
        string regio, Melding melding, DateTime deadline, CancellationToken ct)
    {
        var bevindingen = melding.Betrokkenen
            .Select(b => new RegisterBevinding { BetrokkeneId = b.BetrokkeneId, Gezocht = b.Persoon.IsZoekbaarInRegister() })
            .ToList();
        if (!bevindingen.Any(b => b.Gezocht))
        {
            return (bevindingen, true);
        }

        try
        {
            var headers = await tokens.HeadersAsync(regio, Roles.RegisterClient, ct);
            var eigenRegio = Regios.FromTenantId(regio);
            await Task.WhenAll(melding.Betrokkenen.Select(async (betrokkene, i) =>
            {
                if (!bevindingen[i].Gezocht)
                {
                    return;
                }

                // With a BSN the register looks the person up by it; without, it matches the person data (ADR 0017).
                var antwoord = await register.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest
                {
                    Bsn = betrokkene.Persoon.Bsn,
                    Persoon = ZonderBsn(betrokkene.Persoon),
                    Adres = AdresVan(melding.Huishouden),
                    Doel = Doel.Veiligheidsbeoordeling,
                }, headers, deadline, ct);
                bevindingen[i].MogelijkBekend = antwoord.Match == MatchUitkomst.Mogelijk;
                bevindingen[i].EldersBekend.AddRange(antwoord.BekendIn
                    .Where(b => b.Regio != eigenRegio)
                    .Select(b => new ElderBekend { Regio = b.Regio, Sinds = b.Sinds, Open = b.Open, Contactpunt = b.Contactpunt }));
            }));
            return (bevindingen, true);
        }
        catch (Exception e) when (e is RpcException or HttpRequestException && !ct.IsCancellationRequested)
        {
            // Status or type only: a message could echo a request.
            LogRegisterOnbereikbaar(logger, e is RpcException rpc ? rpc.StatusCode.ToString() : e.GetType().Name);
            foreach (var bevinding in bevindingen)
            {
                bevinding.EldersBekend.Clear();
                bevinding.MogelijkBekend = false;
            }

            return (bevindingen, false);
        }
    }

    /// <summary>The person data besides the BSN, which the register takes in its own field.</summary>
    private static Common.V1.PersoonIdentiteit ZonderBsn(Common.V1.PersoonIdentiteit persoon)
    {
        var zonder = persoon.Clone();
        zonder.Bsn = "";
        return zonder;
    }

    private static Adres? AdresVan(Huishouden? huishouden) => huishouden is null
        ? null
        : new Adres { Postcode = huishouden.Postcode, Huisnummer = huishouden.Huisnummer, HuisnummerToevoeging = huishouden.Toevoeging };

    /// <summary>Intake's answer; its failures become this service's own status, without intake's message.</summary>
    private async Task<T> AskIntakeAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted)
        {
            LogIntakeFailed(logger, e.StatusCode.ToString());
            throw new RpcException(new Status(StatusCode.Unavailable, "Intake could not be asked for the context; retry later."));
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Cancelled or StatusCode.PermissionDenied or StatusCode.Unauthenticated))
        {
            LogIntakeFailed(logger, e.StatusCode.ToString());
            throw new RpcException(new Status(StatusCode.Internal, "Intake answered the context request with an error."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The register could not be asked for the beoordeling context: {Status}")]
    private static partial void LogRegisterOnbereikbaar(ILogger logger, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake failed the beoordeling context request: {Status}")]
    private static partial void LogIntakeFailed(ILogger logger, string status);
}
