using System.Globalization;
using Grpc.Net.Client;
using Veiligthuis.BuildingBlocks.Security;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>
/// Bulk import of a regio's existing files into the register (issue 5, ADR 0022), and the matching-quality
/// benchmark that runs through the same import. An explicit entry point: a top-level Program would be public
/// and clash with the register's in the test project.
/// </summary>
internal static class RegisterImportCommand
{
    public static async Task<int> Main(string[] args)
    {
        const string Usage = """
            usage: Veiligthuis.Tools.RegisterImport laad <file.csv> [--uit <result.csv>] [options]
                   Veiligthuis.Tools.RegisterImport kwaliteit [--personen <n>] [--herhalingen <percent>] [--nieuw <n>] [--seed <n>]
                                                              [--map <dir>] [options]
            options: --register <url>        the register's gRPC endpoint (default http://127.0.0.1:5120)
                     --token <jwt>           a register-client token (or VT_TOKEN); with role beheerder it loads every regio
                     --signing-key <base64>  development only (or VT_SIGNING_KEY): mint a register-client + beheerder token
                     --parallel <n>          calls in flight (default 2)
            laad writes registratie_id,persoon_id,huishouden_id,uitkomst to --uit (default: stdout) and a summary to stderr;
            exit code 0 when every row was registered, 1 when some rows were not, 2 on a usage or file error.
            """;

        if (args.Length == 0 || args[0] is not ("laad" or "kwaliteit"))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var opties = new Dictionary<string, string>(StringComparer.Ordinal);
        var posities = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                opties[args[i]] = args[++i];
            }
            else
            {
                posities.Add(args[i]);
            }
        }

        string? Optie(string naam, string? env = null) =>
            opties.TryGetValue(naam, out var v) ? v : env is null ? null : Environment.GetEnvironmentVariable(env);
        int Getal(string naam, int standaard) =>
            opties.TryGetValue(naam, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : standaard;

        var token = Optie("--token", "VT_TOKEN");
        if (token is null && Optie("--signing-key", "VT_SIGNING_KEY") is { } sleutel)
        {
            token = DevelopmentTokens.Create(sleutel, Optie("--regio") ?? "vt-utrecht", [Roles.RegisterClient, Roles.Beheerder],
                "registerimport-" + Environment.UserName, DateTimeOffset.UtcNow, TimeSpan.FromHours(8));
        }

        if (token is null)
        {
            Console.Error.WriteLine("RegisterImport: --token (or VT_TOKEN) or, for development, --signing-key is required.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var channel = GrpcChannel.ForAddress(Optie("--register") ?? "http://127.0.0.1:5120",
            new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        var importeur = new Importeur(new Veiligthuis.Register.V1.Register.RegisterClient(channel), new TokenBron(token))
        {
            Gelijktijdig = Getal("--parallel", 2),
        };
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            if (args[0] == "kwaliteit")
            {
                var kwaliteit = new Kwaliteit(importeur, Getal("--personen", 20_000), Getal("--herhalingen", 30) / 100.0,
                    Getal("--nieuw", 1_000), Getal("--seed", 5), Optie("--map") ?? Path.Combine(Path.GetTempPath(), "registerimport-kwaliteit"));
                await kwaliteit.RunAsync(Console.Out, cts.Token);
                return 0;
            }

            if (posities.Count != 1)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }

            ImportResultaat resultaat;
            using (var bestand = new StreamReader(posities[0], System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            {
                resultaat = await importeur.ImporteerAsync(bestand, Voortgang.VoorStderr(), cts.Token);
            }

            var uit = Optie("--uit");
            await using (var schrijver = uit is null ? Console.Out : new StreamWriter(uit))
            {
                await Resultaatbestand.SchrijfAsync(resultaat, schrijver);
            }

            Resultaatbestand.Samenvatting(resultaat, Console.Error);
            return resultaat.Fouten.Count == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("RegisterImport: " + e.Message);
            return 2;
        }
        catch (Grpc.Core.RpcException e)
        {
            // Unavailable, a deadline, an internal error: what was loaded stays loaded, and running the file again
            // registers nothing twice.
            Console.Error.WriteLine($"RegisterImport: the register failed ({e.StatusCode}); run the same file again to resume.");
            return 2;
        }
    }
}
