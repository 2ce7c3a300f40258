using System.Net;
using Grpc.Health.V1;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

public sealed class HealthTests(Suite suite)
{
    public static TheoryData<string> Hosts => [.. Suite.Hosts];

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Host_IsReadyOnItsHttpPort_AndServingOnItsGrpcPort(string host)
    {
        var process = suite.Processes[host];

        using var ready = await suite.Http.GetAsync(new Uri(process.HttpAddress, "/healthz/ready"));
        var health = await new Health.HealthClient(suite.Channel(process.GrpcAddress))
            .CheckAsync(new HealthCheckRequest { Service = "" }, deadline: Suite.Deadline());

        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{host} /healthz/ready answered {(int)ready.StatusCode}.");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.False(process.HasExited, process.Describe());
    }
}
