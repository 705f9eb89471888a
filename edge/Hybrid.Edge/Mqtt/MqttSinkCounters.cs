namespace Hybrid.Edge.Mqtt;

/// <summary>Counters of the MQTT sink, read by the health message (thread-safe reads).</summary>
internal sealed class MqttSinkCounters
{
    private long _published;
    private long _acknowledged;
    private long _deadLettered;
    private long _resent;

    public long Published => Interlocked.Read(ref _published);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public long Resent => Interlocked.Read(ref _resent);

    /// <summary>Readings published and not yet acknowledged.</summary>
    public int Inflight { get; set; }

    internal void AddPublished() => Interlocked.Increment(ref _published);

    internal void AddAcknowledged(long count) => Interlocked.Add(ref _acknowledged, count);

    internal void AddDeadLettered() => Interlocked.Increment(ref _deadLettered);

    internal void AddResent() => Interlocked.Increment(ref _resent);
}
