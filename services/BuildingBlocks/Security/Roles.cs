namespace Veiligthuis.BuildingBlocks.Security;

/// <summary>Roles carried by tokens (architecture.md §6) and the policies built from them.</summary>
public static class Roles
{
    public const string Medewerker = "medewerker";
    public const string Gedragswetenschapper = "gedragswetenschapper";
    public const string Vertrouwensarts = "vertrouwensarts";
    public const string Teamleider = "teamleider";
    public const string Beleidsmedewerker = "beleidsmedewerker";
    public const string RegisterClient = "register-client";
    public const string Beheerder = "beheerder";

    public static readonly string[] All =
        [Medewerker, Gedragswetenschapper, Vertrouwensarts, Teamleider, Beleidsmedewerker, RegisterClient, Beheerder];
}

public static class Policies
{
    /// <summary>Caseworkers of one regio: they read and write their regio's files.</summary>
    public const string Casewerk = "casewerk";

    /// <summary>Management information of one regio.</summary>
    public const string Beleidsinformatie = "beleidsinformatie";

    /// <summary>Regional systems calling the national register.</summary>
    public const string RegisterClient = "register-client";
}

public static class VeiligthuisClaims
{
    public const string Regio = "regio";
    public const string Role = "role";
    public const string Subject = "sub";
}
