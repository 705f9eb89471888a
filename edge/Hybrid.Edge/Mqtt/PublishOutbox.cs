using MQTTnet;
using MQTTnet.Exceptions;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// The QoS ≥ 1 publishes that are not yet acknowledged, in call order, and the inflight window: at most
/// <c>limit</c> of them are on the wire per connection (the smaller of <see cref="MqttClientSettings.InflightWindow"/>
/// and the broker's MQTT 5 Receive Maximum); the rest wait here. MQTTnet fails every unacknowledged publish when a
/// connection ends and keeps no session state of its own, so those go back into the queue (by their original order)
/// and are sent again after the reconnect; a publish made while disconnected waits the same way. Nothing QoS ≥ 1 is
/// completed with <see cref="PublishStatus.NotConnected"/> until the outbox is closed, so the sink never publishes a
/// reading twice on its own nor skips one. QoS 0 is sent only while connected and never resent.
/// </summary>
internal sealed class PublishOutbox(MqttNetPublisher publisher)
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<PendingPublish, long> _waiting = new();
    private long _nextId;
    private int _generation;
    private int _limit;
    private int _inflight;
    private bool _closed;

    /// <summary>Queues or sends one publish; its task completes with the outcome.</summary>
    public PendingPublish Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain)
    {
        PendingPublish pending;
        int generation;
        lock (_gate)
        {
            pending = new PendingPublish(_nextId++, topic, payload, qos, retain);
            if (_closed || (qos == 0 && _limit == 0))
            {
                pending.Complete(PublishResult.NotConnected);
                return pending;
            }

            if (qos > 0 && (_inflight >= _limit || _waiting.Count > 0))
            {
                _waiting.Enqueue(pending, pending.Id);
                return pending;
            }

            if (qos > 0)
            {
                _inflight++;
            }

            generation = _generation;
        }

        Transmit(pending, generation);
        return pending;
    }

    /// <summary>A connection was accepted: starts a new window and sends what waits, oldest first.</summary>
    public void Connected(int limit)
    {
        List<PendingPublish>? sendable;
        int generation;
        lock (_gate)
        {
            generation = ++_generation;
            _limit = limit;
            _inflight = 0;
            sendable = TakeSendable();
        }

        TransmitAll(sendable, generation);
    }

    /// <summary>The connection ended; publishes wait until <see cref="Connected"/>.</summary>
    public void Disconnected()
    {
        lock (_gate)
        {
            _generation++;
            _limit = 0;
            _inflight = 0;
        }
    }

    /// <summary>Stops for good: everything not yet acknowledged completes with <see cref="PublishStatus.NotConnected"/>.</summary>
    public void Close()
    {
        List<PendingPublish> waiting = [];
        lock (_gate)
        {
            _closed = true;
            _limit = 0;
            while (_waiting.TryDequeue(out var pending, out _))
            {
                waiting.Add(pending);
            }
        }

        foreach (var pending in waiting)
        {
            pending.Complete(PublishResult.NotConnected);
        }
    }

    private void Transmit(PendingPublish pending, int generation)
    {
        pending.Generation = generation;
        Task<MqttClientPublishResult> sent;
        try
        {
            sent = publisher.SendAsync(pending);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            sent = Task.FromException<MqttClientPublishResult>(ex);
        }

        if (sent.IsCompleted)
        {
            Transmitted(pending, sent);
        }
        else
        {
            // The pending publish carries its outbox, so the continuation needs no state object of its own.
            pending.Outbox = this;
            _ = sent.ContinueWith(
                static (task, state) =>
                {
                    var pending = (PendingPublish)state!;
                    pending.Outbox!.Transmitted(pending, task);
                },
                pending,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void TransmitAll(List<PendingPublish>? sendable, int generation)
    {
        if (sendable is null)
        {
            return;
        }

        foreach (var pending in sendable)
        {
            Transmit(pending, generation);
        }
    }

    private void Transmitted(PendingPublish pending, Task<MqttClientPublishResult> sent)
    {
        PublishResult? result = sent.IsCompletedSuccessfully
            ? Map(sent.Result)
            : Classify(pending, sent.Exception?.GetBaseException());
        List<PendingPublish>? sendable = null;
        var generation = 0;
        lock (_gate)
        {
            var current = pending.Generation == _generation;
            if (pending.Qos > 0 && current)
            {
                _inflight--;
            }

            if (result is null && pending.Qos > 0)
            {
                if (_closed)
                {
                    result = PublishResult.NotConnected;
                }
                else
                {
                    // Lost with its connection: wait for the next one, in the original order. A failure reported after
                    // the reconnect (the old connection's tasks fail asynchronously) is sent on the new one right away.
                    _waiting.Enqueue(pending, pending.Id);
                }
            }

            if (!current || result is not null)
            {
                generation = _generation;
                sendable = TakeSendable();
            }
        }

        if (result is { } outcome)
        {
            pending.Complete(outcome);
        }
        else if (pending.Qos == 0)
        {
            pending.Complete(PublishResult.NotConnected);
        }

        TransmitAll(sendable, generation);
    }

    private List<PendingPublish>? TakeSendable()
    {
        List<PendingPublish>? sendable = null;
        while (_inflight < _limit && _waiting.TryDequeue(out var pending, out _))
        {
            _inflight++;
            (sendable ??= []).Add(pending);
        }

        return sendable;
    }

    /// <summary>
    /// MQTT 5 reason codes ≥ 0x80 are refusals (e.g. 0x87 not authorized); 0x10 "no matching subscribers" is fine,
    /// and MQTT 3.1.1 acknowledgements have no reason.
    /// </summary>
    private static PublishResult Map(MqttClientPublishResult result)
    {
        var code = (int)result.ReasonCode;
        return code < 0x80
            ? PublishResult.Acknowledged
            : PublishResult.Rejected($"broker refused the publish: {result.ReasonString ?? MqttReasonText.Of(code)} (reason {code})");
    }

    /// <summary>Null when the connection failed under the publish (send it again), else why it was refused for good.</summary>
    private static PublishResult? Classify(PendingPublish pending, Exception? error) => error switch
    {
        null or MqttCommunicationException or OperationCanceledException or ObjectDisposedException or IOException => null,
        _ => PublishResult.Rejected($"publish to '{pending.Topic}' refused: {error.Message}"),
    };
}
