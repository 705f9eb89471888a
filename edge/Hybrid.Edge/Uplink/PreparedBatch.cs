using Hybrid.Edge.Store;

namespace Hybrid.Edge.Uplink;

/// <summary>A batch of one lane, in seq order, with its gzip body written by <see cref="Writer"/> (valid until its next write).</summary>
internal sealed record PreparedBatch(Lane Lane, ReadOnlyMemory<StoredReading> Readings, ReadOnlyMemory<byte> Body, BatchBodyWriter Writer)
{
    public long FirstSeq => Readings.Span[0].Seq;

    public long LastSeq => Readings.Span[^1].Seq;
}
