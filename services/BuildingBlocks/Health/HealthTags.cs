namespace Veiligthuis.BuildingBlocks.Health;

public static class HealthTags
{
    /// <summary>Checks that decide readiness: dependencies this service cannot serve without.</summary>
    public const string Ready = "ready";
}
