using System.Collections.Concurrent;
using Hybrid.Edge.Hosting;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// One thread of its own, <see cref="NiceIncrement"/> nice levels below the agent, on which the uplink prepares its next
/// batch (store read, JSON, gzip: ≈ 4 ms of CPU per 1,000 readings) while the current one is on the wire. That work is
/// never urgent, since its batch goes out only once the current one is answered, and at the agent's own priority it took
/// a core from whatever was urgent right then: capture and the store's writer on a Pi, the Function and the storage
/// emulator on a machine that runs them all. Measured on such a machine (2 cores, 1,000,000-reading drain): the
/// request reached the Function 1.35 ms after it was sent on average at the same priority, 0.85 ms at nice +10.
/// On a thread-pool thread the priority could not be lowered (Linux cannot raise it back for the next work item).
/// When every core is busy the thread may not finish in time; the uplink then does not wait for it (see
/// <see cref="UplinkSink"/>).
/// </summary>
internal sealed class BatchPreparationThread : IBatchPreparer
{
    /// <summary>How far below the agent the thread runs; a busy nice-0 thread gets ≈ 9 times its CPU, so it is slowed, never stopped.</summary>
    public const int NiceIncrement = 10;

    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public BatchPreparationThread()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "uplink prepare" };
        _thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="prepare"/> on the thread, one preparation at a time and in order: the thread waits for it to
    /// finish. What follows an await that does not complete at once (the store's reader gate, when another sink
    /// operation holds it) runs on a thread-pool thread at the agent's priority.
    /// </summary>
    public Task<T> RunAsync<T>(Func<Task<T>> prepare)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(prepare().GetAwaiter().GetResult());
            }
            catch (OperationCanceledException ex)
            {
                done.SetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    /// <summary>Lets the queued work finish, then ends the thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }

    private void Run()
    {
        // Where the priority cannot be lowered (not Linux) the work simply runs at the agent's.
        _ = ThreadNiceness.LowerCurrentThread(NiceIncrement);
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
