using Google.Rpc;
using Grpc.Core;
using Npgsql;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>Bulk load of a regio's existing files (issue 5): many registrations over one client stream.</summary>
public sealed partial class RegisterService
{
    public const int MaxLaden = 10_000;

    /// <summary>Registrations per transaction of a bulk load (ADR 0026).</summary>
    public const int LaadChunk = 500;

    public override async Task<LaadBetrokkenhedenResponse> LaadBetrokkenheden(IAsyncStreamReader<RegistreerBetrokkenheidRequest> requestStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var bulk = context.GetHttpContext().RequestServices.GetRequiredService<BulkRegistratie>();
        var response = new LaadBetrokkenhedenResponse();
        var chunk = new List<(LaadResultaat Resultaat, RegistreerBetrokkenheid Command)>();
        var requestIds = new HashSet<Guid>();
        var volgnummer = 0;
        var caller = await LaadCallerAsync(context);
        while (await requestStream.MoveNext(ct))
        {
            var request = requestStream.Current;
            var resultaat = new LaadResultaat { Volgnummer = volgnummer, RequestId = request.RequestId };
            response.Resultaten.Add(resultaat);
            if (volgnummer++ == MaxLaden)
            {
                // Reading on would hold the whole stream's results in memory; the client sends the rest anew.
                resultaat.Fouten.Add(new Veldfout { Veld = "stream", Omschrijving = $"At most {MaxLaden} registrations per call." });
                response.Ongeldig++;
                break;
            }

            try
            {
                // An invalid message is refused (and logged) alone and never stops the rest.
                var command = await ValidatedAsync(() => RegisterValidation.Validate(request, Today()), Handeling.Registratie,
                    Doel.Registratie, context, caller);

                // A request id twice in one chunk: the first must be stored before the second can answer as its repeat.
                if (!requestIds.Add(command.RequestId) || chunk.Count == LaadChunk)
                {
                    await LaadAsync(bulk, caller, chunk, response, ct);
                    requestIds = [command.RequestId];
                }

                chunk.Add((resultaat, command));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                var violations = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [];
                resultaat.Fouten.Add(violations.Select(v => new Veldfout { Veld = v.Field, Omschrijving = v.Description }));
                response.Ongeldig++;
            }
        }

        await LaadAsync(bulk, caller, chunk, response, ct);
        return response;
    }

    /// <summary>
    /// Registers a chunk in one transaction; repeats, and a chunk that conflicted with a concurrent call, are registered
    /// one by one as RegistreerBetrokkenheid does, so the outcome never depends on the chunking.
    /// </summary>
    private async Task LaadAsync(BulkRegistratie bulk, Caller caller, List<(LaadResultaat Resultaat, RegistreerBetrokkenheid Command)> chunk,
        LaadBetrokkenhedenResponse response, CancellationToken ct)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        Registratie?[] antwoorden;
        try
        {
            antwoorden = await bulk.RegistreerAsync(caller, [.. chunk.Select(c => c.Command)], ct);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("40", StringComparison.Ordinal))
        {
            // Integrity conflict, deadlock or serialization failure: nothing of the chunk was stored.
            antwoorden = new Registratie?[chunk.Count];
        }

        for (var i = 0; i < chunk.Count; i++)
        {
            chunk[i].Resultaat.Registratie = ToProto(antwoorden[i] ?? await handler.RegistreerAsync(caller, chunk[i].Command, ct));
            response.Geregistreerd++;
        }

        chunk.Clear();
    }
}
