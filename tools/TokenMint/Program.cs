using Veiligthuis.BuildingBlocks.Security;

// Mints a development token for the local stack: the development issuer's key signs it, so only
// services configured with the same Auth:SigningKey accept it.
const string Usage = """
    usage: Veiligthuis.TokenMint --regio <tenant id> [--role <role>]... --signing-key <base64>
                                 [--subject <id>] [--lifetime-minutes <n>] [--issuer <iss>] [--audience <aud>]
    The signing key may also come from VT_SIGNING_KEY. Roles: 
    """ + "medewerker, gedragswetenschapper, vertrouwensarts, teamleider, beleidsmedewerker, register-client, beheerder";

var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        return Fail($"unexpected argument '{args[i]}'");
    }

    if (!options.TryGetValue(args[i], out var values))
    {
        options[args[i]] = values = [];
    }

    values.Add(args[++i]);
}

string? One(string name) => options.TryGetValue(name, out var v) ? v[^1] : null;

var regio = One("--regio");
if (!Regios.TryParse(regio, out var parsed))
{
    return Fail("--regio must be one of: " + string.Join(", ", Regios.AllTenantIds.Order()));
}

var roles = options.TryGetValue("--role", out var r) ? r : [Roles.Medewerker];
var unknown = roles.Where(role => !Roles.All.Contains(role)).ToList();
if (unknown.Count > 0)
{
    return Fail("unknown role(s): " + string.Join(", ", unknown));
}

var key = One("--signing-key") ?? Environment.GetEnvironmentVariable("VT_SIGNING_KEY");
if (string.IsNullOrWhiteSpace(key))
{
    return Fail("--signing-key (or VT_SIGNING_KEY) is required");
}

var lifetime = TimeSpan.FromMinutes(int.TryParse(One("--lifetime-minutes"), out var minutes) && minutes > 0 ? minutes : 480);
Console.WriteLine(DevelopmentTokens.Create(
    key, Regios.ToTenantId(parsed), roles, One("--subject") ?? "dev-" + Guid.NewGuid().ToString("N")[..12],
    DateTimeOffset.UtcNow, lifetime, One("--issuer") ?? "veiligthuis-dev", One("--audience") ?? "veiligthuis"));
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("TokenMint: " + message);
    Console.Error.WriteLine(Usage);
    return 2;
}
