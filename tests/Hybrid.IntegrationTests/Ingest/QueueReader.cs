using System.Text.Json;
using Hybrid.IntegrationTests.Storage;

namespace Hybrid.IntegrationTests.Ingest;

/// <summary>One item as a consumer reads it from a queue message.</summary>
internal sealed record QueuedItem(string Queue, string Device, string Epoch, long Seq, string? Type, string? Payload, string? Reason);

/// <summary>The independent reader: drains queues with our storage client and parses the queue message format.</summary>
internal static class QueueReader
{
    /// <summary>Dequeues and deletes every message of <paramref name="queues"/>, returning their items.</summary>
    public static async Task<List<QueuedItem>> DrainAsync(StorageClients storage, IEnumerable<string> queues)
    {
        var items = new List<QueuedItem>();
        foreach (var queue in queues)
        {
            while (true)
            {
                var messages = await storage.Queues.GetMessagesAsync(queue, 32, TimeSpan.FromMinutes(5), default);
                if (messages.Count == 0)
                {
                    break;
                }

                foreach (var message in messages)
                {
                    items.AddRange(Parse(queue, message.Body));
                    await storage.Queues.DeleteMessageAsync(queue, message.MessageId, message.PopReceipt!, default);
                }
            }
        }

        return items;
    }

    /// <summary>Messages currently in <paramref name="queues"/> (0 for a queue that does not exist).</summary>
    public static async Task<long> CountAsync(StorageClients storage, IEnumerable<string> queues)
    {
        var total = 0L;
        foreach (var queue in queues)
        {
            total += await storage.Queues.GetApproximateMessageCountAsync(queue, default) ?? 0;
        }

        return total;
    }

    private static IEnumerable<QueuedItem> Parse(string queue, ReadOnlyMemory<byte> body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("v").GetInt32());
        var device = root.GetProperty("device").GetString()!;
        var epoch = root.GetProperty("epoch").GetString()!;
        return [.. root.GetProperty("items").EnumerateArray().Select(i => new QueuedItem(
            queue, device, epoch, i.GetProperty("seq").GetInt64(),
            i.TryGetProperty("type", out var type) ? type.GetString() : null,
            i.TryGetProperty("payload", out var payload) ? payload.GetRawText() : null,
            i.TryGetProperty("reason", out var reason) ? reason.GetString() : null))];
    }
}
