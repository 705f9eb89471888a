using System.Collections;
using Azure.Storage.Queues;
using Hybrid.Bench.Uplink;

namespace Hybrid.Bench.EndToEnd;

/// <summary>
/// The bench's consumer: reads the telemetry queue while the pipeline runs and counts each item by seq (one device,
/// one epoch, normal lane), with its arrival time. It deletes what it read, as a consumer does. (It used to leave the
/// messages invisible to save Azurite one call per message; but Azurite's receive got slower with every invisible
/// message left in the queue: over a 60 s window at 20,000 readings/s Azurite used 43 s of CPU instead of 16 s, and the
/// Function's puts waited behind it, 41 ms per request instead of 13.)
/// </summary>
internal sealed class ArrivalCounter(DateTimeOffset windowFrom, DateTimeOffset windowTo)
{
    /// <summary>Most messages one receive returns (service limit).</summary>
    private const int MaxMessagesPerRead = 32;

    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(30);
    private readonly BitArray _seen = new(1 << 16);

    /// <summary>Items read, copies included.</summary>
    public long Items { get; private set; }

    /// <summary>Different seqs read.</summary>
    public long Distinct { get; private set; }

    public long Duplicates => Items - Distinct;

    /// <summary>When the last not-yet-seen seq arrived.</summary>
    public DateTimeOffset LastNew { get; private set; }

    /// <summary>Items that arrived inside the window.</summary>
    public long ArrivedInWindow { get; private set; }

    /// <summary>Arrival minus capture time, in ms, of every item captured inside the window (first copy).</summary>
    public List<double> Latencies { get; } = [];

    /// <summary>The number of different seqs in [<paramref name="from"/>, <paramref name="to"/>] read so far.</summary>
    public long DistinctIn(long from, long to)
    {
        long count = 0;
        for (var seq = from; seq <= to && seq < _seen.Length; seq++)
        {
            count += _seen[(int)seq] ? 1 : 0;
        }

        return count;
    }

    /// <summary>Reads <paramref name="queue"/> until <paramref name="done"/> says so or <paramref name="until"/> passes.</summary>
    public async Task ReadAsync(QueueClient queue, Func<ArrivalCounter, bool> done, DateTimeOffset until, CancellationToken cancellationToken)
    {
        while (!done(this) && TimeProvider.System.GetUtcNow() < until)
        {
            var batch = (await queue.ReceiveMessagesAsync(MaxMessagesPerRead, Invisible, cancellationToken)).Value;
            var arrived = TimeProvider.System.GetUtcNow();
            if (batch.Length == 0)
            {
                await Task.Delay(5, cancellationToken);
                continue;
            }

            foreach (var reading in batch.SelectMany(m => TelemetryQueueReader.Items(m.Body.ToMemory())))
            {
                Add(reading, arrived);
            }

            await Task.WhenAll(batch.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, cancellationToken)));
        }
    }

    private void Add(QueuedReading reading, DateTimeOffset arrived)
    {
        Items++;
        if (arrived >= windowFrom && arrived < windowTo)
        {
            ArrivedInWindow++;
        }

        if (reading.Seq >= _seen.Length)
        {
            _seen.Length = (int)Math.Max(reading.Seq + 1, _seen.Length * 2L);
        }

        if (_seen[(int)reading.Seq])
        {
            return;
        }

        _seen[(int)reading.Seq] = true;
        Distinct++;
        LastNew = arrived;
        if (reading.Ts >= windowFrom && reading.Ts < windowTo)
        {
            Latencies.Add((arrived - reading.Ts).TotalMilliseconds);
        }
    }
}
