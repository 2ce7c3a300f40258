using Microsoft.Extensions.Options;
using Xunit;

namespace Veiligthuis.Register.Tests;

public sealed class StartupTests
{
    [Fact]
    public async Task Start_WithAWeakBsnKey_FailsNamingTheSetting()
    {
        await using var app = new WeakKeyRegisterApp();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.InitializeAsync().AsTask());

        Assert.Contains("Register:BsnHmacKeys", error.Message, StringComparison.Ordinal);
    }
}
