namespace Veiligthuis.BuildingBlocks.Eventing.Dapr;

public sealed class DaprOptions
{
    public const string Section = "Eventing:Dapr";

    public string PubSubName { get; set; } = "pubsub";

    public string DeadLetterTopic { get; set; } = "deadletter";

    /// <summary>
    /// The Dapr app API token (the sidecar sends it as <c>dapr-api-token</c>); when set, event
    /// deliveries without it are refused, so only the sidecar can post events.
    /// </summary>
    public string? AppApiToken { get; set; }
}
