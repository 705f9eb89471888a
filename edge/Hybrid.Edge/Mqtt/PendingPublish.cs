using System.Buffers;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// One publish from <see cref="IMqttClient.PublishAsync"/> until its outcome: a copy of the payload in a pooled
/// buffer (the caller's memory is only valid during the call, and MQTTnet encodes the packet later, under its send
/// lock) and the task the caller awaits. The buffer goes back to the pool when the outcome is set.
/// Continuations run on the thread that sets the outcome: that is already a thread-pool thread running MQTTnet's
/// continuation of the acknowledgement (never its receive loop), and one hop less is what keeps the ack→sink latency
/// down on a busy Pi. The outcome is set outside the outbox's lock (or before the task is handed out).
/// </summary>
internal sealed class PendingPublish : TaskCompletionSource<PublishResult>
{
    private byte[]? _buffer;

    public PendingPublish(long id, string topic, ReadOnlySpan<byte> payload, int qos, bool retain)
        : base(TaskCreationOptions.None)
    {
        Id = id;
        Topic = topic;
        Qos = qos;
        Retain = retain;
        Length = payload.Length;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(_buffer);
    }

    /// <summary>Order of the publish calls; a resend after a reconnect keeps it.</summary>
    public long Id { get; }

    public string Topic { get; }

    public int Qos { get; }

    public bool Retain { get; }

    public int Length { get; }

    /// <summary>The connection (<see cref="PublishOutbox"/> generation) it was last handed to MQTTnet on.</summary>
    public int Generation { get; set; }

    /// <summary>The outbox that sent it, for the continuation of MQTTnet's task.</summary>
    public PublishOutbox? Outbox { get; set; }

    /// <summary>The payload copy; valid until <see cref="Complete"/>.</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PendingPublish));

    /// <summary>Sets the outcome once and returns the buffer to the pool.</summary>
    public void Complete(PublishResult result)
    {
        if (TrySetResult(result) && Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
