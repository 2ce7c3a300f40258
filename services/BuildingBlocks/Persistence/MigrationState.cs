namespace Veiligthuis.BuildingBlocks.Persistence;

/// <summary>Whether this process has applied its migrations; readiness and background workers wait on it.</summary>
public sealed class MigrationState
{
    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsApplied => _applied.Task.IsCompleted;

    public Task WhenAppliedAsync(CancellationToken ct) => _applied.Task.WaitAsync(ct);

    internal void MarkApplied() => _applied.TrySetResult();
}
