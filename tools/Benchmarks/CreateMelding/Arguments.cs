using System.Globalization;

namespace Veiligthuis.Benchmarks.CreateMelding;

/// <summary><c>--name value</c> pairs.</summary>
public sealed class Arguments(IReadOnlyDictionary<string, string> values)
{
    public static Arguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new Arguments(values);
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int Number(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
