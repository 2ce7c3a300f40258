using Google.Protobuf;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Triage.Tests;

public sealed class TriageApp() : ServiceApp<Program>("triage"), IAsyncLifetime
{
    public Task PublishAsync(EventEnvelope envelope) => TestEvents.PublishAsync(RedisConnection, StreamPrefix, envelope);
}

[CollectionDefinition(nameof(TriageCollection))]
public sealed class TriageCollection : ICollectionFixture<TriageApp>;
