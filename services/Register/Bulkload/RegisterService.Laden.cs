using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>Bulk load of a regio's existing files (issue 5): many registrations over one client stream.</summary>
public sealed partial class RegisterService
{
    public const int MaxLaden = 10_000;

    public override async Task<LaadBetrokkenhedenResponse> LaadBetrokkenheden(IAsyncStreamReader<RegistreerBetrokkenheidRequest> requestStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var response = new LaadBetrokkenhedenResponse();
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
                // Each message is its own registration: validated, logged (also when refused) and committed alone.
                var command = await ValidatedAsync(() => RegisterValidation.Validate(request, Today()), Handeling.Registratie,
                    Doel.Registratie, context, caller);
                resultaat.Registratie = ToProto(await handler.RegistreerAsync(caller, command, ct));
                response.Geregistreerd++;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                var violations = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [];
                resultaat.Fouten.Add(violations.Select(v => new Veldfout { Veld = v.Field, Omschrijving = v.Description }));
                response.Ongeldig++;
            }
        }

        return response;
    }
}
