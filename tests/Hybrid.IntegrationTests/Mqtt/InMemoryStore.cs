using System.Text;
using Hybrid.Edge.Store;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>
/// A small in-memory store behind the store seams, used until the SQLite store lands: two lanes, one cursor per lane,
/// dead letters kept. It is the test's independent record of what was captured and how far the sink got.
/// </summary>
internal sealed class InMemoryStore : ISinkLog, IReadingWriter
{
    private readonly Lock _gate = new();
    private readonly List<StoredReading>[] _lanes = [[], []];
    private readonly long[] _cursors = new long[2];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Sink => "mqtt";

    public string DeviceId { get; init; } = "dev";

    public List<(Lane Lane, DeadLetterItem Item)> DeadLetters { get; } = [];

    public string GetEpoch(Lane lane) => lane == Lane.High ? "01JHIGHEPOCH0000000000000H" : "01JNORMALEPOCH00000000000N";

    public long GetCursor(Lane lane)
    {
        lock (_gate)
        {
            return _cursors[(int)lane];
        }
    }

    public IReadOnlyList<StoredReading> All(Lane lane)
    {
        lock (_gate)
        {
            return [.. _lanes[(int)lane]];
        }
    }

    public StoredReading Append(string type, string payloadJson, Lane lane = Lane.Normal, string? key = null)
    {
        lock (_gate)
        {
            var list = _lanes[(int)lane];
            var reading = new StoredReading(lane, list.Count + 1, type, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(list.Count), "test", key, Encoding.UTF8.GetBytes(payloadJson));
            list.Add(reading);
            Signal();
            return reading;
        }
    }

    public bool TryWrite(CaptureReading reading)
    {
        lock (_gate)
        {
            var lane = reading.Type.StartsWith("alert.", StringComparison.Ordinal) ? Lane.High : Lane.Normal;
            var list = _lanes[(int)lane];
            list.Add(new StoredReading(lane, list.Count + 1, reading.Type, reading.Ts, reading.Source, reading.Key, reading.PayloadJson.ToArray()));
            Signal();
            return true;
        }
    }

    public ValueTask<IReadOnlyList<StoredReading>> ReadAsync(Lane lane, long afterSeq, int maxCount, int maxBytes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var list = _lanes[(int)lane];
            var start = (int)Math.Min(afterSeq, list.Count);
            var count = Math.Min(maxCount, list.Count - start);
            return ValueTask.FromResult<IReadOnlyList<StoredReading>>(list.GetRange(start, count));
        }
    }

    public ValueTask AdvanceAsync(Lane lane, long throughSeq, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _cursors[(int)lane] = Math.Max(_cursors[(int)lane], throughSeq);
            Signal();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeadLetterAsync(Lane lane, IReadOnlyList<DeadLetterItem> items, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            DeadLetters.AddRange(items.Select(i => (lane, i)));
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask WaitForReadingsAsync(long afterSeqHigh, long afterSeqNormal, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_lanes[0].Count > afterSeqHigh || _lanes[1].Count > afterSeqNormal)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked on every change), or throws after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<InMemoryStore, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"condition not met within {timeout}; cursors high={GetCursor(Lane.High)} normal={GetCursor(Lane.Normal)}");
            }
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
