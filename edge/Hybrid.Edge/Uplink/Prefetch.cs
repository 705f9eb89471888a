namespace Hybrid.Edge.Uplink;

/// <summary>
/// The next batch, being prepared into <see cref="Writer"/> (the buffer the batch on the wire does not use) while the
/// current one is on the wire. One that is not ready when its turn comes is abandoned: cancelled, its outcome dropped,
/// and its buffer left alone until it has finished.
/// </summary>
internal sealed class Prefetch : IDisposable
{
    private readonly CancellationTokenSource _cancel;

    public Prefetch(IBatchPreparer preparer, BatchBodyWriter writer, Func<CancellationToken, Task<PreparedBatch?>> prepare, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(preparer);
        ArgumentNullException.ThrowIfNull(prepare);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var token = _cancel.Token;
        Writer = writer;
        Batch = preparer.RunAsync(() => prepare(token));
    }

    public BatchBodyWriter Writer { get; }

    /// <summary>The prepared batch; null when there was none worth preparing.</summary>
    public Task<PreparedBatch?> Batch { get; }

    public bool IsRunning => !Batch.IsCompleted;

    /// <summary>Stops it at its next check (before its store read, or before writing the body) and drops its outcome.</summary>
    public void Abandon()
    {
        _cancel.Cancel();
        _ = Batch.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Only once <see cref="Batch"/> has completed: the preparation may still be checking the token until then.</summary>
    public void Dispose() => _cancel.Dispose();
}
