namespace Hybrid.Edge.Store;

/// <summary>What capture sources write into. Capture never blocks on a sink.</summary>
internal interface IReadingWriter
{
    /// <summary>
    /// Queues <paramref name="reading"/> for the store's group-committing writer without blocking.
    /// Returns false when the writer has fallen so far behind that its bounded channel is full; the drop is counted.
    /// </summary>
    bool TryWrite(CaptureReading reading);

    /// <summary>
    /// Queues <paramref name="reading"/>, waiting for room when the channel is full: for sources that can be made to
    /// wait without losing anything (a command's or standard input's pipe fills, and the producer blocks on it).
    /// False when the store has stopped taking readings (counted as <c>stopped</c>).
    /// </summary>
    ValueTask<bool> WriteAsync(CaptureReading reading, CancellationToken cancellationToken) => ValueTask.FromResult(TryWrite(reading));
}
