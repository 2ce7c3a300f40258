using System.Globalization;

namespace Veiligthuis.Gateway.Routing;

/// <summary>Answers the gateway gives by itself to a gRPC or gRPC-Web call: trailers-only, the status in the headers.</summary>
public static class GrpcStatusResponse
{
    public const int InvalidArgument = 3;
    public const int ResourceExhausted = 8;

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// HTTP 200 with <c>grpc-status</c>, <c>grpc-message</c> and, when given, <c>grpc-status-details-bin</c>
    /// (a serialized <c>google.rpc.Status</c>). A gRPC-Web caller gets its own content type back.
    /// </summary>
    public static void WriteTrailersOnly(HttpContext context, int code, string message, byte[]? details = null)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentTypeFor(context.Request.ContentType ?? "");
        response.Headers["grpc-status"] = code.ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        if (details is not null)
        {
            response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(details).TrimEnd('=');
        }
    }

    private static string ContentTypeFor(string requestContentType) =>
        requestContentType.StartsWith(GrpcWebTranslation.GrpcWebTextContentType, StringComparison.OrdinalIgnoreCase) ? GrpcWebTranslation.GrpcWebTextContentType
        : requestContentType.StartsWith(GrpcWebTranslation.GrpcWebContentType, StringComparison.OrdinalIgnoreCase) ? GrpcWebTranslation.GrpcWebContentType
        : "application/grpc";
}
