using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Veiligthuis.BuildingBlocks.Errors;

/// <summary>
/// Turns domain errors into their gRPC status and every unexpected exception into a bare Internal:
/// exception texts may hold data from the request or the database and never reach the caller or the logs.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
            case DomainException domain:
                return new RpcException(new Status(domain.Status, domain.Message));
            case NpgsqlException { IsTransient: true }:
            case TimeoutException:
                LogUnavailable(logger, exception.GetType().Name, context.Method);
                return new RpcException(new Status(StatusCode.Unavailable, "A dependency is unavailable; retry later."));
            default:
                LogUnhandled(logger, exception.GetType().FullName ?? "Exception", context.Method, exception.StackTrace);
                return new RpcException(new Status(StatusCode.Internal, "Internal error."));
        }
    }

    // Type and stack only: exception messages can carry personal data from rows or requests.
    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in {Method} {StackTrace}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string method, string? stackTrace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient {ExceptionType} in {Method}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string method);
}
