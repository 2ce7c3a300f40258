using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Monitoring.Tests;

public sealed class MonitoringApp() : ServiceApp<Program>("monitoring"), IAsyncLifetime
{
    public Task PublishAsync(EventEnvelope envelope) => TestEvents.PublishAsync(RedisConnection, StreamPrefix, envelope);
}

[CollectionDefinition(nameof(MonitoringCollection))]
public sealed class MonitoringCollection : ICollectionFixture<MonitoringApp>;
