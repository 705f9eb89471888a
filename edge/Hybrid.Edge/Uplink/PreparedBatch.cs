using Hybrid.Edge.Store;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// A batch of one lane, in seq order, with its gzip body written by <see cref="Writer"/> (valid until its next write).
/// <see cref="SettledThrough"/> is what the cursor had settled when it was read: the body tells the Function so.
/// </summary>
internal sealed record PreparedBatch(Lane Lane, ReadOnlyMemory<StoredReading> Readings, long SettledThrough, ReadOnlyMemory<byte> Body, BatchBodyWriter Writer)
{
    public long FirstSeq => Readings.Span[0].Seq;

    public long LastSeq => Readings.Span[^1].Seq;
}
