namespace Hybrid.Edge.Store;

/// <summary>What the store file says about itself, read without the agent (for <c>hybrid-edge status</c>).</summary>
internal sealed record StoreReport(
    string Path,
    string? DeviceId,
    int SchemaVersion,
    IReadOnlyList<LaneReport> Lanes,
    IReadOnlyList<SinkReport> Sinks,
    IReadOnlyDictionary<string, long> Dropped);

/// <summary>One lane's log: its epoch, the seqs it holds, its size.</summary>
internal sealed record LaneReport(string Lane, string Epoch, long FirstSeq, long HeadSeq, long Rows, long Bytes);

/// <summary>One sink as the file knows it: cursor, backlog and oldest undelivered age per lane, dead letters.</summary>
internal sealed record SinkReport(string Sink, IReadOnlyList<SinkLaneReport> Lanes, long DeadLetters)
{
    public long Backlog => Lanes.Sum(l => l.Backlog);
}

/// <summary>One sink in one lane.</summary>
internal sealed record SinkLaneReport(string Lane, long Cursor, long Backlog, double? OldestAgeSeconds);

/// <summary>A dead letter as <c>hybrid-edge deadletter list</c> shows it.</summary>
internal sealed record DeadLetterRecord(long Id, string Sink, string Lane, long Seq, string Reason, DateTimeOffset At, string? Type, DateTimeOffset? Ts, string? Source, string? Key, long? PayloadBytes, bool RetryPending);

/// <summary>Which dead letters a command acts on; null fields match everything.</summary>
internal sealed record DeadLetterFilter(string? Sink, Lane? Lane, string? ReasonContains, long? FromSeq, long? ToSeq)
{
    public bool IsEmpty => Sink is null && Lane is null && ReasonContains is null && FromSeq is null && ToSeq is null;
}
