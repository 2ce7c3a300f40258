using System.Net;
using Grpc.Core;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>The gateway refuses callers without a valid token and gives every call a request id.</summary>
public sealed class EdgeSecurityTests(Suite suite)
{
    private const string RequestIdHeader = "x-request-id";

    public static TheoryData<string> Refused => ["none", "expired", "forged"];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task CreateMelding_OverGrpcWithoutValidToken_IsUnauthenticated(string token)
    {
        var headers = Token(token) is { } t ? Auth.Bearer(t) : [];

        var error = await Assert.ThrowsAsync<RpcException>(() => Flow.Meldingen(suite).CreateMeldingAsync(
            TestMeldingen.Valid(), headers, Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task RestCalls_WithoutValidToken_Are401(string token)
    {
        using var create = await Flow.RestAsync(suite, HttpMethod.Post, "/api/v1/intake/meldingen", Token(token), "{}");
        using var werkitem = await Flow.RestAsync(suite, HttpMethod.Get, $"/api/v1/triage/meldingen/{Guid.NewGuid()}/werkitem", Token(token));

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, werkitem.StatusCode);
        Assert.Equal("", await create.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RestResponse_WithoutRequestId_CarriesGeneratedUuid(bool authenticated)
    {
        using var response = await Flow.RestAsync(suite, HttpMethod.Get, $"/api/v1/intake/meldingen/{Guid.NewGuid()}",
            authenticated ? suite.Tokens.For(Flow.Utrecht) : null);

        var requestId = Assert.Single(response.Headers.GetValues(RequestIdHeader));
        Assert.True(Guid.TryParse(requestId, out var id) && id != Guid.Empty, $"'{requestId}' is not a UUID.");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RestResponse_WithRequestId_EchoesIt(bool authenticated)
    {
        var requestId = "e2e-" + Guid.NewGuid().ToString("N");

        using var response = await Flow.RestAsync(suite, HttpMethod.Get, $"/api/v1/intake/meldingen/{Guid.NewGuid()}",
            authenticated ? suite.Tokens.For(Flow.Utrecht) : null, requestId: requestId);

        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues(RequestIdHeader)));
    }

    [Fact]
    public async Task GrpcResponse_EchoesGivenRequestIdOrCarriesGeneratedUuid()
    {
        var token = suite.Tokens.For(Flow.Utrecht);
        var given = "e2e-" + Guid.NewGuid().ToString("N");

        using var echoed = Flow.Meldingen(suite).CreateMeldingAsync(
            TestMeldingen.Valid(), new Metadata { { "Authorization", "Bearer " + token }, { RequestIdHeader, given } }, Suite.Deadline());
        using var generated = Flow.Meldingen(suite).CreateMeldingAsync(TestMeldingen.Valid(), Auth.Bearer(token), Suite.Deadline());
        await Task.WhenAll(echoed.ResponseAsync, generated.ResponseAsync);

        Assert.Equal(given, (await echoed.ResponseHeadersAsync).GetValue(RequestIdHeader));
        Assert.True(Guid.TryParse((await generated.ResponseHeadersAsync).GetValue(RequestIdHeader), out _));
    }

    private string? Token(string kind) => kind switch
    {
        "expired" => suite.Tokens.Expired(Flow.Utrecht),
        "forged" => TestTokens.WronglySigned(Flow.Utrecht),
        _ => null,
    };
}
