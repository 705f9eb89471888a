namespace Hybrid.Demo.Watch;

/// <summary>The parts of the agent's <c>GET /status</c> document the demo shows.</summary>
internal sealed record AgentSnapshot(
    IReadOnlyList<LaneSnapshot> Lanes,
    IReadOnlyList<SinkSnapshot> Sinks,
    long Dropped,
    long DroppedBeforeStore,
    string MqttConnection,
    long MqttAcknowledged,
    UplinkSnapshot Uplink)
{
    /// <summary>Readings written to the store: the head seq of each lane (a new store's seqs start at 1).</summary>
    public long Stored => Lanes.Sum(l => l.HeadSeq);

    /// <summary>Readings the sources captured: stored, plus those dropped before the store (channel full, shutdown).</summary>
    public long Captured => Stored + DroppedBeforeStore;
}

/// <summary>One store lane: its epoch and the highest seq written.</summary>
internal sealed record LaneSnapshot(string Lane, string Epoch, long HeadSeq);

/// <summary>One sink: undelivered readings and dead letters.</summary>
internal sealed record SinkSnapshot(string Sink, long Backlog, long DeadLetters);

/// <summary>The uplink's breaker, hold reason, last error and counters.</summary>
internal sealed record UplinkSnapshot(string Breaker, string? Held, string? LastError, long Sent, long Acknowledged, long Duplicates, long Retries);
