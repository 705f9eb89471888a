using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.UnitTests.Mqtt;

/// <summary>Sink logic against a scripted client: which acknowledgements move the cursor, and resends.</summary>
public sealed class MqttSinkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Run_AcksOutOfOrder_CursorMovesOnlyOverContiguousAcks()
    {
        var log = new FakeSinkLog(5);
        var client = new ScriptedClient();
        var (sink, cts, run) = Start(log, client);

        await client.WaitForPublishesAsync(5);
        client.Complete(2, PublishResult.Acknowledged);
        client.Complete(3, PublishResult.Acknowledged);
        await log.UntilSinkWentRoundAsync();
        Assert.Equal(0, log.Cursor);

        client.Complete(1, PublishResult.Acknowledged);
        await log.WaitForCursorAsync(3);
        Assert.Equal(3, log.Cursor);

        client.Complete(5, PublishResult.Acknowledged);
        await log.UntilSinkWentRoundAsync();
        Assert.Equal(3, log.Cursor);
        client.Complete(4, PublishResult.Acknowledged);
        await log.WaitForCursorAsync(5);

        await cts.CancelAsync();
        await run;
        sink.Dispose();
        Assert.Equal(["t/telemetry.x", "t/telemetry.x", "t/telemetry.x", "t/telemetry.x", "t/telemetry.x"], client.Publishes.Select(p => p.Topic));
        // Every move of the cursor, in order: it never stepped over the gaps at 1 and 4.
        Assert.Equal([3L, 5L], log.Advances);
    }

    [Fact]
    public async Task Run_PublishNotConnected_ResentAfterReconnectAndCursorWaitsForIt()
    {
        var log = new FakeSinkLog(2);
        var client = new ScriptedClient();
        var (sink, cts, run) = Start(log, client);

        await client.WaitForPublishesAsync(2);
        client.Complete(2, PublishResult.Acknowledged);
        client.Complete(1, PublishResult.NotConnected);
        await client.WaitingForConnection.WaitAsync(Timeout);
        Assert.Equal(2, client.Publishes.Count); // waits for the connection before re-sending
        client.SetConnected();
        await client.WaitForPublishesAsync(3);
        Assert.Equal(1, client.Publishes[2].Seq);
        await log.UntilSinkWentRoundAsync();
        Assert.Equal(0, log.Cursor);

        client.Complete(3, PublishResult.Acknowledged);
        await log.WaitForCursorAsync(2);
        await cts.CancelAsync();
        await run;
        sink.Dispose();
    }

    [Fact]
    public async Task Run_PublishRejected_DeadLettersWithReasonAndMovesOn()
    {
        var log = new FakeSinkLog(2);
        var client = new ScriptedClient();
        var (sink, cts, run) = Start(log, client);

        await client.WaitForPublishesAsync(2);
        client.Complete(1, PublishResult.Rejected("payload too large"));
        client.Complete(2, PublishResult.Acknowledged);
        await log.WaitForCursorAsync(2);
        await cts.CancelAsync();
        await run;
        sink.Dispose();

        var dead = Assert.Single(log.DeadLetters);
        Assert.Equal(new DeadLetterItem(1, "mqtt: payload too large"), dead);
    }

    [Fact]
    public async Task Run_DeadLettersMarkedForRetry_PublishedBeforeTheBacklogAndSettledByTheirAck()
    {
        var log = new FakeSinkLog(1);
        log.Retries.Add(new RetryItem(41, new StoredReading(Lane.High, 7, "alert.x", DateTimeOffset.UnixEpoch, "test", null, Encoding.UTF8.GetBytes("{}"))));
        log.Retries.Add(new RetryItem(42, new StoredReading(Lane.Normal, 9, "telemetry.x", DateTimeOffset.UnixEpoch, "test", null, Encoding.UTF8.GetBytes("{}"))));
        var client = new ScriptedClient();
        var (sink, cts, run) = Start(log, client);

        await client.WaitForPublishesAsync(1);
        Assert.Equal(("t/alert.x", 7L), client.Publishes[0]);
        client.Complete(1, PublishResult.Acknowledged);
        await client.WaitForPublishesAsync(2);
        Assert.Equal(("t/telemetry.x", 9L), client.Publishes[1]);
        client.Complete(2, PublishResult.Rejected("payload too large"));
        await client.WaitForPublishesAsync(3);
        Assert.Equal(("t/telemetry.x", 1L), client.Publishes[2]);
        client.Complete(3, PublishResult.Acknowledged);
        await log.WaitForCursorAsync(1);
        await cts.CancelAsync();
        await run;
        sink.Dispose();

        Assert.Equal([(41L, (string?)null), (42L, "mqtt: payload too large")], log.SettledRetries);
        Assert.Empty(log.Retries);
    }

    private static (MqttSink Sink, CancellationTokenSource Cts, Task Run) Start(FakeSinkLog log, ScriptedClient client)
    {
        Assert.True(TopicTemplate.TryParse("t/{type}", false, out var template, out _));
        var settings = new MqttSinkSettings("pi", template!, 1, false, [], 10) { AdvanceInterval = TimeSpan.Zero };
        var sink = new MqttSink(log, client, settings, TimeProvider.System, NullLogger.Instance);
        var cts = new CancellationTokenSource();
        return (sink, cts, sink.RunAsync(cts.Token));
    }

    private sealed class FakeSinkLog(int count) : ISinkLog
    {
        private readonly List<StoredReading> _readings = Enumerable.Range(1, count)
            .Select(i => new StoredReading(Lane.Normal, i, "telemetry.x", DateTimeOffset.UnixEpoch, "test", null, Encoding.UTF8.GetBytes($"{{\"i\":{i}}}")))
            .ToList();

        private long _cursor;
        private int _waits;
        private TaskCompletionSource _nudge = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Cursor => Interlocked.Read(ref _cursor);

        public List<DeadLetterItem> DeadLetters { get; } = [];

        public string Sink => "mqtt";

        public string DeviceId => "pi";

        public string GetEpoch(Lane lane) => "E";

        public long GetCursor(Lane lane) => lane == Lane.Normal ? Cursor : 0;

        public ValueTask<IReadOnlyList<StoredReading>> ReadAsync(Lane lane, long afterSeq, int maxCount, int maxBytes, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<StoredReading>>(lane == Lane.High ? [] : _readings.Where(r => r.Seq > afterSeq).Take(maxCount).ToList());

        public bool HasReadingsAfter(Lane lane, long afterSeq) => lane == Lane.Normal && afterSeq < _readings.Count;

        public ConcurrentQueue<long> Advances { get; } = new();

        public ValueTask AdvanceAsync(Lane lane, long throughSeq, CancellationToken cancellationToken)
        {
            Assert.True(throughSeq >= Cursor, "the cursor never moves backwards");
            Advances.Enqueue(throughSeq);
            Interlocked.Exchange(ref _cursor, throughSeq);
            return ValueTask.CompletedTask;
        }

        public ValueTask DeadLetterAsync(Lane lane, IReadOnlyList<DeadLetterItem> items, CancellationToken cancellationToken)
        {
            DeadLetters.AddRange(items);
            return ValueTask.CompletedTask;
        }

        /// <summary>Dead letters marked for retry, removed as the sink settles them.</summary>
        public List<RetryItem> Retries { get; } = [];

        public ConcurrentQueue<(long Id, string? Refusal)> SettledRetries { get; } = new();

        public ValueTask<IReadOnlyList<RetryItem>> ReadRetriesAsync(int maxCount, CancellationToken cancellationToken)
        {
            lock (Retries)
            {
                return ValueTask.FromResult<IReadOnlyList<RetryItem>>([.. Retries.Take(maxCount)]);
            }
        }

        public ValueTask SettleRetryAsync(long id, string? refusal, CancellationToken cancellationToken)
        {
            lock (Retries)
            {
                Retries.RemoveAll(r => r.Id == id);
            }

            SettledRetries.Enqueue((id, refusal));
            return ValueTask.CompletedTask;
        }

        public async ValueTask WaitForReadingsAsync(long afterSeqHigh, long afterSeqNormal, CancellationToken cancellationToken)
        {
            var nudge = Volatile.Read(ref _nudge).Task;
            Interlocked.Increment(ref _waits);
            if (afterSeqNormal >= _readings.Count)
            {
                await nudge.WaitAsync(cancellationToken);
            }
        }

        /// <summary>
        /// Wakes the sink as a new reading would (there is none) and returns once it went round its loop and waits
        /// again: every completion handed to it before this call has been consumed, so asserts after it are not racy.
        /// Two rounds: the first wait counted may be one the sink was about to enter when this was called, after a
        /// pass over its window that ran before the completions; the wait after the next pass cannot be.
        /// </summary>
        public async Task UntilSinkWentRoundAsync()
        {
            for (var round = 0; round < 2; round++)
            {
                var waits = Volatile.Read(ref _waits);
                Interlocked.Exchange(ref _nudge, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                await Hybrid.Testing.Eventually.UntilAsync(() => Volatile.Read(ref _waits) > waits, Timeout);
            }
        }

        public async Task WaitForCursorAsync(long seq)
        {
            await Hybrid.Testing.Eventually.UntilAsync(() => Cursor >= seq, Timeout, () => $"cursor {Cursor}");
            Assert.Equal(seq, Cursor);
        }
    }

    private sealed class ScriptedClient : IMqttClient
    {
        private readonly Lock _gate = new();
        private readonly List<TaskCompletionSource<PublishResult>> _pending = [];
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _waitingForConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(string Topic, long Seq)> Publishes { get; } = [];

        public MqttConnectionState State => MqttConnectionState.Connected;

        public ChannelReader<MqttMessage> Messages => Channel.CreateUnbounded<MqttMessage>().Reader;

        public event EventHandler<MqttConnectionEventArgs>? ConnectionChanged { add { } remove { } }

        public Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult(MqttConnectResult.Success);

        /// <summary>Completes once the sink asked to wait for the connection.</summary>
        public Task WaitingForConnection => _waitingForConnection.Task;

        public Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
        {
            _waitingForConnection.TrySetResult();
            return _connected.Task.WaitAsync(cancellationToken);
        }

        public void SetConnected() => _connected.TrySetResult();

        public Task<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
        {
            var seq = System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("seq").GetInt64();
            var tcs = new TaskCompletionSource<PublishResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                Publishes.Add((topic, seq));
                _pending.Add(tcs);
            }

            return tcs.Task;
        }

        /// <summary>Completes the <paramref name="n"/>-th publish (1-based, in publish order).</summary>
        public void Complete(int n, PublishResult result)
        {
            lock (_gate)
            {
                _pending[n - 1].SetResult(result);
            }
        }

        public Task WaitForPublishesAsync(int count) =>
            Hybrid.Testing.Eventually.UntilAsync(() => PublishCount >= count, Timeout, () => $"only {PublishCount} publishes");

        private int PublishCount
        {
            get
            {
                lock (_gate)
                {
                    return Publishes.Count;
                }
            }
        }

        public Task<PublishResult> SubscribeAsync(string filter, int qos, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
