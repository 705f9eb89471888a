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

/// <summary>One sink: its undelivered readings and the age of the oldest one per lane, and its dead letters.</summary>
internal sealed record SinkStats(string Sink, SinkLaneStats High, SinkLaneStats Normal, long DeadLetters)
{
    /// <summary>Undelivered readings over both lanes.</summary>
    public long Backlog => High.Backlog + Normal.Backlog;

    /// <summary>Age of the oldest undelivered reading of either lane; null when there is none.</summary>
    public TimeSpan? OldestAge => High.OldestAge is { } high && Normal.OldestAge is { } normal
        ? (high > normal ? high : normal)
        : High.OldestAge ?? Normal.OldestAge;
}

/// <summary>One sink in one lane: its cursor, the readings after it, and the age of the oldest of those.</summary>
internal sealed record SinkLaneStats(long Cursor, long Backlog, TimeSpan? OldestAge);
