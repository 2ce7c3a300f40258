using System.Globalization;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>The two commands and their arguments; see README.md.</summary>
public static class Cli
{
    private const string Usage = """
        usage: Veiligthuis.Tools.DataGenerator generate --seed <n> --scale <f> [--regios <id|naam>,...] --out <file.jsonl>
               Veiligthuis.Tools.DataGenerator replay --in <file.jsonl> --gateway <url> --signing-key <base64> [--concurrency <n>]
        The signing key may also come from VT_SIGNING_KEY.
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            return Fail("a command is required");
        }

        if (!TryOptions(args.AsSpan(1), out var options, out var problem))
        {
            return Fail(problem);
        }

        string? One(string name) => options.GetValueOrDefault(name);
        return args[0] switch
        {
            "generate" => await GenerateAsync(One, cancellationToken),
            "replay" => await ReplayAsync(One, cancellationToken),
            _ => Fail($"unknown command '{args[0]}'"),
        };
    }

    private static async Task<int> GenerateAsync(Func<string, string?> option, CancellationToken cancellationToken)
    {
        if (!int.TryParse(option("--seed"), CultureInfo.InvariantCulture, out var seed) ||
            !double.TryParse(option("--scale"), CultureInfo.InvariantCulture, out var scale) || scale < 0 || option("--out") is not { } output)
        {
            return Fail("generate needs --seed <int>, --scale <number ≥ 0> and --out <file>");
        }

        List<Regio>? regios = null;
        if (option("--regios") is { } lijst)
        {
            regios = [];
            foreach (var naam in lijst.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Regios.TryParse(naam, out var regio))
                {
                    return Fail($"unknown regio '{naam}'; use a tenant id such as vt-utrecht or a CBS name");
                }

                regios.Add(regio);
            }
        }

        var verzoeken = Generator.Generate(new GeneratorOptions(seed, scale, regios));
        await using (var stream = File.Create(output))
        {
            await JsonLines.WriteAsync(verzoeken, stream, cancellationToken);
        }

        var meldingen = verzoeken.Where(v => v.Melding is not null).ToList();
        var metKinderen = meldingen.Count(v => v.Melding!.Betrokkenen.Any(b => b.Rol == Intake.V1.BetrokkeneRol.Kind));
        await Console.Error.WriteLineAsync(
            $"generate: {meldingen.Count:N0} meldingen ({100.0 * metKinderen / Math.Max(meldingen.Count, 1):F1} % with children), " +
            $"{verzoeken.Count - meldingen.Count:N0} adviezen in {verzoeken.Select(v => v.Regio).Distinct().Count()} regios -> {output}");
        return 0;
    }

    private static async Task<int> ReplayAsync(Func<string, string?> option, CancellationToken cancellationToken)
    {
        var key = option("--signing-key") ?? Environment.GetEnvironmentVariable("VT_SIGNING_KEY");
        if (option("--in") is not { } input || !Uri.TryCreate(option("--gateway") ?? "http://127.0.0.1:5001", UriKind.Absolute, out var gateway) ||
            string.IsNullOrWhiteSpace(key))
        {
            return Fail("replay needs --in <file>, --gateway <url> and --signing-key <base64> (or VT_SIGNING_KEY)");
        }

        var concurrency = int.TryParse(option("--concurrency"), CultureInfo.InvariantCulture, out var c) && c > 0 ? c : 16;
        return await Replay.RunAsync(new ReplayOptions(input, gateway, key, concurrency), Console.Error, cancellationToken);
    }

    private static bool TryOptions(ReadOnlySpan<string> args, out Dictionary<string, string> options, out string problem)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = "";
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                problem = $"unexpected argument '{args[i]}'";
                return false;
            }

            options[args[i]] = args[i + 1];
        }

        return true;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("DataGenerator: " + message);
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
