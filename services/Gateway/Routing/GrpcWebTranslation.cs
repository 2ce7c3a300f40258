using System.Buffers.Text;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Http.Features;

namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// gRPC-Web for browsers on the HTTP/1.1 port. Grpc.AspNetCore.Web's middleware, enabled for every
/// request (proxy routes carry no <c>EnableGrpcWeb</c> metadata), turns a gRPC-Web call into a gRPC call
/// in place: content type <c>application/grpc</c>, protocol HTTP/2, and the trailers YARP copies from
/// the backend written back as the gRPC-Web trailer frame. YARP then forwards it like any gRPC call,
/// over h2c to the backend's gRPC port.
/// </summary>
/// <remarks>
/// <c>application/grpc-web-text</c> is translated to binary gRPC-Web here, before that middleware:
/// its base64 reader stops working when read to the end (as a proxy must read a body), and its base64
/// writer fails on the large writes a proxy makes. So the request body is decoded here and the response
/// is encoded here, and the middleware only ever sees binary gRPC-Web.
/// </remarks>
public static class GrpcWebTranslation
{
    public const string GrpcWebContentType = "application/grpc-web";
    public const string GrpcWebTextContentType = "application/grpc-web-text";

    public static WebApplication UseGrpcWebTranslation(this WebApplication app)
    {
        // Base64 is 4 characters for every 3 bytes; the decoded body is bounded like any other.
        var maxTextLength = (RequestLimits.Read(app.Configuration).MaxRequestBodyBytes / 3 * 4) + 4;
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.ContentType is not { } contentType
                || !contentType.StartsWith(GrpcWebTextContentType, StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            Stream? decoded;
            try
            {
                decoded = await DecodedTextBodyAsync(request.Body, maxTextLength, context.RequestAborted);
            }
            catch (FormatException)
            {
                GrpcStatusResponse.WriteTrailersOnly(context, GrpcStatusResponse.InvalidArgument, "The gRPC-Web text body is not base64.");
                return;
            }

            if (decoded is null)
            {
                GrpcStatusResponse.WriteTrailersOnly(context, GrpcStatusResponse.ResourceExhausted, RequestLimits.TooLarge);
                return;
            }

            request.Body = decoded;
            // Read already and bounded above: YARP may lift the limit (as it does for gRPC) without a warning.
            context.Features.Set<IHttpMaxRequestBodySizeFeature>(new BufferedBodySize());
            request.ContentLength = request.Body.Length;
            request.ContentType = GrpcWebContentType + contentType[GrpcWebTextContentType.Length..];
            request.Headers.Accept = GrpcWebContentType;

            var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            await using var encoder = new Base64EncodingStream(original.Stream);
            context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(encoder, original));
            // Registered before the gRPC-Web middleware's callback, so it runs after it and wins.
            context.Response.OnStarting(() =>
            {
                context.Response.ContentType = GrpcWebTextContentType;
                return Task.CompletedTask;
            });
            try
            {
                await next(context);
                await encoder.FlushAsync(context.RequestAborted);
            }
            finally
            {
                context.Features.Set(original);
            }
        });
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }

    /// <summary>
    /// The whole -text body, decoded. It may be several base64 runs one after the other, each with its
    /// own padding (a client flushes per message).
    /// </summary>
    /// <returns>The decoded body, or null when the text is longer than <paramref name="maxTextLength"/>.</returns>
    /// <exception cref="FormatException">The text is not base64.</exception>
    private static async Task<Stream?> DecodedTextBodyAsync(Stream raw, long maxTextLength, CancellationToken cancellationToken)
    {
        var text = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await raw.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (text.Length + read > maxTextLength)
            {
                return null;
            }

            text.Write(buffer, 0, read);
        }

        var chars = System.Text.Encoding.ASCII.GetString(text.GetBuffer(), 0, (int)text.Length)
            .Where(c => !char.IsWhiteSpace(c)).ToArray();
        if (chars.Length % 4 != 0)
        {
            throw new FormatException("The gRPC-Web text body is not base64.");
        }

        var decoded = new MemoryStream();
        var runStart = 0;
        for (var i = 0; i < chars.Length; i += 4)
        {
            // A quantum that ends in padding ends a run.
            if (chars[i + 3] == '=' || i + 4 == chars.Length)
            {
                decoded.Write(Convert.FromBase64CharArray(chars, runStart, i + 4 - runStart));

                runStart = i + 4;
            }
        }

        decoded.Position = 0;
        return decoded;
    }

    private sealed class BufferedBodySize : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; }
    }

    /// <summary>
    /// Base64 of everything written, in whole 3-byte groups; a flush writes the rest with padding, so
    /// each streamed message reaches the browser at once (clients accept padded runs one after another).
    /// </summary>
    private sealed class Base64EncodingStream(Stream inner) : Stream
    {
        private readonly byte[] _pending = new byte[2];
        private int _pendingCount;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return;
            }

            var input = new byte[_pendingCount + buffer.Length];
            _pending.AsSpan(0, _pendingCount).CopyTo(input);
            buffer.Span.CopyTo(input.AsSpan(_pendingCount));
            var whole = input.Length / 3 * 3;
            _pendingCount = input.Length - whole;
            input.AsSpan(whole).CopyTo(_pending);
            if (whole > 0)
            {
                await inner.WriteAsync(Encode(input.AsSpan(0, whole)), cancellationToken);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pendingCount > 0)
            {
                var rest = Encode(_pending.AsSpan(0, _pendingCount));
                _pendingCount = 0;
                await inner.WriteAsync(rest, cancellationToken);
            }

            await inner.FlushAsync(cancellationToken);
        }

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private static byte[] Encode(ReadOnlySpan<byte> bytes)
        {
            var encoded = new byte[Base64.GetMaxEncodedToUtf8Length(bytes.Length)];
            Base64.EncodeToUtf8(bytes, encoded, out _, out var written);
            return encoded[..written];
        }
    }
}
