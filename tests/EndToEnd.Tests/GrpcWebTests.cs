using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>Browsers call over gRPC-Web on the gateway's HTTP/1.1 port; the gateway speaks gRPC to the backend.</summary>
public sealed class GrpcWebTests(Suite suite)
{
    public static TheoryData<GrpcWebMode> Modes => [GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CreateMelding_OverGrpcWebWithToken_CreatesIt(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(mode);
        var request = TestMeldingen.Valid();

        var melding = await new Meldingen.MeldingenClient(channel).CreateMeldingAsync(
            request, Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline());

        Assert.True(Guid.TryParse(melding.MeldingId, out _), $"'{melding.MeldingId}' is not a UUID.");
        Assert.Equal(request.Aard, melding.Aard);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CreateMelding_OverGrpcWebWithoutToken_IsUnauthenticated(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(mode);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Meldingen.MeldingenClient(channel).CreateMeldingAsync(
            TestMeldingen.Valid(), deadline: Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task GetMelding_OverGrpcWebForUnknownId_CarriesBackendStatusInTrailers(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(mode);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Meldingen.MeldingenClient(channel).GetMeldingAsync(
            new GetMeldingRequest { MeldingId = Guid.NewGuid().ToString() }, Auth.Bearer(suite.Tokens.For(Flow.Utrecht)), Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    /// <summary>
    /// A browser may send the text body as several base64 runs, each padded (one per flush); the answer
    /// is base64 too, the message frame and then the trailer frame with grpc-status 0.
    /// </summary>
    [Fact]
    public async Task CreateMelding_OverGrpcWebTextInPaddedRuns_IsDecodedAndAnsweredInBase64()
    {
        var message = TestMeldingen.Valid().ToByteArray();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        // Split where neither part is a multiple of 3 bytes long: both runs end in padding.
        var split = frame.Length % 3 == 1 ? 4 : 5;
        var text = Convert.ToBase64String(frame, 0, split) + Convert.ToBase64String(frame, split, frame.Length - split);
        Assert.Contains("=", text[..^1], StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, suite.GatewayRest("/veiligthuis.intake.v1.Meldingen/CreateMelding"))
        {
            Content = new StringContent(text, System.Text.Encoding.ASCII, "application/grpc-web-text"),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc-web-text");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", suite.Tokens.For(Flow.Utrecht));
        request.Headers.Add("x-grpc-web", "1");

        using var response = await suite.Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc-web-text", response.Content.Headers.ContentType?.MediaType);
        var body = DecodeRuns(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, body[0]);
        var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        var melding = Melding.Parser.ParseFrom(body, 5, length);
        Assert.True(Guid.TryParse(melding.MeldingId, out _));
        var trailerFrame = body.AsSpan(5 + length);
        Assert.Equal(0x80, trailerFrame[0]);
        Assert.Matches(@"(?m)^grpc-status:\s*0\r$", System.Text.Encoding.ASCII.GetString(trailerFrame[5..]));
    }

    private static byte[] DecodeRuns(string text)
    {
        var bytes = new List<byte>();
        var start = 0;
        for (var i = 0; i < text.Length; i += 4)
        {
            if (text[i + 3] == '=' || i + 4 == text.Length)
            {
                bytes.AddRange(Convert.FromBase64String(text[start..(i + 4)]));
                start = i + 4;
            }
        }

        return [.. bytes];
    }

    private GrpcChannel GrpcWebChannel(GrpcWebMode mode) =>
        GrpcChannel.ForAddress(suite.Gateway.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
}
