using System.Collections;
using System.Text.Json;
using Azure.Storage.Queues;

namespace Hybrid.Bench.Uplink;

/// <summary>One item of a queue message as a consumer sees it: its seq and capture time.</summary>
internal readonly record struct QueuedReading(long Seq, DateTimeOffset Ts);

/// <summary>Reads the queue message format (<c>{"v":1,"device":…,"epoch":…,"items":[…]}</c>) like a consumer would.</summary>
internal static class TelemetryQueueReader
{
    /// <summary>How long a dequeued message stays hidden; far longer than any bench reads.</summary>
    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(10);

    /// <summary>Most messages one receive returns (service limit).</summary>
    private const int MaxMessagesPerRead = 32;

    /// <summary>The items of one message body.</summary>
    public static List<QueuedReading> Items(ReadOnlyMemory<byte> body)
    {
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(i => new QueuedReading(i.GetProperty("seq").GetInt64(), i.GetProperty("ts").GetDateTimeOffset()))];
    }

    /// <summary>
    /// Dequeues every message of <paramref name="queue"/>, then clears it (one call instead of a delete per message),
    /// and checks that it held seq 1..<paramref name="expected"/> each exactly once. Returns the number of messages.
    /// </summary>
    public static async Task<int> ExpectEachOnceAsync(QueueClient queue, long expected, CancellationToken cancellationToken)
    {
        var seen = new BitArray(checked((int)expected + 1));
        long items = 0, duplicates = 0, outside = 0;
        var messages = 0;
        while ((await queue.ReceiveMessagesAsync(MaxMessagesPerRead, Invisible, cancellationToken)).Value is { Length: > 0 } batch)
        {
            messages += batch.Length;
            foreach (var reading in batch.SelectMany(m => Items(m.Body.ToMemory())))
            {
                items++;
                if (reading.Seq < 1 || reading.Seq > expected)
                {
                    outside++;
                }
                else if (seen[(int)reading.Seq])
                {
                    duplicates++;
                }
                else
                {
                    seen[(int)reading.Seq] = true;
                }
            }
        }

        await queue.ClearMessagesAsync(cancellationToken);
        if (items != expected || duplicates > 0 || outside > 0)
        {
            throw new InvalidOperationException($"queue {queue.Name} held {items:N0} items in {messages:N0} messages ({duplicates:N0} duplicates, {outside:N0} outside 1..{expected:N0}); expected each of {expected:N0} once");
        }

        return messages;
    }

    /// <summary>
    /// Until <paramref name="until"/>, dequeues and deletes what arrives in <paramref name="queue"/> and returns, for
    /// each item captured in [<paramref name="from"/>, <paramref name="to"/>), its arrival time minus its capture time
    /// in ms (same machine, same clock).
    /// </summary>
    public static async Task<List<double>> LatenciesAsync(QueueClient queue, DateTimeOffset from, DateTimeOffset to, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        while (TimeProvider.System.GetUtcNow() < until)
        {
            var batch = (await queue.ReceiveMessagesAsync(MaxMessagesPerRead, Invisible, cancellationToken)).Value;
            var arrived = TimeProvider.System.GetUtcNow();
            if (batch.Length == 0)
            {
                await Task.Delay(10, cancellationToken);
                continue;
            }

            foreach (var reading in batch.SelectMany(m => Items(m.Body.ToMemory())))
            {
                if (reading.Ts >= from && reading.Ts < to)
                {
                    latencies.Add((arrived - reading.Ts).TotalMilliseconds);
                }
            }

            await Task.WhenAll(batch.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, cancellationToken)));
        }

        return latencies;
    }
}
