using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class GatewayConfigurationTests
{
    [Theory]
    [InlineData("Grpc", "not an address")]
    [InlineData("Grpc", "intake:5110")]
    [InlineData("Http", "/api/intake")]
    [InlineData("Http", "127.0.0.1:5111")]
    [InlineData("Grpc", "ftp://intake:5110")]
    [InlineData("Http", "")]
    public void Start_WithBackendWithoutValidAbsoluteAddress_FailsNamingTheSetting(string port, string address)
    {
        using var app = new GatewayApp();
        app.Settings[$"Services:intake:{port}"] = address;

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var invalid = Innermost<InvalidOperationException>(error);
        Assert.NotNull(invalid);
        Assert.Contains($"Services:intake:{port}", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("absolute http:// or https:// address", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithBackendMissingItsHttpAddress_FailsNamingTheSetting()
    {
        using var app = new GatewayApp();
        app.Settings["Services:wachtrij:Grpc"] = "http://127.0.0.1:5999";

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Services:wachtrij:Http", Innermost<InvalidOperationException>(error)?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway:RateLimit:PermitsPerWindow", "10", "ConnectionStrings:redis")]
    [InlineData("Gateway:MaxRequestBodyBytes", "0", "Gateway:MaxRequestBodyBytes")]
    [InlineData("Gateway:RestTimeout", "00:00:00", "Gateway:RestTimeout")]
    public void Start_WithInvalidLimit_FailsNamingTheSetting(string key, string value, string named)
    {
        using var app = new GatewayApp();
        app.Settings[key] = value;

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(named, Innermost<InvalidOperationException>(error)?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithValidBackends_Succeeds()
    {
        using var app = new GatewayApp();

        using var client = app.CreateClient();

        Assert.NotNull(client);
    }

    /// <summary>The InvalidOperationException in the chain that the host wraps the start-up failure in.</summary>
    private static InvalidOperationException? Innermost<T>(Exception? e) where T : InvalidOperationException
    {
        InvalidOperationException? found = null;
        for (; e is not null; e = e.InnerException)
        {
            if (e is InvalidOperationException invalid)
            {
                found = invalid;
            }
        }

        return found;
    }
}
