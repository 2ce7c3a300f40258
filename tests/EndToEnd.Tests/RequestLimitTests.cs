using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>The gateway's body limit on the real Kestrel (default 4 MiB), declared and chunked.</summary>
public sealed class RequestLimitTests(Suite suite)
{
    private const int FourMebibytes = 4 * 1024 * 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RestBody_OverFourMebibytes_Is413(bool declaredLength)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, suite.GatewayRest("/api/v1/intake/meldingen"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", suite.Tokens.For(Flow.Utrecht));
        var body = new byte[FourMebibytes + 1];
        Array.Fill(body, (byte)' ');
        request.Content = declaredLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // The gateway answers a declared oversize body without reading it; waiting for 100-continue keeps the
        // client from writing into a connection the server is closing (a broken pipe instead of the 413).
        request.Headers.ExpectContinue = declaredLength;

        using var response = await suite.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>A body whose length the client cannot know, so it is sent chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
