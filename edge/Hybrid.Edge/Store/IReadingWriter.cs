namespace Hybrid.Edge.Store;

/// <summary>What capture sources write into. Capture never blocks on a sink.</summary>
internal interface IReadingWriter
{
    /// <summary>
    /// Queues <paramref name="reading"/> for the store's group-committing writer without blocking.
    /// Returns false when the writer has fallen so far behind that its bounded channel is full; the drop is counted.
    /// </summary>
    bool TryWrite(CaptureReading reading);
}
