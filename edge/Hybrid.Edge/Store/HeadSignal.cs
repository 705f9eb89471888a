namespace Hybrid.Edge.Store;

/// <summary>
/// Tells waiting sinks that a commit moved a lane's head: the writer signals, sinks wait. A fresh task per signal,
/// so a waiter that took <see cref="Changed"/> before checking the heads cannot miss a commit in between.
/// </summary>
internal sealed class HeadSignal
{
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Completes at the next commit that moved a lane's head.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Wakes everyone waiting on <see cref="Changed"/>.</summary>
    public void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
