using Grpc.Core;
using Microsoft.Extensions.Logging;
using Veiligthuis.BuildingBlocks.Errors;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Errors;

public sealed class ErrorInterceptorTests
{
    private const string FakeBsn = "123456782";
    private readonly CapturingLogger _logger = new();

    [Theory]
    [InlineData("not-found", StatusCode.NotFound)]
    [InlineData("permission-denied", StatusCode.PermissionDenied)]
    [InlineData("failed-precondition", StatusCode.FailedPrecondition)]
    [InlineData("already-exists", StatusCode.AlreadyExists)]
    public async Task Unary_DomainException_MapsToItsStatusWithItsMessage(string kind, StatusCode expected)
    {
        var message = $"Melding {Guid.NewGuid()} ({kind}).";
        Exception exception = kind switch
        {
            "not-found" => new NotFoundException(message),
            "permission-denied" => new PermissionDeniedException(message),
            "failed-precondition" => new FailedPreconditionException(message),
            _ => new AlreadyExistsException(message),
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => UnaryAsync(exception));

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task Unary_UnexpectedException_IsInternalWithoutItsMessageInStatusOrLog()
    {
        var exception = new InvalidOperationException($"duplicate key value violates unique constraint: (bsn)=({FakeBsn})");

        var error = await Assert.ThrowsAsync<RpcException>(() => UnaryAsync(exception));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("Internal error.", error.Status.Detail);
        Assert.DoesNotContain(FakeBsn, error.Message, StringComparison.Ordinal);
        Assert.Empty(error.Trailers);
        var logged = Assert.Single(_logger.Messages);
        Assert.Contains(nameof(InvalidOperationException), logged, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBsn, logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_RpcException_PassesUnchanged()
    {
        var original = new RpcException(new Status(StatusCode.InvalidArgument, "Invalid fields: aard."), [new("x-test", "1")]);

        var error = await Assert.ThrowsAsync<RpcException>(() => UnaryAsync(original));

        Assert.Same(original, error);
    }

    [Fact]
    public async Task Unary_TimeoutException_IsUnavailable()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => UnaryAsync(new TimeoutException($"timeout for {FakeBsn}")));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.DoesNotContain(FakeBsn, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_CancelledCall_IsCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            UnaryAsync(new OperationCanceledException(cancelled.Token), new TestServerCallContext(cancelled.Token)));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task Unary_Success_ReturnsTheResponse()
    {
        var interceptor = new ErrorInterceptor(_logger);

        var response = await interceptor.UnaryServerHandler<string, string>(
            "request", new TestServerCallContext(), (request, _) => Task.FromResult(request + "-response"));

        Assert.Equal("request-response", response);
    }

    [Fact]
    public async Task ServerStreaming_DomainException_MapsToItsStatus()
    {
        var interceptor = new ErrorInterceptor(_logger);

        var error = await Assert.ThrowsAsync<RpcException>(() => interceptor.ServerStreamingServerHandler<string, string>(
            "request", null!, new TestServerCallContext(), (_, _, _) => throw new NotFoundException("Dossier not found.")));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("Dossier not found.", error.Status.Detail);
    }

    private Task<string> UnaryAsync(Exception exception, ServerCallContext? context = null) =>
        new ErrorInterceptor(_logger).UnaryServerHandler<string, string>(
            "request", context ?? new TestServerCallContext(), (_, _) => throw exception);

    /// <summary>Keeps every formatted log message, to check that none carries personal data.</summary>
    private sealed class CapturingLogger : ILogger<ErrorInterceptor>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages => _messages;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            _messages.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
