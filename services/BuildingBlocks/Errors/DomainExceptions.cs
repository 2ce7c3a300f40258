using Grpc.Core;

namespace Veiligthuis.BuildingBlocks.Errors;

/// <summary>
/// Errors a use case raises on purpose. Their messages reach the caller, so they carry identifiers
/// and codes only, never personal data.
/// </summary>
public abstract class DomainException(StatusCode status, string message) : Exception(message)
{
    public StatusCode Status { get; } = status;
}

public sealed class NotFoundException(string message) : DomainException(StatusCode.NotFound, message);

public sealed class PermissionDeniedException(string message) : DomainException(StatusCode.PermissionDenied, message);

public sealed class FailedPreconditionException(string message) : DomainException(StatusCode.FailedPrecondition, message);

public sealed class AlreadyExistsException(string message) : DomainException(StatusCode.AlreadyExists, message);
