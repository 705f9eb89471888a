using Hybrid.Edge.Uplink;

namespace Hybrid.UnitTests.Uplink;

/// <summary>
/// A preparer whose work does not start until <see cref="Release"/>: the uplink's low-priority thread on a machine whose
/// cores are all busy.
/// </summary>
internal sealed class HeldPreparer : IBatchPreparer
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _work = [];
    private readonly Lock _lock = new();

    /// <summary>Preparations handed over so far.</summary>
    public int Started
    {
        get
        {
            lock (_lock)
            {
                return _work.Count;
            }
        }
    }

    public Task<T> RunAsync<T>(Func<Task<T>> prepare)
    {
        var work = _release.Task.ContinueWith(_ => prepare(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        lock (_lock)
        {
            _work.Add(work);
        }

        return work;
    }

    public void Release() => _release.TrySetResult();

    /// <summary>Waits until every preparation handed over has finished, however it ended.</summary>
    public async Task FinishedAsync()
    {
        Task[] work;
        lock (_lock)
        {
            work = [.. _work];
        }

        await Task.WhenAll(work).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose() => Release();
}
