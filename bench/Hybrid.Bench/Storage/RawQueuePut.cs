using System.Diagnostics;
using Hybrid.Contracts;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench.Storage;

/// <summary>One message to put: queue name and the bytes whose base64 becomes the message text.</summary>
internal readonly record struct QueueSend(string Queue, ReadOnlyMemory<byte> Body);

/// <summary>Outcome of a raw put run: counts, wall time, rates and per-put latency percentiles.</summary>
internal sealed record RawPutResult(int Messages, long Bytes, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Messages} msgs, {Bytes / 1e6:F1} MB in {Elapsed.TotalSeconds:F2} s = {MessagesPerSecond:F0} msg/s, {MegabytesPerSecond:F1} MB/s, " +
        $"put p50 {P50.TotalMilliseconds:F1} ms, p99 {P99.TotalMilliseconds:F1} ms";
}

/// <summary>
/// The raw rate of our storage client putting queue messages directly: the <c>storage</c> bench's measurement, beside
/// bare signed HttpClient puts. Call <see cref="CreateQueueClient"/> once, then <see cref="MeasureAsync"/>.
/// </summary>
internal static class RawQueuePut
{
    /// <summary>A queue client for <paramref name="connectionString"/> with production defaults (retries, timeouts, pool).</summary>
    public static (StorageTransport Transport, StorageQueueClient Queues) CreateQueueClient(string connectionString)
    {
        var options = new StorageOptions { ConnectionString = connectionString };
        var transport = new StorageTransport(StorageAccount.Parse(connectionString), options, TimeProvider.System, NullLogger.Instance);
        return (transport, new StorageQueueClient(transport));
    }

    /// <summary>The queue messages ingest makes of <paramref name="batch"/> when every item is valid: same packer, same prefix.</summary>
    public static List<OutgoingMessage> Pack(MessagePacker packer, string queue, IngestBatch batch) =>
        packer.Pack(queue, QueueMessageWriter.Prefix(batch.Device, batch.Epoch), [.. batch.Messages.Select(m => new PackItem(m, m.Seq, null))]);

    /// <summary>Puts one batch's messages in parallel, as ingest fans out one request.</summary>
    public static async Task PutBatchAsync(StorageQueueClient queues, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var puts = await Task.WhenAll(messages.Select(m => queues.TryPutMessageAsync(m.Queue, m.Text, cancellationToken)));
        if (puts.Contains(false))
        {
            throw new InvalidOperationException("A queue vanished during the benchmark.");
        }
    }

    /// <summary>
    /// Creates the queues named in <paramref name="sends"/>, then puts every message with <paramref name="concurrency"/>
    /// puts in flight; the clock runs only around the puts.
    /// </summary>
    public static async Task<RawPutResult> MeasureAsync(StorageQueueClient queues, IReadOnlyList<QueueSend> sends, int concurrency, CancellationToken cancellationToken)
    {
        foreach (var queue in sends.Select(s => s.Queue).Distinct(StringComparer.Ordinal))
        {
            await queues.CreateQueueIfNotExistsAsync(queue, cancellationToken);
        }

        var latencies = new double[sends.Count];
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < sends.Count)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await queues.TryPutMessageAsync(sends[index].Queue, sends[index].Body, cancellationToken))
                {
                    throw new InvalidOperationException($"Queue {sends[index].Queue} vanished during the benchmark.");
                }

                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        stopwatch.Stop();
        Array.Sort(latencies);
        return new RawPutResult(
            sends.Count,
            sends.Sum(s => (long)s.Body.Length),
            stopwatch.Elapsed,
            TimeSpan.FromMilliseconds(Percentile(latencies, 0.50)),
            TimeSpan.FromMilliseconds(Percentile(latencies, 0.99)));
    }
}
