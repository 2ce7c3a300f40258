using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Monitoring.Tests;

public sealed class MonitoringApp() : ServiceApp<Program>("monitoring"), IAsyncLifetime;

[CollectionDefinition(nameof(MonitoringCollection))]
public sealed class MonitoringCollection : ICollectionFixture<MonitoringApp>;
