using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// Publishes the store's readings from the sink's cursor: the high lane first, up to
/// <see cref="MqttSinkSettings.InflightWindow"/> readings unacknowledged at a time. The cursor of a lane moves only
/// over readings whose publishes completed in order (contiguously acknowledged), so a crash or restart resumes
/// exactly after the last reading the broker confirmed; duplicates are possible at QoS 1, gaps are not.
/// </summary>
internal sealed class MqttSink(ISinkLog log, IMqttClient client, MqttSinkSettings settings, TimeProvider time, ILogger logger) : IDisposable
{
    private const int MaxReadBytes = 1 << 20;
    private readonly Queue<Inflight> _inflight = new();
    private readonly ReadingJson _json = new();
    private readonly long[] _next = new long[2];
    private readonly string[] _epochs = new string[2];
    private SinkCursor _cursor = null!;
    private IReadOnlyList<StoredReading> _buffer = [];
    private int _bufferIndex;
    private readonly DeadLetterRetries _retries = new(log, time, logger);
    private long _lastAdvance;

    /// <summary>While the window has room: the wait for readings after <see cref="_next"/>, kept across acks.</summary>
    private Task? _readings;

    public MqttSinkCounters Counters { get; } = new();

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; the cursor is saved on the way out.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _cursor = new SinkCursor(log);
        _readings = null;
        foreach (var lane in SinkCursor.DrainOrder)
        {
            _next[(int)lane] = _cursor.Settled(lane);
            _epochs[(int)lane] = log.GetEpoch(lane);
        }

        _lastAdvance = time.GetTimestamp();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _retries.RunIfDueAsync(RetryAsync, cancellationToken).ConfigureAwait(false);
                await DrainCompletedAsync(cancellationToken).ConfigureAwait(false);
                await FillWindowAsync(cancellationToken).ConfigureAwait(false);
                Counters.Inflight = _inflight.Count;
                if (_inflight.Count == 0)
                {
                    // The idle wait below is the same wait; a pending one from the window wait completes with the next commit.
                    _readings = null;
                    await SaveCursorsAsync(cancellationToken).ConfigureAwait(false);
                    await _retries.WaitForReadingsOrPollAsync(_next[(int)Lane.High], _next[(int)Lane.Normal], cancellationToken).ConfigureAwait(false);
                }
                else if (_inflight.Count >= settings.InflightWindow)
                {
                    await WaitForHeadAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Room in the window and nothing left in the store: wake on the oldest ack or on a new reading. The
                    // wait for readings outlives an ack and serves the next round; cancelling it per ack threw an
                    // OperationCanceledException each time (≈ 3 a second at rest, ≈ 30 µs each in the AOT agent).
                    _readings ??= log.WaitForReadingsAsync(_next[(int)Lane.High], _next[(int)Lane.Normal], cancellationToken).AsTask();
                    await Task.WhenAny(_inflight.Peek().Task, _readings).ConfigureAwait(false);
                    if (_readings.IsCompleted)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        _readings = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Whatever completed before the stop still moves the cursor, so a restart re-sends as little as possible.
            DrainCompletedWithoutResend();
            await SaveCursorsAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WaitForHeadAsync(CancellationToken cancellationToken)
    {
        var head = _inflight.Peek().Task;
        if (!head.IsCompleted)
        {
            await head.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FillWindowAsync(CancellationToken cancellationToken)
    {
        while (_inflight.Count < settings.InflightWindow)
        {
            if (_bufferIndex >= _buffer.Count)
            {
                var batch = Math.Clamp(settings.InflightWindow, 64, 1000);
                _buffer = await log.ReadAsync(Lane.High, _next[(int)Lane.High], batch, MaxReadBytes, cancellationToken).ConfigureAwait(false);
                if (_buffer.Count == 0)
                {
                    _buffer = await log.ReadAsync(Lane.Normal, _next[(int)Lane.Normal], batch, MaxReadBytes, cancellationToken).ConfigureAwait(false);
                }

                _bufferIndex = 0;
                if (_buffer.Count == 0)
                {
                    return;
                }
            }

            var reading = _buffer[_bufferIndex++];
            _next[(int)reading.Lane] = reading.Seq;
            _inflight.Enqueue(Publish(reading));
        }
    }

    private Inflight Publish(StoredReading reading)
    {
        if (!settings.Template.TryRender(settings.Device, reading.Type, reading.Key, reading.Source, out var topic, out var error))
        {
            return new Inflight(reading, "", 0, false) { Task = Task.FromResult(PublishResult.Rejected(error!)) };
        }

        var (qos, retain) = settings.For(reading.Type);
        var inflight = new Inflight(reading, topic, qos, retain) { Task = Send(reading, topic, qos, retain) };
        Counters.AddPublished();
        return inflight;
    }

    /// <summary>A dead letter marked for retry, published on its own (it is out of seq order) and awaited.</summary>
    private async Task<RetryOutcome> RetryAsync(StoredReading reading, CancellationToken cancellationToken)
    {
        if (!settings.Template.TryRender(settings.Device, reading.Type, reading.Key, reading.Source, out var topic, out var error))
        {
            return RetryOutcome.Refused($"mqtt: {error}");
        }

        var (qos, retain) = settings.For(reading.Type);
        while (true)
        {
            Counters.AddPublished();
            var result = await Send(reading, topic, qos, retain).WaitAsync(cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case PublishStatus.Acknowledged:
                    Counters.AddAcknowledged(1);
                    return RetryOutcome.Delivered;
                case PublishStatus.Rejected:
                    Counters.AddDeadLettered();
                    return RetryOutcome.Refused($"mqtt: {result.Error}");
                default:
                    await client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
                    Counters.AddResent();
                    break;
            }
        }
    }

    private Task<PublishResult> Send(StoredReading reading, string topic, int qos, bool retain) =>
        client.PublishAsync(topic, _json.Write(settings.Device, _epochs[(int)reading.Lane], reading), qos, retain, CancellationToken.None);

    private async Task DrainCompletedAsync(CancellationToken cancellationToken)
    {
        var acknowledged = 0;
        while (_inflight.TryPeek(out var head) && head.Task.IsCompleted)
        {
            var result = head.Task.Result;
            if (result.Status == PublishStatus.NotConnected)
            {
                // QoS 0 (or a publish that raced a disconnect): send it again once connected, keeping its place.
                Counters.Inflight = _inflight.Count;
                await client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
                head.Task = Send(head.Reading, head.Topic, head.Qos, head.Retain);
                Counters.AddResent();
                continue;
            }

            Complete(_inflight.Dequeue(), result);
            acknowledged++;
        }

        Counters.AddAcknowledged(acknowledged);
        if (time.GetElapsedTime(_lastAdvance) >= settings.AdvanceInterval)
        {
            await SaveCursorsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void DrainCompletedWithoutResend()
    {
        while (_inflight.TryPeek(out var head) && head.Task.IsCompletedSuccessfully && head.Task.Result.Status != PublishStatus.NotConnected)
        {
            Complete(_inflight.Dequeue(), head.Task.Result);
        }
    }

    private void Complete(Inflight done, PublishResult result)
    {
        var reading = done.Reading;
        if (result.Status == PublishStatus.Rejected)
        {
            _cursor.DeadLetter(reading.Lane, reading.Seq, $"mqtt: {result.Error}");
            Counters.AddDeadLettered();
            Log.MqttReadingRejected(logger, reading.Seq, reading.Type, result.Error ?? "");
        }
        else
        {
            _cursor.Settle(reading.Lane, reading.Seq);
        }
    }

    private async Task SaveCursorsAsync(CancellationToken cancellationToken)
    {
        _lastAdvance = time.GetTimestamp();
        await _cursor.SaveAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _json.Dispose();

    /// <summary>A reading handed to the client; <see cref="Task"/> is replaced when it has to be sent again.</summary>
    private sealed class Inflight(StoredReading reading, string topic, int qos, bool retain)
    {
        public StoredReading Reading { get; } = reading;

        public string Topic { get; } = topic;

        public int Qos { get; } = qos;

        public bool Retain { get; } = retain;

        public required Task<PublishResult> Task { get; set; }
    }
}
