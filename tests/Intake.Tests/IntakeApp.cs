using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

public sealed class IntakeApp() : ServiceApp<Program>("intake"), IAsyncLifetime;

[CollectionDefinition(nameof(IntakeCollection))]
public sealed class IntakeCollection : ICollectionFixture<IntakeApp>;
