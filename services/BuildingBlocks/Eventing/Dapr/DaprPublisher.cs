using global::Dapr.Client;
using Microsoft.Extensions.Options;

namespace Veiligthuis.BuildingBlocks.Eventing.Dapr;

/// <summary>Publishes through the Dapr sidecar's pub/sub building block (Kubernetes).</summary>
public sealed class DaprPublisher(DaprClient dapr, IOptions<DaprOptions> options) : IEventPublisher
{
    public Task PublishAsync(EventEnvelope envelope, CancellationToken ct) =>
        dapr.PublishByteEventAsync(options.Value.PubSubName, envelope.Topic, CloudEventJson.Serialize(envelope),
            CloudEventJson.ContentType, cancellationToken: ct);
}
