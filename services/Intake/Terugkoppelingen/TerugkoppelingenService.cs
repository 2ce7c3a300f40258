using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Intake.Meldingen;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Terugkoppelingen;

/// <summary>Records and lists the statutory feedback to the melder of a melding (ADR 0021).</summary>
[Authorize(Policy = Policies.Casewerk)]
public sealed partial class TerugkoppelingenService(Database database, TenantContext tenant, TimeProvider clock,
    ILogger<TerugkoppelingenService> logger) : V1.Terugkoppelingen.TerugkoppelingenBase
{
    public override async Task<Terugkoppeling> RegistreerTerugkoppeling(RegistreerTerugkoppelingRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var now = PostgresTime.Truncate(clock.GetUtcNow());
        var violations = new Violations();
        var meldingId = RequestFields.RequireId(request.MeldingId, "melding_id", violations);
        var requestId = RequestFields.RequireId(request.RequestId, "request_id", violations);
        violations.Check(request.GegevenOp is not null, "gegeven_op", "Required.");
        var gegevenOp = request.GegevenOp is { } op ? PostgresTime.Truncate(op.ToDateTimeOffset()) : default;
        violations.Check(gegevenOp <= now, "gegeven_op", "Not in the future.");
        violations.Check(request.Wijze != TerugkoppelingWijze.Onbekend && System.Enum.IsDefined(request.Wijze), "wijze", "Required: a known code.");
        violations.Check(request.Moment != TerugkoppelingMoment.Onbekend && System.Enum.IsDefined(request.Moment), "moment", "Required: a known code.");
        violations.ThrowIfAny();

        await using var uow = await database.BeginAsync(tenant.TenantId, ct);
        // Locked, so the melder cannot be made anonymous between this check and the insert.
        var melding = await MeldingStore.FindForUpdateAsync(uow, meldingId, ct)
            ?? throw new NotFoundException($"Melding {meldingId} not found.");
        if (melding.MelderAnoniem)
        {
            throw new FailedPreconditionException("The melder is anonymous: there is nobody to give a terugkoppeling to.");
        }

        if (gegevenOp < melding.OntvangenOp)
        {
            new Violations().Add("gegeven_op", "Not before the melding was received.").ThrowIfAny();
        }

        var terugkoppeling = new Terugkoppeling
        {
            TerugkoppelingId = Guid.CreateVersion7(now).ToString(),
            MeldingId = meldingId.ToString(),
            GegevenOp = Timestamp.FromDateTimeOffset(gegevenOp),
            Wijze = request.Wijze,
            Moment = request.Moment,
            GeregistreerdDoor = tenant.Actor,
            GeregistreerdOp = Timestamp.FromDateTimeOffset(now),
        };
        var inserted = await uow.ExecuteAsync("""
            INSERT INTO terugkoppeling (terugkoppeling_id, regio, melding_id, request_id, gegeven_op, wijze, moment,
                geregistreerd_door, geregistreerd_op)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT ON CONSTRAINT terugkoppeling_een_per_request DO NOTHING
            """, ct, Guid.Parse(terugkoppeling.TerugkoppelingId), uow.Regio, meldingId, requestId, gegevenOp,
            (int)request.Wijze, (int)request.Moment, tenant.Actor, now);
        if (inserted == 0)
        {
            // The same request again: the terugkoppeling recorded the first time.
            return (await ListAsync(uow, meldingId, requestId, ct)).SingleOrDefault()
                ?? throw new AlreadyExistsException($"Request {requestId} was used for another melding.");
        }

        await uow.CommitAsync(ct);
        LogGeregistreerd(logger, meldingId, request.Moment);
        return terugkoppeling;
    }

    public override async Task<ListTerugkoppelingenResponse> ListTerugkoppelingen(ListTerugkoppelingenRequest request,
        ServerCallContext context)
    {
        var meldingId = RequestFields.RequireId(request.MeldingId, "melding_id");
        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        _ = await MeldingStore.FindAsync(uow, meldingId, context.CancellationToken)
            ?? throw new NotFoundException($"Melding {meldingId} not found.");
        return new ListTerugkoppelingenResponse
        {
            Terugkoppelingen = { await ListAsync(uow, meldingId, null, context.CancellationToken) },
        };
    }

    private static async Task<List<Terugkoppeling>> ListAsync(UnitOfWork uow, Guid meldingId, Guid? requestId, CancellationToken ct)
    {
        await using var command = uow.Command("""
            SELECT terugkoppeling_id, gegeven_op, wijze, moment, geregistreerd_door, geregistreerd_op
            FROM terugkoppeling
            WHERE regio = $1 AND melding_id = $2 AND ($3::uuid IS NULL OR request_id = $3)
            ORDER BY gegeven_op, terugkoppeling_id
            """, uow.Regio, meldingId,
            new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        await using var r = await command.ExecuteReaderAsync(ct);
        var list = new List<Terugkoppeling>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new Terugkoppeling
            {
                TerugkoppelingId = r.GetGuid(0).ToString(),
                MeldingId = meldingId.ToString(),
                GegevenOp = Timestamp.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(1)),
                Wijze = (TerugkoppelingWijze)r.GetInt32(2),
                Moment = (TerugkoppelingMoment)r.GetInt32(3),
                GeregistreerdDoor = r.GetString(4),
                GeregistreerdOp = Timestamp.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(5)),
            });
        }

        return list;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Terugkoppeling recorded for melding {MeldingId} at moment {Moment}")]
    private static partial void LogGeregistreerd(ILogger logger, Guid meldingId, TerugkoppelingMoment moment);
}
