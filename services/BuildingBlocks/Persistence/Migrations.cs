using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Veiligthuis.BuildingBlocks.Persistence;

/// <summary>One numbered plain-SQL migration, embedded as <c>migrations/NNNN_name.sql</c>.</summary>
public sealed record Migration(string Track, int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// A set of migrations from one assembly, applied as its own track so that the building blocks'
/// tables and a service's tables are numbered independently.
/// </summary>
public sealed record MigrationSource(string Track, Assembly Assembly)
{
    private const string Prefix = "migrations/";

    public IReadOnlyList<Migration> Load()
    {
        var migrations = new List<Migration>();
        foreach (var resource in Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[Prefix.Length..];
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(fileName[..underscore], out var version) || !fileName.EndsWith(".sql", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Migration '{fileName}' is not named NNNN_name.sql.");
            }

            using var stream = Assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(Track, version, fileName[(underscore + 1)..^4], reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Track '{Track}' has two migrations numbered {duplicate.Key}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }
}
