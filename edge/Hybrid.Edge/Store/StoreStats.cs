namespace Hybrid.Edge.Store;

/// <summary>A snapshot of the store for the stats line, metrics and <c>status</c>.</summary>
internal sealed record StoreStats(
    IReadOnlyList<LaneStats> Lanes,
    long Written,
    long BytesWritten,
    long Commits,
    long? DiskWriteBytes,
    IReadOnlyDictionary<DropReason, long> Dropped,
    int Queued,
    bool DiskFull,
    bool BelowDiskFloor,
    IReadOnlyList<SinkStats> Sinks);

/// <summary>One lane's log: seqs <see cref="FirstSeq"/>..<see cref="HeadSeq"/> held in <see cref="Rows"/> rows.</summary>
internal sealed record LaneStats(Lane Lane, string Epoch, long FirstSeq, long HeadSeq, long Rows, long Bytes);

/// <summary>One sink: its undelivered readings (both lanes), the age of the oldest one, and its dead letters.</summary>
internal sealed record SinkStats(string Sink, long CursorHigh, long CursorNormal, long Backlog, TimeSpan? OldestAge, long DeadLetters);
