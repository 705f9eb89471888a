namespace Hybrid.Edge.Store;

/// <summary>
/// Capture's view of the store's writer, registered with the container in its place: not disposable, so only the
/// store, which owns the writer, disposes it.
/// </summary>
internal sealed class ReadingWriterHandle(StoreWriter writer) : IReadingWriter
{
    public bool TryWrite(CaptureReading reading) => writer.TryWrite(reading);

    public ValueTask<bool> WriteAsync(CaptureReading reading, CancellationToken cancellationToken) => writer.WriteAsync(reading, cancellationToken);
}
