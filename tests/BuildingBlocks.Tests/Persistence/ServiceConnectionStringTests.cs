using Npgsql;
using Veiligthuis.BuildingBlocks.Persistence;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Persistence;

/// <summary>The pool settings every service connects with, and a connection string's own word over them.</summary>
public sealed class ServiceConnectionStringTests
{
    private const string Plain = "Host=127.0.0.1;Port=5432;Username=intake;Database=intake";

    [Fact]
    public void PlainConnectionString_GetsNoResetOnCloseAndAutoPrepare()
    {
        var settings = new NpgsqlConnectionStringBuilder(PersistenceExtensions.ServiceConnectionString(Plain));

        Assert.True(settings.NoResetOnClose);
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.Equal("intake", settings.Database);
    }

    [Theory]
    [InlineData(Plain + ";No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData(Plain + ";noresetonclose=false;maxautoprepare=0")]
    public void ExplicitSettings_AreKept(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(PersistenceExtensions.ServiceConnectionString(connectionString));

        Assert.False(settings.NoResetOnClose);
        Assert.Equal(0, settings.MaxAutoPrepare);
    }
}
